/** The logging the simulator needs; a pino logger (or child) fits as is. */
export interface SimulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  /** Per-request lines; left out, they are not produced. */
  debug?(obj: object, msg?: string): void;
}
