import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Loading this module turns on --expose-gc for contexts created from now on, and takes `gc` from a fresh one.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The heap in use (bytes) once garbage collection has freed what it can. */
export async function heapAfterGc(): Promise<number> {
  // Several rounds: finalizers and weak references released by one collection free more in the next.
  for (let round = 0; round < 4; round++) {
    gc();
    await new Promise((resolveTick) => setImmediate(resolveTick));
  }
  return process.memoryUsage().heapUsed;
}
