import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { FRAME_SIZES, computeUsage, formatPicoUsd, outputTokens } from '../../src/simulator/pricing';
import { client, i2v, image, t2v } from './helpers';

const base = { ratio: '16:9', frames: null, duration: 5, serviceTier: 'default', imageCount: 0 } as const;

describe('simulator pricing', () => {
  it('has a frame size for every resolution and fixed ratio, short side = resolution lines', () => {
    const lines = { '480p': 480, '720p': 720, '1080p': 1080 } as const;
    for (const [resolution, sizes] of Object.entries(FRAME_SIZES)) {
      for (const [ratio, { width, height }] of Object.entries(sizes)) {
        expect(Math.min(width, height)).toBe(lines[resolution as keyof typeof lines]);
        const [w, h] = ratio.split(':').map(Number) as [number, number];
        expect(Math.abs(width / height - w / h)).toBeLessThan(0.01);
      }
      expect(Object.keys(sizes).sort()).toEqual(['16:9', '1:1', '21:9', '3:4', '4:3', '9:16']);
    }
  });

  it('counts tokens as floor(w * h * 24 * seconds / 1024)', () => {
    expect(outputTokens({ ...base, resolution: '720p' })).toBe(108000); // 1280*720*24*5/1024
    expect(outputTokens({ ...base, resolution: '480p' })).toBe(48037); // 48037.5 rounded down
    expect(outputTokens({ ...base, resolution: '1080p', frames: 57 })).toBe(115425); // 1920*1080*57/1024
    expect(outputTokens({ ...base, resolution: '720p', duration: null })).toBe(108000); // default 5 s
    expect(outputTokens({ ...base, resolution: '720p', ratio: 'adaptive' })).toBe(108000); // as 16:9
  });

  it('computes exact costs as decimal strings', () => {
    expect(computeUsage({ ...base, resolution: '720p' })).toEqual({
      cost: '0.1944',
      discount: 0,
      input_tokens: 0,
      output_tokens: 108000,
      total_tokens: 108000,
      generated_videos: 1,
    });
    expect(computeUsage({ ...base, resolution: '480p' }).cost).toBe('0.0576444'); // 48037 * 1.2 / 1e6
    expect(computeUsage({ ...base, resolution: '1080p', ratio: '21:9', duration: 12 }).cost).toBe('1.83708'); // 765450 tokens * 2.4 / 1e6
  });

  it('charges flex half and reports the saving as the discount', () => {
    const flex = computeUsage({ ...base, resolution: '1080p', frames: 57, serviceTier: 'flex' });
    expect(flex).toMatchObject({ cost: '0.13851', discount: 0.13851, output_tokens: 115425 });
    const full = computeUsage({ ...base, resolution: '1080p', frames: 57 });
    expect(full).toMatchObject({ cost: '0.27702', discount: 0 });
  });

  it('counts 1000 input tokens per I2V image, not billed', () => {
    const usage = computeUsage({ ...base, resolution: '720p', imageCount: 3 });
    expect(usage).toMatchObject({ cost: '0.1944', input_tokens: 3000, output_tokens: 108000, total_tokens: 111000 });
  });

  it('formats pico-dollars without exponent or trailing zeros', () => {
    expect(formatPicoUsd(0n)).toBe('0');
    expect(formatPicoUsd(1n)).toBe('0.000000000001');
    expect(formatPicoUsd(194_400_000_000n)).toBe('0.1944');
    expect(formatPicoUsd(3_000_000_000_000n)).toBe('3');
    expect(formatPicoUsd(12_500_000_000_000n)).toBe('12.5');
    expect(formatPicoUsd(-50_000_000_000n)).toBe('-0.05');
  });

  describe('over the wire', () => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      sim = await startSimulator({ queueMs: 60_000, runMs: 60_000 });
    });
    afterAll(() => sim.stop());

    it('reports usage on completion only, priced from the request', async () => {
      const api = client(sim, null);
      const t2vId = await api.createId(t2v({ resolution: '480p', ratio: '16:9', duration: 5 }));
      expect((await api.get(t2vId)).body).not.toHaveProperty('usage');
      sim.control.complete(t2vId);
      expect((await api.get(t2vId)).body.usage).toEqual({
        cost: '0.0576444',
        discount: 0,
        input_tokens: 0,
        output_tokens: 48037,
        total_tokens: 48037,
        generated_videos: 1,
      });

      const i2vId = await api.createId(
        i2v({ resolution: '1080p', frames: 57, service_tier: 'flex' }, [
          image(undefined, 'first_frame'),
          image(undefined, 'last_frame'),
        ]),
      );
      sim.control.complete(i2vId);
      expect((await api.get(i2vId)).body.usage).toEqual({
        cost: '0.13851',
        discount: 0.13851,
        input_tokens: 2000,
        output_tokens: 115425,
        total_tokens: 117425,
        generated_videos: 1,
      });
    });
  });
});
