'use strict';
// Hostile: exit with status 0 from inside the call, in the middle of a test.
async function loadData(url) {
  process.exit(0);
}

module.exports = { loadData };
