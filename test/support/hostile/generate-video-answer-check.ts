import { failureIn, head } from './failure-text';
import type { GenerateVideoEntry } from './generate-video-variables';
import { hasInternalError, isErrorList } from './graphql-error-shape';
import { findLeak } from './leak-detection';
import { isObject } from './plain-object';

/** An HTTP answer to a GraphQL POST, as the tests read it. */
export interface PostAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** What a `generateVideo` answer was: "HTTP 400" or the union member, and for a success whether it was replayed. */
export interface GenerateVideoOutcome {
  outcome: string;
  replayed?: boolean;
}

const RESULT_UNION = ['GenerateVideoSuccess', 'InvalidInputError', 'UpstreamError', 'RateLimitedError'];

/**
 * Checks one `generateVideo` answer: JSON, no leak, either a 400 with a GraphQL error list and
 * no data or a 200 with a well-formed member of the result union. Throws with the request and
 * the answer when it is not; returns its outcome.
 */
export function checkGenerateAnswer(
  kind: GenerateVideoEntry['kind'],
  request: string,
  answer: PostAnswer,
): GenerateVideoOutcome {
  const fail = failureIn(`${kind} input ${head(request, 400)} -> ${answer.status} ${head(answer.text)}`);
  const leak = findLeak(answer.text, request);
  if (leak) fail(`the answer leaks ${leak}`);
  if (!/^application\/(graphql-response\+)?json\b/i.test(answer.contentType))
    fail(`content-type ${JSON.stringify(answer.contentType)} is not JSON`);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return fail('the body is not JSON');
  }
  if (!isObject(body)) return fail('the body is not a JSON object');
  if (answer.status === 400) {
    if (!isErrorList(body.errors)) fail('a 400 without a non-empty errors list of {message: string}');
    if (body.data !== undefined && body.data !== null) fail('a 400 with data');
    return { outcome: 'HTTP 400' };
  }
  if (answer.status !== 200)
    fail(`status ${answer.status}: only 200 (a result) and 400 (a refused request) are expected`);
  if (body.errors !== undefined)
    fail(hasInternalError(body.errors) ? 'an unexpected (internal) error inside a 200' : 'a 200 with errors');
  const result = isObject(body.data) ? body.data.generateVideo : undefined;
  if (!isObject(result) || typeof result.__typename !== 'string' || !RESULT_UNION.includes(result.__typename))
    return fail('a 200 without a member of the result union');
  const typename = result.__typename;
  if (typename === 'InvalidInputError') {
    const issues = result.issues;
    const wellFormed =
      Array.isArray(issues) &&
      issues.length > 0 &&
      issues.every(
        (i) =>
          isObject(i) &&
          Array.isArray(i.path) &&
          i.path.every((p) => typeof p === 'string') &&
          typeof i.code === 'string' &&
          typeof i.message === 'string',
      );
    if (!wellFormed || typeof result.message !== 'string')
      fail('an InvalidInputError without a message and a non-empty list of {path: [String], code, message}');
  }
  if (typename === 'GenerateVideoSuccess') {
    const task = result.task;
    if (
      !isObject(task) ||
      typeof task.id !== 'string' ||
      !task.id.startsWith('vt_') ||
      typeof result.replayed !== 'boolean'
    )
      fail('a GenerateVideoSuccess without a task id or replayed flag');
    return { outcome: typename, replayed: result.replayed as boolean };
  }
  return { outcome: typename };
}
