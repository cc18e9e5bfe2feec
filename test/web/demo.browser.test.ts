import type { Browser, Page } from 'playwright-core';
import { launchChromium, loopbackPage, screenshot, type VideoElementLike } from '../support/browser';
import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { pngBuffer } from '../support/images';
import { waitFor } from '../support/wait-for';

// A browser and a gateway per suite: more room than the default 30 s on a busy machine.
jest.setTimeout(60_000);

/**
 * The demo page in real Chromium against a gateway and the simulator on loopback: both kinds of
 * submission end with a video that actually plays, issues sit next to their fields, history pages.
 */
describe('demo page (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let offsite: string[];
  let origin: string;

  beforeAll(async () => {
    [h, browser] = await Promise.all([
      startHarness({ simulatorFiles: true, simulator: { queueMs: 200, runMs: 300 } }),
      launchChromium(),
    ]);
    origin = new URL(h.gateway.url).origin;
    ({ page, offsite } = await loopbackPage(browser));
    await page.goto(`${origin}/demo`);
    await page.fill('input[name=apiKey]', KEYS.alice);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  const taskSection = 'section[aria-label="Current task"]';
  /** Submits the form; resolves with the id of the new task once the page watches it and it succeeded. */
  const submitAndWatch = async (): Promise<string> => {
    const before =
      (await page.locator(taskSection).count()) > 0 ? await page.getAttribute(taskSection, 'data-task-id') : null;
    await page.click('button[type=submit]');
    const id = await waitFor(
      () => page.getAttribute(taskSection, 'data-task-id'),
      (shown) => shown !== null && shown !== before,
      {
        what: 'the page to watch the new task',
      },
    );
    await page.locator('[data-testid=task-status]', { hasText: 'SUCCEEDED' }).waitFor({ timeout: 15_000 });
    return id!;
  };

  /** Waits for the watched (succeeded) task's <video> to have decoded frames and to play. */
  const expectPlayingVideo = async (): Promise<void> => {
    const video = page.locator('[data-testid=task-video]');
    const state = await waitFor(
      () =>
        video.evaluate((v: VideoElementLike) => ({
          readyState: v.readyState,
          duration: v.duration,
          time: v.currentTime,
          width: v.videoWidth,
          src: v.currentSrc,
        })),
      (s) => s.readyState >= 2 && s.duration > 0 && s.time > 0,
      { timeoutMs: 15_000, what: 'the video to load and play' },
    );
    // The committed clip (2 s, 160 px wide), through the gateway's stable /simulator-files/ path.
    expect(state).toMatchObject({
      duration: 2,
      width: 160,
      src: expect.stringContaining(`${origin}/simulator-files/`),
    });
    const lastFrame = page.locator('[data-testid=task-last-frame]');
    await waitFor(
      () => lastFrame.evaluate((img: { naturalWidth: number }) => img.naturalWidth),
      (width) => width === 160,
      { what: 'the last frame' },
    );
  };

  it('submits a text task, watches it live to SUCCEEDED and plays its video', async () => {
    await page.fill('textarea[name=prompt]', 'a paper boat on a rainy street');
    const id = await submitAndWatch();
    await expectPlayingVideo();
    // SUCCEEDED reached the page only through the subscription (the page never polls), with its revision.
    const stored = await h.gql('query($id: ID!) { videoTask(id: $id) { revision } }', { id });
    expect(Number(await page.textContent('[data-testid=task-revision]'))).toBe(stored.data!.videoTask.revision);
    await screenshot(page, 'demo-text-task');
  });

  it('submits a first-frame task with an image chosen from disk (sent as a data URL)', async () => {
    await page.check('input[name=mode][value=FIRST_FRAME]');
    await page.setInputFiles('input[name=image]', {
      name: 'frame.png',
      mimeType: 'image/png',
      buffer: pngBuffer(640, 360),
    });
    await page.fill('textarea[name=prompt]', 'the boat sails away');
    const id = await submitAndWatch();
    await expectPlayingVideo();
    const stored = await h.gql(
      'query($id: ID!) { videoTask(id: $id) { mode images { role mimeType width height } } }',
      { id },
    );
    expect(stored.data!.videoTask).toEqual({
      mode: 'FIRST_FRAME',
      images: [{ role: 'FIRST_FRAME', mimeType: 'image/png', width: 640, height: 360 }],
    });
  });

  it('submits first+last frames and 1-4 reference images, each file as a data URL', async () => {
    const png = (name: string, width: number) => ({ name, mimeType: 'image/png', buffer: pngBuffer(width, 360) });
    const submitAndRead = async () => {
      const id = await submitAndWatch();
      const stored = await h.gql('query($id: ID!) { videoTask(id: $id) { mode images { role width } } }', { id });
      return stored.data!.videoTask;
    };
    await page.check('input[name=mode][value=FIRST_LAST_FRAME]');
    await page.setInputFiles('input[name=firstFrame]', png('first.png', 640));
    await page.setInputFiles('input[name=lastFrame]', png('last.png', 480));
    expect(await submitAndRead()).toEqual({
      mode: 'FIRST_LAST_FRAME',
      images: [
        { role: 'FIRST_FRAME', width: 640 },
        { role: 'LAST_FRAME', width: 480 },
      ],
    });
    await page.check('input[name=mode][value=REFERENCE_IMAGES]');
    await page.setInputFiles('input[name=images]', [png('a.png', 400), png('b.png', 500), png('c.png', 600)]);
    expect(await submitAndRead()).toEqual({
      mode: 'REFERENCE_IMAGES',
      images: [400, 500, 600].map((width) => ({ role: 'REFERENCE_IMAGE', width })),
    });
  });

  it('shows each validation issue next to its field', async () => {
    await page.check('input[name=mode][value=REFERENCE_IMAGES]');
    // Too small an image and too long a video: two issues, two fields.
    await page.setInputFiles('input[name=images]', [
      { name: 'tiny.png', mimeType: 'image/png', buffer: pngBuffer(100, 100) },
    ]);
    await page.fill('input[name=duration]', '30');
    await page.click('button[type=submit]');
    const durationIssue = page.locator('[data-field="options.duration"] .issue');
    await durationIssue.waitFor();
    expect(await durationIssue.textContent()).toMatch(/\(INVALID_DURATION\)$/);
    expect(await page.locator('[data-field="images"] .issue').textContent()).toMatch(
      /^image 1: The image is 100x100 px.*\(INVALID_IMAGE_DIMENSIONS\)$/,
    );
    expect(await page.locator('[data-field="prompt"] .issue').count()).toBe(0);
    expect(await page.locator('[data-field="options.duration"]').getAttribute('class')).toContain('invalid');
    await screenshot(page, 'demo-invalid-input');
    await page.fill('input[name=duration]', '5');
  });

  it('pages through the history with videoTasks cursors, and charts the tasks by day', async () => {
    // Five more tasks of the same client: nine in all, two pages of five.
    for (let i = 0; i < 5; i++) {
      const result = await h.gql(GENERATE, { input: { textToVideo: { prompt: `history task ${i}` } } });
      expect(result.data!.generateVideo.__typename).toBe('GenerateVideoSuccess');
    }
    await page.reload();
    const rows = page.locator('section[aria-label=History] tbody tr[data-task-id]');
    await rows.nth(4).waitFor();
    const ids = async () => Promise.all((await rows.all()).map((row) => row.getAttribute('data-task-id')));
    const first = await ids();
    expect(first).toHaveLength(5);
    await page.click('section[aria-label=History] button:has-text("Next")');
    await page.locator('section[aria-label=History] h2', { hasText: 'page 2' }).waitFor();
    await waitFor(ids, (shown) => shown.length === 4 && shown.every((id) => !first.includes(id)), {
      what: 'the second page',
    });
    expect(await page.isDisabled('section[aria-label=History] button:has-text("Next")')).toBe(true);
    await page.click('section[aria-label=History] button:has-text("Previous")');
    await page.locator('section[aria-label=History] h2', { hasText: 'page 1' }).waitFor();
    await rows.nth(4).waitFor();
    expect(await ids()).toEqual(first);

    // Nine tasks over the chart's days (all today, unless the test ran across midnight UTC).
    const days = await page.locator('svg g[data-day]').all();
    expect(days).toHaveLength(14);
    const perDay = await Promise.all(days.map(async (day) => Number(await day.getAttribute('data-tasks'))));
    expect(perDay.reduce((sum, n) => sum + n, 0)).toBe(9);
    expect(await days[13]!.getAttribute('data-day')).toBe(new Date().toISOString().slice(0, 10));
    expect(await page.textContent('[data-testid=usage-totals]')).toMatch(/^9 tasks/);
    await screenshot(page, 'demo-history');
  });

  it('loaded nothing from outside loopback (no CDN)', () => {
    expect(offsite).toEqual([]);
  });
});
