import { findBase64Problem, inspectBase64Layout } from '../../../src/domain/validation/base64';

const PREFIX = 'data:image/png;base64,';
const check = (payload: string) => {
  const text = PREFIX + payload;
  const layout = inspectBase64Layout(text, PREFIX.length);
  return { layout, problem: layout.ok ? findBase64Problem(text, PREFIX.length) : null };
};

describe('strict base64', () => {
  it.each([
    ['AAAA', 3],
    ['AAA=', 2],
    ['AA==', 1],
    ['aGVsbG8gd29ybGQ=', 11],
    ['+/+/', 3],
  ])('accepts canonical %p (%p bytes)', (payload, bytes) => {
    expect(check(payload)).toEqual({ layout: { ok: true, decodedBytes: bytes }, problem: null });
    expect(Buffer.from(payload, 'base64')).toHaveLength(bytes);
  });

  it('computes the decoded size from the length alone', () => {
    expect(inspectBase64Layout(PREFIX + 'A'.repeat(4000), PREFIX.length)).toEqual({ ok: true, decodedBytes: 3000 });
    // Characters are not looked at: the layout check is O(1).
    expect(inspectBase64Layout(PREFIX + '!'.repeat(4000), PREFIX.length)).toEqual({ ok: true, decodedBytes: 3000 });
  });

  it.each([
    ['', 'empty'],
    ['AAA', 'length is not a multiple of 4'],
    ['AAAAA', 'length is not a multiple of 4'],
  ])('refuses the layout of %p: %s', (payload, problem) => {
    expect(check(payload).layout).toEqual({ ok: false, problem });
  });

  it.each([
    ['AA!A', 'invalid character'],
    ['AA A', 'invalid character'],
    ['AA\nA', 'invalid character'],
    ['AA-A', 'invalid character'], // base64url alphabet, which Node would silently accept
    ['AA_A', 'invalid character'],
    ['AAé=', 'invalid character'],
    ['A===', 'misplaced padding'],
    ['====', 'misplaced padding'],
    ['AA==AAAA', 'misplaced padding'],
    ['A=AA', 'misplaced padding'],
    ['AB==', 'non-zero padding bits'],
    ['AAB=', 'non-zero padding bits'],
  ])('refuses %p: %s', (payload, problem) => {
    expect(check(payload).problem).toBe(problem);
  });
});
