import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { GENERATE } from '../support/gateway-harness';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';
import { waitFor } from '../support/wait-for';

const ASSETS = join(__dirname, '../../src/simulator/assets');

/**
 * `npm start` without an upstream key: the embedded simulator's files are served by the gateway
 * at /simulator-files/, so a finished task's URLs still answer after the whole process (and its
 * simulator, on a new random port) restarted.
 */
describe('simulator files through the gateway (main.ts)', () => {
  let dir: string;
  let port: number;
  const children: GatewayProcess[] = [];
  const start = async (): Promise<string> => {
    const gateway = spawnGateway({
      PORT: String(port),
      STORE_URL: `sqlite://${join(dir, 'gateway.sqlite')}`,
      LOG_LEVEL: 'info',
      SIMULATOR_QUEUE_MS: '10',
      SIMULATOR_RUN_MS: '20',
      POLL_MIN_INTERVAL_MS: '20',
      POLL_MAX_INTERVAL_MS: '100',
    });
    children.push(gateway);
    return (await gateway.waitForLog((line) => line.msg === 'gateway listening')).url as string;
  };
  const gql = async (url: string, query: string, variables: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any };
  };
  const fetchBytes = async (url: string) => {
    const response = await fetch(url);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-files-'));
    port = await freePort();
  });
  afterAll(() => {
    for (const child of children) child.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the video and last frame of a finished task, before and after a restart', async () => {
    let url = await start();
    const input = { textToVideo: { prompt: 'a lighthouse at dusk', options: { returnLastFrame: true } } };
    const id = (await gql(url, GENERATE, { input })).data.generateVideo.task.id as string;
    const task = await waitFor(
      () => gql(url, 'query($id: ID!) { videoTask(id: $id) { status videos { url } lastFrameUrl } }', { id }),
      (r) => r.data?.videoTask?.status === 'SUCCEEDED',
      { what: 'the task to succeed' },
    );
    const videoUrl = task.data.videoTask.videos[0].url as string;
    const lastFrameUrl = task.data.videoTask.lastFrameUrl as string;
    expect(videoUrl).toBe(`http://127.0.0.1:${port}/simulator-files/${new URL(videoUrl).pathname.split('/').pop()}`);
    const video = readFileSync(join(ASSETS, 'sample.mp4'));
    const png = readFileSync(join(ASSETS, 'last-frame.png'));
    expect(await fetchBytes(videoUrl)).toEqual({ status: 200, type: 'video/mp4', bytes: video });
    expect(await fetchBytes(lastFrameUrl)).toEqual({ status: 200, type: 'image/png', bytes: png });

    const first = children[0]!;
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    url = await start();
    const again = await gql(url, 'query($id: ID!) { videoTask(id: $id) { videos { url } } }', { id });
    expect(again.data.videoTask.videos[0].url).toBe(videoUrl);
    expect(await fetchBytes(videoUrl)).toEqual({ status: 200, type: 'video/mp4', bytes: video });
    expect(await fetchBytes(lastFrameUrl)).toEqual({ status: 200, type: 'image/png', bytes: png });
  });

  it('answers only simulator file names, and only GET/HEAD', async () => {
    const base = `http://127.0.0.1:${port}/simulator-files`;
    expect((await fetch(`${base}/..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${base}/sdt-${'cd'.repeat(12)}.mp4`, { method: 'HEAD' })).headers.get('content-type')).toBe(
      'video/mp4',
    );
    expect((await fetch(`${base}/sdt-${'cd'.repeat(12)}.mp4`, { method: 'POST' })).status).toBe(405);
  });
});
