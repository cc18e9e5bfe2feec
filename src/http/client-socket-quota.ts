/**
 * Counts each client's open sockets so one client cannot hold an unbounded number of them
 * (`WS_MAX_SOCKETS_PER_CLIENT`). In-process: the count is per gateway instance.
 */
export class ClientSocketQuota {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerClient: number) {}

  /**
   * Takes a slot for `clientId`; returns its release (idempotent), or null when the client
   * already holds `maxPerClient` sockets.
   */
  acquire(clientId: string): (() => void) | null {
    const held = this.open.get(clientId) ?? 0;
    if (held >= this.maxPerClient) return null;
    this.open.set(clientId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(clientId) ?? 1) - 1;
      if (left > 0) this.open.set(clientId, left);
      else this.open.delete(clientId); // no entry per client that ever connected
    };
  }
}
