/**
 * Tiny but real image files for tests, built byte by byte so no fixtures are needed.
 *
 * Each builder returns a well-formed *header* of its format (signature, header chunk and the
 * end marker where the format has one) that `image-size` recognises with the requested width
 * and height. There is no pixel data, so the files are not decodable pictures; they are what
 * the gateway inspects (format, dimensions, size, hash), and they stay a few dozen bytes even
 * for 5999 x 5999 px.
 *
 * Usage:
 * ```ts
 * const url = pngDataUrl(640, 480);           // "data:image/png;base64,iVBOR..."
 * const bytes = jpegBuffer(1024, 768);        // raw bytes
 * const mismatch = toDataUrl(jpegBuffer(640, 480), 'png'); // declared png, really jpeg
 * const big = toDataUrl(padTo(pngBuffer(640, 480), 30 * 1024 * 1024 - 1), 'png');
 * ```
 */

/** Formats the helpers can build, named as in a data URL's `image/<format>`. */
export type TestImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp' | 'tiff';

/** Every format the helpers can build (the six the upstream accepts). */
export const TEST_IMAGE_FORMATS: readonly TestImageFormat[] = ['png', 'jpeg', 'gif', 'bmp', 'webp', 'tiff'];

/** Largest side each format's header can express; the builders throw beyond it. */
export const MAX_SIDE: Readonly<Record<TestImageFormat, number>> = {
  png: 0x7fffffff,
  jpeg: 0xffff,
  gif: 0xffff,
  bmp: 0x7fffffff,
  webp: 0x1000000,
  tiff: 0xffffffff,
};

