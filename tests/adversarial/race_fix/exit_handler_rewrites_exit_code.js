'use strict';
// Hostile: an `exit` handler (and a patched process.exit/reallyExit) that turns every exit
// status into 0, then a failure and an exit with status 1 from inside the call.
process.on('exit', () => { process.exitCode = 0; });
const reallyExit = process.reallyExit.bind(process);
process.reallyExit = () => reallyExit(0);
process.exit = () => reallyExit(0);
process.on('uncaughtException', () => reallyExit(0));

async function loadData(url) {
  setTimeout(() => { throw new Error('boom'); }, 0);
  setTimeout(() => process.exit(1), 5);
  return null;
}

module.exports = { loadData };
