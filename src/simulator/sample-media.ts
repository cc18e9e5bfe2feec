/**
 * The simulator's result files: one real, playable clip (H.264 baseline, yuv420p, faststart,
 * 160x90, 2 s; made once with Debian's ffmpeg) and its last frame as a PNG. Every simulated
 * task "produces" these same bytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The bytes served for every simulated video and last frame. */
export interface SampleMedia {
  video: Buffer;
  lastFrame: Buffer;
}

// Next to this file under ts-jest and ts-node; the compiled build (dist/src/simulator) reads
// the committed sources, as tsc does not copy non-TypeScript files.
const CANDIDATE_DIRS = [join(__dirname, 'assets'), join(__dirname, '../../../src/simulator/assets')];

let loaded: SampleMedia | undefined;

/** Reads the committed assets once (about 15 KB together). */
export function sampleMedia(): SampleMedia {
  if (loaded) return loaded;
  const dir = CANDIDATE_DIRS.find((candidate) => existsSync(join(candidate, 'sample.mp4')));
  if (!dir) throw new Error(`simulator assets not found (looked in ${CANDIDATE_DIRS.join(', ')})`);
  loaded = { video: readFileSync(join(dir, 'sample.mp4')), lastFrame: readFileSync(join(dir, 'last-frame.png')) };
  return loaded;
}
