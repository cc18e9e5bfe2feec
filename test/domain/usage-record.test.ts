import { VideoTaskStatus } from '../../src/domain/task-status';
import { sameUsageRecord, usageRecordOf } from '../../src/domain/usage-record';
import { observe, observeRunning, submittedTask } from '../support/usage-fixtures';

const T0 = Date.parse('2026-01-01T10:00:00Z');

describe('usageRecordOf', () => {
  it('takes cost, tokens and videos of a success, with the resolved length per video', () => {
    const task = observe(
      {
        status: VideoTaskStatus.SUCCEEDED,
        costUsd: '0.0375000',
        discountUsd: '0.01',
        inputTokens: 1000,
        outputTokens: 2000,
        videos: 2,
      },
      T0 + 1,
    )(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0, durationSeconds: 2.375 }))!;
    expect(usageRecordOf(task)).toEqual({
      taskId: 'vt_1',
      clientId: 'alice',
      createdAt: task.createdAt,
      model: task.model,
      mode: task.mode,
      resolution: task.options.resolution,
      serviceTier: task.options.serviceTier,
      status: VideoTaskStatus.SUCCEEDED,
      costUsd: '0.0375',
      discountUsd: '0.01',
      inputTokens: 1000,
      outputTokens: 2000,
      totalTokens: 3000,
      generatedVideos: 2,
      videoSeconds: 4.75,
    });
  });

  it('counts failures and expiries at zero', () => {
    for (const status of [VideoTaskStatus.FAILED, VideoTaskStatus.EXPIRED] as const) {
      const task = observe({ status }, T0 + 1)(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }))!;
      expect(usageRecordOf(task)).toMatchObject({
        status,
        costUsd: '0',
        discountUsd: '0',
        totalTokens: 0,
        generatedVideos: 0,
        videoSeconds: 0,
      });
    }
  });

  it('refuses unfinished tasks', () => {
    const queued = submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 });
    expect(() => usageRecordOf(queued)).toThrow(/QUEUED/);
    expect(() => usageRecordOf(observeRunning(T0 + 1)(queued)!)).toThrow(RangeError);
  });

  it('is the same record however often the end is observed', () => {
    const finished = observe(
      { status: VideoTaskStatus.SUCCEEDED, costUsd: '0.1' },
      T0 + 1,
    )(submittedTask({ id: 'vt_1', clientId: 'alice', createdAtMs: T0 }))!;
    const again = { ...finished, revision: finished.revision + 5, updatedAt: new Date(T0 + 99).toISOString() };
    expect(sameUsageRecord(usageRecordOf(finished), usageRecordOf(again))).toBe(true);
    expect(sameUsageRecord(usageRecordOf(finished), { ...usageRecordOf(finished), costUsd: '0.2' })).toBe(false);
  });
});
