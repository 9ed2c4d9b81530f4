/** A copy of `a` with room for at least `size` numbers (at least twice its length), the new ones 0. */
export function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}
