import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { freePort } from '../support/free-port';
import { startReceiver, type CallbackReceiver } from './callback-receiver';
import { client, t2v, waitFor } from './helpers';

const statuses = (receiver: CallbackReceiver, path: string) =>
  receiver.deliveries.filter((d) => d.path === path).map((d) => d.body.status as string);

describe('simulator callbacks', () => {
  let receiver: CallbackReceiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  describe('on natural status changes', () => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      // Callbacks report the status current when their timer fires; a wide running phase keeps a
      // late timer (a loaded machine) from skipping straight to "completed".
      sim = await startSimulator({ queueMs: 50, runMs: 600 });
    });
    afterAll(() => sim.stop());

    it('posts processing, then completed, with the JSON a status read returns', async () => {
      const api = client(sim, null);
      const id = await api.createId(t2v({ callback_url: `${receiver.url}/done`, return_last_frame: true }));
      // A loaded CI machine once needed more than the default 10 s here (a delivery waits for
      // the previous one, each up to its 5 s timeout); the sequence is what is asserted.
      await waitFor(
        () => statuses(receiver, '/done'),
        (s) => s.length >= 2,
        { what: 'two callbacks', timeoutMs: 25_000 },
      );
      expect(statuses(receiver, '/done')).toEqual(['processing', 'completed']);
      const [processing, completed] = receiver.deliveries.filter((d) => d.path === '/done');
      expect(processing?.contentType).toBe('application/json');
      expect(processing?.body).toMatchObject({ id, status: 'processing' });
      expect(completed?.body).toEqual((await api.get(id)).body);
      expect(completed?.body.output[0].content).toHaveLength(2);
      await waitFor(
        () => sim.stats().callbacksSent,
        (n) => n === 2,
        { what: 'delivery accounting' },
      );
      expect(sim.stats().callbacksFailed).toBe(0);
    });

    it('posts failed for [sim:fail], with its error', async () => {
      await client(sim, null).createId(t2v({ callback_url: `${receiver.url}/failing` }, 'x [sim:fail]'));
      await waitFor(
        () => statuses(receiver, '/failing'),
        (s) => s.length >= 2,
        { what: 'two callbacks' },
      );
      expect(statuses(receiver, '/failing')).toEqual(['processing', 'failed']);
      expect(receiver.deliveries.find((d) => d.path === '/failing' && d.body.status === 'failed')?.body.error).toEqual({
        code: '003004095',
        error_message: 'Internal generation error (simulated)',
      });
    });
  });

  describe('on control changes and failures', () => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      sim = await startSimulator({ queueMs: 60_000, runMs: 60_000, callbackTimeoutMs: 200 });
    });
    afterAll(() => sim.stop());
    beforeEach(() => {
      sim.resetStats();
      receiver.reply = () => 'ok';
    });

    it('posts each status set through control, in order', async () => {
      const id = await client(sim, null).createId(t2v({ callback_url: `${receiver.url}/controlled` }));
      sim.control.setStatus(id, 'processing');
      sim.control.fail(id, '003004096', 'parse failure');
      await waitFor(
        () => statuses(receiver, '/controlled'),
        (s) => s.length >= 2,
        { what: 'two callbacks' },
      );
      expect(statuses(receiver, '/controlled')).toEqual(['processing', 'failed']);
      expect(receiver.deliveries.at(-1)?.body.error).toEqual({ code: '003004096', error_message: 'parse failure' });
      // Same status again: nothing new to tell.
      sim.control.fail(id);
      await fetch(`${sim.url}/__simulator/tasks/${id}/expire`, { method: 'POST' });
      await waitFor(
        () => statuses(receiver, '/controlled'),
        (s) => s.length >= 3,
        { what: 'the expiry callback' },
      );
      expect(statuses(receiver, '/controlled')).toEqual(['processing', 'failed', 'expired']);
    });

    it('counts a non-2xx answer and a timeout as failed, without retrying', async () => {
      receiver.reply = (path) => (path === '/hang' ? 'hang' : 'error');
      const api = client(sim, null);
      const erroring = await api.createId(t2v({ callback_url: `${receiver.url}/error` }));
      const hanging = await api.createId(t2v({ callback_url: `${receiver.url}/hang` }));
      sim.control.complete(erroring);
      sim.control.complete(hanging);
      await waitFor(
        () => sim.stats().callbacksFailed,
        (n) => n === 2,
        { what: 'two failed callbacks' },
      );
      expect(sim.stats().callbacksSent).toBe(0);
      expect(statuses(receiver, '/error')).toEqual(['completed']);
      expect(statuses(receiver, '/hang')).toEqual(['completed']);
    });

    it('counts an unreachable callback URL as failed', async () => {
      const port = await freePort();
      const id = await client(sim, null).createId(t2v({ callback_url: `http://127.0.0.1:${port}/nobody` }));
      sim.control.complete(id);
      await waitFor(
        () => sim.stats().callbacksFailed,
        (n) => n === 1,
        { what: 'a failed callback' },
      );
    });
  });

  it('stop() aborts a callback in flight and leaves nothing running', async () => {
    receiver.reply = () => 'hang';
    const sim = await startSimulator({ queueMs: 60_000, runMs: 60_000 });
    const id = await client(sim, null).createId(t2v({ callback_url: `${receiver.url}/stop` }));
    sim.control.complete(id);
    await waitFor(
      () => statuses(receiver, '/stop'),
      (s) => s.length === 1,
      { what: 'the callback to arrive' },
    );
    const started = Date.now();
    await sim.stop();
    await sim.stop(); // idempotent
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
