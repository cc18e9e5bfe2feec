import { GenerationMode, VideoModel } from '../../src/domain/generation-mode';
import { ServiceTier, VideoResolution } from '../../src/domain/generation-options';
import { VideoTaskStatus } from '../../src/domain/task-status';
import { buildUsageCell, settleUsageCell } from '../../src/domain/usage-cell';
import { usageDimensionsOf, usageRecordOf, type UsageRecord } from '../../src/domain/usage-record';
import { observe, submittedTask } from '../support/usage-fixtures';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const task = (id: string, resolution = VideoResolution.P720) => submittedTask({ id, clientId: 'alice', createdAtMs: T0, resolution });
const finished = (id: string, costUsd: string, resolution = VideoResolution.P720): UsageRecord =>
  usageRecordOf(observe({ status: VideoTaskStatus.SUCCEEDED, costUsd, outputTokens: 10 }, T0 + 1)(task(id, resolution))!);

describe('usage cells', () => {
  it('counts every task as submitted, finished ones with their outcome, and lists the unfinished', () => {
    const cell = buildUsageCell([
      { finished: true, record: finished('vt_1', '0.1') },
      { finished: true, record: finished('vt_2', '0.2', VideoResolution.P1080) },
      { finished: false, taskId: 'vt_3', dimensions: usageDimensionsOf(task('vt_3')) },
      { finished: true, record: finished('vt_1', '0.1') }, // the same task again: once
    ]);
    expect(cell.pending).toEqual(['vt_3']);
    expect(cell.rows.map((r) => [r.dimensions.resolution, r.sums.tasks, r.sums.succeeded, r.sums.costUsd, r.sums.outputTokens])).toEqual([
      [VideoResolution.P1080, 1, 1, '0.2', 10],
      [VideoResolution.P720, 2, 1, '0.1', 10],
    ]);
    expect(cell.rows[0]!.dimensions).toEqual({ model: VideoModel.SPARK_DANCE_V1_0_LITE_T2V, mode: GenerationMode.TEXT_TO_VIDEO, resolution: VideoResolution.P1080, serviceTier: ServiceTier.DEFAULT });
  });

  it('adds a pending task outcome exactly once, and ignores records of tasks that are not pending', () => {
    const cell = buildUsageCell([
      { finished: true, record: finished('vt_1', '0.1') },
      { finished: false, taskId: 'vt_2', dimensions: usageDimensionsOf(task('vt_2')) },
    ]);
    const records = new Map([
      ['vt_2', finished('vt_2', '0.0375')],
      ['vt_1', finished('vt_1', '0.1')],
    ]);
    const settled = settleUsageCell(cell, records);
    expect(settled.pending).toEqual([]);
    expect(settled.rows).toHaveLength(1);
    expect(settled.rows[0]!.sums).toMatchObject({ tasks: 2, succeeded: 2, costUsd: '0.1375', outputTokens: 20 });
    // Settling again (a second report, a second process) changes nothing.
    expect(settleUsageCell(settled, records)).toBe(settled);
    expect(settleUsageCell(cell, new Map())).toBe(cell);
  });

  it('does not depend on the order tasks come in', () => {
    const tasks = ['0.1', '0.0375', '1.23456789', '0.3'].map((cost, i) => ({ finished: true as const, record: finished(`vt_${i}`, cost, i % 2 ? VideoResolution.P480 : VideoResolution.P720) }));
    expect(buildUsageCell([...tasks].reverse())).toEqual(buildUsageCell(tasks));
  });
});
