import { benchFanOut } from './fan-out';
import { benchHistoryUsage } from './history-usage';
import { benchHttpQps } from './http-qps';
import { benchLargePayload } from './large-payload';
import { benchUpstreamReads } from './upstream-reads';

/**
 * `npm run bench [-- section ...]`: each figure is measured in one run against a baseline
 * measured in the same run. Targets run in their own processes so the load generator does
 * not share their event loop. Sections run one after the other (2-core machine).
 */
const SECTIONS: Record<string, () => Promise<string[]>> = {
  'http-qps': benchHttpQps,
  'fan-out': benchFanOut,
  'upstream-reads': benchUpstreamReads,
  'history-usage': benchHistoryUsage,
  'large-payload': benchLargePayload,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0)
    throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  for (const name of asked.length > 0 ? asked : Object.keys(SECTIONS)) {
    const lines = await SECTIONS[name]!();
    process.stdout.write(`\n[${name}]\n${lines.join('\n')}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
