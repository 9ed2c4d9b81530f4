/**
 * The message under the packet input box when the description does not
 * parse. The server's message explains the problem; the bad word is always
 * named, quoted as the user typed it, so the message points at it even when
 * the server's wording does not.
 */
export interface PacketError {
  message: string;
  /** 0-based character offsets of the bad word in the description. */
  start: number;
  end: number;
}

/** `unknown protocol "tcpp" (word 1): PROTO is tcp, udp, …`, or undefined when there is no error. */
export function validationMessage(packet: string, error: PacketError | undefined | null): string | undefined {
  if (!error) return undefined;
  const start = Math.max(0, Math.min(error.start, packet.length));
  const end = Math.max(start, Math.min(error.end, packet.length));
  const word = packet.slice(start, end);
  // A missing word has nothing to quote: the message says what is missing.
  if (!word) return error.message;
  if (error.message.includes(word)) return error.message;
  const n = packet.slice(0, start).split(/\s+/).filter(Boolean).length + 1;
  return `"${word}" (word ${n}): ${error.message}`;
}
