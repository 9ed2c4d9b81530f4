/**
 * Idle work (whenIdle.ts) waits for a quiet spell after the last request and
 * the last message written, and starts at the latest LATEST_MS after it was
 * asked for. Timers and the clock are mocked, so the test steps through time
 * exactly; `mock.timers.setTime` moves the clock without firing timers, as
 * time passes while a request runs.
 */
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter, LSPErrorCodes, ResponseError, type Message, type MessageWriter } from 'vscode-languageserver/node';
import { answer, notingWrites } from '../../../server/src/requests';
import { cancelIdle, IDLE_MS, LATEST_MS, noteActivity, SLICE_MS, whenIdle, writeEnded, writeStarted } from '../../../server/src/whenIdle';

function withClock(body: () => void): void {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  try {
    body();
  } finally {
    mock.timers.reset();
  }
}

/** Asserts that idle work counting its runs with `runs` starts IDLE_MS from now, not a millisecond sooner. */
function runsAfterQuietSpell(runs: () => number): void {
  mock.timers.tick(IDLE_MS - 1);
  assert.equal(runs(), 0, 'the quiet spell is not over');
  mock.timers.tick(1);
  assert.equal(runs(), 1);
}

test('idle work runs once no request has come for IDLE_MS', () => withClock(() => {
  let runs = 0;
  whenIdle('a', () => runs++);
  mock.timers.tick(IDLE_MS - 1);
  assert.equal(runs, 0);
  mock.timers.tick(1);
  assert.equal(runs, 1);
  mock.timers.tick(LATEST_MS);
  assert.equal(runs, 1, 'it runs once');
}));

test('each request pushes idle work back by IDLE_MS', () => withClock(() => {
  let runs = 0;
  whenIdle('a', () => runs++);
  mock.timers.tick(IDLE_MS - 50);
  noteActivity();
  mock.timers.tick(IDLE_MS - 50);
  assert.equal(runs, 0, 'a request came 150 ms ago');
  mock.timers.tick(50);
  assert.equal(runs, 1);
}));

test('a steady stream of requests holds idle work back for LATEST_MS at most', () => withClock(() => {
  let runs = 0;
  whenIdle('a', () => runs++);
  let elapsed = 0;
  while (runs === 0 && elapsed < 10 * LATEST_MS) {
    mock.timers.tick(50);
    elapsed += 50;
    noteActivity();
  }
  assert.equal(runs, 1);
  assert.equal(elapsed, LATEST_MS);
}));

test('a later call replaces the work under its key, and cancelIdle drops it', () => withClock(() => {
  const ran: string[] = [];
  whenIdle('a', () => ran.push('first'));
  whenIdle('a', () => ran.push('second'));
  whenIdle('b', () => ran.push('b'));
  cancelIdle('b');
  mock.timers.tick(LATEST_MS);
  assert.deepEqual(ran, ['second']);
}));

test('the quiet spell counts from the end of a request that ran longer than it', () => withClock(() => {
  let runs = 0;
  whenIdle('a', () => runs++);
  const answered = answer('slow', null, () => {
    mock.timers.setTime(Date.now() + IDLE_MS + 100);
    return 'done';
  });
  assert.equal(answered, 'done');
  runsAfterQuietSpell(() => runs);
}));

test('a request that ends in an error for the client still starts the quiet spell afresh', () => withClock(() => {
  let runs = 0;
  whenIdle('a', () => runs++);
  assert.throws(() => answer('moved on', null, () => {
    mock.timers.setTime(Date.now() + IDLE_MS + 100);
    throw new ResponseError(LSPErrorCodes.ContentModified, 'the document changed');
  }), ResponseError);
  runsAfterQuietSpell(() => runs);
}));

test('idle work waits while a message is being written, then for IDLE_MS after it', () => withClock(() => {
  let runs = 0;
  whenIdle('a', () => runs++);
  writeStarted();
  mock.timers.tick(IDLE_MS + 500);
  assert.equal(runs, 0, 'the answer is still going out');
  writeEnded();
  runsAfterQuietSpell(() => runs);
}));

