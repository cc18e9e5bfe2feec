import { request } from 'node:http';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { checkImageUrl } from '../../src/simulator/image-url';
import { client, i2v, image, t2v } from './helpers';

const KEY = 'validation-key';
const PNG_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const text = (value: unknown) => ({ type: 'text', text: value });
const MiB = 1024 * 1024;

describe('simulator wire validation', () => {
  let sim: RunningSimulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: KEY, queueMs: 60_000, runMs: 60_000 });
    api = client(sim, KEY);
  });
  afterAll(() => sim.stop());

  const expectRefused = async (body: unknown, code: string, message?: RegExp) => {
    const answer = await api.create(body);
    expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status: 400, code });
    expect(answer.body.error.error_message).toEqual(expect.any(String));
    if (message) expect(answer.body.error.error_message).toMatch(message);
  };

  describe('T2V: one documented code per problem, HTTP 400', () => {
    it.each<[string, unknown, string]>([
      ['missing content', { model: 'spark_dance_v1_0_lite_t2v' }, '003004001'],
      ['null content', t2v({ content: null }), '003004001'],
      ['empty content', t2v({ content: [] }), '003004001'],
      ['content not an array', t2v({ content: 'a fox' }), '003004002'],
      ['content item not an object', t2v({ content: ['a fox'] }), '003004002'],
      ['unknown content type', t2v({ content: [{ type: 'video', text: 'x' }] }), '003004002'],
      ['non-string text', t2v({ content: [text(42)] }), '003004002'],
      ['two text items', t2v({ content: [text('a'), text('b')] }), '003004002'],
      ['an image in T2V', t2v({ content: [text('a'), image()] }), '003004002'],
      ['body not an object', [t2v()], '003004002'],
      ['invalid resolution', t2v({ resolution: '4k' }), '003004003'],
      ['resolution with the wrong case', t2v({ resolution: '720P' }), '003004003'],
      ['invalid ratio', t2v({ ratio: '2:1' }), '003004004'],
      ['adaptive ratio in T2V', t2v({ ratio: 'adaptive' }), '003004004'],
      ['duration below 2', t2v({ duration: 1 }), '003004005'],
      ['duration above 12', t2v({ duration: 13 }), '003004005'],
      ['fractional duration', t2v({ duration: 5.5 }), '003004005'],
      ['duration as a string', t2v({ duration: '5' }), '003004005'],
      ['frames not 25+4n', t2v({ frames: 30 }), '003004006'],
      ['frames 25 (n = 0)', t2v({ frames: 25 }), '003004006'],
      ['frames above 289', t2v({ frames: 293 }), '003004006'],
      ['frames as a string', t2v({ frames: '57' }), '003004006'],
      ['seed below -1', t2v({ seed: -2 }), '003004007'],
      ['seed above 2^32-1', t2v({ seed: 2 ** 32 }), '003004007'],
      ['fractional seed', t2v({ seed: 1.5 }), '003004007'],
      ['camera_fixed as a string', t2v({ camera_fixed: 'true' }), '003004008'],
      ['watermark as a number', t2v({ watermark: 1 }), '003004008'],
      ['return_last_frame null', t2v({ return_last_frame: null }), '003004008'],
      ['missing content type', t2v({ content: [{ text: 'a fox' }] }), '003004009'],
      ['missing text field', t2v({ content: [{ type: 'text' }] }), '003004010'],
      ['blank text', t2v({ content: [text('   ')] }), '003004010'],
      ['unknown model', t2v({ model: 'spark_dance_v2' }), '003004099'],
      ['missing model', { content: [text('a')] }, '003004099'],
      ['unknown service tier', t2v({ service_tier: 'fast' }), '003004099'],
      ['execution_expires_after too small', t2v({ execution_expires_after: 3599 }), '003004099'],
      ['execution_expires_after too large', t2v({ execution_expires_after: 259201 }), '003004099'],
      ['callback_url not http(s)', t2v({ callback_url: 'ftp://example.com/hook' }), '003004099'],
      ['callback_url not a URL', t2v({ callback_url: 'somewhere' }), '003004099'],
    ])('%s', async (_name, body, code) => {
      await expectRefused(body, code);
    });

    it('refuses malformed JSON with 003004002', async () => {
      await expectRefused('{"model": "spark_dance_v1_0_lite_t2v", "content": [', '003004002', /not valid JSON/);
    });

    it('names the offending field and value', async () => {
      await expectRefused(t2v({ frames: 30 }), '003004006', /frames must be an integer 25\+4n in \[29, 289\].*30/);
      await expectRefused(t2v({ content: [text('a'), text('b')] }), '003004002', /exactly one text item, got 2/);
    });

    it.each<[string, Record<string, unknown>]>([
      ['the smallest frames', { frames: 29 }],
      ['the largest frames', { frames: 289 }],
      ['frames and duration together (frames wins)', { frames: 57, duration: 5 }],
      ['duration 2', { duration: 2 }],
      ['duration 12', { duration: 12 }],
      ['seed -1', { seed: -1 }],
      ['seed 2^32-1', { seed: 2 ** 32 - 1 }],
      [
        'every option',
        {
          resolution: '1080p',
          ratio: '21:9',
          camera_fixed: true,
          watermark: true,
          return_last_frame: false,
          service_tier: 'flex',
          execution_expires_after: 3600,
          callback_url: 'https://example.com/hook',
        },
      ],
      ['execution_expires_after 259200', { execution_expires_after: 259200 }],
      ['unknown extra fields', { something_new: 1 }],
    ])('accepts %s', async (_name, overrides) => {
      expect((await api.create(t2v(overrides))).status).toBe(200);
    });

    it.each(['16:9', '4:3', '1:1', '3:4', '9:16', '21:9'])('accepts ratio %s', async (ratio) => {
      expect((await api.create(t2v({ ratio }))).status).toBe(200);
    });
  });

  describe('I2V: request problems are 003006099 with a precise message', () => {
    it.each<[string, unknown, RegExp]>([
      ['no image', i2v({}, [text('a fox')]), /at least one image_url/],
      ['two text items', i2v({}, [text('a'), text('b'), image()]), /at most one text item/],
      ['blank text', i2v({}, [text(' '), image()]), /blank/],
      ['a lone last frame', i2v({}, [image(undefined, 'last_frame')]), /single image is a first frame/],
      [
        'two first frames',
        i2v({}, [image(undefined, 'first_frame'), image(undefined, 'first_frame')]),
        /first_frame and last_frame/,
      ],
      ['two images without roles', i2v({}, [image(), image()]), /first_frame and last_frame/],
      ['three images without roles', i2v({}, [image(), image(), image()]), /3 images/],
      [
        'five reference images',
        i2v(
          {},
          Array.from({ length: 5 }, () => image(undefined, 'reference_image')),
        ),
        /1 to 4 allowed, got 5/,
      ],
      [
        'reference mixed with a first frame',
        i2v({}, [image(undefined, 'reference_image'), image(undefined, 'first_frame')]),
        /must be reference_image/,
      ],
      ['an unknown role', i2v({}, [image(undefined, 'cover')]), /role must be one of/],
      [
        'reference images at 1080p',
        i2v({ resolution: '1080p' }, [image(undefined, 'reference_image')]),
        /1080p is not supported with reference images/,
      ],
      [
        'reference images with adaptive ratio',
        i2v({ ratio: 'adaptive' }, [image(undefined, 'reference_image')]),
        /adaptive is not supported for reference images/,
      ],
      [
        'reference images with camera_fixed',
        i2v({ camera_fixed: false }, [image(undefined, 'reference_image')]),
        /camera_fixed is not supported/,
      ],
      [
        'image_url without url',
        i2v({}, [{ type: 'image_url', image_url: {}, role: 'first_frame' }]),
        /image_url.url must be a non-empty string/,
      ],
      [
        'image_url not an object',
        i2v({}, [{ type: 'image_url', image_url: 'https://example.com/a.png' }]),
        /must be an object/,
      ],
      ['an ftp URL', i2v({}, [image('ftp://example.com/a.png')]), /unsupported scheme "ftp:"/],
      ['not a URL', i2v({}, [image('just words')]), /neither an http\(s\) URL nor a data/],
      [
        'an uppercase data URL format',
        i2v({}, [image(PNG_DATA_URL.replace('image/png', 'image/PNG'))]),
        /must be lowercase/,
      ],
      [
        'an undocumented format',
        i2v({}, [image(PNG_DATA_URL.replace('image/png', 'image/jpg'))]),
        /allowed: jpeg, png, webp, bmp, tiff, gif/,
      ],
      ['a data URL that is not base64', i2v({}, [image('data:image/png,rawbytes')]), /not of the form/],
      ['bad base64 characters', i2v({}, [image('data:image/png;base64,ab$d')]), /outside the base64 alphabet/],
      ['an empty base64 payload', i2v({}, [image('data:image/png;base64,')]), /empty base64 payload/],
      ['invalid resolution', i2v({ resolution: '360p' }), /resolution must be one of/],
      ['invalid duration', i2v({ duration: 0 }), /duration must be an integer from 2 to 12/],
      ['invalid boolean', i2v({ watermark: 'no' }), /watermark must be a JSON boolean/],
      ['missing content type', i2v({}, [{ image_url: { url: 'https://example.com/a.png' } }]), /type is required/],
    ])('%s', async (_name, body, message) => {
      await expectRefused(body, '003006099', message);
    });

    it.each<[string, unknown]>([
      ['a first frame without role', i2v()],
      [
        'a first frame with role and prompt',
        i2v({ ratio: 'adaptive' }, [text('moving'), image(undefined, 'first_frame')]),
      ],
      [
        'first and last frames, in either order',
        i2v({}, [image(undefined, 'last_frame'), image(PNG_DATA_URL, 'first_frame')]),
      ],
      ['one reference image', i2v({ ratio: '1:1' }, [image(undefined, 'reference_image')])],
      [
        'four reference images',
        i2v(
          { resolution: '480p' },
          Array.from({ length: 4 }, () => image(undefined, 'reference_image')),
        ),
      ],
      ['every data URL format', i2v({}, [image(PNG_DATA_URL.replace('image/png', 'image/webp'))])],
      ['an empty role', i2v({}, [image(undefined, '')])],
    ])('accepts %s', async (_name, body) => {
      const answer = await api.create(body);
      expect({ status: answer.status, body: answer.body }).toMatchObject({
        status: 200,
        body: { status: 'pending', model: 'spark_dance_v1_0_lite_i2v' },
      });
    });

    it('refuses a base64 image of 30 MiB or more (sent over the wire)', async () => {
      const payload = 'A'.repeat(Math.ceil((30 * MiB * 4) / 3));
      await expectRefused(
        i2v({}, [image(`data:image/png;base64,${payload}`)]),
        '003006099',
        /must be smaller than 31457280 bytes/,
      );
    });
  });

  it('answers 413 when the body is over the limit', async () => {
    const small = await startSimulator({ maxBodyBytes: 1000 });
    try {
      const answer = await client(small, null).create(t2v({}, 'x'.repeat(2000)));
      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toBe('payload_too_large');
      expect(small.stats().creates).toBe(1);
    } finally {
      await small.stop();
    }
  });
});

