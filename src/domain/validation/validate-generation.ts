/**
 * The single entry point for checking a generation request against the Spark Dance docs
 * before anything is sent (and billed) upstream. It composes the prompt, image and option
 * rules and reports every problem at once, so a frontend can fix a form in one round trip.
 */
import { GenerationMode, ImageRole, modelForMode } from '../generation-mode';
import type { GenerationRequest, ValidatedImage, ValidationResult } from '../generation-request';
import { InputIssueCode, type InputIssue } from '../input-issue';
import { checkImageSource } from './image-source';
import { resolvePrompt } from './prompt';
import { resolveOptions } from './resolve-options';

/** Reference-images mode takes 1 to 4 images (docs: "Need to pass 1-4 image_url objects"). */
export const REFERENCE_IMAGE_COUNT = { min: 1, max: 4 } as const;

/** One image of a request with the role the mode gives it and where it sits in the input. */
interface ImageSlot {
  source: unknown;
  role: ImageRole;
  path: string[];
}

/**
 * Validates `request` and applies every default. Returns either the generation ready to
 * submit (model chosen from the mode, images with their stored facts, resolved options and
 * warnings) or all issues found, each with a path relative to the mode's input object, e.g.
 * `["prompt"]`, `["options", "frames"]`, `["images", "2"]`, `["firstFrame"]`. `limits.maxPromptChars`
 * is `MAX_PROMPT_CHARS` (default 5,000).
 *
 * Synchronous and CPU-bound: a request with four ~30 MB data URLs costs a few hundred
 * milliseconds (scan, decode, hash); the gateway's request size limit bounds the total.
 */
export function validateGenerationRequest(
  request: GenerationRequest,
  limits: { maxPromptChars?: number } = {},
): ValidationResult {
  const issues: InputIssue[] = [];
  const warnings: string[] = [];

  const prompt = resolvePrompt(request.mode, request.prompt, limits.maxPromptChars);
  if (prompt.ok) warnings.push(...prompt.warnings);
  else issues.push(...prompt.issues);

  const slots = imageSlots(request, issues);
  const images: ValidatedImage[] = [];
  for (const slot of slots) {
    const checked = checkImageSource(slot.source, slot.role, slot.path);
    if (checked.ok) images.push(checked.image);
    else issues.push(...checked.issues);
  }

  const options = resolveOptions(request.mode, request.options);
  if (options.ok) warnings.push(...options.warnings);
  else issues.push(...options.issues);

  if (issues.length > 0 || !prompt.ok || !options.ok) return { ok: false, issues };
  return {
    ok: true,
    value: {
      mode: request.mode,
      model: modelForMode(request.mode),
      prompt: prompt.prompt,
      images,
      options: options.options,
      warnings,
    },
  };
}

/**
 * The images a request carries, in upstream order, with their roles. A wrong number of
 * reference images is reported here, but the images that are present are still checked so
 * the caller learns about all of their problems too.
 */
function imageSlots(request: GenerationRequest, issues: InputIssue[]): ImageSlot[] {
  switch (request.mode) {
    case GenerationMode.TEXT_TO_VIDEO:
      return [];
    case GenerationMode.FIRST_FRAME:
      // The docs let the role be empty here; sending first_frame explicitly is equivalent.
      return [{ source: request.image, role: ImageRole.FIRST_FRAME, path: ['image'] }];
    case GenerationMode.FIRST_LAST_FRAME:
      return [
        { source: request.firstFrame, role: ImageRole.FIRST_FRAME, path: ['firstFrame'] },
        { source: request.lastFrame, role: ImageRole.LAST_FRAME, path: ['lastFrame'] },
      ];
    case GenerationMode.REFERENCE_IMAGES: {
      const sources: unknown[] = Array.isArray(request.images) ? request.images : [];
      const { min, max } = REFERENCE_IMAGE_COUNT;
      if (sources.length < min || sources.length > max) {
        issues.push({
          path: ['images'],
          code: InputIssueCode.INVALID_IMAGE_COUNT,
          message: `Reference-images mode needs ${min} to ${max} images, got ${sources.length}.`,
        });
      }
      return sources.map((source, index) => ({
        source,
        role: ImageRole.REFERENCE_IMAGE,
        path: ['images', String(index)],
      }));
    }
    default: {
      // Unreachable for well-typed callers; a programming error, not caller input.
      const unknownMode: never = request;
      throw new TypeError(`unknown generation mode: ${String((unknownMode as { mode?: unknown }).mode)}`);
    }
  }
}
