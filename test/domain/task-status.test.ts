import { canTransition, isTerminal, isUnconfirmed, VideoTaskStatus as S } from '../../src/domain/task-status';

describe('task status state machine', () => {
  it('knows the terminal states', () => {
    const all = [S.SUBMITTING, S.OUTCOME_UNKNOWN, S.QUEUED, S.RUNNING, S.SUCCEEDED, S.FAILED, S.EXPIRED];
    expect(all.map(isTerminal)).toEqual([false, false, false, false, true, true, true]);
  });

  it('knows the unconfirmed states (no upstream task known yet)', () => {
    expect(Object.values(S).filter(isUnconfirmed)).toEqual([S.SUBMITTING, S.OUTCOME_UNKNOWN]);
  });

  it('allows only forward moves and never leaves a terminal state', () => {
    const all = Object.values(S);
    const allowed = all.flatMap((from) =>
      all.filter((to) => from !== to && canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    const later = (from: S, to: S[]) => to.map((t) => `${from}->${t}`);
    const ends = [S.SUCCEEDED, S.FAILED, S.EXPIRED];
    expect(allowed.sort()).toEqual(
      [
        ...later(S.SUBMITTING, [S.OUTCOME_UNKNOWN, S.QUEUED, S.RUNNING, ...ends]),
        // Adoption: a callback may find the upstream task in any state.
        ...later(S.OUTCOME_UNKNOWN, [S.QUEUED, S.RUNNING, ...ends]),
        ...later(S.QUEUED, [S.RUNNING, ...ends]),
        ...later(S.RUNNING, ends),
      ].sort(),
    );
    for (const status of all) expect(canTransition(status, status)).toBe(true);
  });
});