function checkSize(format: TestImageFormat, width: number, height: number): void {
  for (const side of [width, height]) {
    if (!Number.isInteger(side) || side < 1 || side > MAX_SIDE[format]) {
      throw new RangeError(`${format} test image: side ${side} is outside 1..${MAX_SIDE[format]}`);
    }
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG chunks use it (so the files also pass strict PNG readers). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A PNG: signature, IHDR (8-bit RGB) and IEND, with correct chunk CRCs. */
export function pngBuffer(width: number, height: number): Buffer {
  checkSize('png', width, height);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A baseline JPEG: SOI, a JFIF APP0 segment, SOF0 (3 components) and EOI. */
export function jpegBuffer(width: number, height: number): Buffer {
  checkSize('jpeg', width, height);
  const soi = Buffer.from([0xff, 0xd8]);
  // APP0 first: image-size (like many readers) expects a segment between SOI and SOF.
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  const sof0 = Buffer.alloc(19);
  sof0.set([0xff, 0xc0, 0x00, 0x11, 0x08]);
  sof0.writeUInt16BE(height, 5);
  sof0.writeUInt16BE(width, 7);
  sof0.set([0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01], 9);
  const eoi = Buffer.from([0xff, 0xd9]);
  return Buffer.concat([soi, app0, sof0, eoi]);
}

/** A GIF89a: header, logical screen descriptor and trailer. */
export function gifBuffer(width: number, height: number): Buffer {
  checkSize('gif', width, height);
  const bytes = Buffer.alloc(14);
  bytes.write('GIF89a', 0, 'latin1');
  bytes.writeUInt16LE(width, 6);
  bytes.writeUInt16LE(height, 8);
  bytes[13] = 0x3b; // trailer
  return bytes;
}

/** A 24-bit BMP: file header and BITMAPINFOHEADER (bottom-up, positive height). */
export function bmpBuffer(width: number, height: number): Buffer {
  checkSize('bmp', width, height);
  const bytes = Buffer.alloc(54);
  bytes.write('BM', 0, 'latin1');
  bytes.writeUInt32LE(54, 2); // file size (header only)
  bytes.writeUInt32LE(54, 10); // pixel data offset
  bytes.writeUInt32LE(40, 14); // DIB header size
  bytes.writeInt32LE(width, 18);
  bytes.writeInt32LE(height, 22);
  bytes.writeUInt16LE(1, 26); // planes
  bytes.writeUInt16LE(24, 28); // bits per pixel
  bytes.writeUInt32LE(2835, 38); // 72 dpi
  bytes.writeUInt32LE(2835, 42);
  return bytes;
}

/** An extended WebP: RIFF header and a VP8X chunk carrying the canvas size. */
export function webpBuffer(width: number, height: number): Buffer {
  checkSize('webp', width, height);
  const bytes = Buffer.alloc(30);
  bytes.write('RIFF', 0, 'latin1');
  bytes.writeUInt32LE(bytes.length - 8, 4);
  bytes.write('WEBP', 8, 'latin1');
  bytes.write('VP8X', 12, 'latin1');
  bytes.writeUInt32LE(10, 16);
  // bytes 20..23: feature flags and reserved, all zero
  bytes.writeUIntLE(width - 1, 24, 3);
  bytes.writeUIntLE(height - 1, 27, 3);
  return bytes;
}

/** A little-endian TIFF: header and one IFD with ImageWidth and ImageLength as LONGs. */
export function tiffBuffer(width: number, height: number): Buffer {
  checkSize('tiff', width, height);
  const bytes = Buffer.alloc(38);
  bytes.write('II', 0, 'latin1');
  bytes.writeUInt16LE(42, 2);
  bytes.writeUInt32LE(8, 4); // first IFD offset
  bytes.writeUInt16LE(2, 8); // entry count
  const entry = (offset: number, tag: number, value: number): void => {
    bytes.writeUInt16LE(tag, offset);
    bytes.writeUInt16LE(4, offset + 2); // type LONG
    bytes.writeUInt32LE(1, offset + 4); // count
    bytes.writeUInt32LE(value, offset + 8);
  };
  entry(10, 256, width); // ImageWidth
  entry(22, 257, height); // ImageLength
  // bytes 34..37: next IFD offset 0 (none)
  return bytes;
}

const BUILDERS: Readonly<Record<TestImageFormat, (width: number, height: number) => Buffer>> = {
  png: pngBuffer,
  jpeg: jpegBuffer,
  gif: gifBuffer,
  bmp: bmpBuffer,
  webp: webpBuffer,
  tiff: tiffBuffer,
};

/** The raw bytes of a `format` image of the given size. */
export function imageBuffer(format: TestImageFormat, width: number, height: number): Buffer {
  return BUILDERS[format](width, height);
}

/**
 * `data:image/<declaredFormat>;base64,<bytes>`. The declared format is written exactly as
 * given, so tests can declare a format the bytes do not have, or an upper-case one.
 */
export function toDataUrl(bytes: Uint8Array, declaredFormat: string): string {
  return `data:image/${declaredFormat};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/** A data URL of a `format` image of the given size, declared as that format. */
export function imageDataUrl(format: TestImageFormat, width: number, height: number): string {
  return toDataUrl(imageBuffer(format, width, height), format);
}

/** `data:image/png;base64,...` of a PNG of the given size. */
export const pngDataUrl = (width: number, height: number): string => imageDataUrl('png', width, height);
/** `data:image/jpeg;base64,...` of a JPEG of the given size. */
export const jpegDataUrl = (width: number, height: number): string => imageDataUrl('jpeg', width, height);
/** `data:image/gif;base64,...` of a GIF of the given size. */
export const gifDataUrl = (width: number, height: number): string => imageDataUrl('gif', width, height);
/** `data:image/bmp;base64,...` of a BMP of the given size. */
export const bmpDataUrl = (width: number, height: number): string => imageDataUrl('bmp', width, height);
/** `data:image/webp;base64,...` of a WebP of the given size. */
export const webpDataUrl = (width: number, height: number): string => imageDataUrl('webp', width, height);
/** `data:image/tiff;base64,...` of a TIFF of the given size. */
export const tiffDataUrl = (width: number, height: number): string => imageDataUrl('tiff', width, height);

/**
 * `bytes` followed by zero bytes up to `totalBytes` in all. Image readers ignore trailing
 * data, so this makes a valid image of an exact file size (e.g. for size-limit tests).
 */
export function padTo(bytes: Uint8Array, totalBytes: number): Buffer {
  if (totalBytes < bytes.length) throw new RangeError(`cannot pad ${bytes.length} bytes down to ${totalBytes}`);
  const padded = Buffer.alloc(totalBytes);
  padded.set(bytes);
  return padded;
}

/**
 * A data URL whose base64 payload decodes to exactly `decodedBytes` zero bytes, built as a
 * string without allocating the bytes. Not an image: for size-limit tests, where the gateway
 * must refuse the payload from its length alone.
 */
export function zeroDataUrl(decodedBytes: number, declaredFormat = 'png'): string {
  const whole = Math.floor(decodedBytes / 3);
  const tail = ['', 'AA==', 'AAA='][decodedBytes % 3]!;
  return `data:image/${declaredFormat};base64,${'A'.repeat(whole * 4)}${tail}`;
}
