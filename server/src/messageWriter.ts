/**
 * Writes LSP messages to a stream (`--stdio`) without building any message
 * in one piece. vscode-jsonrpc's own writer makes each reply one JSON string
 * and then one Buffer copy of it: on a 10k-Service dump a references answer
 * (40k locations) or the outline is 4–12 MB, and while the string is being
 * built its parts live through several scavenges, so V8 promotes them to the
 * old generation where only a rare full collection frees them. Fifty such
 * replies raised the server's peak RSS by about 50 MB.
 *
 * Here a large message is serialized twice, a group of elements at a time:
 * once to count its UTF-8 bytes for the Content-Length header, once to write
 * it. Every piece dies young, right after it is counted or written. The bytes
 * on the wire are exactly `JSON.stringify(message)`'s.
 */
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

/** Arrays longer than this are written element by element; anything smaller goes through one JSON.stringify. */
const SPLIT_LENGTH = 64;

/** How many UTF-16 units of JSON gather before they are counted or written. */
const GROUP_CHARS = 1 << 16;

type Json = Record<string, unknown>;

function isPlainObject(value: object): value is Json {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * Whether a value holds a long array somewhere (within a few levels), so
 * that writing it whole would build one large string. Only plain arrays and
 * plain objects are looked into; anything else is written whole.
 */
function holdsLongArray(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || depth > 6) return false;
  if (Array.isArray(value)) {
    if (value.length > SPLIT_LENGTH) return true;
    return value.some((v) => holdsLongArray(v, depth + 1));
  }
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && holdsLongArray(value[key], depth + 1)) return true;
  }
  return false;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** JSON text gathered until it is long enough to hand on as a group. */
interface Pending {
  text: string;
}

/**
 * Yields the JSON of `value` in groups of about GROUP_CHARS characters; the
 * groups joined are `JSON.stringify(value)`. Only values that hold long
 * arrays are taken apart, and only plain arrays and objects (no toJSON, no
 * class instances), whose JSON form is their own enumerable properties in
 * order. The elements of a long array are written a batch at a time: the
 * JSON of a slice, brackets dropped, is its elements' JSON joined by commas
 * (a toJSON method of an element sees its index in the slice as the key).
 */
export function* jsonGroups(value: unknown): Generator<string, void, undefined> {
  const pending: Pending = { text: '' };
  yield* groupsOf(value, pending);
  if (pending.text) yield pending.text;
}

function* groupsOf(value: unknown, pending: Pending): Generator<string, void, undefined> {
  if (!holdsLongArray(value)) {
    pending.text += JSON.stringify(value);
  } else if (Array.isArray(value)) {
    pending.text += '[';
    if (value.length > SPLIT_LENGTH) {
      // Batches sized from the last one, so each gives about one group.
      let batch = SPLIT_LENGTH;
      for (let i = 0; i < value.length;) {
        const json = JSON.stringify(value.slice(i, i + batch));
        pending.text += `${i > 0 ? ',' : ''}${json.slice(1, -1)}`;
        i += batch;
        batch = Math.max(1, Math.ceil((batch * GROUP_CHARS) / json.length));
        if (pending.text.length >= GROUP_CHARS) {
          yield pending.text;
          pending.text = '';
        }
      }
    } else {
      for (let i = 0; i < value.length; i++) {
        if (i > 0) pending.text += ',';
        const v = value[i];
        if (omitted(v)) pending.text += 'null';
        else yield* groupsOf(v, pending);
      }
    }
    pending.text += ']';
  } else {
    const object = value as Json;
    let first = true;
    pending.text += '{';
    for (const key of Object.keys(object)) {
      const v = object[key];
      if (omitted(v)) continue;
      pending.text += `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* groupsOf(v, pending);
    }
    pending.text += '}';
  }
  if (pending.text.length >= GROUP_CHARS) {
    yield pending.text;
    pending.text = '';
  }
}

/**
 * A MessageWriter for a byte stream (stdout) that writes a large message one
 * group at a time, each when the stream has taken the last (a pipe to a busy
 * client fills quickly, and everything queued in the stream would live long
 * enough to be promoted). Messages go out whole and in order.
 */
export class PiecewiseMessageWriter extends AbstractMessageWriter implements MessageWriter {
  /** Failed writes in a row, passed with each error as vscode-jsonrpc's writers do. */
  private errorCount = 0;
  /** The message being written; the next one waits for it. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const written = this.writing.then(() => this.writeNow(message)).then(
      () => { this.errorCount = 0; },
      (error) => {
        this.fireError(error, message, ++this.errorCount);
        throw error;
      },
    );
    this.writing = written.catch(() => undefined);
    return written;
  }

  private async writeNow(message: Message): Promise<void> {
    let failed: Error | undefined;
    const noteError = (error?: Error | null) => { failed ??= error ?? undefined; };
    if (!holdsLongArray(message)) {
      const json = JSON.stringify(message);
      this.stream.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8', noteError);
    } else {
      let length = 0;
      for (const group of jsonGroups(message)) length += Buffer.byteLength(group, 'utf8');
      this.stream.write(`Content-Length: ${length}\r\n\r\n`, 'ascii', noteError);
      for (const group of jsonGroups(message)) {
        if (failed) break;
        if (!this.stream.write(group, 'utf8', noteError)) await this.drained();
      }
    }
    if (failed) throw failed;
  }

  /** Resolves when the stream wants more, or has closed or failed (the write callbacks carry the error). */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.stream.on('error', done);
    });
  }

  end(): void {
    this.stream.end();
  }
}
