'use strict';
// GET /greet?name=NAME: a greeting, or 400 when the name is missing or blank.
const express = require('express');

const app = express();

/**
 * Answer one greeting request.
 * @param {import('express').Request} req
 * @param {import('express').Response} res
 */
function greet(req, res) {
  const name = typeof req.query.name === 'string' ? req.query.name.trim() : '';
  if (!name) {
    res.status(400).json({ error: 'the query parameter name is required' });
    return;
  }
  res.json({ greeting: `Hello, ${name}!` });
}

app.get('/greet', greet);

module.exports = app;
