// Filters and paginates correctly, but never validates input: bad values fall back to defaults or are clamped.
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

app.get('/users', (req, res) => {
  const page = Math.max(parseInt(req.query.page, 10) || 1, 1);
  const limit = Math.min(Math.max(parseInt(req.query.limit, 10) || 10, 1), 100);
  let users = USERS;
  if (req.query.role) users = users.filter((u) => u.role === req.query.role);
  if (req.query.active !== undefined) users = users.filter((u) => u.active === (req.query.active === 'true'));
  if (req.query.q) {
    const q = String(req.query.q).toLowerCase();
    users = users.filter((u) => u.name.toLowerCase().includes(q));
  }
  const total = users.length;
  res.json({
    data: users.slice((page - 1) * limit, page * limit),
    pagination: { page, limit, total, totalPages: Math.ceil(total / limit) },
  });
});

module.exports = app;
