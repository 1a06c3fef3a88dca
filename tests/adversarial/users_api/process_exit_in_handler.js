'use strict';
// Hostile: exit with status 0 from inside the request handler.
const express = require('express');

const app = express();
app.get('/users', (req, res) => process.exit(0));

module.exports = app;
