/**
 * How the server decodes a message read from stdin (`--stdio`). Like
 * vscode-jsonrpc's own decoder, one JSON.parse of the body's text; but a body
 * that is all ASCII, as an iptables dump nearly always is, is read as Latin-1,
 * which gives the same characters. Node keeps a Latin-1 string of more than
 * about 1 MB outside V8's heap, in memory from malloc, which the server may
 * back with huge pages (see serverEnvironment): turning the 17 MB didOpen of
 * a 10k-Service dump into a string then took 10 ms instead of 52 ms and
 * 700 page faults instead of 4,200. Any other body is read as UTF-8, as
 * before.
 */
import { isAscii } from 'buffer';
import type { Message } from 'vscode-languageserver/node';

/** The text of a message body. */
export function bodyText(body: Uint8Array): string {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** A content-type decoder for vscode-jsonrpc's stream reader. */
export const jsonDecoder = {
  name: 'application/json',
  // Async: a body that is not JSON becomes a rejected promise, as the reader expects, not a throw.
  decode: async (body: Uint8Array): Promise<Message> => JSON.parse(bodyText(body)) as Message,
};
