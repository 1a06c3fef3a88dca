'use strict';
// Loaded into the hidden tests' node processes of isolated grading (NODE_OPTIONS
// --require): a server a test starts on the loopback (a fake API for the answer to call)
// is registered with the tester, which makes its port reachable from the answer's
// container, before the server reports 'listening' to the test.
const net = require('net');

const registry = process.env.LLMCODE_REGISTRY;
const LOOPBACK_OR_ANY = new Set(['127.0.0.1', '0.0.0.0', '::', '::ffff:127.0.0.1']);

function register(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(registry);
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${port}\n`));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\n')) {
        socket.destroy();
        resolve();
      }
    });
    socket.on('error', reject);
  });
}

if (registry) {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (...args) {
    const server = this;
    const emit = server.emit;
    server.emit = function (event, ...rest) {
      if (event !== 'listening') return emit.call(this, event, ...rest);
      server.emit = emit;
      const address = server.address();
      if (!address || typeof address !== 'object' || !LOOPBACK_OR_ANY.has(address.address)) {
        return emit.call(server, event, ...rest);
      }
      register(address.port).then(
        () => emit.call(server, 'listening', ...rest),
        (error) => emit.call(server, 'error', error),
      );
      return true;
    };
    return listen.apply(this, args);
  };
}
