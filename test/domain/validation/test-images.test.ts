import { imageSize } from 'image-size';
import {
  bmpDataUrl,
  gifDataUrl,
  imageBuffer,
  imageDataUrl,
  jpegDataUrl,
  padTo,
  pngDataUrl,
  TEST_IMAGE_FORMATS,
  tiffDataUrl,
  toDataUrl,
  webpDataUrl,
  zeroDataUrl,
} from '../../support/images';

/** The shared test-image helper is only useful if image-size really reads what it builds. */
describe('test/support/images', () => {
  const IMAGE_SIZE_TYPE = { png: 'png', jpeg: 'jpg', gif: 'gif', bmp: 'bmp', webp: 'webp', tiff: 'tiff' } as const;

  it.each(TEST_IMAGE_FORMATS)('%s: image-size reads the requested size and type', (format) => {
    for (const [width, height] of [
      [1, 1],
      [640, 480],
      [301, 5999],
      [6000, 300],
    ] as const) {
      // Copied into an exactly-sized ArrayBuffer so image-size cannot read past the bytes.
      const bytes = new Uint8Array(imageBuffer(format, width, height));
      expect(imageSize(bytes)).toMatchObject({ width, height, type: IMAGE_SIZE_TYPE[format] });
    }
  });

  it('builds data URLs declaring the format they contain', () => {
    const urls = [
      pngDataUrl(2, 3),
      jpegDataUrl(2, 3),
      gifDataUrl(2, 3),
      bmpDataUrl(2, 3),
      webpDataUrl(2, 3),
      tiffDataUrl(2, 3),
    ];
    expect(urls.map((url) => /^data:image\/([a-z]+);base64,/.exec(url)?.[1])).toEqual([
      'png',
      'jpeg',
      'gif',
      'bmp',
      'webp',
      'tiff',
    ]);
    expect(imageDataUrl('png', 2, 3)).toBe(urls[0]);
  });

  it('writes the declared format as given and round-trips the bytes', () => {
    const bytes = imageBuffer('jpeg', 10, 20);
    const url = toDataUrl(bytes, 'PNG');
    expect(url.startsWith('data:image/PNG;base64,')).toBe(true);
    expect(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').equals(bytes)).toBe(true);
  });

  it('refuses sizes a header cannot express', () => {
    expect(() => imageBuffer('gif', 70000, 10)).toThrow(RangeError);
    expect(() => imageBuffer('png', 0, 10)).toThrow(RangeError);
  });

  it('padTo keeps the image readable at an exact size', () => {
    const padded = padTo(imageBuffer('png', 640, 480), 10_000);
    expect(padded).toHaveLength(10_000);
    expect(imageSize(padded)).toMatchObject({ width: 640, height: 480 });
    expect(() => padTo(padded, 10)).toThrow(RangeError);
  });

  it.each([0, 1, 2, 3, 4, 5, 1000])('zeroDataUrl(%p) decodes to exactly that many bytes', (size) => {
    const url = zeroDataUrl(size);
    const payload = url.slice(url.indexOf(',') + 1);
    expect(payload.length % 4).toBe(0);
    expect(Buffer.from(payload, 'base64')).toHaveLength(size);
  });
});
