import { DOCUMENTED_UPSTREAM_CODES, UpstreamErrorCode, describeUpstreamCode } from '../../src/upstream/error-codes';
import { codeForHttpFailure } from '../../src/upstream/upstream-error';

/** The codes of the docs' two tables, copied here so the test does not depend on the docs at run time. */
const T2V = [
  '001',
  '002',
  '003',
  '004',
  '005',
  '006',
  '007',
  '008',
  '009',
  '010',
  '095',
  '096',
  '097',
  '098',
  '099',
].map((s) => `003004${s}`);
const I2V = ['095', '096', '097', '098', '099'].map((s) => `003006${s}`);

describe('upstream error-code table', () => {
  it('maps every documented code, and only those', () => {
    expect([...DOCUMENTED_UPSTREAM_CODES].sort()).toEqual([...T2V, ...I2V].sort());
    for (const code of [...T2V, ...I2V]) {
      const info = describeUpstreamCode(code);
      expect(info?.code).toMatch(/^UPSTREAM_/);
      expect(info?.description.length).toBeGreaterThan(3);
    }
  });

  it('marks request problems as not retryable and upstream failures as retryable', () => {
    expect(describeUpstreamCode('003004003')).toMatchObject({
      code: UpstreamErrorCode.INVALID_RESOLUTION,
      retryable: false,
    });
    expect(describeUpstreamCode('003004010')).toMatchObject({ code: UpstreamErrorCode.MISSING_TEXT, retryable: false });
    expect(describeUpstreamCode('003006095')).toMatchObject({
      code: UpstreamErrorCode.GENERATION_FAILED,
      retryable: true,
    });
    expect(describeUpstreamCode(' 003004099 ')).toMatchObject({ code: UpstreamErrorCode.TASK_CREATION_FAILED });
    expect(describeUpstreamCode('003006001')).toBeUndefined(); // not in the I2V table
    expect(describeUpstreamCode('nonsense')).toBeUndefined();
  });

  it('falls back to the HTTP status for undocumented codes', () => {
    expect(codeForHttpFailure(400, '999')).toBe(UpstreamErrorCode.BAD_REQUEST);
    expect(codeForHttpFailure(401, null)).toBe(UpstreamErrorCode.AUTH_FAILED);
    expect(codeForHttpFailure(403, null)).toBe(UpstreamErrorCode.AUTH_FAILED);
    expect(codeForHttpFailure(404, null)).toBe(UpstreamErrorCode.NOT_FOUND);
    expect(codeForHttpFailure(429, null)).toBe(UpstreamErrorCode.RATE_LIMITED);
    expect(codeForHttpFailure(502, null)).toBe(UpstreamErrorCode.SERVER_ERROR);
    expect(codeForHttpFailure(500, '003004097')).toBe(UpstreamErrorCode.HTTP_ERROR);
  });
});
