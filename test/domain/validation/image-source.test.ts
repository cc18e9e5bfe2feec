import { createHash } from 'node:crypto';
import { ImageRole } from '../../../src/domain/generation-mode';
import { InputIssueCode } from '../../../src/domain/input-issue';
import {
  checkImageSource,
  IMAGE_LIMITS,
  MAX_IMAGE_BYTES,
  SUPPORTED_IMAGE_FORMATS,
  type ImageCheck,
} from '../../../src/domain/validation/image-source';
import {
  imageBuffer,
  jpegBuffer,
  padTo,
  pngBuffer,
  pngDataUrl,
  TEST_IMAGE_FORMATS,
  toDataUrl,
  zeroDataUrl,
  type TestImageFormat,
} from '../../support/images';

const PATH = ['images', '2'];
const check = (source: unknown, role = ImageRole.REFERENCE_IMAGE): ImageCheck => checkImageSource(source, role, PATH);
const codes = (result: ImageCheck): InputIssueCode[] => (result.ok ? [] : result.issues.map((i) => i.code));
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const payloadOf = (dataUrl: string): string => dataUrl.slice(dataUrl.indexOf(',') + 1);

describe('checkImageSource: accepted images', () => {
  it('covers exactly the six documented formats', () => {
    expect([...SUPPORTED_IMAGE_FORMATS].sort()).toEqual([...TEST_IMAGE_FORMATS].sort());
  });

  it.each(TEST_IMAGE_FORMATS)('%s data URL: facts from the bytes, source untouched, no base64 kept', (format) => {
    const bytes = imageBuffer(format, 1280, 720);
    const source = toDataUrl(bytes, format);
    const result = check(source);
    expect(result).toEqual({
      ok: true,
      image: {
        source,
        facts: {
          role: ImageRole.REFERENCE_IMAGE,
          url: null,
          mimeType: `image/${format}`,
          width: 1280,
          height: 720,
          sizeBytes: bytes.length,
          sha256: sha256(bytes),
        },
      },
    });
    if (!result.ok) return;
    expect(result.image.source).toBe(source);
    expect(JSON.stringify(result.image.facts)).not.toContain(payloadOf(source).slice(0, 12));
  });

  it('hashes the decoded bytes, not the base64 text', () => {
    const bytes = pngBuffer(640, 480);
    const result = check(toDataUrl(bytes, 'png'));
    expect(result.ok && result.image.facts.sha256).toBe('' + sha256(bytes));
    expect(result.ok && result.image.facts.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    'https://example.com/cat.webp',
    'http://example.com/a.png?x=1#y',
    'HTTPS://EXAMPLE.COM/A.PNG',
    'https://example.com/no-extension',
  ])('http(s) URL %p: only the scheme is checked, the URL is kept as given', (source) => {
    expect(check(source, ImageRole.FIRST_FRAME)).toEqual({
      ok: true,
      image: {
        source,
        facts: {
          role: ImageRole.FIRST_FRAME,
          url: source,
          mimeType: null,
          width: null,
          height: null,
          sizeBytes: null,
          sha256: null,
        },
      },
    });
  });

  it('copies the role into the facts', () => {
    for (const role of Object.values(ImageRole)) {
      const result = check(pngDataUrl(640, 480), role);
      expect(result.ok && result.image.facts.role).toBe(role);
    }
  });
});

describe('checkImageSource: INVALID_IMAGE_URL', () => {
  const png = pngDataUrl(640, 480);
  const payload = payloadOf(png);

  it.each([
    ['ftp scheme', 'ftp://example.com/a.png'],
    ['file scheme', 'file:///etc/passwd'],
    ['javascript scheme', 'javascript:alert(1)'],
    ['blob scheme', 'blob:https://example.com/uuid'],
    ['not a URL', 'not a url'],
    ['relative URL', '/images/a.png'],
    ['scheme-relative URL', '//example.com/a.png'],
    ['http without slashes (repaired by WHATWG, not sent as-is)', 'https:example.com/a.png'],
    ['leading space', ' https://example.com/a.png'],
    ['empty string', ''],
    ['not a string', 42],
    ['missing', undefined],
    ['upper-case format', `data:image/PNG;base64,${payload}`],
    ['mixed-case format', `data:image/Jpeg;base64,${payload}`],
    ['upper-case scheme', `DATA:image/png;base64,${payload}`],
    ['missing ;base64', `data:image/png,${payload}`],
    ['extra parameter', `data:image/png;charset=utf-8;base64,${payload}`],
    ['not an image type', `data:text/plain;base64,${payload}`],
    ['no media type', `data:;base64,${payload}`],
    ['no comma', 'data:image/png;base64'],
    ['empty payload', 'data:image/png;base64,'],
    ['payload length not a multiple of 4', png.slice(0, -1)],
    ['invalid character', png.slice(0, -8) + '!' + png.slice(-7)],
    ['line break inside', png.slice(0, 40) + '\n' + png.slice(40)],
    ['url-safe alphabet', `data:image/png;base64,${Buffer.from([0xfb, 0xff, 0xbf]).toString('base64url')}`],
    ['padding in the middle', `data:image/png;base64,AA==${payload}`],
    ['non-canonical padding bits', 'data:image/png;base64,AB=='],
  ])('%s', (_label, source) => {
    const result = check(source);
    expect(result).toEqual({
      ok: false,
      issues: [{ path: PATH, code: InputIssueCode.INVALID_IMAGE_URL, message: expect.any(String) }],
    });
  });

  it('says the format must be lower case', () => {
    const result = check(`data:image/PNG;base64,${payload}`);
    expect(!result.ok && result.issues[0]!.message).toMatch(/lower case.*"PNG"/);
  });

  it('names the scheme it refuses', () => {
    const result = check('ftp://example.com/a.png');
    expect(!result.ok && result.issues[0]!.message).toMatch(/"ftp:"/);
  });
});

describe('checkImageSource: INVALID_IMAGE_FORMAT', () => {
  it.each(['svg+xml', 'jpg', 'avif', 'heic', 'x-icon'])('refuses declared format %p', (format) => {
    const result = check(toDataUrl(pngBuffer(640, 480), format));
    expect(codes(result)).toEqual([InputIssueCode.INVALID_IMAGE_FORMAT]);
    expect(!result.ok && result.issues[0]!.message).toContain(`"${format}"`);
  });

  it('hints at image/jpeg for image/jpg', () => {
    const result = check(toDataUrl(jpegBuffer(640, 480), 'jpg'));
    expect(!result.ok && result.issues[0]!.message).toMatch(/image\/jpeg/);
  });

  const mismatches = TEST_IMAGE_FORMATS.map(
    (declared, i) => [declared, TEST_IMAGE_FORMATS[(i + 1) % TEST_IMAGE_FORMATS.length]!] as const,
  );
  it.each(mismatches)(
    'refuses bytes that do not match the declared format: declared %s, bytes %s',
    (declared: TestImageFormat, actual: TestImageFormat) => {
      const result = check(toDataUrl(imageBuffer(actual, 640, 480), declared));
      expect(codes(result)).toEqual([InputIssueCode.INVALID_IMAGE_FORMAT]);
      expect(!result.ok && result.issues[0]!.message).toContain(`declared as ${declared} but its bytes are ${actual}`);
    },
  );

  it.each([
    ['text', Buffer.from('hello, world! this is not an image')],
    ['zeros', Buffer.alloc(64)],
    ['a PNG signature without IHDR', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])],
    ['a truncated GIF header', Buffer.from('GIF89a', 'latin1')],
    ['a truncated PNG header', pngBuffer(640, 480).subarray(0, 20)],
    ['a JPEG with no frame header', Buffer.from([0xff, 0xd8, 0xff, 0xd9])],
  ])('refuses unrecognisable bytes: %s', (_label, bytes) => {
    expect(codes(check(toDataUrl(bytes, 'png')))).toEqual([InputIssueCode.INVALID_IMAGE_FORMAT]);
  });

  it('refuses a recognised but unsupported format (PSD) and names it', () => {
    const psd = Buffer.alloc(26);
    psd.write('8BPS', 0, 'latin1');
    psd.writeUInt16BE(1, 4);
    psd.writeUInt16BE(3, 12);
    psd.writeUInt32BE(480, 14);
    psd.writeUInt32BE(640, 18);
    const result = check(toDataUrl(psd, 'png'));
    expect(codes(result)).toEqual([InputIssueCode.INVALID_IMAGE_FORMAT]);
    expect(!result.ok && result.issues[0]!.message).toMatch(/unsupported format \(psd\)/);
  });

  it('never echoes the payload in messages', () => {
    const source = toDataUrl(jpegBuffer(640, 480), 'png');
    const result = check(source);
    expect(!result.ok && result.issues[0]!.message).not.toContain(payloadOf(source).slice(0, 8));
  });
});

