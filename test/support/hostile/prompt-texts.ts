import fc from 'fast-check';
import { repeatedText, textOf } from './lazy-string';

/** Characters a prompt or key may hold that tend to break things: controls, bidi, BOM, lone surrogates, emoji. */
const TRICKY_CHARS = [
  '\u0000',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\udfff',
  '😀',
  '👩‍👩‍👧',
  'é',
  'e\u0301',
  '中文',
  '\\',
  '"',
  "'",
  '<script>',
  '&amp;',
  '{}',
  '$',
  '%s',
  '${x}',
  '\\u0000',
  'a',
  'Z',
  ' ',
  '[sim',
  ']',
];
/** One of the characters that tend to break things (a `unit` for `fc.string`). */
export const trickyChar = fc.constantFrom(...TRICKY_CHARS);

/** What JavaScript's trim() removes: a prompt of only these is blank. */
const BLANK_CHARS = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u000c',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];

/** The default MAX_PROMPT_CHARS: the longest prompt accepted. */
const MAX_PROMPT_CHARS = 5_000;

/** Any text a prompt may be: short strings of any characters, or up to MAX_PROMPT_CHARS characters. */
const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: trickyChar, maxLength: 40 }),
  fc.nat({ max: MAX_PROMPT_CHARS }).map((n) => repeatedText('p', n)),
);

/** A prompt over MAX_PROMPT_CHARS (up to 1,000,000 characters): refused, whatever the mode. */
export const tooLongPrompt = fc.integer({ min: MAX_PROMPT_CHARS + 1, max: 1_000_000 }).map((n) => repeatedText('p', n));

/** A prompt the docs accept for text-to-video: not blank. `[sim:...]` would steer the simulator. */
export const nonBlankPrompt = anyText.filter((p) => textOf(p).trim().length > 0 && !textOf(p).includes('[sim:'));

/** The optional prompt of the image modes: any text (not steering the simulator) or null. */
export const optionalPrompt = fc.option(
  anyText.filter((p) => !textOf(p).includes('[sim:')),
  { nil: null },
);

/** A prompt that is empty or only whitespace (up to 50,000 characters of it). */
export const blankPrompt = fc.oneof(
  fc.constant(''),
  fc.string({ unit: fc.constantFrom(...BLANK_CHARS), minLength: 1, maxLength: 20 }),
  fc.nat({ max: 50_000 }).map((n) => repeatedText(' ', n)),
);
