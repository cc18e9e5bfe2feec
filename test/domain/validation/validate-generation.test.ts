import { createHash } from 'node:crypto';
import { GenerationMode, ImageRole, VideoModel } from '../../../src/domain/generation-mode';
import {
  AspectRatio,
  ServiceTier,
  VideoResolution,
  type GenerationOptionsInput,
} from '../../../src/domain/generation-options';
import type { GenerationRequest, ValidatedGeneration, ValidationResult } from '../../../src/domain/generation-request';
import { InputIssueCode, type InputIssue } from '../../../src/domain/input-issue';
import { validateGenerationRequest } from '../../../src/domain/validation/validate-generation';
import { jpegBuffer, jpegDataUrl, pngDataUrl, toDataUrl, webpDataUrl } from '../../support/images';
import { DEFAULT_T2V_OPTIONS } from '../../support/fixtures';

const URL_A = 'https://example.com/a.png';
const URL_B = 'https://example.com/b.png';

type Options = GenerationOptionsInput | null | undefined;
/** Options as a caller outside the type system might send them (wrong types, unknown enum values). */
const loose = (options: Record<string, unknown>): GenerationOptionsInput => options as GenerationOptionsInput;

const t2v = (
  options?: Options,
  prompt: string | null | undefined = 'a fox running through snow',
): GenerationRequest => ({
  mode: GenerationMode.TEXT_TO_VIDEO,
  prompt,
  options,
});
const firstFrame = (options?: Options, image = URL_A): GenerationRequest => ({
  mode: GenerationMode.FIRST_FRAME,
  image,
  options,
});
const firstLast = (options?: Options, first = URL_A, last = URL_B): GenerationRequest => ({
  mode: GenerationMode.FIRST_LAST_FRAME,
  firstFrame: first,
  lastFrame: last,
  options,
});
const reference = (options?: Options, images: string[] = [URL_A]): GenerationRequest => ({
  mode: GenerationMode.REFERENCE_IMAGES,
  images,
  options,
});

const ALL_MODES = [t2v, firstFrame, firstLast, reference] as const;

