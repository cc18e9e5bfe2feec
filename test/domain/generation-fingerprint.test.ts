import { fingerprintGeneration } from '../../src/domain/generation-fingerprint';
import { ImageRole } from '../../src/domain/generation-mode';
import { t2vGeneration } from '../support/fixtures';

describe('fingerprintGeneration', () => {
  it('is the same for the same generation, whatever the order its options were written in', () => {
    const base = t2vGeneration();
    const reordered = t2vGeneration({
      options: Object.fromEntries(Object.entries(base.options).reverse()) as typeof base.options,
    });
    expect(fingerprintGeneration(reordered)).toBe(fingerprintGeneration(base));
    expect(fingerprintGeneration(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores warnings, which are advice rather than input', () => {
    expect(fingerprintGeneration(t2vGeneration({ warnings: ['long prompt'] }))).toBe(
      fingerprintGeneration(t2vGeneration()),
    );
  });

  it.each([
    ['prompt', t2vGeneration({ prompt: 'another prompt' })],
    ['an option', t2vGeneration({ options: { ...t2vGeneration().options, seed: 7 } })],
    ['no prompt', t2vGeneration({ prompt: null })],
  ])('differs when %s differs', (_what, other) => {
    expect(fingerprintGeneration(other)).not.toBe(fingerprintGeneration(t2vGeneration()));
  });

  it('tells images apart by content hash and role, not by the text that carried them', () => {
    const image = (sha256: string, role = ImageRole.FIRST_FRAME) => ({
      facts: { role, url: null, mimeType: 'image/png', width: 640, height: 480, sizeBytes: 100, sha256 },
      source: `data:image/png;base64,${sha256}`,
    });
    const withImage = (images: ReturnType<typeof image>[]) => fingerprintGeneration(t2vGeneration({ images }));
    const one = withImage([image('a'.repeat(64))]);
    expect(withImage([{ ...image('a'.repeat(64)), source: 'data:image/png;base64,different-wrapping' }])).toBe(one);
    expect(withImage([image('b'.repeat(64))])).not.toBe(one);
    expect(withImage([image('a'.repeat(64), ImageRole.LAST_FRAME)])).not.toBe(one);
  });
});
