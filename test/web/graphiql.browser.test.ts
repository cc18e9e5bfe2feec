import type { Browser, Page } from 'playwright-core';
import { launchChromium, loopbackPage, screenshot, type CodeMirrorHost } from '../support/browser';
import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/wait-for';

// A browser and a gateway per suite: more room than the default 30 s on a busy machine.
jest.setTimeout(60_000);

/**
 * GraphiQL as the gateway serves it (GET /graphql, Accept: text/html), in real Chromium: a query
 * over HTTP and a subscription over graphql-ws, both authenticated by the header typed in its
 * headers editor (the gateway has keys: without the header both would be refused).
 */
describe('GraphiQL (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let offsite: string[];
  const frames: string[] = [];

  /** The text of GraphiQL's response pane. */
  const responseText = (): Promise<string> =>
    page.locator('.graphiql-response .CodeMirror').evaluate((el: CodeMirrorHost) => el.CodeMirror.getValue());

  /**
   * Replaces the query editor's text by typing, runs it once GraphiQL has taken it in (its active
   * tab is named after the operation), and waits for a response containing `expected`.
   */
  const run = async (operationName: string, query: string, expected: string): Promise<string> => {
    await page.click('.graphiql-query-editor .CodeMirror');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(query);
    await page.locator('.graphiql-tab-active', { hasText: operationName }).waitFor();
    await page.click('.graphiql-execute-button');
    return responseContaining(expected);
  };

  /** Waits until GraphiQL's response pane contains `expected` and returns the pane's text. */
  const responseContaining = (expected: string): Promise<string> =>
    waitFor(responseText, (text) => text.includes(expected), {
      timeoutMs: 15_000,
      what: `a GraphiQL response containing ${expected}`,
    });

  beforeAll(async () => {
    [h, browser] = await Promise.all([
      startHarness({ simulator: { queueMs: 60_000, runMs: 60_000 } }),
      launchChromium(),
    ]);
    ({ page, offsite } = await loopbackPage(browser));
    page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => frames.push(String(payload))));
    const response = await page.goto(h.gateway.url);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await page.locator('.graphiql-container').waitFor();
    // The Authorization header, typed into GraphiQL's headers editor.
    await page.click('button:has-text("Headers")');
    await page.click('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${KEYS.alice}` }));
    // GraphiQL takes editor changes after a debounce; with shouldPersistHeaders they then reach its storage.
    const stored = async () =>
      (await page.context().storageState()).origins.flatMap((origin) => origin.localStorage.map((item) => item.value));
    await waitFor(stored, (values) => values.some((value) => value.includes(KEYS.alice)), {
      what: 'GraphiQL to take the headers in',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('runs a query over HTTP with the Authorization header from its headers editor', async () => {
    const submitted = await h.gql(GENERATE, { input: { textToVideo: { prompt: 'a kite over the dunes' } } });
    const id = submitted.data!.generateVideo.task.id as string;
    const answer = await run('Mine', 'query Mine { videoTasks(first: 5) { edges { node { id mode } } } }', id);
    expect(JSON.parse(answer)).toEqual({ data: { videoTasks: { edges: [{ node: { id, mode: 'TEXT_TO_VIDEO' } }] } } });
    await screenshot(page, 'graphiql-query');
  });

  it('runs a subscription over graphql-ws (connectionParams from the same header) to the final state', async () => {
    const submitted = await h.gql(GENERATE, { input: { textToVideo: { prompt: 'a slow sunrise' } } });
    const { id, upstreamTaskId } = submitted.data!.generateVideo.task as { id: string; upstreamTaskId: string };
    await run('Watch', `subscription Watch { videoTaskUpdated(id: "${id}") { id status } }`, 'QUEUED');
    h.simulator.control.complete(upstreamTaskId);
    const answer = await responseContaining('SUCCEEDED');
    expect(JSON.parse(answer)).toEqual({ data: { videoTaskUpdated: { id, status: 'SUCCEEDED' } } });
    // Both states arrived as graphql-ws `next` frames on the one socket.
    const updates = frames.filter((frame) => frame.includes('"type":"next"') && frame.includes(id));
    expect(updates.map((frame) => /"status":"(\w+)"/.exec(frame)?.[1])).toEqual(['QUEUED', 'SUCCEEDED']);
    await screenshot(page, 'graphiql-subscription');
  });

  it('loaded nothing from outside loopback (no CDN)', () => {
    expect(offsite).toEqual([]);
  });
});
