import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { client, manualClock, t2v } from './helpers';

const KEY = 'files-key';
const ASSETS = join(__dirname, '../../src/simulator/assets');

/** The result files: the committed playable clip and PNG, under the simulator's or a public base. */
describe('simulator result files', () => {
  const clock = manualClock();
  let sim: RunningSimulator;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: KEY, queueMs: 1000, runMs: 1000, now: clock.now });
    api = client(sim, KEY);
  });
  afterAll(() => sim.stop());

  it('serves the committed MP4 and PNG of a completed task', async () => {
    const id = await api.createId(t2v({ return_last_frame: true }));
    clock.advance(2000);
    const [video, last] = (await api.get(id)).body.output[0].content;
    const mp4 = await fetch(video.url);
    expect(mp4.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await mp4.arrayBuffer());
    expect(bytes.equals(readFileSync(join(ASSETS, 'sample.mp4')))).toBe(true);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(bytes.length).toBeLessThan(16 * 1024);
    const png = Buffer.from(await (await fetch(last.url)).arrayBuffer());
    expect(png.equals(readFileSync(join(ASSETS, 'last-frame.png')))).toBe(true);
  });

  it('serves the files of a task from an earlier run (same id shape), not of one unfinished or malformed', async () => {
    const earlier = `sdt-${'ab'.repeat(12)}`;
    expect((await fetch(`${sim.url}/files/${earlier}.mp4`)).status).toBe(200);
    expect((await fetch(`${sim.url}/files/${earlier}-last.png`)).status).toBe(200);
    const unfinished = await api.createId(t2v());
    expect((await fetch(`${sim.url}/files/${unfinished}.mp4`)).status).toBe(404);
    expect((await fetch(`${sim.url}/files/sdt-nothex.mp4`)).status).toBe(404);
  });

  it('reports file URLs under filesBaseUrl when one is given', async () => {
    const proxied = await startSimulator({
      apiKey: KEY,
      queueMs: 0,
      runMs: 0,
      filesBaseUrl: 'http://gateway.example/simulator-files/',
    });
    try {
      const id = await client(proxied, KEY).createId(t2v());
      const done = await client(proxied, KEY).get(id);
      expect(done.body.output[0].content[0].url).toBe(`http://gateway.example/simulator-files/${id}.mp4`);
    } finally {
      await proxied.stop();
    }
  });
});
