'use strict';
// Candidate side of isolated grading (JavaScript/TypeScript): load the answer, serve calls
// as JSON lines. Runs in the candidate's container. Usage: shim_node.js SOLUTION_JS PORT
const net = require('net');
const { encode, decode, NotPlainData } = require('./plaindata.js');

const MAX_LINE = 16 * 1024 * 1024;
const [solutionPath, port] = process.argv.slice(2);

// As under node:test in one process, a stray rejection or exception of the answer is
// reported, not fatal: the next call still reaches the answer.
process.on('unhandledRejection', (error) => console.error('unhandled rejection in the answer:', error));
process.on('uncaughtException', (error) => console.error('uncaught exception in the answer:', error));

const server = net.createServer((socket) => {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    buffered += chunk;
    if (buffered.length > MAX_LINE) return socket.destroy();
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      respond(line).then((reply) => socket.write(JSON.stringify(reply) + '\n'));
    }
  });
});
server.listen(Number(port), '127.0.0.1');

let loaded;
let loadError;
try {
  loaded = require(solutionPath);
} catch (error) {
  console.error(error && error.stack ? error.stack : String(error));
  loadError = { type: (error && error.name) || 'Error', message: `loading the answer failed: ${error && error.message}` };
}

async function respond(line) {
  if (loadError) return { error: loadError };
  try {
    const request = JSON.parse(line);
    const target = loaded && Object.prototype.hasOwnProperty.call(loaded, request.call) ? loaded[request.call] : undefined;
    if (typeof target !== 'function') {
      return { error: { type: 'TypeError', message: `the answer exports no function ${request.call}` } };
    }
    const result = await target(...decode(request.args || []));
    return { ok: encode(result) };
  } catch (error) {
    if (error instanceof NotPlainData) {
      return { error: { type: 'NotPlainData', message: `the answer returned ${error.message}` } };
    }
    const type = (error && error.name) || 'Error';
    const message = error && error.message !== undefined ? String(error.message) : String(error);
    // The answer's own frames only: the tests' side shows them instead of this shim's.
    const stack = error && typeof error.stack === 'string'
      ? error.stack.split('\n').filter((line) => line.includes(solutionPath)).join('\n') : '';
    return { error: { type, message: message.slice(0, 65536), stack: stack.slice(0, 65536) } };
  }
}
