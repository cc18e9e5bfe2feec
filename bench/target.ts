import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A benchmark target process and a way to talk to it over IPC. */
export interface Target {
  child: ChildProcess;
  info: Record<string, string>;
  request<T>(message: Record<string, unknown>): Promise<T>;
  stop(): void;
}

/** Forks `targets/<script>` (compiled), waits for its ready line (30 s at most). */
export async function startTarget(
  script: string,
  env: Record<string, string> = {},
  execArgv: string[] = [],
): Promise<Target> {
  const child = fork(join(__dirname, 'targets', script), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv,
  });
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [line] = (await once(lines, 'line')) as [string];
  clearTimeout(timer);
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  child.on('message', (message: { id: number; result: unknown }) => {
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  return {
    child,
    info: JSON.parse(line) as Record<string, string>,
    request<T>(message: Record<string, unknown>) {
      const id = nextId++;
      return new Promise<T>((resolve) => {
        pending.set(id, resolve as (result: unknown) => void);
        child.send({ ...message, id });
      });
    },
    stop: () => {
      // Ask for a normal exit (profilers write on exit); kill if it does not come.
      if (child.connected) child.send({ type: 'exit', id: 0 });
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    },
  };
}

/** The q-quantile (0..1) of `values` (nearest rank). */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}
