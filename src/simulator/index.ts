/**
 * The embedded Spark Dance simulator. Only `main.ts` and tests should import it; the gateway
 * reaches it over HTTP like the real upstream.
 */
export { startSimulator, type RunningSimulator, type SimulatorFaults, type SimulatorOptions } from './simulator';
export type { SimulatorControl } from './control';
export { FaultRuleError, type FaultRoute, type FaultRule } from './faults';
export type { SimulatorLogger } from './logger';
export type { SimulatorStats } from './stats';
export { UnknownTaskError } from './task-book';
export type { WireTask, WireCreated, WireVideoItem, WireImageItem } from './task-view';
export type { SimUsage } from './pricing';
export {
  FRAME_SIZES,
  INPUT_TOKENS_PER_IMAGE,
  MICRO_USD_PER_MILLION_OUTPUT_TOKENS,
  computeUsage,
  formatPicoUsd,
  outputTokens,
} from './pricing';
export type { SimTaskStatus, SimModel, SimResolution, SimRatio, SimServiceTier } from './wire-values';
