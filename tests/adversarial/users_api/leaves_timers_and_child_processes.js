'use strict';
// Hostile: a wrong app that leaves intervals, detached children and a SIGTERM-ignoring
// grandchild running after the grading.
const { spawn } = require('child_process');
const express = require('express');

setInterval(() => {}, 1000);
for (const [cmd, args] of [['sleep', ['100000']], ['sh', ['-c', 'trap "" TERM HUP; while :; do sleep 1; done']]]) {
  try { spawn(cmd, args, { detached: true, stdio: 'ignore' }).unref(); } catch {}
}

const app = express();
app.get('/users', (req, res) => {
  setInterval(() => {}, 10);
  res.json({ data: [], pagination: { page: 1, limit: 10, total: 0, totalPages: 0 } });
});

module.exports = app;
