/**
 * The server's message decoder reads every body as UTF-8 would: ASCII bodies
 * through Latin-1 (the same characters), anything else through UTF-8, small
 * and large, Buffer or plain Uint8Array; bad JSON is a rejected promise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyText, jsonDecoder } from '../../../server/src/messageReader';

const utf8 = (s: string) => new TextEncoder().encode(s);

const TEXTS = [
  '',
  '{"jsonrpc":"2.0","method":"initialized","params":{}}',
  '-A KUBE-SERVICES -m comment --comment "default/heketi" -j KUBE-SVC-X\n'.repeat(20_000),
  '-A INPUT -m comment --comment "Zürich büro" -j ACCEPT\n',
  '-A INPUT -m comment --comment "\u{1F525} hot" -j DROP\n'.repeat(20_000),
  // Latin-1 would read these two bytes as "Ã©": only the UTF-8 path gives é.
  'caf\u00e9',
  // Bytes 0x80-0xFF on their own are not ASCII, so they never take the Latin-1 path.
  '\u0080\u00ff',
];

test('bodyText gives what a UTF-8 decoder gives, for ASCII and non-ASCII bodies of every size', () => {
  for (const text of TEXTS) {
    const bytes = utf8(text);
    assert.equal(bodyText(Buffer.from(bytes)), text);
    assert.equal(bodyText(bytes), text);
    // A view into a larger buffer reads only its own bytes.
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 4);
    assert.equal(bodyText(padded.subarray(4, 4 + bytes.length)), text);
  }
});

test('jsonDecoder parses a message, large text included, and rejects bad JSON', async () => {
  const text = '-A KUBE-SEP-1 -p tcp -m comment --comment "default/heketi" -j DNAT --to-destination 10.0.0.1:8080\r\n'.repeat(30_000);
  const message = { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///a', languageId: 'iptables-save', version: 1, text } } };
  assert.deepEqual(await jsonDecoder.decode(Buffer.from(JSON.stringify(message))), message);
  await assert.rejects(jsonDecoder.decode(utf8('{"jsonrpc":')), SyntaxError);
});
