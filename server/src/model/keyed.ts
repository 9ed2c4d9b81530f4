/**
 * A lookup table read with words from a dump (chain, table, match, option,
 * protocol names): an object without a prototype, so a word such as
 * `constructor`, `toString` or `__proto__` finds nothing instead of a member
 * every JavaScript object has.
 */
export function keyed<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}
