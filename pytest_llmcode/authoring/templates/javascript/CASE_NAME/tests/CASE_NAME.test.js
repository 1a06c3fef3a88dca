'use strict';
// Hidden tests (never shown to the model), run with `node --test`. The answer may run in
// another container: await every call into it, and pass it plain data only.
const test = require('node:test');
const assert = require('node:assert/strict');
const { chunk } = require('./solution');

test('splits into chunks of the given size', async () => {
  assert.deepEqual(await chunk([1, 2, 3, 4], 2), [[1, 2], [3, 4]]);
});

test('keeps a shorter last chunk', async () => {
  assert.deepEqual(await chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
});

test('keeps the order of the items', async () => {
  assert.deepEqual(await chunk(['c', 'a', 'b'], 1), [['c'], ['a'], ['b']]);
});

// Tests named `edge: ...` count as edge cases in the score.
test('edge: an empty array gives no chunks', async () => {
  assert.deepEqual(await chunk([], 3), []);
});

test('edge: a size larger than the array gives one chunk', async () => {
  assert.deepEqual(await chunk([1, 2], 5), [[1, 2]]);
});
