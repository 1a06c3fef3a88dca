'use strict';
// Hidden tests (never shown to the model), run with `node --test` against the compiled
// answer. The answer may run in another container: await every call into it, and pass
// it plain data only.
const test = require('node:test');
const assert = require('node:assert/strict');
const { median } = require('./solution');

test('an odd count gives the middle value', async () => {
  assert.equal(await median([3, 1, 2]), 2);
});

test('an even count gives the mean of the two middle values', async () => {
  assert.equal(await median([4, 1, 3, 2]), 2.5);
});

test('sorts numerically, not as text', async () => {
  assert.equal(await median([10, 9, 100]), 10);
});

// Tests named `edge: ...` count as edge cases in the score.
test('edge: an empty array gives null', async () => {
  assert.equal(await median([]), null);
});

test('edge: one value is its own median', async () => {
  assert.equal(await median([-7]), -7);
});
