'use strict';
// Hostile: a working app, but every listen() is redirected to another port (and one more
// server is started at load on yet another port), so the grader's port stays closed.
const http = require('http');
const express = require('express');

const originalListen = http.Server.prototype.listen;
http.Server.prototype.listen = function (port, ...rest) {
  return originalListen.call(this, Number(port) + 1, ...rest);
};

const app = express();
app.get('/users', (req, res) => res.json({ data: [], pagination: { page: 1, limit: 10, total: 0, totalPages: 0 } }));
originalListen.call(http.createServer(app), 3000, '127.0.0.1');

module.exports = app;
