import WebSocket from 'ws';
import { quantile, startTarget } from './target';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const CONNECT_BATCH = 500;
const QUERY = 'subscription($id: ID!) { videoTaskUpdated(id: $id) { id status revision updatedAt videos { url } usage { costUsd } } }';

interface Subscriber {
  socket: WebSocket;
  subscribed: Promise<void>;
  finished: Promise<number>;
}

/** One raw graphql-transport-ws subscriber: light enough to open ten thousand from one process. */
function openSubscriber(url: string, key: string, taskId: string): Subscriber {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  let onSubscribed!: () => void;
  let onFinished!: (at: number) => void;
  let fail!: (error: Error) => void;
  const subscribed = new Promise<void>((resolve, reject) => {
    onSubscribed = resolve;
    fail = reject;
  });
  const finished = new Promise<number>((resolve, reject) => {
    onFinished = resolve;
    socket.once('close', (code) => reject(new Error(`socket closed (${code}) before the final state`)));
  });
  finished.catch(() => undefined);
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } })));
  socket.on('error', (error) => fail(error));
  socket.on('message', (data) => {
    const text = data.toString();
    if (text.includes('"connection_ack"')) {
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { id: taskId } } }));
    } else if (text.includes('"SUCCEEDED"')) {
      onFinished(Date.now());
    } else if (text.includes('"next"')) {
      onSubscribed();
    }
  });
  return { socket, subscribed, finished };
}

/**
 * Fan-out: 10,000 WebSocket subscribers of one task on one gateway process. Measures, per
 * subscriber, the time from the gateway storing the change it read from the upstream
 * (`updatedAt`) to that subscriber receiving it, and the gateway's heap per subscriber.
 */
export async function benchFanOut(): Promise<string[]> {
  const target = await startTarget(
    'gateway-target.js',
    {
      BENCH_SIM_QUEUE_MS: String(3_600_000),
      BENCH_GATEWAY_ENV: JSON.stringify({
        POLL_MIN_INTERVAL_MS: '200',
        POLL_MAX_INTERVAL_MS: '200',
        // Every subscriber is the one bench client: its socket cap must not refuse them.
        WS_MAX_SOCKETS_PER_CLIENT: String(SUBSCRIBERS + 100),
      }),
    },
    (process.env.BENCH_TARGET_ARGS ?? '--expose-gc').split(' '),
  );
  const subscribers: Subscriber[] = [];
  try {
    const { url, key } = target.info as { url: string; key: string };
    const [task] = await target.request<Array<{ id: string; upstreamTaskId: string }>>({ type: 'submit', count: 1 });
    const heapBefore = (await target.request<NodeJS.MemoryUsage>({ type: 'heap' })).heapUsed;
    const wsUrl = url.replace(/^http/, 'ws');
    const connectStarted = Date.now();
    for (let i = 0; i < SUBSCRIBERS; i += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, SUBSCRIBERS - i) }, () => openSubscriber(wsUrl, key, task!.id));
      subscribers.push(...batch);
      await Promise.all(batch.map((s) => s.subscribed));
    }
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    const memory = await target.request<NodeJS.MemoryUsage>({ type: 'heap' });
    const perSubscriberKb = (memory.heapUsed - heapBefore) / SUBSCRIBERS / 1024;

    const changedAt = Date.now();
    await target.request({ type: 'complete', upstreamTaskIds: [task!.upstreamTaskId] });
    const received = await Promise.all(subscribers.map((s) => s.finished));
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: 'query($id: ID!) { videoTask(id: $id) { updatedAt } }', variables: { id: task!.id } }),
    });
    const storedAt = Date.parse(((await response.json()) as { data: { videoTask: { updatedAt: string } } }).data.videoTask.updatedAt);
    const latencies = received.map((at) => at - storedAt);
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    const last = Math.max(...latencies);
    return [
      `${SUBSCRIBERS} graphql-ws subscribers of one task (videoTaskUpdated), one gateway process; ${connectSeconds.toFixed(1)} s to connect all:`,
      `  change read upstream -> subscriber received: p50 ${p50} ms, p99 ${p99} ms, last ${last} ms (goal p99 < 200 ms; ratio p99/goal ${(p99 / 200).toFixed(2)})`,
      `  gateway heap per subscriber: ${perSubscriberKb.toFixed(1)} KB (goal <= 16 KB; ratio ${(perSubscriberKb / 16).toFixed(2)}); rss ${(memory.rss / 2 ** 20).toFixed(0)} MB`,
      `  (completion was triggered ${storedAt - changedAt} ms before the poller stored it; the poll interval is 200 ms)`,
    ];
  } finally {
    for (const s of subscribers) s.socket.terminate();
    target.stop();
  }
}
