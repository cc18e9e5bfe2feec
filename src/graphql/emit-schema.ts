import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printGatewaySchema } from './print-schema';

/** `npm run schema:emit`: rewrites the committed `schema.graphql` from the code. */
const target = resolve(__dirname, '../../../schema.graphql');
writeFileSync(target, printGatewaySchema());
process.stdout.write(`wrote ${target}\n`);