function accepted(result: ValidationResult): ValidatedGeneration {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.issues)}`);
  return result.value;
}
function refused(result: ValidationResult): InputIssue[] {
  if (result.ok) throw new Error('expected issues, got success');
  return result.issues;
}
/** "path:CODE" for each issue, sorted, for compact comparisons. */
const summary = (result: ValidationResult): string[] =>
  result.ok ? [] : result.issues.map((i) => `${i.path.join('.')}:${i.code}`).sort();

// The documented defaults; only the ratio differs per mode.
const { ratio: _ratio, ...DEFAULTS } = DEFAULT_T2V_OPTIONS;

describe('validateGenerationRequest: defaults and models per mode', () => {
  it.each([
    ['TEXT_TO_VIDEO', t2v(), VideoModel.SPARK_DANCE_V1_0_LITE_T2V, AspectRatio.RATIO_16_9],
    ['FIRST_FRAME', firstFrame(), VideoModel.SPARK_DANCE_V1_0_LITE_I2V, AspectRatio.ADAPTIVE],
    ['FIRST_LAST_FRAME', firstLast(), VideoModel.SPARK_DANCE_V1_0_LITE_I2V, AspectRatio.ADAPTIVE],
    ['REFERENCE_IMAGES', reference(), VideoModel.SPARK_DANCE_V1_0_LITE_I2V, AspectRatio.RATIO_16_9],
  ])('%s', (mode, request, model, ratio) => {
    const value = accepted(validateGenerationRequest(request));
    expect(value).toMatchObject({ mode, model, warnings: [] });
    expect(value.options).toEqual({ ...DEFAULTS, ratio });
  });

  it.each([
    null,
    undefined,
    {},
    {
      resolution: null,
      ratio: null,
      duration: null,
      frames: null,
      seed: null,
      cameraFixed: null,
      watermark: null,
      returnLastFrame: null,
      serviceTier: null,
      executionExpiresAfter: null,
    },
  ])('treats options %p as all defaults', (options) => {
    expect(accepted(validateGenerationRequest(t2v(options))).options).toEqual({
      ...DEFAULTS,
      ratio: AspectRatio.RATIO_16_9,
    });
  });

  it('passes every given option through', () => {
    const options: GenerationOptionsInput = {
      resolution: VideoResolution.P480,
      ratio: AspectRatio.RATIO_9_16,
      duration: 12,
      seed: 42,
      cameraFixed: true,
      watermark: true,
      returnLastFrame: true,
      serviceTier: ServiceTier.FLEX,
      executionExpiresAfter: 3600,
    };
    expect(accepted(validateGenerationRequest(firstFrame(options))).options).toEqual({
      ...options,
      frames: null,
      durationSeconds: 12,
    });
  });
});

describe('validateGenerationRequest: prompt', () => {
  it.each([undefined, null, '', '   ', '\n\t '])('refuses text-to-video prompt %p with MISSING_PROMPT', (prompt) => {
    const issues = refused(validateGenerationRequest({ mode: GenerationMode.TEXT_TO_VIDEO, prompt }));
    expect(issues).toEqual([
      { path: ['prompt'], code: InputIssueCode.MISSING_PROMPT, message: expect.stringMatching(/prompt/) },
    ]);
  });

  it('keeps a prompt exactly as given', () => {
    expect(accepted(validateGenerationRequest(t2v(undefined, '  a fox  '))).prompt).toBe('  a fox  ');
  });

  it.each([firstFrame, firstLast, reference])(
    'makes the prompt optional for image modes, blank -> null (%#)',
    (build) => {
      for (const prompt of [undefined, null, '', '  ']) {
        expect(accepted(validateGenerationRequest({ ...build(), prompt })).prompt).toBeNull();
      }
      expect(accepted(validateGenerationRequest({ ...build(), prompt: 'the cat waves' })).prompt).toBe('the cat waves');
    },
  );

  it('accepts 500 characters silently and warns from 501', () => {
    expect(accepted(validateGenerationRequest(t2v(undefined, 'x'.repeat(500)))).warnings).toEqual([]);
    const value = accepted(validateGenerationRequest(t2v(undefined, 'x'.repeat(501))));
    expect(value.prompt).toHaveLength(501);
    expect(value.warnings).toEqual([expect.stringMatching(/501 characters.*500/)]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(accepted(validateGenerationRequest(t2v(undefined, '😀'.repeat(500)))).warnings).toEqual([]);
    expect(accepted(validateGenerationRequest(t2v(undefined, '猫'.repeat(501)))).warnings).toHaveLength(1);
  });

  it('warns about a long prompt in image modes too', () => {
    expect(accepted(validateGenerationRequest({ ...firstFrame(), prompt: 'y'.repeat(700) })).warnings).toEqual([
      expect.stringContaining('700'),
    ]);
  });
});

describe('validateGenerationRequest: resolution and ratio', () => {
  it.each(ALL_MODES.map((build) => [build.name, build] as const))('%s accepts 480p and 720p', (_name, build) => {
    for (const resolution of [VideoResolution.P480, VideoResolution.P720]) {
      expect(accepted(validateGenerationRequest(build({ resolution }))).options.resolution).toBe(resolution);
    }
  });

  it.each([t2v, firstFrame, firstLast])('accepts 1080p outside reference images (%#)', (build) => {
    expect(accepted(validateGenerationRequest(build({ resolution: VideoResolution.P1080 }))).options.resolution).toBe(
      '1080p',
    );
  });

  it('refuses 1080p with reference images', () => {
    const issues = refused(validateGenerationRequest(reference({ resolution: VideoResolution.P1080 })));
    expect(issues).toEqual([
      {
        path: ['options', 'resolution'],
        code: InputIssueCode.INVALID_RESOLUTION,
        message: expect.stringMatching(/1080p.*480p or 720p/),
      },
    ]);
  });

  it.each(['4k', '720', '720P', ''])('refuses unknown resolution %p', (resolution) => {
    const issues = refused(validateGenerationRequest(t2v(loose({ resolution }))));
    expect(issues).toEqual([
      {
        path: ['options', 'resolution'],
        code: InputIssueCode.INVALID_RESOLUTION,
        message: expect.stringContaining(JSON.stringify(resolution)),
      },
    ]);
  });

  it.each(Object.values(AspectRatio).filter((r) => r !== AspectRatio.ADAPTIVE))(
    'accepts fixed ratio %s in every mode',
    (ratio) => {
      for (const build of ALL_MODES)
        expect(accepted(validateGenerationRequest(build({ ratio }))).options.ratio).toBe(ratio);
    },
  );

  it.each([firstFrame, firstLast])('accepts ADAPTIVE for first-frame modes (%#)', (build) => {
    expect(accepted(validateGenerationRequest(build({ ratio: AspectRatio.ADAPTIVE }))).options.ratio).toBe('adaptive');
  });

  it.each([t2v, reference])('refuses ADAPTIVE for text-to-video and reference images (%#)', (build) => {
    expect(summary(validateGenerationRequest(build({ ratio: AspectRatio.ADAPTIVE })))).toEqual([
      'options.ratio:INVALID_RATIO',
    ]);
  });

  it.each(['2:1', '16/9', 'ADAPTIVE'])('refuses unknown ratio %p', (ratio) => {
    expect(summary(validateGenerationRequest(firstFrame(loose({ ratio }))))).toEqual(['options.ratio:INVALID_RATIO']);
  });
});

describe('validateGenerationRequest: numeric ranges', () => {
  it.each([
    [1, false],
    [2, true],
    [12, true],
    [13, false],
    [0, false],
    [-5, false],
    [2.5, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
  ])('duration %p -> valid %p', (duration, valid) => {
    const result = validateGenerationRequest(t2v({ duration }));
    if (valid) expect(accepted(result).options).toMatchObject({ duration, durationSeconds: duration, frames: null });
    else expect(summary(result)).toEqual(['options.duration:INVALID_DURATION']);
  });

  it('refuses a duration that is not a number', () => {
    expect(summary(validateGenerationRequest(t2v(loose({ duration: '5' }))))).toEqual([
      'options.duration:INVALID_DURATION',
    ]);
  });

  it('states the duration range and the value in the message', () => {
    const [issue] = refused(validateGenerationRequest(t2v({ duration: 13 })));
    expect(issue!.message).toMatch(/from 2 to 12, got 13/);
  });

  it.each([
    [25, false],
    [28, false],
    [29, true],
    [31, false],
    [33, true],
    [57, true],
    [289, true],
    [293, false],
    [57.5, false],
    [0, false],
  ])('frames %p -> valid %p', (frames, valid) => {
    const result = validateGenerationRequest(t2v({ frames }));
    if (valid) expect(accepted(result).options).toMatchObject({ frames, duration: null, durationSeconds: frames / 24 });
    else expect(summary(result)).toEqual(['options.frames:INVALID_FRAMES']);
  });

  it('suggests the nearest valid frame counts', () => {
    expect(refused(validateGenerationRequest(t2v({ frames: 31 })))[0]!.message).toMatch(
      /25 \+ 4n.*29\.\.289.*got 31.*29 or 33/,
    );
    expect(refused(validateGenerationRequest(t2v({ frames: 293 })))[0]!.message).toMatch(/Nearest valid: 289\./);
  });

  it.each([
    [-2, false],
    [-1, true],
    [0, true],
    [4294967295, true],
    [4294967296, false],
    [1.5, false],
    [Number.NaN, false],
  ])('seed %p -> valid %p', (seed, valid) => {
    const result = validateGenerationRequest(t2v({ seed }));
    if (valid) expect(accepted(result).options.seed).toBe(seed);
    else expect(summary(result)).toEqual(['options.seed:INVALID_SEED']);
  });

  it.each([
    [3599, false],
    [3600, true],
    [172800, true],
    [259200, true],
    [259201, false],
    [3600.5, false],
  ])('executionExpiresAfter %p -> valid %p', (executionExpiresAfter, valid) => {
    const result = validateGenerationRequest(t2v({ executionExpiresAfter }));
    if (valid) expect(accepted(result).options.executionExpiresAfter).toBe(executionExpiresAfter);
    else expect(summary(result)).toEqual(['options.executionExpiresAfter:INVALID_EXECUTION_EXPIRES_AFTER']);
  });
});

describe('validateGenerationRequest: frames and duration together', () => {
  it('lets frames win over duration, with a warning that duration was ignored', () => {
    const value = accepted(validateGenerationRequest(t2v({ duration: 3, frames: 57 })));
    expect(value.options).toMatchObject({ duration: null, frames: 57, durationSeconds: 57 / 24 });
    expect(value.warnings).toEqual([expect.stringMatching(/duration \(3 s\) was ignored.*57 frames = 2\.375 s/)]);
  });

  it('does not warn when only frames is given', () => {
    expect(accepted(validateGenerationRequest(t2v({ frames: 57 }))).warnings).toEqual([]);
  });

  it('still refuses an invalid duration next to valid frames', () => {
    expect(summary(validateGenerationRequest(t2v({ duration: 13, frames: 57 })))).toEqual([
      'options.duration:INVALID_DURATION',
    ]);
  });

  it('refuses invalid frames next to a valid duration (no silent fallback)', () => {
    expect(summary(validateGenerationRequest(t2v({ duration: 5, frames: 30 })))).toEqual([
      'options.frames:INVALID_FRAMES',
    ]);
  });

  it('reports both when both are invalid', () => {
    expect(summary(validateGenerationRequest(t2v({ duration: 13, frames: 30 })))).toEqual([
      'options.duration:INVALID_DURATION',
      'options.frames:INVALID_FRAMES',
    ]);
  });

  it('collects the prompt warning and the duration warning together', () => {
    expect(
      accepted(validateGenerationRequest(t2v({ duration: 5, frames: 121 }, 'z'.repeat(600)))).warnings,
    ).toHaveLength(2);
  });
});

describe('validateGenerationRequest: booleans, camera and service tier', () => {
  it('refuses cameraFixed=true with reference images as UNSUPPORTED_OPTION', () => {
    const issues = refused(validateGenerationRequest(reference({ cameraFixed: true })));
    expect(issues).toEqual([
      {
        path: ['options', 'cameraFixed'],
        code: InputIssueCode.UNSUPPORTED_OPTION,
        message: expect.stringMatching(/cameraFixed.*reference-images/),
      },
    ]);
  });

  it.each([false, null, undefined])(
    'accepts cameraFixed=%p with reference images, resolving to false',
    (cameraFixed) => {
      expect(accepted(validateGenerationRequest(reference({ cameraFixed }))).options.cameraFixed).toBe(false);
    },
  );

  it.each([t2v, firstFrame, firstLast])('accepts cameraFixed=true elsewhere (%#)', (build) => {
    expect(accepted(validateGenerationRequest(build({ cameraFixed: true }))).options.cameraFixed).toBe(true);
  });

  it('turns booleans on only for a real true', () => {
    const options = accepted(
      validateGenerationRequest(t2v(loose({ watermark: 'yes', returnLastFrame: 1, cameraFixed: 'true' }))),
    ).options;
    expect(options).toMatchObject({ watermark: false, returnLastFrame: false, cameraFixed: false });
  });

  it('accepts both service tiers and refuses an unknown one', () => {
    expect(accepted(validateGenerationRequest(t2v({ serviceTier: ServiceTier.FLEX }))).options.serviceTier).toBe(
      'flex',
    );
    expect(summary(validateGenerationRequest(t2v(loose({ serviceTier: 'turbo' }))))).toEqual([
      'options.serviceTier:UNSUPPORTED_OPTION',
    ]);
  });
});

describe('validateGenerationRequest: images', () => {
  it('gives first and last frame their roles and paths, in order', () => {
    const first = pngDataUrl(800, 600);
    const value = accepted(validateGenerationRequest(firstLast(undefined, first, URL_B)));
    expect(value.images.map((i) => i.facts.role)).toEqual([ImageRole.FIRST_FRAME, ImageRole.LAST_FRAME]);
    expect(value.images[0]!.source).toBe(first);
    expect(value.images[0]!.facts).toMatchObject({ url: null, mimeType: 'image/png', width: 800, height: 600 });
    expect(value.images[1]!.facts).toMatchObject({ url: URL_B, mimeType: null, width: null });
    expect(summary(validateGenerationRequest(firstLast(undefined, 'ftp://x/a.png', pngDataUrl(100, 100))))).toEqual([
      'firstFrame:INVALID_IMAGE_URL',
      'lastFrame:INVALID_IMAGE_DIMENSIONS',
    ]);
  });

  it('checks the first-frame image at path ["image"]', () => {
    expect(
      accepted(validateGenerationRequest(firstFrame(undefined, webpDataUrl(640, 480)))).images[0]!.facts.role,
    ).toBe(ImageRole.FIRST_FRAME);
    expect(refused(validateGenerationRequest(firstFrame(undefined, 'data:image/PNG;base64,AAAA')))).toEqual([
      { path: ['image'], code: InputIssueCode.INVALID_IMAGE_URL, message: expect.any(String) },
    ]);
  });

  it.each([1, 2, 3, 4])('accepts %p reference images, each a reference_image, in order', (count) => {
    const images = Array.from({ length: count }, (_, i) => `https://example.com/${i}.png`);
    const value = accepted(validateGenerationRequest(reference(undefined, images)));
    expect(value.images.map((i) => i.source)).toEqual(images);
    expect(value.images.every((i) => i.facts.role === ImageRole.REFERENCE_IMAGE)).toBe(true);
  });

  it.each([0, 5, 8])('refuses %p reference images with INVALID_IMAGE_COUNT at ["images"]', (count) => {
    const images = Array.from({ length: count }, () => URL_A);
    const issues = refused(validateGenerationRequest(reference(undefined, images)));
    expect(issues).toEqual([
      {
        path: ['images'],
        code: InputIssueCode.INVALID_IMAGE_COUNT,
        message: expect.stringContaining(`1 to 4 images, got ${count}`),
      },
    ]);
  });

  it('still checks each image when the count is wrong', () => {
    const images = [URL_A, URL_A, 'ftp://x/a.png', URL_A, URL_A];
    expect(summary(validateGenerationRequest(reference(undefined, images)))).toEqual([
      'images.2:INVALID_IMAGE_URL',
      'images:INVALID_IMAGE_COUNT',
    ]);
  });

  it('stores facts but never base64, with the correct sha256', () => {
    const bytes = jpegBuffer(1024, 768);
    const source = toDataUrl(bytes, 'jpeg');
    const value = accepted(validateGenerationRequest(reference(undefined, [source, pngDataUrl(512, 512)])));
    expect(value.images[0]!.facts).toEqual({
      role: ImageRole.REFERENCE_IMAGE,
      url: null,
      mimeType: 'image/jpeg',
      width: 1024,
      height: 768,
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const facts = JSON.stringify(value.images.map((i) => i.facts));
    expect(facts).not.toMatch(/base64/);
    expect(facts).not.toContain(source.slice(30, 60));
  });
});

