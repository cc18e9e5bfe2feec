import { DecimalSum } from './decimal-sum';
import { VideoTaskStatus } from './task-status';
import type { UsageRecord } from './usage-record';

/**
 * Usage totals as a report shows them. Money is an exact decimal string; `videoSeconds` is a
 * number computed from a whole number of ticks (see {@link UsageSums}).
 */
export interface UsageTotals {
  /** Tasks submitted in the period, finished or not. */
  tasks: number;
  succeeded: number;
  failed: number;
  expired: number;
  costUsd: string;
  discountUsd: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  generatedVideos: number;
  videoSeconds: number;
}

/** Ticks per second of video: every length of whole frames at 24 fps is a whole number of ticks. */
export const VIDEO_TICKS_PER_SECOND = 24_000;

/**
 * Totals in the form they are stored and merged in: plain JSON, exact. Video length is kept
 * in whole ticks of 1/24000 s, so that sums are integers (exact, whatever order partial sums
 * are merged in; float sums are not) and a length of k frames (k / 24 s, e.g. 29 / 24 =
 * 1.2083...) adds exactly; 2^53 ticks is over 10,000 years of video.
 */
export type UsageSums = Omit<UsageTotals, 'videoSeconds'> & { videoTicks: number };

/**
 * A running total. A task is added in two independent parts: {@link addSubmission} when it
 * is known to exist (it counts in `tasks` from its submission), and {@link addRecord} once
 * it is finished (outcome, cost, tokens, videos).
 */
export class UsageTally {
  private tasks = 0;
  private succeeded = 0;
  private failed = 0;
  private expired = 0;
  private readonly cost = new DecimalSum();
  private readonly discount = new DecimalSum();
  private inputTokens = 0;
  private outputTokens = 0;
  private totalTokens = 0;
  private generatedVideos = 0;
  private videoTicks = 0;

  /** Counts one submitted task. */
  addSubmission(): this {
    this.tasks += 1;
    return this;
  }

  /** Counts what a finished task contributes (not the submission itself). */
  addRecord(record: UsageRecord): this {
    switch (record.status) {
      case VideoTaskStatus.SUCCEEDED:
        this.succeeded += 1;
        break;
      case VideoTaskStatus.FAILED:
        this.failed += 1;
        break;
      case VideoTaskStatus.EXPIRED:
        this.expired += 1;
        break;
    }
    this.cost.add(record.costUsd);
    this.discount.add(record.discountUsd);
    this.inputTokens += record.inputTokens;
    this.outputTokens += record.outputTokens;
    this.totalTokens += record.totalTokens;
    this.generatedVideos += record.generatedVideos;
    this.videoTicks += Math.round(record.videoSeconds * VIDEO_TICKS_PER_SECOND);
    return this;
  }

  /** Adds stored totals. */
  addSums(sums: UsageSums): this {
    this.tasks += sums.tasks;
    this.succeeded += sums.succeeded;
    this.failed += sums.failed;
    this.expired += sums.expired;
    this.cost.add(sums.costUsd);
    this.discount.add(sums.discountUsd);
    this.inputTokens += sums.inputTokens;
    this.outputTokens += sums.outputTokens;
    this.totalTokens += sums.totalTokens;
    this.generatedVideos += sums.generatedVideos;
    this.videoTicks += sums.videoTicks;
    return this;
  }

  /**
   * The storable form.
   * @throws RangeError when a count has outgrown exact integers (2^53), rather than storing a rounded one
   */
  toSums(): UsageSums {
    const sums: UsageSums = {
      tasks: this.tasks,
      succeeded: this.succeeded,
      failed: this.failed,
      expired: this.expired,
      costUsd: this.cost.toString(),
      discountUsd: this.discount.toString(),
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      totalTokens: this.totalTokens,
      generatedVideos: this.generatedVideos,
      videoTicks: this.videoTicks,
    };
    for (const [name, value] of Object.entries(sums)) {
      if (typeof value === 'number' && !Number.isSafeInteger(value))
        throw new RangeError(`usage ${name} exceeds exact integer range`);
    }
    return sums;
  }

  /** The report form. */
  toTotals(): UsageTotals {
    const { videoTicks, ...rest } = this.toSums();
    return { ...rest, videoSeconds: videoTicks / VIDEO_TICKS_PER_SECOND };
  }
}
