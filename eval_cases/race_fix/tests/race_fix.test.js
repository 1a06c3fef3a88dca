'use strict';
// Hidden tests for the race_fix case. A tiny HTTP server on 127.0.0.1 (ephemeral port)
// lives inside this file; every call into the solution is awaited.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { loadData } = require('./solution');

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const routes = {
  '/api/data': (req, res) => setTimeout(() => sendJson(res, 200, { items: [1, 2, 3], ok: true, name: 'data' }), 20),
  '/api/list': (req, res) => sendJson(res, 200, [{ id: 1 }, { id: 2 }, { id: 3 }]),
  '/api/slow': (req, res) => setTimeout(() => sendJson(res, 200, { slow: true }), 250),
  '/api/echo': (req, res) => sendJson(res, 200, { method: req.method, url: req.url }),
  '/api/created': (req, res) => sendJson(res, 201, { created: true }),
  '/api/string': (req, res) => sendJson(res, 200, 'hello'),
  '/api/zero': (req, res) => sendJson(res, 200, 0),
  '/api/error500': (req, res) => sendJson(res, 500, { error: 'boom' }),
  '/api/error503': (req, res) => sendJson(res, 503, { error: 'unavailable', retry: true }),
  '/api/missing': (req, res) => sendJson(res, 404, { error: 'not found' }),
  '/api/badjson': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"items": [1, 2,');
  },
  '/api/html': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><p>hello</p>');
  },
  '/api/item': (req, res) => {
    const id = Number(new URL(req.url, 'http://x').searchParams.get('id'));
    // Later ids answer sooner, so responses arrive out of request order.
    setTimeout(() => sendJson(res, 200, { id }), (5 - id) * 25);
  },
};

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  const handler = routes[path];
  if (handler) handler(req, res);
  else sendJson(res, 404, { error: 'no route' });
});

const ready = new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
});
server.unref();

test.after(() => {
  if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
  server.close();
});

async function url(path) {
  return (await ready) + path;
}

// A port on 127.0.0.1 that nothing listens on: bind an ephemeral port, then free it.
function closedPortUrl() {
  return new Promise((resolve, reject) => {
    const probe = http.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(`http://127.0.0.1:${port}/api/data`));
    });
  });
}

// ---- core --------------------------------------------------------------------------------

test('returns the parsed JSON object', async () => {
  const data = await loadData(await url('/api/data'));
  assert.deepEqual(data, { items: [1, 2, 3], ok: true, name: 'data' });
});

test('does not resolve with null or undefined before the response arrives', async () => {
  const data = await loadData(await url('/api/data'));
  assert.notEqual(data, null);
  assert.notEqual(data, undefined);
});

test('returns a parsed JSON array', async () => {
  const data = await loadData(await url('/api/list'));
  assert.deepEqual(data, [{ id: 1 }, { id: 2 }, { id: 3 }]);
});

test('waits for a slow response', async () => {
  const data = await loadData(await url('/api/slow'));
  assert.deepEqual(data, { slow: true });
});

test('requests exactly the given URL with GET', async () => {
  const data = await loadData(await url('/api/echo?page=2&q=a%20b'));
  assert.deepEqual(data, { method: 'GET', url: '/api/echo?page=2&q=a%20b' });
});

test('rejects on HTTP 500', async () => {
  await assert.rejects(loadData(await url('/api/error500')));
});

// ---- edge --------------------------------------------------------------------------------

test('edge: rejects on HTTP 404', async () => {
  await assert.rejects(loadData(await url('/api/missing')));
});

test('edge: rejects on HTTP 503 even though the body is valid JSON', async () => {
  await assert.rejects(loadData(await url('/api/error503')));
});

test('edge: accepts any 2xx status (201 Created)', async () => {
  assert.deepEqual(await loadData(await url('/api/created')), { created: true });
});

test('edge: rejects on a body that is not valid JSON', async () => {
  await assert.rejects(loadData(await url('/api/badjson')));
});

test('edge: rejects on an HTML body served with status 200', async () => {
  await assert.rejects(loadData(await url('/api/html')));
});

test('edge: rejects when the server cannot be reached', async () => {
  await assert.rejects(loadData(await closedPortUrl()));
});

test('edge: JSON primitives are returned as parsed values', async () => {
  assert.equal(await loadData(await url('/api/string')), 'hello');
  assert.equal(await loadData(await url('/api/zero')), 0);
});

test('edge: concurrent calls each resolve with their own data', async () => {
  const ids = [1, 2, 3, 4];
  const urls = await Promise.all(ids.map((id) => url(`/api/item?id=${id}`)));
  const results = await Promise.all(urls.map((u) => loadData(u)));
  assert.deepEqual(results, ids.map((id) => ({ id })));
});

test('edge: can be called again after a failure', async () => {
  await assert.rejects(loadData(await url('/api/error500')));
  assert.deepEqual(await loadData(await url('/api/list')), [{ id: 1 }, { id: 2 }, { id: 3 }]);
});
