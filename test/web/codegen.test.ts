import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '../..');
const CLIENT_DIR = join(ROOT, 'web/demo/gql');

/**
 * The demo's typed client is generated from schema.graphql; the committed copy must be current.
 * The generator runs as `npm run codegen` does, in node (its plugins are ES modules jest cannot load).
 */
describe('generated GraphQL client (web/demo/gql)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'web-codegen-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('matches a fresh generation from schema.graphql and the operations (run `npm run codegen` if not)', async () => {
    const out = join(dir, 'gql');
    await promisify(execFile)(process.execPath, ['-r', './test/support/register-ts.js', 'web/codegen/cli.ts', out], {
      cwd: ROOT,
    });
    const fresh = readdirSync(out).sort();
    expect(readdirSync(CLIENT_DIR).sort()).toEqual(fresh);
    for (const file of fresh) {
      expect({ file, content: readFileSync(join(CLIENT_DIR, file), 'utf8') }).toEqual({
        file,
        content: readFileSync(join(out, file), 'utf8'),
      });
    }
  });

  it('has a typed document for each operation of web/demo/operations.graphql', () => {
    const generated = readFileSync(join(CLIENT_DIR, 'graphql.ts'), 'utf8');
    for (const name of ['GenerateVideo', 'TaskUpdated', 'TaskHistory', 'DailyUsage']) {
      expect(generated).toMatch(new RegExp(`export const ${name}Document = new TypedDocumentString`));
    }
  });
});
