/**
 * Checking one input image string against the documented image requirements.
 *
 * An image is either an http(s) URL, which the upstream fetches itself (so only its scheme
 * can be checked here), or a `data:image/<format>;base64,<data>` URL, which is inspected in
 * full: header, base64, size, real format, dimensions and aspect ratio.
 *
 * Data URLs can be about 40 million characters, four per request, so the work is ordered
 * cheapest first and nothing big is copied: the size is computed from the payload length
 * before anything is scanned or allocated, the payload is scanned in place, and it is
 * decoded exactly once into a buffer that is dropped after hashing.
 */
import { createHash } from 'node:crypto';
import { imageSize } from 'image-size';
import type { ImageRole } from '../generation-mode';
import type { ValidatedImage } from '../generation-request';
import { InputIssueCode, type InputIssue } from '../input-issue';
import { findBase64Problem, inspectBase64Layout } from './base64';
import { describeValue } from './describe';

/**
 * Largest accepted decoded image is one byte less than this. The docs say "less than 30 MB";
 * reading MB as MiB (30 * 1024 * 1024) is the generous reading, and it is the limit the
 * gateway's documentation promises. Compared against the size computed from the base64
 * length, so an oversized payload is refused without decoding it.
 */
export const MAX_IMAGE_BYTES = 30 * 1024 * 1024;

/**
 * Documented pixel limits, all exclusive: width and height in (300, 6000) px, aspect ratio
 * (width / height) in (0.4, 2.5).
 */
export const IMAGE_LIMITS = {
  /** Each side must be strictly more than this. */
  minSideExclusive: 300,
  /** Each side must be strictly less than this. */
  maxSideExclusive: 6000,
  /** width / height must be strictly more than this (2/5). */
  minAspectRatioExclusive: 0.4,
  /** width / height must be strictly less than this (5/2). */
  maxAspectRatioExclusive: 2.5,
} as const;

/** Image formats the docs accept, as written (lower case) in a data URL's `image/<format>`. */
export const SUPPORTED_IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif'] as const;

/** One of {@link SUPPORTED_IMAGE_FORMATS}. */
export type ImageFormat = (typeof SUPPORTED_IMAGE_FORMATS)[number];

/** The outcome of {@link checkImageSource}: the checked image, or every problem found with it. */
export type ImageCheck = { ok: true; image: ValidatedImage } | { ok: false; issues: InputIssue[] };

const SUPPORTED = new Set<string>(SUPPORTED_IMAGE_FORMATS);

/** image-size's type names for the supported formats; anything else it recognises is refused. */
const SNIFFED_FORMATS = new Map<string, ImageFormat>([
  ['jpg', 'jpeg'],
  ['png', 'png'],
  ['webp', 'webp'],
  ['bmp', 'bmp'],
  ['tiff', 'tiff'],
  ['bigtiff', 'tiff'],
  ['gif', 'gif'],
]);

const DATA_PREFIX = 'data:';
const DATA_IMAGE_PREFIX = 'data:image/';
const BASE64_SUFFIX = ';base64';
/**
 * How far to look for the comma that ends a data URL header. Real headers are short
 * (`data:image/jpeg;base64,` is 23 characters); bounding the search keeps a huge string
 * without a comma from being scanned just to find out it is malformed.
 */
const MAX_HEADER_LENGTH = 64;
/** A media subtype token as it may appear in lower case; upper case is reported separately. */
const FORMAT_TOKEN = /^[a-z0-9][a-z0-9.+-]*$/;
const FORMAT_TOKEN_ANY_CASE = /^[a-z0-9][a-z0-9.+-]*$/i;
const HTTP_PREFIX = /^https?:\/\//i;

const DATA_URL_FORM = 'data:image/<format>;base64,<data>';

/**
 * Checks one image string for the given role. `path` locates it in the request (e.g.
 * `["images", "2"]`) and is copied into every issue. Returns the image to send upstream (the
 * original string, untouched) with the facts worth storing, which never include base64.
 */
export function checkImageSource(source: unknown, role: ImageRole, path: readonly string[]): ImageCheck {
  const issue = (code: InputIssueCode, message: string): InputIssue => ({ path: [...path], code, message });
  if (typeof source !== 'string' || source.length === 0) {
    return fail([issue(InputIssueCode.INVALID_IMAGE_URL, `An image is required: an http(s) URL or ${DATA_URL_FORM}.`)]);
  }
  if (source.startsWith(DATA_PREFIX)) return checkDataUrl(source, role, issue);
  return checkHttpUrl(source, role, issue);
}

