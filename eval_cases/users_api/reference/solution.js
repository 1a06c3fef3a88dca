'use strict';
// GET /users: an in-memory user list with filtering, pagination and input validation.
const express = require('express');

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

const ROLES = new Set(['admin', 'editor', 'viewer']);
const DEFAULT_PAGE = 1;
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

class ValidationError extends Error {}

/**
 * Reads a query parameter that may appear at most once. Express's query parser turns a
 * repeated parameter into an array (and `a[b]=c` into an object): both are rejected.
 */
function single(query, name) {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ValidationError(`${name} must be given at most once`);
  return value;
}

/** A positive integer written with decimal digits only, within [1, max]. */
function positiveInt(query, name, fallback, max = Infinity) {
  const raw = single(query, name);
  if (raw === undefined) return fallback;
  if (!/^[0-9]+$/.test(raw)) throw new ValidationError(`${name} must be a positive integer`);
  const value = Number(raw);
  if (value < 1) throw new ValidationError(`${name} must be at least 1`);
  if (value > max) throw new ValidationError(`${name} must be at most ${max}`);
  return value;
}

function parseQuery(query) {
  const page = positiveInt(query, 'page', DEFAULT_PAGE);
  const limit = positiveInt(query, 'limit', DEFAULT_LIMIT, MAX_LIMIT);

  const role = single(query, 'role');
  if (role !== undefined && !ROLES.has(role)) {
    throw new ValidationError(`role must be one of ${[...ROLES].join(', ')}`);
  }

  const activeRaw = single(query, 'active');
  if (activeRaw !== undefined && activeRaw !== 'true' && activeRaw !== 'false') {
    throw new ValidationError('active must be "true" or "false"');
  }
  const active = activeRaw === undefined ? undefined : activeRaw === 'true';

  const q = single(query, 'q');
  return { page, limit, role, active, q: q === undefined ? undefined : q.toLowerCase() };
}

const app = express();

app.get('/users', (req, res) => {
  let params;
  try {
    params = parseQuery(req.query);
  } catch (err) {
    if (err instanceof ValidationError) return res.status(400).json({ error: err.message });
    throw err;
  }
  const { page, limit, role, active, q } = params;

  const matches = USERS.filter(
    (u) =>
      (role === undefined || u.role === role) &&
      (active === undefined || u.active === active) &&
      (q === undefined || u.name.toLowerCase().includes(q)),
  );
  const total = matches.length;
  const start = (page - 1) * limit;
  res.json({
    data: matches.slice(start, start + limit),
    pagination: { page, limit, total, totalPages: Math.ceil(total / limit) },
  });
});

module.exports = app;
