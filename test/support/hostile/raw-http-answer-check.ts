import type { RawExchange } from '../raw-http-exchange';
import { failureIn, head } from './failure-text';
import { hasInternalError, isErrorList } from './graphql-error-shape';
import { findLeak } from './leak-detection';
import { isObject } from './plain-object';
import { caseMethods, type RawCase } from './raw-http-cases';

/** Whether a case may legitimately end without any HTTP response (the server just closes). */
function mayGoUnanswered(rawCase: RawCase): boolean {
  if (rawCase.kind !== 'request' && rawCase.kind !== 'pipelined') return true;
  const requests = rawCase.kind === 'request' ? [rawCase.request] : rawCase.requests;
  // CONNECT has no handler (Node closes); an upgrade is answered by ws, possibly with 101 and frames.
  return requests.some((r) => r.method === 'CONNECT' || r.headers.some(([name]) => name.toLowerCase() === 'upgrade'));
}

/**
 * Checks what the server answered to one raw case: a response (unless the case may go
 * unanswered), no leak, every status a final one below 500, JSON bodies that say so, and a
 * GraphQL result or error list from /graphql. Throws with the request and the answer when not.
 */
export function checkRawExchange(rawCase: RawCase, request: Buffer, exchange: RawExchange): void {
  const requestText = request.toString('latin1');
  const answerText = exchange.bytes.toString('latin1');
  const fail = failureIn(`request ${head(requestText, 500)}\n  answer ${head(answerText, 600)}`);
  if (exchange.responses.length === 0 && !mayGoUnanswered(rawCase)) fail('no HTTP response');
  const leak = findLeak(answerText, requestText);
  if (leak) fail(`the answer leaks ${leak}`);
  const first = rawCase.kind === 'request' ? rawCase.request : undefined;
  const methods = caseMethods(rawCase);
  exchange.responses.forEach((response, index) => {
    if (response.status >= 500) fail(`status ${response.status}`);
    if (response.status < 200) fail(`a final status ${response.status}`);
    if (methods[index] === 'HEAD' || !/json/i.test(response.headers['content-type'] ?? '')) return;
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      return fail(`response #${index + 1} says JSON but its body is not JSON`);
    }
    const path = first?.target.split('?')[0];
    if (index === 0 && path === '/graphql' && response.status !== 404) {
      if (!isObject(body) || !(isErrorList(body.errors) || 'data' in body))
        fail('a /graphql answer that is neither a GraphQL result nor a GraphQL error list');
      if (isObject(body) && hasInternalError(body.errors)) fail('an unexpected (internal) error');
    }
  });
}
