'use strict';
// Hidden tests for the users_api case. The grader starts the answer's Express app and
// passes its base URL in SOLUTION_URL; the tests talk to it with Node's global fetch.
const test = require('node:test');
const assert = require('node:assert/strict');

const BASE = (process.env.SOLUTION_URL || '').replace(/\/+$/, '');

// The same list the prompt gives to the model.
const USERS = [
  { id: 1, name: 'Alice Johnson', email: 'alice.johnson@example.com', role: 'admin', active: true },
  { id: 2, name: 'Bob Smith', email: 'bob.smith@example.com', role: 'editor', active: true },
  { id: 3, name: 'Carol White', email: 'carol.white@example.com', role: 'viewer', active: false },
  { id: 4, name: 'David Brown', email: 'david.brown@example.com', role: 'viewer', active: true },
  { id: 5, name: 'Eve Davis', email: 'eve.davis@example.com', role: 'editor', active: false },
  { id: 6, name: 'Frank Miller', email: 'frank.miller@example.com', role: 'viewer', active: true },
  { id: 7, name: 'Grace Lee', email: 'grace.lee@example.com', role: 'admin', active: true },
  { id: 8, name: 'Heidi Wilson', email: 'heidi.wilson@example.com', role: 'viewer', active: true },
  { id: 9, name: 'Ivan Moore', email: 'ivan.moore@example.com', role: 'editor', active: true },
  { id: 10, name: 'Judy Taylor', email: 'judy.taylor@example.com', role: 'viewer', active: false },
  { id: 11, name: 'Mallory Anderson', email: 'mallory.anderson@example.com', role: 'viewer', active: true },
  { id: 12, name: 'Niaj Thomas', email: 'niaj.thomas@example.com', role: 'editor', active: true },
  { id: 13, name: 'Olivia Jackson', email: 'olivia.jackson@example.com', role: 'viewer', active: true },
  { id: 14, name: 'Peggy Martin', email: 'peggy.martin@example.com', role: 'admin', active: false },
  { id: 15, name: 'Rupert Thompson', email: 'rupert.thompson@example.com', role: 'viewer', active: true },
  { id: 16, name: 'Sybil Garcia', email: 'sybil.garcia@example.com', role: 'editor', active: true },
  { id: 17, name: 'Trent Martinez', email: 'trent.martinez@example.com', role: 'viewer', active: false },
  { id: 18, name: 'Uma Robinson', email: 'uma.robinson@example.com', role: 'viewer', active: true },
  { id: 19, name: 'Victor Clark', email: 'victor.clark@example.com', role: 'editor', active: false },
  { id: 20, name: 'Walter Rodriguez', email: 'walter.rodriguez@example.com', role: 'viewer', active: true },
  { id: 21, name: 'Xena Lewis', email: 'xena.lewis@example.com', role: 'admin', active: true },
  { id: 22, name: 'Yvonne Walker', email: 'yvonne.walker@example.com', role: 'editor', active: true },
  { id: 23, name: 'Zach Hall', email: 'zach.hall@example.com', role: 'viewer', active: true },
  { id: 24, name: 'Anna Allen', email: 'anna.allen@example.com', role: 'viewer', active: false },
  { id: 25, name: 'Joanna Young', email: 'joanna.young@example.com', role: 'editor', active: true },
];

async function get(query) {
  if (!BASE) throw new Error('SOLUTION_URL is not set');
  const res = await fetch(`${BASE}/users${query}`);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { unparsable: text };
  }
  return { status: res.status, type: res.headers.get('content-type') || '', body };
}

// The expected 200 body, computed from the list.
function expected({ page = 1, limit = 10, role, active, q } = {}) {
  const matches = USERS.filter(
    (u) =>
      (role === undefined || u.role === role) &&
      (active === undefined || u.active === active) &&
      (q === undefined || u.name.toLowerCase().includes(q.toLowerCase())),
  );
  return {
    data: matches.slice((page - 1) * limit, page * limit),
    pagination: { page, limit, total: matches.length, totalPages: Math.ceil(matches.length / limit) },
  };
}

async function assertOk(query, params) {
  const r = await get(query);
  assert.equal(r.status, 200, `GET /users${query} status`);
  assert.deepEqual(r.body, expected(params), `GET /users${query} body`);
}

