import { resolve } from 'node:path';
import { excerpt } from './failure-text';

/** The simulator key the harness configures as the upstream API key (SIMULATOR_KEY there). */
const UPSTREAM_KEY = 'sim-key';
const PROJECT_ROOT = resolve(__dirname, '../../..');

/** What an answer must never hold: secrets and traces of the server's internals. */
const LEAKS: Array<[string, RegExp]> = [
  ['the upstream API key', new RegExp(UPSTREAM_KEY)],
  ['a stack frame', /\bat (?:async )?[\w$.<>[\]]*(?: \[as [\w$]+\])? ?\(?(?:\/|node:|file:)[^\s)"]*:\d+:\d+/],
  ['a stack frame', /(?:\n|\\n)\s+at \S/],
  ['a stacktrace field', /"stacktrace"/],
  ['the project path', new RegExp(PROJECT_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))],
  ['a source path', /\/src\/|\/node_modules\/|\.ts:\d+/],
];

/** What an answer leaks, if anything (a match that merely echoes the request is not a leak). */
export function findLeak(answer: string, request: string): string | null {
  for (const [what, pattern] of LEAKS) {
    const match = pattern.exec(answer);
    if (match && !request.includes(match[0]))
      return `${what} (${JSON.stringify(match[0])}) in ${excerpt(answer, match.index)}`;
  }
  return null;
}
