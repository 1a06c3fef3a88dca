'use strict';
// Hostile: spin forever inside the call, blocking the event loop.
async function loadData(url) {
  while (true) {}
}

module.exports = { loadData };
