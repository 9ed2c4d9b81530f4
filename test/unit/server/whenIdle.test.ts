/**
 * Idle work (whenIdle.ts) waits for a quiet spell after the last request, and
 * starts at the latest LATEST_MS after it was asked for. Timers and the clock
 * are mocked, so the test steps through time exactly.
 */
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { cancelIdle, IDLE_MS, LATEST_MS, noteActivity, whenIdle } from '../../../server/src/whenIdle';

function withClock(body: () => void): void {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  try {
    body();
  } finally {
    mock.timers.reset();
  }
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
