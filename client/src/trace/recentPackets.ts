/**
 * The packets a person traced in a file, most recent first, so the pick list
 * offers them again. Kept per document URI in the workspace state; pure here.
 */

/** How many packets are remembered per file. */
export const RECENT_LIMIT = 10;

/** The list with `packet` moved (or added) to the front, blanks collapsed, capped at `limit`. */
export function rememberPacket(recent: readonly string[], packet: string, limit = RECENT_LIMIT): string[] {
  const p = packet.trim().replace(/\s+/g, ' ');
  if (!p) return [...recent];
  return [p, ...recent.filter((r) => r !== p)].slice(0, limit);
}
