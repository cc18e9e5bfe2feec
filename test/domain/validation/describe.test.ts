import { describeValue, MAX_ECHOED_CHARS } from '../../../src/domain/validation/describe';

describe('describeValue', () => {
  it('quotes short strings and prints other values as text', () => {
    expect(describeValue('4:5')).toBe('"4:5"');
    expect(describeValue(13)).toBe('13');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(true)).toBe('true');
    expect(describeValue({})).toBe('object');
  });

  it('cuts long strings and notes their length', () => {
    const long = 'x'.repeat(1000);
    expect(describeValue(long)).toBe(`"${'x'.repeat(MAX_ECHOED_CHARS)}"... (1000 characters)`);
  });

  it('never shows the payload of a data URL, however short', () => {
    expect(describeValue('data:image/PNG;base64,AAAA')).toBe('"data:image/PNG;base64,"... (26 characters)');
    expect(describeValue('DATA:image/png;base64,' + 'Q'.repeat(100))).toBe(
      '"DATA:image/png;base64,"... (122 characters)',
    );
  });
});
