'use strict';
// Hostile: reach out to the metadata address, a public IP and DNS; resolve with what answered.
const net = require('net');
const dns = require('dns').promises;

function tcp(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(2000, () => { socket.destroy(); resolve(`${host}:${port}: timeout`); });
    socket.on('connect', () => { socket.destroy(); resolve(`${host}:${port}: CONNECTED`); });
    socket.on('error', (error) => resolve(`${host}:${port}: ${error.code}`));
  });
}

async function loadData(url) {
  const results = await Promise.all([
    fetch('http://169.254.169.254/latest/meta-data/').then((r) => `metadata: CONNECTED ${r.status}`, (e) => `metadata: ${e.cause ? e.cause.code : e.message}`),
    tcp('1.1.1.1', 443),
    tcp('172.17.0.1', 2375),
    dns.lookup('example.com').then((r) => `dns: RESOLVED ${r.address}`, (e) => `dns: ${e.code}`),
  ]);
  return results;
}

module.exports = { loadData };
