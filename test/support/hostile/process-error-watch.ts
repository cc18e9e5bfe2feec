import { head } from './failure-text';
import { hostProcess } from './host-process';

/**
 * Records, between `start()` and `stop()`, the unhandled rejections of the real process and
 * every console.error call (silenced meanwhile): graphql-ws reports internal errors through
 * console.error only.
 */
export class ProcessErrorWatch {
  private readonly unhandled: unknown[] = [];
  private readonly consoleErrors: unknown[][] = [];
  private readonly host = hostProcess();
  private readonly onUnhandled = (reason: unknown): void => void this.unhandled.push(reason);
  private errorSpy: jest.SpyInstance | undefined;

  start(): void {
    this.host.on('unhandledRejection', this.onUnhandled);
    this.errorSpy = jest
      .spyOn(console, 'error')
      .mockImplementation((...args: unknown[]) => void this.consoleErrors.push(args));
  }

  stop(): void {
    this.host.off('unhandledRejection', this.onUnhandled);
    this.errorSpy?.mockRestore();
  }

  /** How many console.error calls so far: a mark for `assertNoConsoleErrorsSince`. */
  get consoleErrorCount(): number {
    return this.consoleErrors.length;
  }

  /** Throws when console.error was called after the mark `before`. */
  assertNoConsoleErrorsSince(before: number): void {
    if (this.consoleErrors.length > before) {
      throw new Error(
        `console.error was called (graphql-ws reports internal errors this way): ${head(
          this.consoleErrors
            .slice(before)
            .map((args) => args.map(String).join(' '))
            .join('\n'),
          1500,
        )}`,
      );
    }
  }

  /** Throws when any unhandled rejection was recorded. */
  assertNoUnhandledRejections(): void {
    if (this.unhandled.length > 0)
      throw new Error(
        `unhandled rejections: ${head(this.unhandled.map((r) => (r instanceof Error ? r.stack : String(r))).join('\n'), 1500)}`,
      );
  }
}