describe('validateGenerationRequest: collecting every issue', () => {
  it('reports every problem of a reference-images request at once', () => {
    const result = validateGenerationRequest(
      reference(
        loose({
          resolution: '1080p',
          ratio: 'adaptive',
          duration: 13,
          frames: 30,
          seed: -2,
          executionExpiresAfter: 10,
          cameraFixed: true,
        }),
        [pngDataUrl(200, 200), 'ftp://example.com/a.png', 'data:image/PNG;base64,AAAA', pngDataUrl(3000, 1000)],
      ),
    );
    expect(summary(result)).toEqual(
      [
        'images.0:INVALID_IMAGE_DIMENSIONS',
        'images.1:INVALID_IMAGE_URL',
        'images.2:INVALID_IMAGE_URL',
        'images.3:INVALID_IMAGE_ASPECT_RATIO',
        'options.cameraFixed:UNSUPPORTED_OPTION',
        'options.duration:INVALID_DURATION',
        'options.executionExpiresAfter:INVALID_EXECUTION_EXPIRES_AFTER',
        'options.frames:INVALID_FRAMES',
        'options.ratio:INVALID_RATIO',
        'options.resolution:INVALID_RESOLUTION',
        'options.seed:INVALID_SEED',
      ].sort(),
    );
  });

  it('reports a missing prompt together with bad options', () => {
    const result = validateGenerationRequest(
      t2v(loose({ ratio: 'adaptive', seed: 4294967296, resolution: '4k', serviceTier: 'x' }), ' '),
    );
    expect(summary(result)).toEqual([
      'options.ratio:INVALID_RATIO',
      'options.resolution:INVALID_RESOLUTION',
      'options.seed:INVALID_SEED',
      'options.serviceTier:UNSUPPORTED_OPTION',
      'prompt:MISSING_PROMPT',
    ]);
  });

  it('reports every image problem across formats', () => {
    const result = validateGenerationRequest(
      reference(undefined, [
        toDataUrl(jpegBuffer(640, 480), 'png'),
        'data:image/svg+xml;base64,PHN2Zz4=',
        jpegDataUrl(640, 480),
        'data:image/png;base64,AB==',
      ]),
    );
    expect(summary(result)).toEqual([
      'images.0:INVALID_IMAGE_FORMAT',
      'images.1:INVALID_IMAGE_FORMAT',
      'images.3:INVALID_IMAGE_URL',
    ]);
  });

  it('gives every issue a non-empty English message', () => {
    const issues = refused(validateGenerationRequest(reference(loose({ resolution: 'x', duration: 0 }), [])));
    for (const issue of issues) expect(issue.message).toMatch(/^[A-Z\w].{10,}[.]$/);
  });
});
