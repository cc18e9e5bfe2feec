/**
 * The four ways to ask for a video, and the upstream model and image roles they imply.
 *
 * Enum values are the upstream API's own vocabulary (model ids, role names), so the wire
 * layer can pass them through; GraphQL exposes the enum keys.
 */

/** Upstream model ids (Spark Dance 1.0 Lite). */
export enum VideoModel {
  SPARK_DANCE_V1_0_LITE_T2V = 'spark_dance_v1_0_lite_t2v',
  SPARK_DANCE_V1_0_LITE_I2V = 'spark_dance_v1_0_lite_i2v',
}

/** What the caller asked for; decides the model, the image roles and the option rules. */
export enum GenerationMode {
  TEXT_TO_VIDEO = 'TEXT_TO_VIDEO',
  FIRST_FRAME = 'FIRST_FRAME',
  FIRST_LAST_FRAME = 'FIRST_LAST_FRAME',
  REFERENCE_IMAGES = 'REFERENCE_IMAGES',
}

/** The `role` of an `image_url` content item. */
export enum ImageRole {
  FIRST_FRAME = 'first_frame',
  LAST_FRAME = 'last_frame',
  REFERENCE_IMAGE = 'reference_image',
}

/** The upstream model that serves a mode: only text-to-video uses the T2V model. */
export function modelForMode(mode: GenerationMode): VideoModel {
  switch (mode) {
    case GenerationMode.TEXT_TO_VIDEO:
      return VideoModel.SPARK_DANCE_V1_0_LITE_T2V;
    case GenerationMode.FIRST_FRAME:
    case GenerationMode.FIRST_LAST_FRAME:
    case GenerationMode.REFERENCE_IMAGES:
      return VideoModel.SPARK_DANCE_V1_0_LITE_I2V;
  }
}
