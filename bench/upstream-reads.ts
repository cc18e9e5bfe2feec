import { startTarget, type Target } from './target';

const GENERATION_S = Number(process.env.BENCH_GENERATION_S ?? 60);
const TASKS = 5;

interface Setup {
  name: string;
  env: Record<string, string>;
}

/** Submits TASKS tasks, waits for them to finish upstream and in the gateway, returns reads per task. */
async function readsPerTask(target: Target): Promise<number> {
  const tasks = await target.request<Array<{ upstreamTaskId: string }>>({ type: 'submit', count: TASKS });
  const deadline = Date.now() + (GENERATION_S + 120) * 1000;
  for (;;) {
    const stats = await target.request<{ watched: number; simulator: { statusReadsByTask: Record<string, number> } }>({
      type: 'stats',
    });
    if (stats.watched === 0) {
      const reads = tasks.map((t) => stats.simulator.statusReadsByTask[t.upstreamTaskId] ?? 0);
      return reads.reduce((a, b) => a + b, 0) / reads.length;
    }
    if (Date.now() > deadline) throw new Error('tasks did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Upstream status reads per task for a generation of GENERATION_S seconds (default 60:
 * queued 2 s, running the rest), with the default adaptive schedule, with callbacks on, and
 * with a fixed 1-second poller, all in the same run (in parallel: the count does not depend
 * on CPU).
 */
export async function benchUpstreamReads(): Promise<string[]> {
  const queueMs = 2000;
  const simEnv = { BENCH_SIM_QUEUE_MS: String(queueMs), BENCH_SIM_RUN_MS: String(GENERATION_S * 1000 - queueMs) };
  const setups: Setup[] = [
    {
      name: 'fixed 1 s poller',
      env: { BENCH_GATEWAY_ENV: JSON.stringify({ POLL_MIN_INTERVAL_MS: '1000', POLL_MAX_INTERVAL_MS: '1000' }) },
    },
    { name: 'adaptive, callbacks off (defaults)', env: {} },
    { name: 'adaptive, callbacks on', env: { BENCH_CALLBACKS: '1' } },
  ];
  const targets = await Promise.all(
    setups.map((setup) => startTarget('gateway-target.js', { ...simEnv, ...setup.env })),
  );
  try {
    const results = await Promise.all(targets.map((target) => readsPerTask(target)));
    const fixed = results[0]!;
    return [
      `upstream status reads per task, ${GENERATION_S} s generation, ${TASKS} tasks each (goals: <= 12 callbacks off, <= 3 callbacks on):`,
      ...setups.map(
        (setup, i) =>
          `  ${setup.name.padEnd(36)} ${results[i]!.toFixed(1)} reads/task (ratio to fixed 1 s: ${(results[i]! / fixed).toFixed(3)})`,
      ),
    ];
  } finally {
    for (const target of targets) target.stop();
  }
}
