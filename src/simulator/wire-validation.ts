/**
 * Validation of a create body at the wire level, rule by rule from the API docs. The
 * simulator stands in for the upstream, so it checks independently of the gateway's own
 * validation: a gateway bug must surface here as the upstream's error, not pass silently.
 * The first problem found is reported, as a real API would.
 */
import { requestProblemCode, type RequestProblem } from './error-codes';
import { checkImageUrl } from './image-url';
import {
  SIM_IMAGE_ROLES,
  SIM_MODELS,
  SIM_RATIOS,
  SIM_RESOLUTIONS,
  SIM_SERVICE_TIERS,
  WIRE_LIMITS,
  familyOf,
  isOneOf,
  type ModelFamily,
  type SimGenerationMode,
  type SimImageRole,
  type SimModel,
  type SimRatio,
  type SimResolution,
  type SimServiceTier,
} from './wire-values';

/** A create request that passed every documented rule, with defaults applied. */
export interface ValidCreateRequest {
  model: SimModel;
  family: ModelFamily;
  mode: SimGenerationMode;
  /** The text item's text; null when an I2V request has none. */
  prompt: string | null;
  imageCount: number;
  resolution: SimResolution;
  /** As requested (or the mode's default); `adaptive` is kept as sent. */
  ratio: SimRatio;
  /** As sent; null when absent (frames, or the default of 5 s, then decide). */
  duration: number | null;
  frames: number | null;
  seed: number;
  cameraFixed: boolean;
  watermark: boolean;
  returnLastFrame: boolean;
  serviceTier: SimServiceTier;
  executionExpiresAfter: number;
  callbackUrl: string | null;
}

/** A refused create: always HTTP 400, with the documented code for the model family. */
export interface CreateRejection {
  httpStatus: 400;
  code: string;
  message: string;
}

/** Outcome of {@link validateCreateBody}. */
export type CreateValidation = { ok: true; request: ValidCreateRequest } | { ok: false; rejection: CreateRejection };

/** Thrown inside this module only, so that each rule reads as one line. */
class Rejected {
  constructor(
    readonly problem: RequestProblem,
    readonly message: string,
  ) {}
}

