/**
 * Work the server does while nobody waits for it, such as filling the check
 * memo of a document just opened (documents.ts, prepareForEdits). It starts
 * once no request has come for IDLE_MS, so the requests an editor sends on
 * opening a file (outline, folding, code lenses, a hover) are answered
 * first; and at the latest LATEST_MS after it was asked for, so a steady
 * stream of hovers cannot put it off for ever. The quiet spell counts from
 * when the last request was answered and its answer written (over stdio an
 * 11 MB outline is written while the client reads it), and idle work does
 * not start while an answer is still going out, before its latest start.
 *
 * Work given as steps (a generator) runs a slice of about SLICE_MS at a time,
 * each in its own turn of the event loop, so a request that comes meanwhile
 * waits for one slice, not for the whole of it; the work ends when its steps
 * do, or when it is replaced or cancelled.
 */

/** Quiet time before idle work starts. */
export const IDLE_MS = 200;
/** Idle work starts at the latest this long after it was asked for. */
export const LATEST_MS = 2000;

/** About how long a slice of work given as steps runs before letting the server answer what came in. */
export const SLICE_MS = 5;

interface Work {
  /** Does the work, or gives back its steps (an iterator); anything else it gives back is ignored. */
  run: () => unknown;
  /** Date.now() by which it starts whatever comes in. */
  latest: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const waiting = new Map<string, Work>();

/** Messages being written (see writeStarted). */
let writing = 0;

function arm(key: string, work: Work): void {
  clearTimeout(work.timer);
  const wait = Math.max(0, Math.min(IDLE_MS, work.latest - Date.now()));
  work.timer = setTimeout(() => start(key, work), wait);
}

function start(key: string, work: Work): void {
  if (waiting.get(key) !== work) return;
  const left = work.latest - Date.now();
  if (writing > 0 && left > 0) {
    // writeEnded arms it again; a client that never reads holds it back only until its latest start.
    work.timer = setTimeout(() => start(key, work), left);
    return;
  }
  waiting.delete(key);
  const steps = work.run();
  if (isIterator(steps)) step(key, steps);
}

function isIterator(value: unknown): value is Iterator<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Iterator<unknown>).next === 'function';
}

/** Work given as steps that has started, by key. */
const running = new Map<string, Iterator<unknown>>();

/** Runs one slice of steps, then lets the event loop turn before the next. */
function step(key: string, steps: Iterator<unknown>): void {
  running.set(key, steps);
  const until = performance.now() + SLICE_MS;
  let done = false;
  try {
    while (!done && performance.now() < until) done = steps.next().done === true;
  } catch (e) {
    // A step that throws ends its work; the process-level guard logs it (requests.ts) and the server goes on.
    running.delete(key);
    throw e;
  }
  if (done) running.delete(key);
  else setImmediate(() => running.get(key) === steps && step(key, steps));
}

/** Runs `run` when the server is idle, and then its steps if it gives any; a later call with the same key replaces it. */
export function whenIdle(key: string, run: () => unknown): void {
  cancelIdle(key);
  const work: Work = { run, latest: Date.now() + LATEST_MS, timer: undefined };
  waiting.set(key, work);
  arm(key, work);
}

/** Drops the idle work waiting or running under a key (its document was closed). */
export function cancelIdle(key: string): void {
  const steps = running.get(key);
  if (steps) {
    running.delete(key);
    steps.return?.();
  }
  const work = waiting.get(key);
  if (!work) return;
  clearTimeout(work.timer);
  waiting.delete(key);
}

/** A request came in: idle work waits for the next quiet spell (up to its latest start). */
export function noteActivity(): void {
  for (const [key, work] of waiting) arm(key, work);
}

/** A message began going out to the client: idle work waits until it is written. */
export function writeStarted(): void {
  writing++;
}

/** A message is written (or failed to be): the quiet spell starts now. */
export function writeEnded(): void {
  writing = Math.max(0, writing - 1);
  noteActivity();
}
