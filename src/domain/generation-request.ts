import type { GenerationMode, VideoModel } from './generation-mode';
import type { GenerationOptionsInput, ResolvedOptions } from './generation-options';
import type { InputIssue } from './input-issue';
import type { InputImageFacts } from './video-task';

interface RequestBase {
  prompt?: string | null;
  options?: GenerationOptionsInput | null;
}

/**
 * A generation as the caller asked for it, one shape per mode. Image strings are an
 * http(s) URL or a `data:image/<format>;base64,...` URL, still unchecked.
 */
export type GenerationRequest =
  | (RequestBase & { mode: GenerationMode.TEXT_TO_VIDEO })
  | (RequestBase & { mode: GenerationMode.FIRST_FRAME; image: string })
  | (RequestBase & { mode: GenerationMode.FIRST_LAST_FRAME; firstFrame: string; lastFrame: string })
  | (RequestBase & { mode: GenerationMode.REFERENCE_IMAGES; images: string[] });

/** A checked input image: the facts to store, and the string to send upstream as given. */
export interface ValidatedImage {
  facts: InputImageFacts;
  source: string;
}

/** A request that passed every documented rule, with all defaults applied. */
export interface ValidatedGeneration {
  mode: GenerationMode;
  model: VideoModel;
  prompt: string | null;
  images: ValidatedImage[];
  options: ResolvedOptions;
  /** Accepted but worth telling the caller (e.g. a prompt over the recommended length). */
  warnings: string[];
}

/** Either every issue found in a request, or the request ready to submit. */
export type ValidationResult = { ok: true; value: ValidatedGeneration } | { ok: false; issues: InputIssue[] };
