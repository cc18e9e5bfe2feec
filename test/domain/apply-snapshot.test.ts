import {
  adoptUpstreamTask,
  applyObservation,
  confirmCreated,
  expireTask,
  failTask,
  markOutcomeUnknown,
} from '../../src/domain/apply-snapshot';
import { VideoTaskStatus as S } from '../../src/domain/task-status';
import { queuedTask } from '../support/fixtures';

const task = queuedTask();
const NOW = '2026-01-01T00:01:00.000Z';
const observe = (status: S, extra: Partial<Parameters<typeof applyObservation>[1]> = {}) => ({
  status,
  videos: [],
  lastFrameUrl: null,
  usage: null,
  error: null,
  ...extra,
});
const usage = {
  costUsd: '0.1',
  discountUsd: '0',
  inputTokens: 0,
  outputTokens: 10,
  totalTokens: 10,
  generatedVideos: 1,
};
const video = {
  url: 'u',
  sizeBytes: 1,
  jobId: null,
  durationSeconds: 5,
  format: 'mp4',
  resolution: '720p',
  ratio: '16:9',
  fps: 24,
};

describe('applyObservation', () => {
  it('returns null when nothing changed', () => {
    expect(applyObservation(task, observe(S.QUEUED), NOW)).toBeNull();
  });

  it('moves forward and stamps updatedAt; terminal states carry results and finishedAt', () => {
    const running = applyObservation(task, observe(S.RUNNING), NOW)!;
    expect(running).toMatchObject({ status: S.RUNNING, updatedAt: NOW, finishedAt: null });
    const done = applyObservation(running, observe(S.SUCCEEDED, { videos: [video], usage, lastFrameUrl: 'l' }), NOW)!;
    expect(done).toMatchObject({
      status: S.SUCCEEDED,
      videos: [video],
      usage,
      lastFrameUrl: 'l',
      finishedAt: NOW,
      error: null,
    });
  });

  it('ignores stale (backwards) observations and anything after a terminal state', () => {
    const running = { ...task, status: S.RUNNING };
    expect(applyObservation(running, observe(S.QUEUED), NOW)).toBeNull();
    const done = { ...task, status: S.SUCCEEDED };
    expect(
      applyObservation(
        done,
        observe(S.FAILED, { error: { code: 'X', upstreamCode: null, message: 'm', retryable: true } }),
        NOW,
      ),
    ).toBeNull();
    // A replayed callback or late read of the same end must not rewrite what was billed.
    expect(applyObservation(done, observe(S.SUCCEEDED, { usage }), NOW)).toBeNull();
  });

  it('expires and fails only tasks that are not finished', () => {
    const error = { code: 'TASK_EXPIRED', upstreamCode: null, message: 'm', retryable: true };
    expect(expireTask(task, NOW, error)).toMatchObject({ status: S.EXPIRED, error, finishedAt: NOW });
    expect(expireTask({ ...task, status: S.SUCCEEDED }, NOW, error)).toBeNull();
    expect(failTask(task, NOW, error)).toMatchObject({ status: S.FAILED });
    expect(failTask({ ...task, status: S.EXPIRED }, NOW, error)).toBeNull();
  });
});

describe('write-ahead creates', () => {
  const submitting = queuedTask({ status: S.SUBMITTING, upstreamTaskId: null });

  it('confirms a SUBMITTING task as QUEUED with its upstream id, once', () => {
    const confirmed = confirmCreated(submitting, 'up-1', NOW)!;
    expect(confirmed).toMatchObject({ status: S.QUEUED, upstreamTaskId: 'up-1', updatedAt: NOW });
    expect(confirmCreated(confirmed, 'up-1', NOW)).toBeNull();
    expect(() => confirmCreated(confirmed, 'up-2', NOW)).toThrow(/already names upstream task up-1/);
  });

  it('marks only a SUBMITTING task OUTCOME_UNKNOWN', () => {
    expect(markOutcomeUnknown(submitting, NOW)).toMatchObject({ status: S.OUTCOME_UNKNOWN, upstreamTaskId: null });
    expect(markOutcomeUnknown(task, NOW)).toBeNull();
  });

  it('adopts an upstream task into an unconfirmed one, in the state read, and only once', () => {
    const unknown = markOutcomeUnknown(submitting, NOW)!;
    const adopted = adoptUpstreamTask(unknown, 'up-9', observe(S.SUCCEEDED, { videos: [video], usage }), NOW)!;
    expect(adopted).toMatchObject({ upstreamTaskId: 'up-9', status: S.SUCCEEDED, usage, finishedAt: NOW });
    expect(adopted.syncedAt).toBe(NOW);
    const queued = adoptUpstreamTask(unknown, 'up-9', observe(S.QUEUED), NOW);
    expect(queued).toMatchObject({ status: S.QUEUED, syncedAt: NOW });
    expect(adoptUpstreamTask(adopted, 'up-10', observe(S.QUEUED), NOW)).toBeNull();
    expect(adoptUpstreamTask(task, 'up-10', observe(S.QUEUED), NOW)).toBeNull();
  });
});
