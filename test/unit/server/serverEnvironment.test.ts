/**
 * The environment the extension adds for the server: the glibc tunable that
 * lets malloc use transparent huge pages, without losing tunables the user
 * already set, and without overriding the user's own choice for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverEnvironment } from '../../../server/src/protocol';

test('without tunables the server gets the huge-page one alone', () => {
  assert.deepEqual(serverEnvironment({}), { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
  assert.deepEqual(serverEnvironment({ GLIBC_TUNABLES: '' }), { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
});

test('tunables already given are kept, and the huge-page one joins them after a colon', () => {
  assert.deepEqual(
    serverEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }),
    { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1' },
  );
});

test("the user's own hugetlb setting wins", () => {
  for (const given of ['glibc.malloc.hugetlb=0', 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2']) {
    assert.deepEqual(serverEnvironment({ GLIBC_TUNABLES: given }), { GLIBC_TUNABLES: given });
  }
});

test('nothing but GLIBC_TUNABLES is added: the rest of the environment is the caller’s', () => {
  assert.deepEqual(Object.keys(serverEnvironment({ PATH: '/bin', HOME: '/root' })), ['GLIBC_TUNABLES']);
});