function reject(problem: RequestProblem, message: string): never {
  throw new Rejected(problem, message);
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of an offending value for error messages (never a whole data URL). */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json =
    typeof value === 'object' && value !== null
      ? Array.isArray(value)
        ? 'an array'
        : 'an object'
      : JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

interface TextItem {
  index: number;
  text: string;
}
interface ImageItem {
  index: number;
  role: SimImageRole | null;
}

/** Checks a parsed JSON body against the documented create rules. */
export function validateCreateBody(body: unknown): CreateValidation {
  // Until the model is known, problems are reported with T2V codes (the fuller table).
  let family: ModelFamily = 't2v';
  try {
    if (!isObject(body)) reject('invalid_content_format', `the request body must be a JSON object, got ${show(body)}`);
    const model = body['model'];
    if (!isOneOf(SIM_MODELS, model)) {
      reject('task_creation', `model must be one of ${SIM_MODELS.join(', ')}; got ${show(model)}`);
    }
    family = familyOf(model);
    return { ok: true, request: validateForModel(body, model, family) };
  } catch (error) {
    if (error instanceof Rejected) {
      return {
        ok: false,
        rejection: { httpStatus: 400, code: requestProblemCode(family, error.problem), message: error.message },
      };
    }
    throw error;
  }
}

function validateForModel(body: JsonObject, model: SimModel, family: ModelFamily): ValidCreateRequest {
  const { texts, images } = readContent(body['content'], family);
  const mode = family === 't2v' ? textMode(texts) : imageMode(texts, images);
  const resolution = readResolution(body['resolution'], mode);
  const ratio = readRatio(body['ratio'], mode);
  const duration = readDuration(body['duration']);
  const frames = readFrames(body['frames']);
  const seed = readSeed(body['seed']);
  const cameraFixed = readCameraFixed(body['camera_fixed'], mode);
  const watermark = readBoolean(body['watermark'], 'watermark');
  const returnLastFrame = readBoolean(body['return_last_frame'], 'return_last_frame');
  const serviceTier = readServiceTier(body['service_tier']);
  const executionExpiresAfter = readExecutionExpiresAfter(body['execution_expires_after']);
  const callbackUrl = readCallbackUrl(body['callback_url']);
  return {
    model,
    family,
    mode,
    prompt: texts[0]?.text ?? null,
    imageCount: images.length,
    resolution,
    ratio,
    duration,
    frames,
    seed,
    cameraFixed,
    watermark,
    returnLastFrame,
    serviceTier,
    executionExpiresAfter,
    callbackUrl,
  };
}

function readContent(content: unknown, family: ModelFamily): { texts: TextItem[]; images: ImageItem[] } {
  if (content === undefined || content === null) reject('missing_content', 'content is required');
  if (!Array.isArray(content)) reject('invalid_content_format', `content must be an array, got ${show(content)}`);
  if (content.length === 0) reject('missing_content', 'content is empty');
  const texts: TextItem[] = [];
  const images: ImageItem[] = [];
  content.forEach((item: unknown, index) => {
    const at = `content[${index}]`;
    if (!isObject(item)) reject('invalid_content_format', `${at} must be an object, got ${show(item)}`);
    const type = item['type'];
    if (type === undefined || type === null)
      reject('missing_content_type', `${at}.type is required ("text" or "image_url")`);
    if (type === 'text') {
      texts.push({ index, text: readText(item['text'], at) });
    } else if (type === 'image_url') {
      if (family === 't2v') {
        reject(
          'invalid_content_format',
          `${at} is an image_url item; spark_dance_v1_0_lite_t2v accepts text only (use spark_dance_v1_0_lite_i2v)`,
        );
      }
      images.push({ index, role: readImage(item, at) });
    } else {
      reject('invalid_content_format', `${at}.type must be "text" or "image_url", got ${show(type)}`);
    }
  });
  return { texts, images };
}

function readText(text: unknown, at: string): string {
  if (text === undefined || text === null) reject('missing_text', `${at}.text is required`);
  if (typeof text !== 'string') reject('invalid_content_format', `${at}.text must be a string, got ${show(text)}`);
  if (text.trim() === '') reject('missing_text', `${at}.text is blank`);
  return text;
}

function readImage(item: JsonObject, at: string): SimImageRole | null {
  const imageUrl = item['image_url'];
  if (!isObject(imageUrl))
    reject('invalid_content_format', `${at}.image_url must be an object with a url, got ${show(imageUrl)}`);
  const url = imageUrl['url'];
  if (typeof url !== 'string' || url === '')
    reject('invalid_content_format', `${at}.image_url.url must be a non-empty string, got ${show(url)}`);
  const check = checkImageUrl(url);
  if (!check.ok) reject('invalid_content_format', `${at}.image_url.url ${check.problem}`);
  const role = item['role'];
  // The docs allow the role to be "empty" for a single first frame.
  if (role === undefined || role === null || role === '') return null;
  if (!isOneOf(SIM_IMAGE_ROLES, role))
    reject('invalid_content_format', `${at}.role must be one of ${SIM_IMAGE_ROLES.join(', ')}, got ${show(role)}`);
  return role;
}

function textMode(texts: TextItem[]): SimGenerationMode {
  if (texts.length !== 1)
    reject('invalid_content_format', `content must hold exactly one text item, got ${texts.length}`);
  return 'text_to_video';
}

function imageMode(texts: TextItem[], images: ImageItem[]): SimGenerationMode {
  if (texts.length > 1) reject('invalid_content_format', `content may hold at most one text item, got ${texts.length}`);
  if (images.length === 0)
    reject('invalid_content_format', 'spark_dance_v1_0_lite_i2v needs at least one image_url item');
  const { min, max } = WIRE_LIMITS.referenceImages;
  if (images.some((image) => image.role === 'reference_image')) {
    const odd = images.find((image) => image.role !== 'reference_image');
    if (odd) {
      reject(
        'invalid_content_format',
        `content[${odd.index}].role must be reference_image like the other images, got ${show(odd.role ?? 'no role')}`,
      );
    }
    if (images.length < min || images.length > max)
      reject('invalid_content_format', `reference images: ${min} to ${max} allowed, got ${images.length}`);
    return 'reference_images';
  }
  const [first, second] = images;
  if (images.length === 1 && first) {
    if (first.role === null || first.role === 'first_frame') return 'first_frame';
    reject(
      'invalid_content_format',
      `content[${first.index}].role: a single image is a first frame (role first_frame or empty), got ` +
        `${show(first.role)}`,
    );
  }
  if (images.length === 2 && first && second) {
    const roles = [first.role, second.role];
    if (roles.includes('first_frame') && roles.includes('last_frame')) return 'first_last_frame';
    reject(
      'invalid_content_format',
      `two images need the roles first_frame and last_frame, got ${show(first.role ?? 'no role')} and ` +
        `${show(second.role ?? 'no role')}`,
    );
  }
  reject(
    'invalid_content_format',
    `${images.length} images: send 1 (first frame), 2 (first_frame + last_frame) or ${min}-${max} with role ` +
      `reference_image`,
  );
}

function readResolution(value: unknown, mode: SimGenerationMode): SimResolution {
  if (value === undefined) return '720p';
  if (!isOneOf(SIM_RESOLUTIONS, value))
    reject('invalid_resolution', `resolution must be one of ${SIM_RESOLUTIONS.join(', ')}, got ${show(value)}`);
  if (mode === 'reference_images' && value === '1080p')
    reject('invalid_resolution', 'resolution 1080p is not supported with reference images');
  return value;
}

function readRatio(value: unknown, mode: SimGenerationMode): SimRatio {
  const fixedOnly = mode === 'text_to_video' || mode === 'reference_images';
  if (value === undefined) return fixedOnly ? '16:9' : 'adaptive';
  if (!isOneOf(SIM_RATIOS, value))
    reject('invalid_ratio', `ratio must be one of ${SIM_RATIOS.join(', ')}, got ${show(value)}`);
  if (value === 'adaptive' && fixedOnly) {
    reject(
      'invalid_ratio',
      `ratio adaptive is not supported for ${mode === 'text_to_video' ? 'text-to-video' : 'reference images'}`,
    );
  }
  return value;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function readDuration(value: unknown): number | null {
  if (value === undefined) return null;
  const { min, max } = WIRE_LIMITS.duration;
  if (!isInteger(value) || value < min || value > max)
    reject('invalid_duration', `duration must be an integer from ${min} to ${max}, got ${show(value)}`);
  return value;
}

function readFrames(value: unknown): number | null {
  if (value === undefined) return null;
  const { min, max, base, step } = WIRE_LIMITS.frames;
  if (!isInteger(value) || value < min || value > max || (value - base) % step !== 0) {
    reject(
      'invalid_frames',
      `frames must be an integer ${base}+${step}n in [${min}, ${max}] (29, 33, 37, ...), got ${show(value)}`,
    );
  }
  return value;
}

function readSeed(value: unknown): number {
  if (value === undefined) return -1;
  const { min, max } = WIRE_LIMITS.seed;
  if (!isInteger(value) || value < min || value > max)
    reject('invalid_seed', `seed must be an integer from ${min} to ${max}, got ${show(value)}`);
  return value;
}

function readBoolean(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') reject('invalid_boolean', `${name} must be a JSON boolean, got ${show(value)}`);
  return value;
}

function readCameraFixed(value: unknown, mode: SimGenerationMode): boolean {
  const cameraFixed = readBoolean(value, 'camera_fixed');
  // The docs say reference images do not support the parameter at all, so even false is refused.
  if (value !== undefined && mode === 'reference_images')
    reject('task_creation', 'camera_fixed is not supported with reference images; leave it out');
  return cameraFixed;
}

function readServiceTier(value: unknown): SimServiceTier {
  if (value === undefined) return 'default';
  if (!isOneOf(SIM_SERVICE_TIERS, value))
    reject('task_creation', `service_tier must be one of ${SIM_SERVICE_TIERS.join(', ')}, got ${show(value)}`);
  return value;
}

function readExecutionExpiresAfter(value: unknown): number {
  const { min, max, default: fallback } = WIRE_LIMITS.executionExpiresAfter;
  if (value === undefined) return fallback;
  if (!isInteger(value) || value < min || value > max) {
    reject(
      'task_creation',
      `execution_expires_after must be an integer number of seconds from ${min} to ${max}, got ${show(value)}`,
    );
  }
  return value;
}

function readCallbackUrl(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') reject('task_creation', `callback_url must be a string, got ${show(value)}`);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    reject('task_creation', `callback_url must be an http(s) URL, got ${show(value)}`);
  return value;
}
