'use strict';
// Test side of isolated grading (JavaScript/TypeScript): `require('./solution')` returns
// this stand-in, whose every export is an async function forwarding the call to the answer
// in its own container. Hidden tests therefore `await` every call into the solution.
const net = require('net');
const { encode, decode } = require('./plaindata.js');

const PORT = Number(process.env.LLMCODE_CALL_PORT || 8080);

function call(name, args) {
  return new Promise((resolve, reject) => {
    let payload;
    try {
      payload = JSON.stringify({ call: name, args: encode(args) }) + '\n';
    } catch (error) {
      reject(new TypeError(`isolated grading passes only plain data to the answer: ${error.message}`));
      return;
    }
    const socket = net.connect(PORT, '127.0.0.1');
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      socket.destroy();
      const reply = JSON.parse(buffered.slice(0, newline));
      if ('ok' in reply) return resolve(decode(reply.ok));
      const Builtin = globalThis[reply.error.type];
      const isBuiltinError = typeof Builtin === 'function' && Builtin.prototype instanceof Error;
      const error = isBuiltinError ? new Builtin(reply.error.message) : new Error(reply.error.message);
      if (!isBuiltinError) error.name = reply.error.type;
      // Where the answer raised it, never this stand-in's socket handler.
      error.stack = `${error.name}: ${error.message}` + (reply.error.stack ? `\n${reply.error.stack}` : '');
      reject(error);
    });
    socket.on('error', (error) => reject(new Error(`cannot reach the answer's process: ${error.message}`)));
    socket.on('close', () => reject(new Error("the answer's process closed the connection (it may have exited)")));
  });
}

module.exports = new Proxy({}, {
  get(_, name) {
    if (typeof name !== 'string' || name === 'then' || name.startsWith('__')) return undefined;
    return (...args) => call(name, args);
  },
  has(_, name) {
    return typeof name === 'string' && name !== 'then';
  },
});
