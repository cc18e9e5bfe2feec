/**
 * The text prompt: required for text-to-video, optional for the image modes (the images say
 * what to animate), and only advisory in length.
 */
import { GenerationMode } from '../generation-mode';
import { OPTION_LIMITS } from '../generation-options';
import { InputIssueCode, type InputIssue } from '../input-issue';

/** The outcome of {@link resolvePrompt}: the prompt to send (null = none) with warnings, or the issue. */
export type PromptResolution =
  { ok: true; prompt: string | null; warnings: string[] } | { ok: false; issues: InputIssue[] };

/** The default `MAX_PROMPT_CHARS`: ten times the docs' recommendation, far beyond any real prompt. */
export const DEFAULT_MAX_PROMPT_CHARS = 5_000;

/**
 * Checks the prompt for `mode`. A missing, empty or whitespace-only prompt is refused for
 * text-to-video (`MISSING_PROMPT` at `["prompt"]`) and becomes null for image modes, so no
 * empty text item is sent upstream. A non-blank prompt is kept exactly as given.
 *
 * Longer than the docs' recommended 500 characters is accepted with a warning: the docs only
 * say the model may then ignore details, not that the request fails. Longer than `maxChars`
 * (`MAX_PROMPT_CHARS`) is refused (`PROMPT_TOO_LONG`): nothing that large is stored or sent. Characters are counted
 * as Unicode code points, so a Chinese or emoji prompt is measured the way a person would.
 */
export function resolvePrompt(
  mode: GenerationMode,
  prompt: unknown,
  maxChars = DEFAULT_MAX_PROMPT_CHARS,
): PromptResolution {
  // Bounded before anything else looks at it (a code point is at most two UTF-16 units).
  if (typeof prompt === 'string' && prompt.length > maxChars) {
    const length = prompt.length > 2 * maxChars ? undefined : codePointLength(prompt);
    if (length === undefined || length > maxChars) {
      const shown = length === undefined ? `over ${2 * maxChars}` : String(length);
      const message =
        `The prompt is ${shown} characters; at most ${maxChars} are accepted ` +
        `(the docs recommend at most ${OPTION_LIMITS.recommendedPromptLength}).`;
      return { ok: false, issues: [{ path: ['prompt'], code: InputIssueCode.PROMPT_TOO_LONG, message }] };
    }
  }
  const text = typeof prompt === 'string' && prompt.trim().length > 0 ? prompt : null;
  if (text === null) {
    if (mode === GenerationMode.TEXT_TO_VIDEO) {
      return {
        ok: false,
        issues: [
          {
            path: ['prompt'],
            code: InputIssueCode.MISSING_PROMPT,
            message: 'Text-to-video needs a prompt describing the video; it is missing or blank.',
          },
        ],
      };
    }
    return { ok: true, prompt: null, warnings: [] };
  }
  const warnings: string[] = [];
  const length = codePointLength(text);
  const recommended = OPTION_LIMITS.recommendedPromptLength;
  if (length > recommended) {
    warnings.push(
      `The prompt is ${length} characters; the docs recommend at most ${recommended}. It was accepted, but the ` +
        `model may ignore details and focus only on the key points.`,
    );
  }
  return { ok: true, prompt: text, warnings };
}

/** Number of Unicode code points (a surrogate pair counts once), without allocating an array. */
function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
