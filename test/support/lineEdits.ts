/** Random one-line edits of dumps, for the tests that compare a patched model (and its diagnostics) with a full parse. */

/** A small deterministic random source, so a failure names its case. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Edits of one line of a save dump that keep the line count: some keep the model's shape, some do not. */
export function editSaveLine(line: string, chains: string[], r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  switch (Math.floor(r() * 13)) {
    case 0: return line + ' ';
    case 1: return line.replace(/ -j \S+/, ` -j ${pick([...chains, 'ACCEPT', 'DROP', 'RETURN', 'NO-SUCH-CHAIN', 'DNAT', 'MASQUERADE'])}`);
    // An IPv6 address: in a dump without a header, the family the rules suggest changes.
    case 12: return line.replace(/^(-A \S+)/, '$1 -s 2001:db8::1/128');
    case 2: return line.replace(/\d/, String(Math.floor(r() * 10)));
    case 3: return line.replace(/^-A \S+/, `-A ${pick(chains)}`);
    case 4: return `# ${line}`;
    case 5: return line.replace(/ -j /, ' --comment "open -j ');
    case 6: return line.replace(/ -m comment --comment "[^"]*"/, '');
    case 7: return line + ' --dport';
    case 8: return line.replace(/^-A /, '-I ');
    case 9: return line.replace(/ -j /, ' -p tcp -m tcp --dport 22 -j ');
    case 10: return line.replace(/^(-A \S+)/, '$1 -s 10.1.2.3/32');
    default: return line.replace(/ -j \S+/, ` -g ${pick(chains)}`);
  }
}

/** Edits of one line of a listing that keep the line count: some keep the model's shape, some do not. */
export function editListingLine(line: string, chains: string[], r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const target = pick([...chains, 'ACCEPT', 'DROP', 'RETURN', 'NO-SUCH-CHAIN', 'DNAT', 'MASQUERADE', 'CT']);
  switch (Math.floor(r() * 13)) {
    case 0: return line + ' ';
    // The target column comes after the number and counters columns, when the listing has them.
    case 1: return line.replace(/^(\s*(?:\d+\s+\d+[KMGT]?\s+\d+[KMGT]?\s+|\d+[KMGT]?\s+\d+[KMGT]?\s+|\d+\s+)?)\S+/, `$1${target}`);
    case 2: return line.replace(/\d/, String(Math.floor(r() * 10)));
    case 3: return `Chain ${pick(chains)} (1 references)`;
    case 4: return '';
    case 5: return line.replace(/0\.0\.0\.0\/0/, '2001:db8::/32');
    case 6: return line + ' /* note */';
    case 7: return line.replace(/(\/\*|$)/, '[goto] $1');
    case 8: return line.replace(/^\s*\S+/, '');
    case 9: return line.replace(/ all /, ' tcp ').replace(/ 0 /, ' 6 ');
    case 10: return line.replace(/\(\d+ references?\)/, '(7 references)');
    case 11: return line.replace(/\S+$/, 'NOTRACK');
    default: return line.replace(/\s+/, '\t');
  }
}

/**
 * One line of `lines`, or one time in five two lines three apart, changed by
 * `edit`: the new lines, the changed ones by number (as Ruleset.patchLines
 * takes them), and the number of the first.
 */
export function editSomeLines(lines: readonly string[], r: () => number, edit: (line: string) => string): { next: string[]; changed: Map<number, string>; ln: number } {
  const ln = Math.floor(r() * lines.length);
  const count = r() < 0.2 ? 2 : 1;
  const changed = new Map<number, string>();
  const next = lines.slice();
  for (let c = 0; c < count; c++) {
    const at = Math.min(lines.length - 1, ln + c * 3);
    next[at] = edit(lines[at]);
    changed.set(at, next[at]);
  }
  return { next, changed, ln };
}
