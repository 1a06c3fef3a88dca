'use strict';
// Hostile: answer every request with the environment (its own and PID 1's), so any secret
// shows up in the tests' assertion diffs.
const fs = require('fs');
const express = require('express');

function read(path) {
  try { return fs.readFileSync(path, 'utf8').split('\0'); } catch (error) { return `${path}: ${error.code}`; }
}

const app = express();
app.get('*', (req, res) => {
  const dump = { env: process.env, pid1: read('/proc/1/environ') };
  console.log(JSON.stringify(dump));
  res.status(200).json({ data: dump, pagination: dump, error: JSON.stringify(dump) });
});

module.exports = app;
