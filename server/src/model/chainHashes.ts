/**
 * A large table's chain names by two hashes of their characters, for the
 * parser's quick path: a jump's target is found from the characters on its
 * line, without cutting the name out as a string and without reading the
 * declared name again.
 *
 * Why not the name map: at 30k Services a nat table has 125k chains, and
 * every `Map.get` with a new string reads the map's entry, then the key
 * string, then the text that string points into. Each is a cache miss, and
 * together they were a third of parsing the dump. Here a lookup reads one
 * slot of a typed array, which holds both hashes and the chain's position.
 *
 * Two names are taken to be the same when both hashes agree (64 bits, from
 * seeds chosen at random per process; the second mixes in the length). A
 * name declared in the table is always found as itself, or sends the caller
 * to the name map when another declared name has the same two hashes (the
 * same name entered twice). A name that is not declared could be taken for
 * one that is only by matching a declared name in all 64 bits: with 125k
 * chains, each such lookup has about one chance in 10^14, so even 130k
 * lookups of undeclared names would go wrong with a chance near one in 10^9.
 */

/** `find`'s answer when the hashes cannot tell: ask the name map. */
export const ASK_THE_MAP = -2;

// Per-process seeds, so that no dump can be written to make two names collide on purpose.
const SEED1 = (Math.random() * 0x40000000) | 0;
const SEED2 = (Math.random() * 0x40000000) | 0;

/** The second hash of the last name hashed (the first is returned). */
let second = 0;

/** Both hashes of text[start, end); returns the first and leaves the second in `second`. */
function hashName(text: string, start: number, end: number): number {
  let h1 = SEED1;
  let h2 = SEED2;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x5bd1e995);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 + c, 0x2c1b3c6d);
    h2 ^= h2 >>> 13;
  }
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x297a2d39) ^ (end - start);
  second = h2;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  return h1 ^ (h1 >>> 13);
}

/** Ints per slot: first hash, second hash, position + 1 (0: empty, -1: two names share both hashes), padding. */
const WIDTH = 4;

/** Chains a table has before it is worth indexing: a small table's name map is in the cache anyway. */
const FEW_CHAINS = 128;

export class ChainHashes {
  /** Open addressing, probed linearly from the first hash; at most half full. Null until the table has FEW_CHAINS chains. */
  private slots: Int32Array | null = null;
  private mask = 0;
  private count = 0;

  /** `chains`: the table's chains, by position, as the parser fills them in. */
  constructor(private readonly chains: readonly { readonly name: string }[]) {}

  /** Enters the chain at `position` in its table, named by text[start, end). */
  add(text: string, start: number, end: number, position: number): void {
    if (this.slots === null) {
      if (position + 1 < FEW_CHAINS) return;
      // The table has become large: index the chains before this one, by the names they keep.
      this.slots = new Int32Array(WIDTH * 4 * FEW_CHAINS);
      this.mask = 4 * FEW_CHAINS - 1;
      for (let k = 0; k < position; k++) {
        const name = this.chains[k].name;
        const h1 = hashName(name, 0, name.length);
        this.put(h1, second, k + 1);
      }
    }
    if (2 * (this.count + 1) > this.mask + 1) this.grow();
    const h1 = hashName(text, start, end);
    this.put(h1, second, position + 1);
  }

  /** The position of the chain named text[start, end); -1 when no chain is, ASK_THE_MAP when the hashes cannot tell or the table is small. */
  find(text: string, start: number, end: number): number {
    const slots = this.slots;
    if (slots === null) return ASK_THE_MAP;
    const h1 = hashName(text, start, end);
    const h2 = second;
    for (let i = h1 & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * WIDTH;
      const taken = slots[at + 2];
      if (taken === 0) return -1;
      if (slots[at] === h1 && slots[at + 1] === h2) return taken > 0 ? taken - 1 : ASK_THE_MAP;
    }
  }

  private put(h1: number, h2: number, taken: number): void {
    const slots = this.slots!;
    for (let i = h1 & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * WIDTH;
      if (slots[at + 2] === 0) {
        slots[at] = h1;
        slots[at + 1] = h2;
        slots[at + 2] = taken;
        this.count++;
        return;
      }
      if (slots[at] === h1 && slots[at + 1] === h2) {
        slots[at + 2] = -1;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots!;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.count = 0;
    for (let at = 0; at < old.length; at += WIDTH) if (old[at + 2] !== 0) this.put(old[at], old[at + 1], old[at + 2]);
  }
}
