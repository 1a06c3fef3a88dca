'use strict';
// Plausible but wrong: no validation, so a missing name is greeted as "undefined".
const express = require('express');

const app = express();

/**
 * Answer one greeting request.
 * @param {import('express').Request} req
 * @param {import('express').Response} res
 */
function greet(req, res) {
  res.json({ greeting: `Hello, ${String(req.query.name).trim()}!` });
}

app.get('/greet', greet);

module.exports = app;
