import { GENERATE } from '../gateway-harness';
import type { RawBody, RawCase, RawRequest } from './raw-http-cases';

/** The bytes of a raw HTTP case, exactly as they go on the wire. */

/** A body that tries to pollute Object.prototype through `__proto__` and `constructor.prototype`. */
const PROTO_BODY =
  '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"query":"query($x: String) { __typename }","variables":{"__proto__":{"polluted":"yes"},"x":"y"}}';

/** `[[[...]]]` or `{"a":{"a":...1}}`, `depth` levels deep. */
function nestedJson(shape: 'arrays' | 'objects', depth: number): string {
  return shape === 'arrays'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function bodyBytes(body: RawBody): Buffer {
  switch (body.kind) {
    case 'none':
      return Buffer.alloc(0);
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'text':
      return Buffer.from(body.text, 'utf8');
    case 'json':
      return Buffer.from(JSON.stringify(body.value) ?? '', 'utf8');
    case 'truncatedJson': {
      const full = JSON.stringify(body.value) ?? '';
      return Buffer.from(full.slice(0, body.keep % (full.length + 1)), 'utf8');
    }
    case 'nested': {
      const nest = nestedJson(body.shape, body.depth);
      if (body.where === 'body') return Buffer.from(nest);
      if (body.where === 'variables')
        return Buffer.from(`{"query":"query($x: String) { __typename }","variables":{"x":${nest}}}`);
      return Buffer.from(
        `{"query":${JSON.stringify(GENERATE)},"variables":{"input":{"referenceImages":{"images":${nest}}}}}`,
      );
    }
    case 'proto':
      return Buffer.from(PROTO_BODY);
  }
}

/** `payload` in chunked transfer encoding (two chunks when it can be split), with the final chunk. */
function chunked(payload: Buffer): Buffer {
  if (payload.length === 0) return Buffer.from('0\r\n\r\n');
  const half = payload.length >> 1;
  const parts = half > 0 ? [payload.subarray(0, half), payload.subarray(half)] : [payload];
  return Buffer.concat([
    ...parts.flatMap((part) => [Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]),
    Buffer.from('0\r\n\r\n'),
  ]);
}

/** A request's head and body, with the framing headers its `framing` asks for. */
function requestBytes(request: RawRequest): Buffer {
  const body = bodyBytes(request.body);
  const headers = [...request.headers];
  let payload = body;
  switch (request.framing) {
    case 'exact':
      headers.push(['Content-Length', String(body.length)]);
      break;
    case 'none':
      break;
    case 'short':
      headers.push(['Content-Length', String(body.length >> 1)]);
      break;
    case 'long':
      headers.push(['Content-Length', String(body.length + 17)]);
      break;
    case 'chunked':
      headers.push(['Transfer-Encoding', 'chunked']);
      payload = chunked(body);
      break;
    case 'brokenChunked':
      headers.push(['Transfer-Encoding', 'chunked']);
      payload = Buffer.concat([Buffer.from('zz\r\n'), body]);
      break;
    case 'lengthAndChunked':
      headers.push(['Content-Length', String(body.length)], ['Transfer-Encoding', 'chunked']);
      payload = chunked(body);
      break;
  }
  const headText = `${request.method} ${request.target} HTTP/1.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(headText, 'latin1'), payload]);
}

/** The bytes one raw case writes to its connection. */
export function caseBytes(rawCase: RawCase): Buffer {
  switch (rawCase.kind) {
    case 'request':
      return requestBytes(rawCase.request);
    case 'pipelined':
      return Buffer.concat(rawCase.requests.map(requestBytes));
    case 'garbage':
      return Buffer.from(rawCase.bytes);
    case 'garbageText':
      return Buffer.from(rawCase.text, 'utf8');
    case 'flipped': {
      const bytes = requestBytes(rawCase.request);
      bytes[rawCase.at % bytes.length] = rawCase.byte;
      return bytes;
    }
    case 'cut': {
      const bytes = requestBytes(rawCase.request);
      return bytes.subarray(0, rawCase.keep % (bytes.length + 1));
    }
  }
}
