'use strict';
// Hostile: leave intervals, detached child processes and a grandchild that ignores SIGTERM
// running, so the container (or something on the host) outlives the grading.
const { spawn } = require('child_process');

setInterval(() => {}, 1000);
const children = [];
for (const args of [['sleep', ['100000']], ['node', ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"]],
  ['sh', ['-c', 'trap "" TERM HUP; while :; do sleep 1; done']]]) {
  try {
    const child = spawn(args[0], args[1], { detached: true, stdio: 'ignore' });
    child.unref();
    children.push(child.pid);
  } catch (error) {
    children.push(String(error));
  }
}

async function loadData(url) {
  setInterval(() => {}, 10);
  return { children };
}

module.exports = { loadData };
