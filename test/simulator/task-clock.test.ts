import { markerOf, nextChangeAt, stateAt, type Timeline } from '../../src/simulator/task-clock';

const timeline = (overrides: Partial<Timeline> = {}): Timeline => ({
  course: { kind: 'running', phase: 'pending', sinceMs: 1000 },
  marker: 'none',
  queueMs: 100,
  runMs: 200,
  expiresAtMs: 1_000_000,
  ...overrides,
});

describe('task clock', () => {
  it('derives the status from timestamps', () => {
    const t = timeline();
    expect(stateAt(t, 1000)).toEqual({ status: 'pending', sinceMs: 1000 });
    expect(stateAt(t, 1099)).toEqual({ status: 'pending', sinceMs: 1000 });
    expect(stateAt(t, 1100)).toEqual({ status: 'processing', sinceMs: 1100 });
    expect(stateAt(t, 1300)).toEqual({ status: 'completed', sinceMs: 1300 });
  });

  it('tells when the next change is due', () => {
    const t = timeline();
    expect(nextChangeAt(t, 1000)).toBe(1100);
    expect(nextChangeAt(t, 1100)).toBe(1300);
    expect(nextChangeAt(t, 1300)).toBeNull();
    expect(nextChangeAt(timeline({ marker: 'stall' }), 1200)).toBe(1_000_000);
    expect(nextChangeAt(timeline({ course: { kind: 'settled', status: 'failed', atMs: 5 } }), 0)).toBeNull();
  });

  it('lets expiry win only when it comes strictly before the end', () => {
    expect(stateAt(timeline({ expiresAtMs: 1300 }), 1300).status).toBe('completed');
    expect(stateAt(timeline({ expiresAtMs: 1299 }), 1299)).toEqual({ status: 'expired', sinceMs: 1299 });
    expect(stateAt(timeline({ expiresAtMs: 1050 }), 1060)).toEqual({ status: 'expired', sinceMs: 1050 });
    expect(nextChangeAt(timeline({ expiresAtMs: 1050 }), 1000)).toBe(1050);
  });

  it('restarts from a processing anchor', () => {
    const t = timeline({ course: { kind: 'running', phase: 'processing', sinceMs: 5000 } });
    expect(stateAt(t, 5000)).toEqual({ status: 'processing', sinceMs: 5000 });
    expect(stateAt(t, 5200)).toEqual({ status: 'completed', sinceMs: 5200 });
  });

  it('reads prompt markers, fail first', () => {
    expect(markerOf(null)).toBe('none');
    expect(markerOf('a fox')).toBe('none');
    expect(markerOf('a fox [sim:stall]')).toBe('stall');
    expect(markerOf('[sim:expire] a fox')).toBe('expire');
    expect(markerOf('[sim:stall][sim:fail]')).toBe('fail');
    expect(markerOf('[SIM:FAIL]')).toBe('none');
  });
});
