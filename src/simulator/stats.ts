/** Counters that tests read to assert how the gateway used the upstream. */

/** A snapshot of the simulator's counters. */
export interface SimulatorStats {
  /** Requests that reached the create route, whatever their outcome (faulted, refused, created). */
  creates: number;
  /** Requests that reached the status route, whatever their outcome. */
  statusReads: number;
  /** Status reads per requested task id (unknown ids included). */
  statusReadsByTask: Record<string, number>;
  /** Callbacks answered with a 2xx. */
  callbacksSent: number;
  /** Callbacks that failed: network error, timeout or non-2xx answer. */
  callbacksFailed: number;
}

/** Mutable counters behind {@link SimulatorStats}. */
export class StatsRecorder {
  private creates = 0;
  private statusReads = 0;
  private readonly readsByTask = new Map<string, number>();
  private callbacksSent = 0;
  private callbacksFailed = 0;

  /** A request reached the create route. */
  recordCreate(): void {
    this.creates++;
  }

  /** A request reached the status route for `taskId`. */
  recordStatusRead(taskId: string): void {
    this.statusReads++;
    this.readsByTask.set(taskId, (this.readsByTask.get(taskId) ?? 0) + 1);
  }

  /** A callback attempt ended; `delivered` when answered with a 2xx. */
  recordCallback(delivered: boolean): void {
    if (delivered) this.callbacksSent++;
    else this.callbacksFailed++;
  }

  /** A copy; later requests do not change it. */
  snapshot(): SimulatorStats {
    return {
      creates: this.creates,
      statusReads: this.statusReads,
      // fromEntries defines own properties, so an id like "__proto__" cannot touch the prototype.
      statusReadsByTask: Object.fromEntries(this.readsByTask),
      callbacksSent: this.callbacksSent,
      callbacksFailed: this.callbacksFailed,
    };
  }

  /** Sets every counter back to zero. */
  reset(): void {
    this.creates = 0;
    this.statusReads = 0;
    this.readsByTask.clear();
    this.callbacksSent = 0;
    this.callbacksFailed = 0;
  }
}