type IssueFactory = (code: InputIssueCode, message: string) => InputIssue;

const fail = (issues: InputIssue[]): ImageCheck => ({ ok: false, issues });

/**
 * Longest http(s) image URL accepted (it is stored with the task). The docs set no limit;
 * 2,048 is what browsers, CDNs and most servers handle everywhere.
 */
export const MAX_IMAGE_URL_CHARS = 2_048;

function checkHttpUrl(source: string, role: ImageRole, issue: IssueFactory): ImageCheck {
  // Data URLs in the wrong case are bounded by size instead, and told apart below.
  if (source.length > MAX_IMAGE_URL_CHARS && !/^data:/i.test(source)) {
    const message = `An image URL may be at most ${MAX_IMAGE_URL_CHARS} characters, got ${source.length}.`;
    return fail([issue(InputIssueCode.INVALID_IMAGE_URL, message)]);
  }
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return fail([
      issue(
        InputIssueCode.INVALID_IMAGE_URL,
        `${describeValue(source)} is not a valid URL; send an http(s) URL or ${DATA_URL_FORM}.`,
      ),
    ]);
  }
  if (url.protocol === 'data:') {
    // "DATA:image/png..." and similar: valid URLs, but not the exact form the docs require.
    return fail([
      issue(
        InputIssueCode.INVALID_IMAGE_URL,
        `A data URL must be written exactly as ${DATA_URL_FORM} (lower case), got ${describeValue(source)}.`,
      ),
    ]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail([
      issue(
        InputIssueCode.INVALID_IMAGE_URL,
        `Unsupported URL scheme "${url.protocol}" in ${describeValue(source)}; only http, https and base64 data ` +
          `URLs are accepted.`,
      ),
    ]);
  }
  // WHATWG URL repairs forms such as "https:example.com" or surrounding spaces, but the
  // string goes upstream as given, where a stricter parser may refuse it.
  if (!HTTP_PREFIX.test(source)) {
    return fail([
      issue(InputIssueCode.INVALID_IMAGE_URL, `${describeValue(source)} must start with "http://" or "https://".`),
    ]);
  }
  return {
    ok: true,
    image: {
      source,
      facts: { role, url: source, mimeType: null, width: null, height: null, sizeBytes: null, sha256: null },
    },
  };
}