test('a write that never ends holds idle work back for LATEST_MS at most', () => withClock(() => {
  let runs = 0;
  whenIdle('a', () => runs++);
  writeStarted();
  try {
    mock.timers.tick(LATEST_MS - 1);
    assert.equal(runs, 0);
    mock.timers.tick(1);
    assert.equal(runs, 1);
  } finally {
    writeEnded();
  }
}));

test('two messages going out at once: idle work waits for both', () => withClock(() => {
  let runs = 0;
  whenIdle('a', () => runs++);
  writeStarted();
  writeStarted();
  writeEnded();
  mock.timers.tick(IDLE_MS + 100);
  assert.equal(runs, 0, 'one is still going out');
  writeEnded();
  mock.timers.tick(IDLE_MS);
  assert.equal(runs, 1);
}));

test("the server's writer holds idle work back until each message is out, a failed write too", async () => {
  const finish: Array<(ok: boolean) => void> = [];
  const inner: MessageWriter = {
    onError: new Emitter<[Error, Message | undefined, number | undefined]>().event,
    onClose: new Emitter<void>().event,
    write: () => new Promise<void>((resolve, reject) => finish.push((ok) => (ok ? resolve() : reject(new Error('pipe closed'))))),
    end: () => undefined,
    dispose: () => undefined,
  };
  const writer = notingWrites(inner);
  let runs = 0;
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  try {
    whenIdle('a', () => runs++);
    const first = writer.write({ jsonrpc: '2.0' });
    const second = writer.write({ jsonrpc: '2.0' });
    mock.timers.tick(IDLE_MS + 100);
    assert.equal(runs, 0, 'two answers are going out');
    finish[0](true);
    await first;
    mock.timers.tick(IDLE_MS + 100);
    assert.equal(runs, 0, 'one is still going out');
    finish[1](false);
    await assert.rejects(second, /pipe closed/);
    mock.timers.tick(IDLE_MS - 1);
    assert.equal(runs, 0, 'the last write ended IDLE_MS - 1 ago');
    mock.timers.tick(1);
    assert.equal(runs, 1);
  } finally {
    mock.timers.reset();
  }
});

/** Steps that each take just over half a slice, noting when each ran and whether they were stopped. */
function* slowSteps(count: number, events: string[]): Generator<void> {
  try {
    for (let i = 0; i < count; i++) {
      const end = performance.now() + SLICE_MS / 2 + 1;
      while (performance.now() < end);
      events.push(`step ${i}`);
      yield;
    }
  } finally {
    events.push('ended');
  }
}

/** Lets the event loop turn until `done` holds (or a thousand turns passed). */
async function turnsUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
}

test('work given as steps runs a slice at a time, and what came meanwhile runs between slices', async () => {
  const events: string[] = [];
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  try {
    whenIdle('a', () => slowSteps(6, events));
    mock.timers.tick(IDLE_MS);
    // The first slice ran in the timer: two steps at most, each over half a slice.
    assert.ok(events.length >= 1 && events.length <= 2, events.join(', '));
    setImmediate(() => events.push('request'));
    await turnsUntil(() => events.includes('ended'));
  } finally {
    mock.timers.reset();
  }
  assert.deepEqual(events.filter((e) => e !== 'request'), ['step 0', 'step 1', 'step 2', 'step 3', 'step 4', 'step 5', 'ended']);
  const at = events.indexOf('request');
  assert.ok(at >= 2 && at <= events.length - 3, `the request ran between slices: ${events.join(', ')}`);
});

test('cancelIdle and a new whenIdle under the same key stop steps under way', async () => {
  for (const stop of [() => cancelIdle('a'), () => whenIdle('a', () => undefined)]) {
    const events: string[] = [];
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    try {
      whenIdle('a', () => slowSteps(100, events));
      mock.timers.tick(IDLE_MS);
      stop();
      const ran = events.filter((e) => e.startsWith('step')).length;
      assert.ok(ran >= 1 && ran <= 2, events.join(', '));
      assert.equal(events[events.length - 1], 'ended', 'the steps were ended at once');
      await turnsUntil(() => false);
      assert.equal(events.filter((e) => e.startsWith('step')).length, ran, 'no step ran after');
      cancelIdle('a');
    } finally {
      mock.timers.reset();
    }
  }
});