describe('checkImageSource: IMAGE_TOO_LARGE', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is 30 MiB', () => {
    expect(MAX_IMAGE_BYTES).toBe(30 * 1024 * 1024);
  });

  it.each([MAX_IMAGE_BYTES, MAX_IMAGE_BYTES + 1, MAX_IMAGE_BYTES + 2])(
    'refuses %p decoded bytes from the length alone, without decoding',
    (size) => {
      const allocSlow = jest.spyOn(Buffer, 'allocUnsafeSlow');
      const from = jest.spyOn(Buffer, 'from');
      const result = check(zeroDataUrl(size));
      expect(codes(result)).toEqual([InputIssueCode.IMAGE_TOO_LARGE]);
      expect(!result.ok && result.issues[0]!.message).toContain(String(size));
      expect(!result.ok && result.issues[0]!.message).toContain(String(MAX_IMAGE_BYTES));
      expect(allocSlow).not.toHaveBeenCalled();
      expect(from).not.toHaveBeenCalled();
    },
  );

  it('does not even scan an oversized payload', () => {
    // A bad character would be INVALID_IMAGE_URL, but the size alone already decides.
    const source = zeroDataUrl(MAX_IMAGE_BYTES + 3);
    const corrupted = source.slice(0, 30) + '!' + source.slice(31);
    expect(codes(check(corrupted))).toEqual([InputIssueCode.IMAGE_TOO_LARGE]);
  });

  it('reports an unsupported declared format together with the size', () => {
    expect(codes(check(zeroDataUrl(MAX_IMAGE_BYTES, 'avif')))).toEqual([
      InputIssueCode.IMAGE_TOO_LARGE,
      InputIssueCode.INVALID_IMAGE_FORMAT,
    ]);
  });

  it('accepts a real image of one byte under the limit, decoding it once', () => {
    const bytes = padTo(pngBuffer(640, 480), MAX_IMAGE_BYTES - 1);
    const source = toDataUrl(bytes, 'png');
    const allocSlow = jest.spyOn(Buffer, 'allocUnsafeSlow');
    const result = check(source);
    expect(result.ok && result.image.facts).toMatchObject({
      sizeBytes: MAX_IMAGE_BYTES - 1,
      width: 640,
      height: 480,
      sha256: sha256(bytes),
    });
    expect(allocSlow).toHaveBeenCalledTimes(1);
    expect(allocSlow).toHaveBeenCalledWith(MAX_IMAGE_BYTES - 1);
  });
});

