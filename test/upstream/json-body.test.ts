import fc from 'fast-check';
import { jsonBody } from '../../src/upstream/json-body';

async function collect(value: unknown): Promise<{ text: string; byteLength: number; largest: number }> {
  const body = jsonBody(value);
  const chunks: Buffer[] = [];
  for await (const chunk of body.chunks()) chunks.push(chunk);
  const all = Buffer.concat(chunks);
  return {
    text: all.toString('utf8'),
    byteLength: body.byteLength,
    largest: Math.max(0, ...chunks.map((c) => c.length)),
  };
}

const dataUrl = (length: number) =>
  `data:image/png;base64,${'iVBORw0KGgo+/'.repeat(Math.ceil(length / 13)).slice(0, length)}`;

describe('jsonBody', () => {
  it('produces exactly JSON.stringify, in slices of at most 1 MiB, with the right length', async () => {
    const value = {
      model: 'spark_dance_v1_0_lite_i2v',
      content: [
        { type: 'text', text: 'a prompt with "quotes", \\ backslashes, ünïcödé and a \u0000 NUL' },
        ...[3_000_000, 70_000, 10].map((length) => ({
          type: 'image_url',
          image_url: { url: dataUrl(length) },
          role: 'reference_image',
        })),
      ],
      seed: -1,
      watermark: false,
      nothing: null,
      skipped: undefined,
    };
    const { text, byteLength, largest } = await collect(value);
    expect(text).toBe(JSON.stringify(value));
    expect(byteLength).toBe(Buffer.byteLength(text));
    expect(largest).toBeLessThanOrEqual(1024 * 1024);
  });

  it('leaves long strings that need escaping to JSON.stringify', async () => {
    const value = { a: `${'x'.repeat(100_000)}"\n\\é😀`, b: ['y'.repeat(70_000)] };
    const { text, byteLength } = await collect(value);
    expect(text).toBe(JSON.stringify(value));
    expect(byteLength).toBe(Buffer.byteLength(text));
  });

  it('can be sent again (a fresh iteration each time)', async () => {
    const body = jsonBody({ url: dataUrl(200_000) });
    const read = async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of body.chunks()) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    };
    expect(await read()).toBe(await read());
  });

  it('equals JSON.stringify for any JSON value, long strings anywhere (property)', async () => {
    const longString = fc.oneof(fc.constant(dataUrl(70_000)), fc.string({ minLength: 65_536, maxLength: 66_000 }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 2 }),
        longString,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const { text, byteLength } = await collect(v);
        expect(text).toBe(JSON.stringify(v));
        expect(byteLength).toBe(Buffer.byteLength(text));
      }),
      { numRuns: 60 },
    );
  });
});