async function assertBadRequest(query) {
  const r = await get(query);
  assert.equal(r.status, 400, `GET /users${query} should be 400`);
  assert.equal(typeof r.body.error, 'string', `GET /users${query} body needs an error string`);
  assert.ok(r.body.error.length > 0, `GET /users${query} error message is empty`);
}

// ---- core --------------------------------------------------------------------------------

test('GET /users returns the first page with default pagination', async () => {
  const r = await get('');
  assert.equal(r.status, 200);
  assert.match(r.type, /application\/json/);
  assert.deepEqual(r.body, {
    data: USERS.slice(0, 10),
    pagination: { page: 1, limit: 10, total: 25, totalPages: 3 },
  });
});

test('page and limit select the right slice', async () => {
  await assertOk('?page=2&limit=5', { page: 2, limit: 5 });
  await assertOk('?page=4&limit=7', { page: 4, limit: 7 });
});

test('the last page can be partial', async () => {
  await assertOk('?page=3', { page: 3 });
});

test('filters by role', async () => {
  await assertOk('?role=admin', { role: 'admin' });
  await assertOk('?role=viewer&limit=20', { role: 'viewer', limit: 20 });
});

test('filters by active', async () => {
  await assertOk('?active=false', { active: false });
  await assertOk('?active=true&limit=50', { active: true, limit: 50 });
});

test('q searches names case-insensitively', async () => {
  await assertOk('?q=ANNA', { q: 'ANNA' });
  await assertOk('?q=martin', { q: 'martin' });
});

test('filters combine with each other and with pagination', async () => {
  await assertOk('?role=viewer&active=true&page=2&limit=3', { role: 'viewer', active: true, page: 2, limit: 3 });
  await assertOk('?role=editor&q=o&active=true', { role: 'editor', q: 'o', active: true });
});

test('responds 400 with an error message for an invalid page', async () => {
  for (const page of ['0', '-1', 'abc', '2.5']) await assertBadRequest(`?page=${page}`);
});

test('responds 400 with an error message for an invalid limit', async () => {
  for (const limit of ['0', '-5', 'ten', '3.5', '101']) await assertBadRequest(`?limit=${limit}`);
});

test('responds 400 with an error message for an invalid active value', async () => {
  for (const active of ['yes', '1', 'maybe']) await assertBadRequest(`?active=${active}`);
});

// ---- edge --------------------------------------------------------------------------------

test('edge: limit=100 is allowed, limit=101 is not', async () => {
  await assertOk('?limit=100', { limit: 100 });
  await assertBadRequest('?limit=101');
});

test('edge: totalPages when total is a multiple of limit', async () => {
  await assertOk('?role=editor&limit=4', { role: 'editor', limit: 4 });
  await assertOk('?limit=5&page=5', { limit: 5, page: 5 });
  await assertOk('?limit=25', { limit: 25 });
});

test('edge: a page past the end returns empty data and correct metadata', async () => {
  const r = await get('?page=9&limit=10');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { data: [], pagination: { page: 9, limit: 10, total: 25, totalPages: 3 } });
});

test('edge: no matches gives total 0 and totalPages 0', async () => {
  const r = await get('?q=nobody-has-this-name');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { data: [], pagination: { page: 1, limit: 10, total: 0, totalPages: 0 } });
});

test('edge: q is matched literally, not as a pattern', async () => {
  await assertOk('?q=.', { q: '.' });
  await assertOk('?q=%5Ba-z%5D', { q: '[a-z]' });
  await assertOk('?q=(', { q: '(' });
});

test('edge: an empty q matches every user', async () => {
  await assertOk('?q=', {});
});

test('edge: page and limit must be plain decimal integers', async () => {
  for (const query of ['?page=2.0', '?page=1e1', '?page=', '?limit=1e1', '?limit=', '?limit=%2010']) {
    await assertBadRequest(query);
  }
});

test('edge: a repeated parameter is rejected', async () => {
  await assertBadRequest('?page=1&page=2');
  await assertBadRequest('?role=admin&role=viewer');
});

test('edge: an unknown role is rejected', async () => {
  await assertBadRequest('?role=superuser');
  await assertBadRequest('?role=Admin');
});

test('edge: active must be exactly "true" or "false"', async () => {
  await assertBadRequest('?active=TRUE');
  await assertBadRequest('?active=');
});

test('edge: error responses are JSON', async () => {
  const r = await get('?page=zero');
  assert.equal(r.status, 400);
  assert.match(r.type, /application\/json/);
  assert.equal(typeof r.body.error, 'string');
});
