/**
 * Checks of an `image_url.url`, to the extent the upstream could check it without fetching
 * or decoding: scheme, data-URL header and format, base64 alphabet, decoded size. Image
 * dimensions are deliberately not parsed here; the gateway does that before calling.
 */
import { SIM_IMAGE_FORMATS, WIRE_LIMITS, isOneOf } from './wire-values';

/** Outcome of {@link checkImageUrl}: a problem is a sentence naming what is wrong. */
export type ImageUrlCheck = { ok: true } | { ok: false; problem: string };

const DATA_URL_HEADER = /^data:image\/([^;,]*);base64,/;
const BASE64_BODY = /^[A-Za-z0-9+/]*$/;

/** Accepts http(s) URLs and `data:image/<format>;base64,<data>` under the size limit. */
export function checkImageUrl(url: string, maxBytes: number = WIRE_LIMITS.maxImageBytes): ImageUrlCheck {
  if (url.startsWith('data:')) return checkDataUrl(url, maxBytes);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, problem: 'is neither an http(s) URL nor a data:image/<format>;base64,<data> URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, problem: `uses the unsupported scheme "${parsed.protocol}"; use http(s) or a base64 data URL` };
  }
  if (parsed.hostname === '') return { ok: false, problem: 'has no host' };
  return { ok: true };
}

function checkDataUrl(url: string, maxBytes: number): ImageUrlCheck {
  // Only the header is matched by the regex; the payload can be tens of MB.
  const header = DATA_URL_HEADER.exec(url.slice(0, 64));
  if (!header) return { ok: false, problem: 'is a data URL but not of the form data:image/<format>;base64,<data>' };
  const format = header[1] ?? '';
  if (!isOneOf(SIM_IMAGE_FORMATS, format)) {
    const hint = isOneOf(SIM_IMAGE_FORMATS, format.toLowerCase()) ? ' (the format must be lowercase)' : '';
    return { ok: false, problem: `has image format "${format}"${hint}; allowed: ${SIM_IMAGE_FORMATS.join(', ')}` };
  }
  const payloadStart = header[0].length;
  let payloadEnd = url.length;
  // Up to two '=' pad the last quantum; they carry no data.
  for (let pads = 0; pads < 2 && payloadEnd > payloadStart && url.charCodeAt(payloadEnd - 1) === 61; pads++)
    payloadEnd--;
  const dataChars = payloadEnd - payloadStart;
  if (dataChars === 0) return { ok: false, problem: 'has an empty base64 payload' };
  if (dataChars % 4 === 1) return { ok: false, problem: 'has a truncated base64 payload' };
  // The decoded size follows from the length alone, so an oversized image is refused before
  // its payload is scanned or decoded.
  const decodedBytes = Math.floor((dataChars * 3) / 4);
  if (decodedBytes >= maxBytes) {
    return {
      ok: false,
      problem: `decodes to ${decodedBytes} bytes; images must be smaller than ${maxBytes} bytes (30 MiB)`,
    };
  }
  if (!BASE64_BODY.test(url.slice(payloadStart, payloadEnd)))
    return { ok: false, problem: 'has characters outside the base64 alphabet' };
  return { ok: true };
}
