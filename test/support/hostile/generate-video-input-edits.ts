import type { GenerateVideoInput, Mode } from './generate-video-input-shape';
import { isObject } from './plain-object';

/**
 * Small edits of a `generateVideo` input that copy only the path they change (image and text
 * recipes inside must keep their prototype, so no deep clone).
 */

/** The mode an input holds (its first key). */
export const modeOf = (input: GenerateVideoInput): Mode => Object.keys(input)[0] as Mode;

const bodyOf = (input: GenerateVideoInput): Record<string, unknown> => input[modeOf(input)] as Record<string, unknown>;

/** The input with its mode's body replaced by `change` of a shallow copy. */
export const withBody = (
  input: GenerateVideoInput,
  change: (body: Record<string, unknown>) => Record<string, unknown>,
): GenerateVideoInput => ({
  [modeOf(input)]: change({ ...bodyOf(input) }),
});

/** The input with `options[field]` set to `value` (options created when absent or not an object). */
export const withOption = (input: GenerateVideoInput, field: string, value: unknown): GenerateVideoInput =>
  withBody(input, (body) => ({
    ...body,
    options: { ...(isObject(body.options) ? body.options : {}), [field]: value },
  }));

/** Sets a key as an own, enumerable property even when it is `__proto__`. */
export const withOwnKey = (object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> => {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
};

/** Puts `image` in one image slot of an image-mode input (`pick` chooses which). */
export function replaceImage(input: GenerateVideoInput, image: unknown, pick: number): GenerateVideoInput {
  const mode = modeOf(input);
  return withBody(input, (body) => {
    if (mode === 'firstFrame') return { ...body, image };
    if (mode === 'firstLastFrame')
      return pick % 2 === 0 ? { ...body, firstFrame: image } : { ...body, lastFrame: image };
    const images = Array.isArray(body.images) ? [...(body.images as unknown[])] : [body.images];
    images[pick % images.length] = image;
    return { ...body, images };
  });
}
