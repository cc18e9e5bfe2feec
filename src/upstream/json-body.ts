import { randomUUID } from 'node:crypto';

/** A JSON request body of known size, produced piece by piece (each call of `chunks` starts over). */
export interface JsonBody {
  byteLength: number;
  chunks(): AsyncIterable<Buffer>;
}

/** Strings at least this long are streamed, when they can be (data URLs are ~40 M characters). */
const STREAM_FROM_LENGTH = 64 * 1024;
const SLICE_LENGTH = 1024 * 1024;
/** Printable ASCII without `"` and `\`: written into JSON as is, one byte per character. */
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * `JSON.stringify(value)` as a body that never exists as one string or buffer. A create
 * request carries up to four images of ~40 MB as data URLs; stringifying would copy them into
 * one ~160 MB string and fetch would encode that into a ~160 MB buffer, twice the images
 * again in memory per request. Here the JSON around long strings is stringified (with
 * placeholders), and each long string goes out in 1 MiB slices of itself.
 */
export function jsonBody(value: unknown): JsonBody {
  const marker = `\u0000${randomUUID()}:`; // stringified as \u0000..., so no JSON text can contain it verbatim
  const long: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'string' || item.length < STREAM_FROM_LENGTH || !VERBATIM.test(item)) return item;
    long.push(item);
    return `${marker}${long.length - 1}`;
  });
  if (text === undefined) throw new TypeError('a JSON body needs a JSON value');
  // Each placeholder appears once, quoted: split the text around them.
  const quotedMarker = JSON.stringify(marker).slice(0, -1);
  const pieces: Array<string | number> = [];
  let at = 0;
  for (let found = text.indexOf(quotedMarker, at); found !== -1; found = text.indexOf(quotedMarker, at)) {
    const end = text.indexOf('"', found + quotedMarker.length);
    pieces.push(text.slice(at, found), Number(text.slice(found + quotedMarker.length, end)));
    at = end + 1;
  }
  pieces.push(text.slice(at));
  const byteLength = pieces.reduce<number>(
    (sum, piece) => sum + (typeof piece === 'string' ? Buffer.byteLength(piece) : long[piece]!.length + 2),
    0,
  );
  return {
    byteLength,
    async *chunks() {
      for (const piece of pieces) {
        if (typeof piece === 'string') {
          if (piece.length > 0) yield Buffer.from(piece, 'utf8');
          continue;
        }
        const string = long[piece]!;
        yield Buffer.from('"', 'latin1');
        for (let from = 0; from < string.length; from += SLICE_LENGTH)
          yield Buffer.from(string.slice(from, from + SLICE_LENGTH), 'latin1');
        yield Buffer.from('"', 'latin1');
      }
    },
  };
}