it('answers 413 to an oversized chunked body (no Content-Length) while it is still being sent', async () => {
  const small = await startSimulator({ maxBodyBytes: 100_000 });
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${small.url}/v1/video/generations`,
        { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(16_384, 'a');
      let sent = 0;
      const pump = (): void => {
        while (sent < 2_000_000) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(answer).toMatch(/^413 .*payload_too_large/);
  } finally {
    await small.stop();
  }
});

describe('checkImageUrl size boundary', () => {
  // Base64 of n bytes (n divisible by 3) is 4n/3 characters without padding.
  const dataUrl = (bytes: number, pad = '') => `data:image/png;base64,${'A'.repeat((bytes / 3) * 4)}${pad}`;

  it('accepts just under 30 MiB and refuses exactly 30 MiB, without decoding', () => {
    const limit = 30 * MiB; // 31457280, divisible by 3
    expect(checkImageUrl(dataUrl(limit - 3))).toEqual({ ok: true });
    expect(checkImageUrl(dataUrl(limit))).toMatchObject({ ok: false });
  });

  it('counts padding correctly', () => {
    // "AAA=" is 2 bytes, "AA==" is 1 byte.
    expect(checkImageUrl('data:image/gif;base64,AAA=', 3)).toEqual({ ok: true });
    expect(checkImageUrl('data:image/gif;base64,AAAA', 3)).toMatchObject({ ok: false });
    expect(checkImageUrl('data:image/gif;base64,AA==', 2)).toEqual({ ok: true });
    expect(checkImageUrl('data:image/gif;base64,A', 10)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/truncated/),
    });
  });

  it('accepts http and https URLs only', () => {
    expect(checkImageUrl('http://example.com/a.png')).toEqual({ ok: true });
    expect(checkImageUrl('HTTPS://example.com/a.png')).toEqual({ ok: true });
    expect(checkImageUrl('file:///etc/passwd')).toMatchObject({ ok: false });
  });
});
