/**
 * Work the server does while nobody waits for it, such as filling the check
 * memo of a document just opened (documents.ts, prepareForEdits). It starts
 * once no request has come for IDLE_MS, so the requests an editor sends on
 * opening a file (outline, folding, code lenses, a hover) are answered
 * first; and at the latest LATEST_MS after it was asked for, so a steady
 * stream of hovers cannot put it off for ever.
 */

/** Quiet time before idle work starts. */
export const IDLE_MS = 200;
/** Idle work starts at the latest this long after it was asked for. */
export const LATEST_MS = 2000;

interface Work {
  run: () => void;
  /** Date.now() by which it starts whatever comes in. */
  latest: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const waiting = new Map<string, Work>();

function arm(key: string, work: Work): void {
  clearTimeout(work.timer);
  const wait = Math.max(0, Math.min(IDLE_MS, work.latest - Date.now()));
  work.timer = setTimeout(() => {
    if (waiting.get(key) !== work) return;
    waiting.delete(key);
    work.run();
  }, wait);
}

/** Runs `run` when the server is idle; a later call with the same key replaces it. */
export function whenIdle(key: string, run: () => void): void {
  cancelIdle(key);
  const work: Work = { run, latest: Date.now() + LATEST_MS, timer: undefined };
  waiting.set(key, work);
  arm(key, work);
}

/** Drops the idle work waiting under a key (its document was closed). */
export function cancelIdle(key: string): void {
  const work = waiting.get(key);
  if (!work) return;
  clearTimeout(work.timer);
  waiting.delete(key);
}

/** A request came in: idle work waits for the next quiet spell (up to its latest start). */
export function noteActivity(): void {
  for (const [key, work] of waiting) arm(key, work);
}
