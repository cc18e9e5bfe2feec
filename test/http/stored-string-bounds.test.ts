import { GENERATE, startHarness, type Harness } from '../support/gateway-harness';

/** Every free string a task stores is bounded; nothing over a bound is stored or sent upstream. */
describe('bounds of stored strings', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const generate = (input: Record<string, unknown>) => h.gql(GENERATE, { input });
  const creates = () => h.simulator.stats().creates;
  const issueCodes = (result: { issues: Array<{ code: string }> }) => result.issues.map((i) => i.code);

  it('refuses a 1 MB prompt with PROMPT_TOO_LONG, sending and storing nothing', async () => {
    const before = creates();
    const started = Date.now();
    const refused = (await generate({ textToVideo: { prompt: 'x'.repeat(1_000_000) } })).data!.generateVideo;
    expect(refused.__typename).toBe('InvalidInputError');
    expect(issueCodes(refused)).toEqual(['PROMPT_TOO_LONG']);
    expect(refused.issues[0].message).toMatch(/at most 5000/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(creates()).toBe(before);
    const page = await h.gql('query { videoTasks(first: 100) { edges { node { id } } } }');
    expect(page.data!.videoTasks.edges).toEqual([]);
  });

  it('takes 5,000 characters (code points, so 5,000 emoji too) with the docs warning, and refuses 5,001', async () => {
    const accepted = (await generate({ textToVideo: { prompt: '🎬'.repeat(5_000) } })).data!.generateVideo;
    expect(accepted.__typename).toBe('GenerateVideoSuccess');
    expect(accepted.warnings.join(' ')).toMatch(/recommend at most 500/);
    const refused = (await generate({ textToVideo: { prompt: 'a'.repeat(5_001) } })).data!.generateVideo;
    expect(issueCodes(refused)).toEqual(['PROMPT_TOO_LONG']);
    // Image modes have optional prompts, bounded all the same.
    const imageMode = (
      await generate({ firstFrame: { image: 'https://example.com/a.png', prompt: 'b'.repeat(5_001) } })
    ).data!.generateVideo;
    expect(issueCodes(imageMode)).toEqual(['PROMPT_TOO_LONG']);
  });

  it('refuses an http(s) image URL over 2,048 characters', async () => {
    const before = creates();
    const url = `https://example.com/${'p'.repeat(2_100)}.png`;
    const refused = (await generate({ firstFrame: { image: url } })).data!.generateVideo;
    expect(issueCodes(refused)).toEqual(['INVALID_IMAGE_URL']);
    expect(refused.issues[0].message).toMatch(/at most 2048 characters/);
    expect(creates()).toBe(before);
  });
});
