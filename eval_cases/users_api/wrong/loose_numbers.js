// Validates with Number() + Number.isInteger, so '2.0', '1e1' and ' 10' are accepted.
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

const app = express();

const ROLES = ['admin', 'editor', 'viewer'];

function bad(res, message) {
  return res.status(400).json({ error: message });
}

function intParam(value, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') return NaN;
  const n = Number(value);
  return Number.isInteger(n) ? n : NaN;
}

app.get('/users', (req, res) => {
  const { role, active, q } = req.query;
  const page = intParam(req.query.page, 1);
  const limit = intParam(req.query.limit, 10);
  if (!(page >= 1)) return bad(res, 'page must be a positive integer');
  if (!(limit >= 1 && limit <= 100)) return bad(res, 'limit must be an integer between 1 and 100');
  for (const [name, v] of Object.entries({ role, active, q })) {
    if (v !== undefined && typeof v !== 'string') return bad(res, `${name} must be given once`);
  }
  if (role !== undefined && !ROLES.includes(role)) return bad(res, 'invalid role');
  if (active !== undefined && active !== 'true' && active !== 'false') return bad(res, 'active must be true or false');
  const needle = q === undefined ? undefined : q.toLowerCase();
  const filtered = USERS.filter((u) =>
    (role === undefined || u.role === role) &&
    (active === undefined || String(u.active) === active) &&
    (needle === undefined || u.name.toLowerCase().includes(needle)));
  const total = filtered.length;
  res.json({
    data: filtered.slice((page - 1) * limit, page * limit),
    pagination: { page, limit, total, totalPages: Math.ceil(total / limit) },
  });
});

module.exports = app;
