import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { GENERATE, KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { head } from '../support/hostile/failure-text';
import { checkGenerateAnswer, type PostAnswer } from '../support/hostile/generate-video-answer-check';
import {
  arbitraryEntry,
  invalidEntry,
  validEntry,
  type GenerateVideoEntry,
} from '../support/hostile/generate-video-variables';
import { wsClientFrame } from '../support/hostile/graphql-ws-cases';
import { assertFreshWsClientWorks } from '../support/hostile/graphql-ws-fresh-client';
import { runWsSession } from '../support/hostile/graphql-ws-session';
import { checkWsSession } from '../support/hostile/graphql-ws-session-check';
import { heapAfterGc } from '../support/hostile/heap-after-gc';
import { oversizedRefusedBodies } from '../support/hostile/oversized-refused-requests';
import { ProcessErrorWatch } from '../support/hostile/process-error-watch';
import { checkRawExchange } from '../support/hostile/raw-http-answer-check';
import { caseBytes } from '../support/hostile/raw-http-case-bytes';
import { caseMethods, rawHttpCase } from '../support/hostile/raw-http-cases';
import { rawHttpExchange } from '../support/raw-http-exchange';
import { waitFor } from '../support/wait-for';
import { wsClient } from '../support/ws-client';

/**
 * Property-based hostile input against ONE running gateway (memory store, embedded simulator):
 * thousands of random and malformed `generateVideo` variables, raw HTTP requests and raw
 * graphql-ws messages. The invariants:
 *
 *  1. every GraphQL answer is well formed (200 with a member of the result union, or 400 with
 *     errors), never 5xx, never a stack trace, a source path or the upstream API key;
 *  2. nothing refused (InvalidInputError, 400) reaches the upstream: new upstream creates and
 *     new tasks equal the successful answers, batch by batch;
 *  3. raw HTTP gets a status < 500 and the server keeps answering /healthz;
 *  4. raw WebSocket messages end in graphql-ws messages or a 4xxx close (never 4500/1011), and a
 *     fresh client still connects afterwards;
 *  5. no unhandled rejection, no graphql-ws "internal error", and the heap returns to baseline.
 *
 * The generators and the per-answer checks live in test/support/hostile/.
 *
 * fast-check prints the seed and the shrunk counterexample of a failure; FC_SEED=<seed>
 * replays a run (add FC_PATH=<path> to jump straight to the counterexample).
 *
 * The gateway runs with NODE_ENV=production: outside production Apollo deliberately adds
 * `extensions.stacktrace` (with file paths) to every error, which is a development aid, not a leak.
 */

const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const FC_PATH = process.env.FC_PATH;
const REPLAYING = FC_PATH !== undefined;
const fcParams = <T>(numRuns: number): fc.Parameters<T> => ({
  numRuns,
  ...(SEED === undefined ? {} : { seed: SEED }),
  ...(FC_PATH === undefined ? {} : { path: FC_PATH }),
  // A normal run takes a few seconds; this only bounds the shrinking of a failure, so that
  // fast-check (not jest's timeout) reports it, with the best counterexample found so far.
  interruptAfterTimeLimit: 70_000,
});
const PROPERTY_TIMEOUT_MS = 100_000;

/** What a property run can ask about its own effects on the gateway. */
interface BatchRun {
  /** Upstream creates since the run started. */
  upstreamCreates(): number;
  /** Throws unless the upstream creates since the run started equal `successes` (`over` ends the message). */
  assertOneCreatePerSuccess(successes: number, over?: string): void;
  /** Throws when console.error was called since the run started. */
  assertNoNewConsoleErrors(): void;
}

describe('hostile input (property-based, one running gateway)', () => {
  let h: Harness;
  let base: string;
  let wsUrl: string;
  const watch = new ProcessErrorWatch();
  let baselineHeap = 0;
  /** Valid submissions sent so far; each starts a simulated task, so there are few of them. */
  let validSent = 0;
  const VALID_BUDGET = 50;
  const runTag = randomUUID().slice(0, 8);

  const post = async (body: string, key: string = KEYS.alice): Promise<PostAnswer> => {
    const response = await fetch(h.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body,
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
  };

  /** alice's tasks, every page. */
  const countTasks = async (): Promise<number> => {
    let total = 0;
    let after: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const result = await h.gql(
        `query($after: String) { videoTasks(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      if (result.errors || !result.data) throw new Error(`videoTasks failed: ${JSON.stringify(result).slice(0, 500)}`);
      const connection = result.data.videoTasks as {
        edges: unknown[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      total += connection.edges.length;
      if (!connection.pageInfo.hasNextPage) return total;
      after = connection.pageInfo.endCursor;
    }
    throw new Error('videoTasks never ended');
  };

  const healthy = async (): Promise<void> => {
    const response = await fetch(`${base}/healthz`);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`/healthz answered ${response.status} ${head(text)}`);
  };

  /** Waits (up to 5 s) until no shared subscription execution is left, i.e. those of closed sockets have ended. */
  const subscriptionsEnded = (what: string): Promise<number> =>
    waitFor(
      () => h.gateway.server.sharedSubscriptions(),
      (count) => count === 0,
      { timeoutMs: 5_000, what },
    );

  /** Asserts `property` on `numRuns` batches drawn from `batches` (FC_SEED / FC_PATH replay a run). */
  const assertForEveryBatch = <T>(
    batches: fc.Arbitrary<T>,
    numRuns: number,
    property: (batch: T, run: BatchRun) => Promise<void>,
  ): Promise<void> =>
    fc.assert(
      fc.asyncProperty(batches, async (batch) => {
        const createsBefore = h.simulator.stats().creates;
        const consoleBefore = watch.consoleErrorCount;
        const upstreamCreates = (): number => h.simulator.stats().creates - createsBefore;
        await property(batch, {
          upstreamCreates,
          assertOneCreatePerSuccess: (successes, over) => {
            const creates = upstreamCreates();
            if (creates !== successes)
              throw new Error(
                `${creates} upstream creates for ${successes} successful submissions${over ? ` ${over}` : ''}`,
              );
          },
          assertNoNewConsoleErrors: () => watch.assertNoConsoleErrorsSince(consoleBefore),
        });
      }),
      fcParams(numRuns),
    );

  beforeAll(async () => {
    watch.start();
    h = await startHarness({
      env: {
        NODE_ENV: 'production',
        // Limits that would turn answers into RateLimitedError or close sockets are out of the way:
        // the invariants are about input handling, not quotas.
        RATE_LIMIT_SUBMITS_PER_MINUTE: '100000',
        MAX_ACTIVE_TASKS_PER_CLIENT: '100000',
        MAX_UPSTREAM_ACTIVE_TASKS: '100000',
        WS_MAX_SOCKETS_PER_CLIENT: '100000',
        WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '100000',
        // A create slowed down by the load must not time out into an UpstreamError.
        SPARK_DANCE_TIMEOUT_MS: '15000',
      },
    });
    base = h.gateway.url.replace(/\/graphql$/, '');
    wsUrl = h.gateway.url.replace(/^http/, 'ws');

    // Warm up every path once (schema, Apollo's caches, ws, the store's indexes), so the heap
    // baseline holds what any running gateway holds, and the growth measured is what the runs left.
    await post(JSON.stringify({ query: GENERATE, variables: { input: { textToVideo: { prompt: '' } } } }));
    await post('{"query": "{ __typename }"');
    await rawHttpExchange(h.gateway.port, Buffer.from('GET /nope HTTP/1.1\r\nHost: x\r\n\r\n'));
    const client = wsClient(h.gateway.url, `Bearer ${KEYS.alice}`);
    await new Promise((resolveQuery, rejectQuery) =>
      client.subscribe(
        { query: '{ __typename }' },
        { next: resolveQuery, error: rejectQuery, complete: () => undefined },
      ),
    );
    await client.dispose();
    await countTasks();
    baselineHeap = await heapAfterGc();
  });

  afterAll(async () => {
    watch.stop();
    await h?.stop();
  });

  it(
    'generateVideo: every answer is well formed, and only successes reach the upstream',
    async () => {
      const stats = { batches: 0, requests: 0, outcomes: new Map<string, number>() };
      const batch = fc.record({
        hostile: fc.array(fc.oneof({ arbitrary: arbitraryEntry, weight: 1 }, { arbitrary: invalidEntry, weight: 2 }), {
          minLength: 1,
          maxLength: 39,
          size: 'max',
        }),
        valid: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: validEntry, weight: 2 }),
        at: fc.nat(),
      });
      await assertForEveryBatch(batch, 100, async ({ hostile, valid, at }, run) => {
        const entries: GenerateVideoEntry[] = [...hostile];
        if (valid && validSent < VALID_BUDGET) {
          entries.splice(at % (entries.length + 1), 0, valid);
          validSent++;
        }
        const tasksBefore = await countTasks();

        const answers = await Promise.all(
          entries.map(async (entry, index) => {
            const variables =
              entry.kind === 'valid'
                ? {
                    input: entry.input,
                    key: entry.keySuffix === null ? null : `valid-${runTag}-${validSent}-${index}-${entry.keySuffix}`,
                  }
                : entry.variables;
            const request = JSON.stringify({ query: GENERATE, variables });
            return { entry, request, answer: await post(request) };
          }),
        );

        let successes = 0;
        const problems: string[] = [];
        for (const { entry, request, answer } of answers) {
          const { outcome, replayed } = checkGenerateAnswer(entry.kind, request, answer);
          stats.outcomes.set(`${entry.kind}:${outcome}`, (stats.outcomes.get(`${entry.kind}:${outcome}`) ?? 0) + 1);
          if (outcome === 'GenerateVideoSuccess' && replayed === false) successes++;
          if (entry.kind === 'invalid' && outcome !== 'InvalidInputError' && outcome !== 'HTTP 400') {
            problems.push(
              `an input that breaks a documented rule was answered ${outcome}: ${head(request, 800)} -> ${head(answer.text, 400)}`,
            );
          }
          if (entry.kind === 'valid' && (outcome !== 'GenerateVideoSuccess' || replayed !== false)) {
            problems.push(
              `a valid input was answered ${outcome}${replayed ? ' (replayed)' : ''}: ${head(request, 800)} -> ${head(answer.text, 800)}`,
            );
          }
        }
        if (problems.length > 0) throw new Error(problems.join('\n'));

        const creates = run.upstreamCreates();
        const tasks = (await countTasks()) - tasksBefore;
        if (creates !== successes || tasks !== successes) {
          const outcomes = answers.map(
            ({ entry, answer }) =>
              `${entry.kind}:${answer.status}:${/"__typename":"(\w+)"/.exec(answer.text)?.[1] ?? '-'}`,
          );
          throw new Error(
            `${successes} successful submissions, but ${creates} upstream creates and ${tasks} new tasks; outcomes: ${outcomes.join(', ')}`,
          );
        }
        run.assertNoNewConsoleErrors();
        watch.assertNoUnhandledRejections();
        stats.batches++;
        stats.requests += entries.length;
      });
      // Not the property: a guard that the generators still reach every outcome (skipped when replaying one run).
      if (REPLAYING) return;
      const seen = [...stats.outcomes.keys()];
      expect(seen).toEqual(
        expect.arrayContaining(['invalid:InvalidInputError', 'invalid:HTTP 400', 'arbitrary:HTTP 400']),
      );
      if (validSent > 0) expect(seen).toContain('valid:GenerateVideoSuccess');
      expect(stats.requests).toBeGreaterThanOrEqual(1500);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'raw HTTP: every answer is < 500 and well-formed JSON where it says JSON; /healthz keeps answering',
    async () => {
      let sent = 0;
      await assertForEveryBatch(
        fc.array(rawHttpCase, { minLength: 1, maxLength: 21, size: 'max' }),
        120,
        async (cases, run) => {
          const exchanges = await Promise.all(
            cases.map(async (rawCase) => {
              const bytes = caseBytes(rawCase);
              return {
                rawCase,
                bytes,
                exchange: await rawHttpExchange(h.gateway.port, bytes, { methods: caseMethods(rawCase) }),
              };
            }),
          );
          for (const { rawCase, bytes, exchange } of exchanges) checkRawExchange(rawCase, bytes, exchange);
          await healthy();
          // `{"__proto__": ...}` in a body must stay data, never become every object's prototype.
          const probe: Record<string, unknown> = {};
          if (probe.polluted !== undefined || Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'))
            throw new Error('Object.prototype was polluted');
          // Raw requests never carry a valid generation: none may reach the upstream.
          const successes = exchanges.filter(({ exchange }) =>
            exchange.responses.some((r) => r.body.toString('utf8').includes('"GenerateVideoSuccess"')),
          ).length;
          run.assertOneCreatePerSuccess(successes);
          run.assertNoNewConsoleErrors();
          watch.assertNoUnhandledRejections();
          sent += cases.length;
        },
      );
      if (!REPLAYING) expect(sent).toBeGreaterThanOrEqual(800);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'raw graphql-ws messages: protocol answers or a 4xxx close, never an internal error; fresh clients still work',
    async () => {
      let sent = 0;
      await assertForEveryBatch(
        fc.array(wsClientFrame, { minLength: 1, maxLength: 14, size: 'max' }),
        150,
        async (messages, run) => {
          const session = await runWsSession(wsUrl, `Bearer ${KEYS.alice}`, messages);
          const successes = checkWsSession(messages, session);
          run.assertNoNewConsoleErrors();
          run.assertOneCreatePerSuccess(successes, 'over WebSocket');
          await assertFreshWsClientWorks(h.gateway.url, `Bearer ${KEYS.alice}`);
          // Every socket of the session is closed: no subscription execution may stay behind.
          await subscriptionsEnded('shared subscriptions of closed sockets to end');
          watch.assertNoUnhandledRejections();
          sent += messages.length;
        },
      );
      if (!REPLAYING) expect(sent).toBeGreaterThanOrEqual(800);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('no unhandled rejection and no internal error was reported at any point', () => {
    watch.assertNoUnhandledRejections();
    watch.assertNoConsoleErrorsSince(0);
  });

  it('the heap returns to its baseline once the hostile traffic is over', async () => {
    const MiB = 1024 * 1024;
    await subscriptionsEnded('subscriptions of closed sockets to end');
    // Overall, baseline (taken after a warm-up) to now: measured 10-14 MB, nearly all of it
    // one-time or legitimately kept: the test's own compiled generators, first-use state of
    // Apollo, graphql-ws and the store, and the ~50 tasks (prompts up to 20k characters) that the
    // memory store and the simulator keep. Running the generateVideo property a third time adds
    // under 1 MB. 30 MB leaves room for another machine's JIT and GC timing, and is still less
    // than what keeping the hostile payloads would cost (the generateVideo runs alone carry tens
    // of MB of 200k-character keys, enum values and prompts).
    const growth = (await heapAfterGc()) - baselineHeap;
    expect(growth).toBeLessThan(30 * MiB);

    // The sharper check, now that every cache is warm: 200 refused requests of ~256 KB each
    // (50 MB through the gateway) must leave less than 5 MB behind (measured: under 1 MB).
    // Keeping one payload in ten would exceed it; legitimately nothing stays (nothing is
    // submitted, and the document caches keep neither texts this long nor failed documents).
    const createsBefore = h.simulator.stats().creates;
    const consoleBefore = watch.consoleErrorCount;
    const before = await heapAfterGc();
    let sentBytes = 0;
    for (let i = 0; i < 40; i++) {
      const bodies = oversizedRefusedBodies(i, 256 * 1024);
      const answers = await Promise.all(bodies.map((body) => post(body)));
      answers.forEach((answer, k) => {
        sentBytes += bodies[k]!.length;
        const refused =
          answer.status === 400 || (answer.status === 200 && answer.text.includes('"__typename":"InvalidInputError"'));
        if (!refused)
          throw new Error(`expected a refusal, got ${answer.status} ${head(answer.text)} for ${head(bodies[k]!, 200)}`);
      });
    }
    const burst = (await heapAfterGc()) - before;
    expect(sentBytes).toBeGreaterThan(50 * 1000 * 1000);
    expect(burst).toBeLessThan(5 * MiB);
    expect(h.simulator.stats().creates).toBe(createsBefore);
    watch.assertNoConsoleErrorsSince(consoleBefore);
    watch.assertNoUnhandledRejections();
  });
});
