import { canTransition, isTerminal, VideoTaskStatus as S } from '../../src/domain/task-status';

describe('task status state machine', () => {
  it('knows the terminal states', () => {
    expect([S.QUEUED, S.RUNNING, S.SUCCEEDED, S.FAILED, S.EXPIRED].map(isTerminal)).toEqual([false, false, true, true, true]);
  });

  it('allows only forward moves and never leaves a terminal state', () => {
    const all = Object.values(S);
    const allowed = all.flatMap((from) => all.filter((to) => from !== to && canTransition(from, to)).map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(
      ['QUEUED->RUNNING', 'QUEUED->SUCCEEDED', 'QUEUED->FAILED', 'QUEUED->EXPIRED', 'RUNNING->SUCCEEDED', 'RUNNING->FAILED', 'RUNNING->EXPIRED'].sort(),
    );
    for (const status of all) expect(canTransition(status, status)).toBe(true);
  });
});
