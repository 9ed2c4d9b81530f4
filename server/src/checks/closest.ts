/**
 * Edit distance between two names (insertions, deletions, substitutions and
 * swaps of neighbours each cost one), for "did you mean" suggestions.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (!n) return m;
  if (!m) return n;
  let prev2: number[] = new Array(m + 1).fill(0);
  let prev: number[] = Array.from({ length: m + 1 }, (_, j) => j);
  let cur: number[] = new Array(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/**
 * The candidate closest to `name`, if it is close enough to be a plausible
 * misspelling (at most a third of the name's length, and at least one edit
 * allowed); case differences count as half an edit so `accept` finds `ACCEPT`.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const limit = Math.max(1, Math.floor(name.length / 3));
  for (const c of candidates) {
    if (c === name) continue;
    const exact = editDistance(name, c);
    const folded = editDistance(name.toLowerCase(), c.toLowerCase());
    const score = Math.min(exact, folded + 0.5);
    if (score <= limit + 0.5 && score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
