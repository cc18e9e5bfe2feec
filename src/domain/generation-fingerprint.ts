import { createHash } from 'node:crypto';
import type { ValidatedGeneration } from './generation-request';
import type { VideoTask } from './video-task';

/**
 * A stable digest of what a validated generation would ask the upstream to do: mode, model,
 * prompt, each image by role and content hash (not by its base64 text, so the same picture
 * sent as a differently wrapped data URL is the same input), and every resolved option.
 * Two submissions with one idempotency key are "the same input" exactly when their
 * fingerprints match; defaults are applied first, so spelling a default out changes nothing.
 */
export function fingerprintGeneration(generation: ValidatedGeneration): string {
  return fingerprintTask({ ...generation, images: generation.images.map(({ facts }) => facts) });
}

/** The same digest from a stored task: a task's fingerprint equals that of the generation that made it. */
export function fingerprintTask(task: Pick<VideoTask, 'mode' | 'model' | 'prompt' | 'images' | 'options'>): string {
  const canonical = {
    mode: task.mode,
    model: task.model,
    prompt: task.prompt,
    images: task.images.map((facts) => [facts.role, facts.sha256, facts.url ?? null]),
    // Sorted keys: the digest must not depend on the order options were written in.
    options: Object.fromEntries(Object.entries(task.options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
