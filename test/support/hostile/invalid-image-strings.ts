import fc from 'fast-check';
import { MAX_SIDE, TEST_IMAGE_FORMATS, zeroDataUrl } from '../images';
import { validDimensions } from './generate-video-input-shape';
import { ImageRecipe } from './image-recipe';
import { LazyString } from './lazy-string';

/** Image strings the docs refuse, whatever else the request holds. */
export const badImageString: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(document.cookie)',
    'file:///etc/passwd',
    'file://localhost/c:/windows/win.ini',
    'ftp://example.com/a.png',
    'ws://example.com/a.png',
    'wss://example.com/a.png',
    'mailto:a@example.com',
    'blob:https://example.com/550e8400-e29b-41d4-a716-446655440000',
    'about:blank',
    'chrome://settings',
    'gopher://example.com:70/_x',
    'data:text/plain;base64,QUFBQQ==',
    'data:,hello',
    'data:image/png,AAAA',
    'data:image/png;base64',
    'data:image/png;base64,',
    'data:image/png;charset=utf-8;base64,AAAA',
    'data:image/;base64,AAAA',
    'data:image/png;base64,AAAA====',
    'data:image/png;base64,A',
    'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
    'DATA:image/png;base64,iVBORw0KGgo=',
    'data:IMAGE/png;base64,iVBORw0KGgo=',
    '//example.com/a.png',
    'example.com/a.png',
    '/a.png',
    'a.png',
    'https://',
    'http://',
    'https:example.com/a.png',
    'http:/example.com/a.png',
    ' https://example.com/a.png',
    '\u0000https://example.com/a.png',
    'http://exa mple.com/a.png',
    'https://[::1/a.png',
    'https://example.com:99999/a.png',
    '\\\\server\\share\\a.png',
  ),
  // A real image declared as another or an unsupported format.
  fc
    .record({
      format: fc.constantFrom(...TEST_IMAGE_FORMATS),
      declared: fc.constantFrom(
        'jpg',
        'svg+xml',
        'PNG',
        'Jpeg',
        'heic',
        'avif',
        'x-icon',
        'png ',
        'png\u0000',
        ...TEST_IMAGE_FORMATS,
      ),
    })
    .filter(({ format, declared }) => format !== declared)
    .map(({ format, declared }) => new ImageRecipe(format, 640, 480, declared)),
  // Truncated so the base64 length is no longer a multiple of 4.
  fc
    .record({
      format: fc.constantFrom(...TEST_IMAGE_FORMATS),
      quanta: fc.nat({ max: 3 }),
      rest: fc.integer({ min: 1, max: 3 }),
    })
    .map(
      ({ format, quanta, rest }) =>
        new ImageRecipe(format, 640, 480, format, { kind: 'truncate', chars: quanta * 4 + rest }),
    ),
  // A character outside the standard base64 alphabet (URL-safe, whitespace, padding) inside the data.
  fc
    .record({
      format: fc.constantFrom(...TEST_IMAGE_FORMATS),
      at: fc.nat(),
      char: fc.constantFrom('!', '-', '_', ' ', '\n', '%', '=', '.', 'é', '\u0000'),
    })
    .map(({ format, at, char }) => new ImageRecipe(format, 640, 480, format, { kind: 'replace', at, char })),
  // Pixel sizes outside the documented ones (exactly on a limit included).
  fc
    .record({
      format: fc.constantFrom(...TEST_IMAGE_FORMATS),
      size: fc.oneof(
        fc.constantFrom<[number, number]>(
          [300, 300],
          [300, 500],
          [6000, 3000],
          [2500, 1000],
          [400, 1000],
          [1, 1],
          [301, 753],
          [5999, 300],
        ),
        fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 })) as fc.Arbitrary<
          [number, number]
        >,
      ),
    })
    .filter(({ format, size: [w, h] }) => w <= MAX_SIDE[format] && h <= MAX_SIDE[format] && !validDimensions(w, h))
    .map(({ format, size: [w, h] }) => new ImageRecipe(format, w, h)),
  // Not an image at all.
  fc.integer({ min: 1, max: 2000 }).map((n) => new LazyString(`zeroDataUrl(${n})`, () => zeroDataUrl(n))),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`),
);
