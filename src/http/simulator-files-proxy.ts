import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sendJson } from './graphql-http-handler';

/**
 * The stable path where the gateway serves the embedded simulator's result files. The
 * simulator listens on a new random port each run; URLs under this prefix outlive it.
 */
export const SIMULATOR_FILES_PREFIX = '/simulator-files/';

/** A file name as the simulator makes them: a task id and `.mp4` or `-last.png`, nothing else. */
const FILE_NAME = /^[A-Za-z0-9_-]{1,100}(?:\.mp4|-last\.png)$/;
/** Answer headers worth passing on to a browser. */
const FORWARDED = [
  'content-type',
  'content-length',
  'cache-control',
  'accept-ranges',
  'content-range',
  'etag',
  'last-modified',
];

/**
 * Serves `GET|HEAD /simulator-files/{name}` from `{filesUrl}/{name}` (the embedded simulator's
 * `/files`, over loopback HTTP like every other simulator call). Other names get 404.
 */
export function createSimulatorFilesProxy(
  filesUrl: string,
): (request: IncomingMessage, response: ServerResponse, name: string) => Promise<void> {
  return async (request, response, name) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD')
      return sendJson(response, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
    if (!FILE_NAME.test(name)) return sendJson(response, 404, { error: 'not found' });
    const range = request.headers.range;
    const upstream = await fetch(`${filesUrl}/${name}`, { method, headers: range ? { range } : {} });
    const headers: Record<string, string> = {};
    for (const header of FORWARDED) {
      const value = upstream.headers.get(header);
      if (value !== null) headers[header] = value;
    }
    response.writeHead(upstream.status, headers);
    if (!upstream.body || method === 'HEAD') {
      response.end();
      return;
    }
    try {
      await pipeline(Readable.fromWeb(upstream.body), response);
    } catch (error) {
      // Browsers drop media requests once they have what they need: not a failure of the gateway.
      if (!response.destroyed || response.writableFinished) throw error;
    }
  };
}
