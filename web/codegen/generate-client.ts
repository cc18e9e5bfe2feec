import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { codegen } from '@graphql-codegen/core';
import { preset, type ClientPresetConfig } from '@graphql-codegen/client-preset';
import { Kind, buildSchema, parse, print, type DocumentNode } from 'graphql';

const ROOT = join(__dirname, '../..');
/** The schema the gateway emits (`npm run schema:emit`); the demo is typed against it. */
export const SCHEMA_FILE = join(ROOT, 'schema.graphql');
/** The demo's operations. */
export const OPERATIONS_FILE = join(ROOT, 'web/demo/operations.graphql');
/** Where the typed client is committed. */
export const CLIENT_DIR = join(ROOT, 'web/demo/gql');

/** One generated file, its path relative to the output folder. */
export interface GeneratedFile {
  file: string;
  content: string;
}

/**
 * GraphQL Code Generator's client preset, run through its programmatic API (`@graphql-codegen/cli`
 * pulls in packages that need Node 22): typed documents as strings, ready for fetch and graphql-ws.
 */
export async function generateClient(): Promise<GeneratedFile[]> {
  const schemaText = readFileSync(SCHEMA_FILE, 'utf8');
  const operationsText = readFileSync(OPERATIONS_FILE, 'utf8');
  const baseOutputDir = `${CLIENT_DIR}/`;
  const presetConfig: ClientPresetConfig = { fragmentMasking: false };
  const outputs = await preset.buildGeneratesSection({
    baseOutputDir,
    presetConfig,
    plugins: [],
    pluginMap: {},
    schema: parse(schemaText),
    schemaAst: buildSchema(schemaText),
    documents: operationDocuments(operationsText),
    config: {
      documentMode: 'string',
      useTypeImports: true,
      enumsAsTypes: true,
      scalars: { DateTime: 'string', SafeInt: 'number' },
      strictScalars: true,
    },
  });
  const files: GeneratedFile[] = [];
  for (const output of outputs) {
    files.push({ file: relative(CLIENT_DIR, output.filename), content: await codegen(output) });
  }
  return files.sort((a, b) => a.file.localeCompare(b.file));
}

/** One document per operation or fragment, so the generated `graphql()` overloads stay short. */
function operationDocuments(text: string): Array<{ location: string; document: DocumentNode; rawSDL: string }> {
  const location = relative(ROOT, OPERATIONS_FILE);
  return parse(text).definitions.map((definition) => ({
    location,
    document: { kind: Kind.DOCUMENT, definitions: [definition] },
    rawSDL: print(definition),
  }));
}

/** Writes the generated client under `dir` (the committed folder, or a temporary one to compare). */
export async function writeClient(dir: string = CLIENT_DIR): Promise<GeneratedFile[]> {
  const files = await generateClient();
  for (const { file, content } of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  return files;
}