function checkDataUrl(source: string, role: ImageRole, issue: IssueFactory): ImageCheck {
  const shown = describeValue(source);
  if (!source.startsWith(DATA_IMAGE_PREFIX)) {
    return fail([
      issue(InputIssueCode.INVALID_IMAGE_URL, `A data URL must have the form ${DATA_URL_FORM}, got ${shown}.`),
    ]);
  }
  const comma = source.slice(0, MAX_HEADER_LENGTH).indexOf(',');
  if (comma < 0) {
    return fail([
      issue(InputIssueCode.INVALID_IMAGE_URL, `A data URL must have the form ${DATA_URL_FORM}, got ${shown}.`),
    ]);
  }
  const meta = source.slice(DATA_IMAGE_PREFIX.length, comma);
  if (!meta.endsWith(BASE64_SUFFIX)) {
    return fail([
      issue(InputIssueCode.INVALID_IMAGE_URL, `A data URL must be base64-encoded (${DATA_URL_FORM}), got ${shown}.`),
    ]);
  }
  const format = meta.slice(0, meta.length - BASE64_SUFFIX.length);
  if (!FORMAT_TOKEN.test(format)) {
    const message = FORMAT_TOKEN_ANY_CASE.test(format)
      ? `The image format in a data URL must be lower case ("data:image/${format.toLowerCase()};base64,..."), got ` +
        `"${format}".`
      : `A data URL must have the form ${DATA_URL_FORM}, got ${shown}.`;
    return fail([issue(InputIssueCode.INVALID_IMAGE_URL, message)]);
  }
  const payloadStart = comma + 1;

  // Cheap checks first: neither reads the payload.
  const layout = inspectBase64Layout(source, payloadStart);
  if (!layout.ok) {
    return fail([
      issue(InputIssueCode.INVALID_IMAGE_URL, `The base64 data of ${shown} is malformed: ${layout.problem}.`),
    ]);
  }
  const sizeBytes = layout.decodedBytes;
  const issues: InputIssue[] = [];
  if (sizeBytes >= MAX_IMAGE_BYTES) {
    issues.push(
      issue(
        InputIssueCode.IMAGE_TOO_LARGE,
        `The image is ${sizeBytes} bytes (${mebibytes(sizeBytes)} MiB) once decoded; it must be smaller than ` +
          `${MAX_IMAGE_BYTES} bytes (30 MiB).`,
      ),
    );
  }
  if (!SUPPORTED.has(format)) {
    const hint = format === 'jpg' ? ' (write "image/jpeg")' : '';
    issues.push(
      issue(
        InputIssueCode.INVALID_IMAGE_FORMAT,
        `Unsupported image format "${format}"${hint}; use one of ${SUPPORTED_IMAGE_FORMATS.join(', ')}.`,
      ),
    );
  }
  if (issues.length > 0) return fail(issues);
  const declared = format as ImageFormat;

  const problem = findBase64Problem(source, payloadStart);
  if (problem !== null) {
    return fail([issue(InputIssueCode.INVALID_IMAGE_URL, `The base64 data of ${shown} is malformed: ${problem}.`)]);
  }

  // Decode once, into a buffer of exactly the computed size. allocUnsafeSlow gives the bytes
  // their own ArrayBuffer: image-size reads through DataViews over `buffer.buffer`, and on a
  // pooled Buffer a truncated header would read the neighbours' bytes instead of failing.
  // slice() of a long string is a cheap view, not a copy.
  const bytes = Buffer.allocUnsafeSlow(sizeBytes);
  const written = bytes.write(source.slice(payloadStart), 'base64');
  if (written !== sizeBytes) {
    return fail([
      issue(
        InputIssueCode.INVALID_IMAGE_URL,
        `The base64 data of ${shown} is malformed: decoded to ${written} bytes, expected ${sizeBytes}.`,
      ),
    ]);
  }

  const sniffed = sniffImage(bytes);
  if (sniffed === null) {
    return fail([
      issue(
        InputIssueCode.INVALID_IMAGE_FORMAT,
        `The data is declared as ${declared} but is not a readable ${declared} image.`,
      ),
    ]);
  }
  if (sniffed.format !== declared) {
    const actual = sniffed.format ?? `an unsupported format (${sniffed.type})`;
    return fail([
      issue(InputIssueCode.INVALID_IMAGE_FORMAT, `The data is declared as ${declared} but its bytes are ${actual}.`),
    ]);
  }

  const { width, height } = sniffed;
  const { minSideExclusive: minSide, maxSideExclusive: maxSide } = IMAGE_LIMITS;
  if (!(width > minSide && width < maxSide && height > minSide && height < maxSide)) {
    issues.push(
      issue(
        InputIssueCode.INVALID_IMAGE_DIMENSIONS,
        `The image is ${width}x${height} px; width and height must each be more than ${minSide} and less than ` +
          `${maxSide} px.`,
      ),
    );
  }
  // Exact integer comparison of width/height against 2/5 and 5/2: dividing (or multiplying by
  // 0.4) in floating point could let an image that sits exactly on a limit slip through.
  if (!(5 * width > 2 * height && 2 * width < 5 * height)) {
    issues.push(
      issue(
        InputIssueCode.INVALID_IMAGE_ASPECT_RATIO,
        `The image's aspect ratio (width / height) is ${formatRatio(width / height)} (${width}x${height} px); it ` +
          `must be more than ${IMAGE_LIMITS.minAspectRatioExclusive} and less than ` +
          `${IMAGE_LIMITS.maxAspectRatioExclusive}.`,
      ),
    );
  }
  if (issues.length > 0) return fail(issues);

  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    ok: true,
    image: { source, facts: { role, url: null, mimeType: `image/${declared}`, width, height, sizeBytes, sha256 } },
  };
}

/** What image-size found in the bytes: a supported format (or null with its own type name). */
interface Sniffed {
  format: ImageFormat | null;
  type: string;
  width: number;
  height: number;
}

/**
 * Reads format and pixel size from the image header with image-size. Null when the bytes are
 * not an image it recognises or its header is truncated or nonsensical.
 */
function sniffImage(bytes: Buffer): Sniffed | null {
  let result: ReturnType<typeof imageSize>;
  try {
    result = imageSize(bytes);
  } catch {
    // image-size throws TypeError for unknown or corrupt data, RangeError when a header
    // points past the end of the bytes.
    return null;
  }
  const { width, height, type } = result;
  if (type === undefined || !isPositiveInteger(width) || !isPositiveInteger(height)) return null;
  return { format: SNIFFED_FORMATS.get(type) ?? null, type, width, height };
}

const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

const mebibytes = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(2);

const formatRatio = (ratio: number): string => String(Math.round(ratio * 1000) / 1000);
