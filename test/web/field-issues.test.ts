import { fieldOf, groupIssues } from '../../web/demo/field-issues';

/** The demo places each InvalidInputError issue under the field its path names. */
describe('demo field issues', () => {
  it('maps issue paths to form fields', () => {
    expect(fieldOf(['prompt'])).toBe('prompt');
    expect(fieldOf(['options', 'duration'])).toBe('options.duration');
    expect(fieldOf(['images', '2'])).toBe('images');
    expect(fieldOf(['firstFrame'])).toBe('firstFrame');
    expect(fieldOf([])).toBe('form');
    expect(fieldOf(['options'])).toBe('form');
    expect(fieldOf(['somethingNew'])).toBe('form');
  });

  it('groups issues by field, naming the reference image (1-based) an issue is about', () => {
    const grouped = groupIssues([
      { path: ['images', '1'], code: 'INVALID_IMAGE_DIMENSIONS', message: 'too small' },
      { path: ['images'], code: 'TOO_MANY_IMAGES', message: 'at most 4' },
      { path: ['options', 'frames'], code: 'INVALID_FRAMES', message: 'not 25+4n' },
      { path: ['unknown'], code: 'X', message: 'other' },
    ]);
    expect(Object.fromEntries(grouped)).toEqual({
      images: ['image 2: too small (INVALID_IMAGE_DIMENSIONS)', 'at most 4 (TOO_MANY_IMAGES)'],
      'options.frames': ['not 25+4n (INVALID_FRAMES)'],
      form: ['other (X)'],
    });
  });
});
