'use strict';
// Hidden tests (never shown to the model), run with `node --test`. The grader starts the
// answer's app and passes its base URL in SOLUTION_URL; the tests talk to it with fetch.
const test = require('node:test');
const assert = require('node:assert/strict');

const BASE = (process.env.SOLUTION_URL || '').replace(/\/+$/, '');

async function greet(query) {
  const res = await fetch(`${BASE}/greet${query}`);
  return { status: res.status, body: await res.json() };
}

test('greets by name', async () => {
  assert.deepEqual(await greet('?name=Ada'), { status: 200, body: { greeting: 'Hello, Ada!' } });
});

test('trims the name', async () => {
  const { body } = await greet('?name=%20Grace%20');
  assert.equal(body.greeting, 'Hello, Grace!');
});

// Tests named `edge: ...` count as edge cases in the score.
test('edge: a missing name is a 400 with an error message', async () => {
  const { status, body } = await greet('');
  assert.equal(status, 400);
  assert.equal(typeof body.error, 'string');
});

test('edge: a blank name is a 400', async () => {
  const { status } = await greet('?name=%20%20');
  assert.equal(status, 400);
});
