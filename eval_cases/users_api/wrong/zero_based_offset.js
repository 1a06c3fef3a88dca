// Validates input, but uses page * limit as the offset, so page 1 skips the first page.
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

app.get('/users', (req, res) => {
  const { page = '1', limit = '10', role, active, q } = req.query;
  for (const [name, v] of Object.entries({ page, limit, role, active, q })) {
    if (v !== undefined && typeof v !== 'string') return bad(res, `${name} must be given once`);
  }
  if (!/^\d+$/.test(page) || Number(page) < 1) return bad(res, 'page must be a positive integer');
  if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 100) return bad(res, 'limit must be an integer between 1 and 100');
  if (role !== undefined && !ROLES.includes(role)) return bad(res, 'invalid role');
  if (active !== undefined && active !== 'true' && active !== 'false') return bad(res, 'active must be true or false');
  const p = Number(page);
  const l = Number(limit);
  const filtered = USERS.filter((u) =>
    (role === undefined || u.role === role) &&
    (active === undefined || String(u.active) === active) &&
    (q === undefined || u.name.toLowerCase().includes(q.toLowerCase())));
  const total = filtered.length;
  const offset = p * l;
  res.json({
    data: filtered.slice(offset, offset + l),
    pagination: { page: p, limit: l, total, totalPages: Math.ceil(total / l) },
  });
});

module.exports = app;