describe('checkImageSource: dimensions and aspect ratio', () => {
  const { minSideExclusive, maxSideExclusive } = IMAGE_LIMITS;

  it('uses the documented exclusive limits', () => {
    expect(IMAGE_LIMITS).toEqual({
      minSideExclusive: 300,
      maxSideExclusive: 6000,
      minAspectRatioExclusive: 0.4,
      maxAspectRatioExclusive: 2.5,
    });
  });

  it.each([
    [300, 300, [InputIssueCode.INVALID_IMAGE_DIMENSIONS]],
    [301, 301, []],
    [5999, 5999, []],
    [6000, 6000, [InputIssueCode.INVALID_IMAGE_DIMENSIONS]],
    [300, 301, [InputIssueCode.INVALID_IMAGE_DIMENSIONS]],
    [301, 300, [InputIssueCode.INVALID_IMAGE_DIMENSIONS]],
    [5999, 6000, [InputIssueCode.INVALID_IMAGE_DIMENSIONS]],
    [6000, 5999, [InputIssueCode.INVALID_IMAGE_DIMENSIONS]],
    [200, 200, [InputIssueCode.INVALID_IMAGE_DIMENSIONS]],
    // Aspect ratio: width / height strictly inside (0.4, 2.5).
    [400, 1000, [InputIssueCode.INVALID_IMAGE_ASPECT_RATIO]],
    [401, 1000, []],
    [1200, 3000, [InputIssueCode.INVALID_IMAGE_ASPECT_RATIO]],
    [2500, 1000, [InputIssueCode.INVALID_IMAGE_ASPECT_RATIO]],
    [2499, 1000, []],
    [3000, 1000, [InputIssueCode.INVALID_IMAGE_ASPECT_RATIO]],
    [5995, 2398, [InputIssueCode.INVALID_IMAGE_ASPECT_RATIO]], // exactly 2.5
    [5995, 2399, []],
    // Both at once are both reported.
    [301, 5999, [InputIssueCode.INVALID_IMAGE_ASPECT_RATIO]],
    [200, 5999, [InputIssueCode.INVALID_IMAGE_DIMENSIONS, InputIssueCode.INVALID_IMAGE_ASPECT_RATIO]],
  ])('%p x %p px -> %p', (width, height, expected) => {
    expect(codes(check(pngDataUrl(width, height)))).toEqual(expected);
  });

  it.each(TEST_IMAGE_FORMATS)('applies to %s too', (format) => {
    expect(codes(check(toDataUrl(imageBuffer(format, 300, 400), format)))).toEqual([
      InputIssueCode.INVALID_IMAGE_DIMENSIONS,
    ]);
    expect(codes(check(toDataUrl(imageBuffer(format, 2500, 1000), format)))).toEqual([
      InputIssueCode.INVALID_IMAGE_ASPECT_RATIO,
    ]);
  });

  it('says what was found and what is allowed', () => {
    const dims = check(pngDataUrl(200, 250));
    expect(!dims.ok && dims.issues[0]!.message).toMatch(
      new RegExp(`200x250 px.*${minSideExclusive}.*${maxSideExclusive}`),
    );
    const ratio = check(pngDataUrl(3000, 1000));
    expect(!ratio.ok && ratio.issues[0]!.message).toMatch(/is 3 \(3000x1000 px\).*0\.4.*2\.5/);
  });
});
