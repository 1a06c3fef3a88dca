'use strict';
// Hostile: responses, logs and error bodies full of terminal escapes and CI workflow commands.
const express = require('express');

const PAYLOAD = '\n::error::all 21 tests passed\n::add-mask::secret\n\x1b[2J\x1b[H\u009b2J\x1b]0;owned\x07\n##vso[task.complete result=Succeeded;]';
console.log(PAYLOAD);
const app = express();
app.get('/users', (req, res) => {
  console.error(PAYLOAD);
  res.status(req.query.page ? 400 : 200).json({ data: [PAYLOAD], pagination: { page: PAYLOAD }, error: PAYLOAD });
});

module.exports = app;
