/**
 * `npm run codegen`: regenerates the demo's typed GraphQL client from schema.graphql into
 * web/demo/gql, or into the folder given as the first argument (the freshness test's).
 */
import { rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { CLIENT_DIR, writeClient } from './generate-client';

const outDir = process.argv[2] ? resolve(process.argv[2]) : CLIENT_DIR;
rmSync(outDir, { recursive: true, force: true });
writeClient(outDir).then(
  (files) =>
    process.stdout.write(`wrote ${files.map((f) => f.file).join(', ')} in ${relative(process.cwd(), outDir)}\n`),
  (error: unknown) => {
    process.stderr.write(
      `codegen failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
