'use strict';
// Hidden tests for the dijkstra case. `./solution` is the output of
// `tsc --strict --target es2020 --module commonjs solution.ts`.
// Every call into the solution is awaited; only plain JSON data crosses the boundary.
const test = require('node:test');
const assert = require('node:assert/strict');
const solution = require('./solution');

const dijkstra = async (graph, source) => solution.dijkstra(graph, source);
const shortestPath = async (graph, source, target) => solution.shortestPath(graph, source, target);

const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);

// Simple O(V^2) Dijkstra used as an oracle (no heap, Map-based).
function referenceDistances(graph, source) {
  const nodes = new Set([source]);
  for (const [u, edges] of Object.entries(graph)) {
    nodes.add(u);
    for (const v of Object.keys(edges)) nodes.add(v);
  }
  const dist = new Map([[source, 0]]);
  const done = new Set();
  for (;;) {
    let best = null;
    for (const [node, d] of dist) {
      if (!done.has(node) && (best === null || d < dist.get(best))) best = node;
    }
    if (best === null) break;
    done.add(best);
    const edges = has(graph, best) ? graph[best] : {};
    for (const [v, w] of Object.entries(edges)) {
      const cand = dist.get(best) + w;
      if (!dist.has(v) || cand < dist.get(v)) dist.set(v, cand);
    }
  }
  const out = {};
  for (const node of nodes) out[node] = dist.has(node) ? dist.get(node) : null;
  return out;
}

// Checks that `path` is a real path source -> target in `graph` whose weight is `distance`.
function assertValidPath(graph, source, target, result, expectedDistance) {
  assert.equal(result.distance, expectedDistance, `distance ${source} -> ${target}`);
  assert.ok(Array.isArray(result.path), 'path must be an array');
  assert.equal(result.path[0], source, 'path starts at the source');
  assert.equal(result.path[result.path.length - 1], target, 'path ends at the target');
  let total = 0;
  for (let i = 0; i + 1 < result.path.length; i++) {
    const [u, v] = [result.path[i], result.path[i + 1]];
    assert.ok(has(graph, u) && has(graph[u], v), `edge ${u} -> ${v} must exist`);
    total += graph[u][v];
  }
  assert.equal(total, expectedDistance, 'path weight equals the distance');
}

// Checks that `previous` is consistent with `distances`: every reachable non-source node's
// predecessor lies on a shortest path.
function assertValidPrevious(graph, source, { distances, previous }) {
  assert.equal(previous[source], null, 'previous[source] is null');
  for (const [node, d] of Object.entries(distances)) {
    if (node === source) continue;
    assert.ok(has(previous, node), `previous has key ${node}`);
    if (d === null) {
      assert.equal(previous[node], null, `unreachable ${node} has previous null`);
    } else {
      const p = previous[node];
      assert.equal(typeof p, 'string', `reachable ${node} has a predecessor`);
      assert.ok(has(graph, p) && has(graph[p], node), `edge ${p} -> ${node} must exist`);
      assert.equal(distances[p] + graph[p][node], d, `previous[${node}] lies on a shortest path`);
    }
  }
}

// Deterministic PRNG (mulberry32).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomGraph(seed, n, m) {
  const rand = rng(seed);
  const graph = {};
  // Nodes n-10 .. n-1 get no outgoing edges and few incoming ones: some stay unreachable.
  for (let i = 0; i < n - 10; i++) graph[`n${i}`] = {};
  for (let k = 0; k < m; k++) {
    const u = `n${Math.floor(rand() * (n - 10))}`;
    const vi = Math.floor(rand() * n);
    if (vi >= n - 10 && rand() < 0.8) continue;
    graph[u][`n${vi}`] = Math.floor(rand() * 20); // integer weights 0..19, zeros included
  }
  return graph;
}

const CLASSIC = {
  A: { B: 7, C: 9, F: 14 },
  B: { A: 7, C: 10, D: 15 },
  C: { A: 9, B: 10, D: 11, F: 2 },
  D: { B: 15, C: 11, E: 6 },
  E: { D: 6, F: 9 },
  F: { A: 14, C: 2, E: 9 },
};

// ---- core --------------------------------------------------------------------------------

test('distances on a small weighted graph', async () => {
  const { distances } = await dijkstra(CLASSIC, 'A');
  assert.deepEqual(distances, { A: 0, B: 7, C: 9, D: 20, E: 20, F: 11 });
});

test('prefers a cheaper path with more edges over a direct expensive edge', async () => {
  const graph = { S: { T: 10, A: 1 }, A: { B: 1 }, B: { T: 1 }, T: {} };
  const { distances } = await dijkstra(graph, 'S');
  assert.equal(distances.T, 3);
  assertValidPath(graph, 'S', 'T', await shortestPath(graph, 'S', 'T'), 3);
});

test('previous records shortest-path predecessors', async () => {
  const result = await dijkstra(CLASSIC, 'A');
  assert.deepEqual(Object.keys(result.previous).sort(), ['A', 'B', 'C', 'D', 'E', 'F']);
  assert.deepEqual(result.previous, { A: null, B: 'A', C: 'A', D: 'C', E: 'F', F: 'C' });
  assertValidPrevious(CLASSIC, 'A', result);
});

test('shortestPath returns the path and its length', async () => {
  assert.deepEqual(await shortestPath(CLASSIC, 'A', 'E'), { distance: 20, path: ['A', 'C', 'F', 'E'] });
  assert.deepEqual(await shortestPath(CLASSIC, 'A', 'D'), { distance: 20, path: ['A', 'C', 'D'] });
});

test('edges are directed', async () => {
  const graph = { A: { B: 1 }, B: { C: 1 }, C: {} };
  const fromC = await dijkstra(graph, 'C');
  assert.deepEqual(fromC.distances, { A: null, B: null, C: 0 });
  assert.deepEqual(await shortestPath(graph, 'C', 'A'), { distance: null, path: [] });
  assert.deepEqual(await shortestPath(graph, 'A', 'C'), { distance: 2, path: ['A', 'B', 'C'] });
});

test('matches a simple reference implementation on random graphs', async () => {
  for (const seed of [1, 2, 3]) {
    const graph = randomGraph(seed, 150, 900);
    const expected = referenceDistances(graph, 'n0');
    const result = await dijkstra(graph, 'n0');
    assert.deepEqual(result.distances, expected, `seed ${seed}`);
    assertValidPrevious(graph, 'n0', result);
  }
});

test('shortestPath returns optimal, valid paths on a random graph', async () => {
  const graph = randomGraph(7, 120, 700);
  const rand = rng(99);
  for (let k = 0; k < 25; k++) {
    const s = `n${Math.floor(rand() * 110)}`;
    const t = `n${Math.floor(rand() * 120)}`;
    const expected = referenceDistances(graph, s)[t] ?? null;
    const result = await shortestPath(graph, s, t);
    if (expected === null) assert.deepEqual(result, { distance: null, path: [] }, `${s} -> ${t}`);
    else assertValidPath(graph, s, t, result, expected);
  }
});

// ---- edge --------------------------------------------------------------------------------

test('edge: unreachable nodes have null distance and null previous', async () => {
  const graph = { A: { B: 2 }, B: {}, C: { D: 1 }, D: {} };
  const result = await dijkstra(graph, 'A');
  assert.deepEqual(result.distances, { A: 0, B: 2, C: null, D: null });
  assert.deepEqual(result.previous, { A: null, B: 'A', C: null, D: null });
});

test('edge: shortestPath to an unreachable node', async () => {
  const graph = { A: { B: 2 }, B: {}, C: { D: 1 }, D: {} };
  assert.deepEqual(await shortestPath(graph, 'A', 'D'), { distance: null, path: [] });
});

test('edge: source equals target', async () => {
  assert.deepEqual(await shortestPath(CLASSIC, 'C', 'C'), { distance: 0, path: ['C'] });
  const withLoop = { A: { A: 3, B: 1 }, B: { A: 1 } };
  assert.deepEqual(await shortestPath(withLoop, 'A', 'A'), { distance: 0, path: ['A'] });
});

test('edge: a node that appears only as a neighbour is included', async () => {
  const graph = { A: { B: 1, Z: 5 }, B: { Z: 1 } };
  const result = await dijkstra(graph, 'A');
  assert.deepEqual(result.distances, { A: 0, B: 1, Z: 2 });
  assert.deepEqual(result.previous, { A: null, B: 'A', Z: 'B' });
  assert.deepEqual(await shortestPath(graph, 'A', 'Z'), { distance: 2, path: ['A', 'B', 'Z'] });
  assert.deepEqual(await shortestPath(graph, 'Z', 'A'), { distance: null, path: [] });
});

test('edge: target that is not in the graph', async () => {
  assert.deepEqual(await shortestPath(CLASSIC, 'A', 'nowhere'), { distance: null, path: [] });
});

test('edge: source that is not in the graph', async () => {
  const graph = { A: { B: 1 } };
  const result = await dijkstra(graph, 'S');
  assert.deepEqual(result.distances, { S: 0, A: null, B: null });
  assert.deepEqual(result.previous, { S: null, A: null, B: null });
  assert.deepEqual(await shortestPath(graph, 'S', 'S'), { distance: 0, path: ['S'] });
});

test('edge: empty graph', async () => {
  assert.deepEqual(await dijkstra({}, 'A'), { distances: { A: 0 }, previous: { A: null } });
});

test('edge: zero-weight edges', async () => {
  const graph = { A: { B: 0, C: 1 }, B: { C: 0 }, C: { D: 0 }, D: {} };
  const result = await dijkstra(graph, 'A');
  assert.deepEqual(result.distances, { A: 0, B: 0, C: 0, D: 0 });
  assertValidPrevious(graph, 'A', result);
  assertValidPath(graph, 'A', 'D', await shortestPath(graph, 'A', 'D'), 0);
});

test('edge: ties between equally short paths', async () => {
  const graph = { S: { A: 1, B: 1 }, A: { T: 1 }, B: { T: 1 }, T: { U: 2 }, U: {} };
  const result = await dijkstra(graph, 'S');
  assert.deepEqual(result.distances, { S: 0, A: 1, B: 1, T: 2, U: 4 });
  assertValidPrevious(graph, 'S', result);
  assertValidPath(graph, 'S', 'U', await shortestPath(graph, 'S', 'U'), 4);
});

test('edge: a node is improved after it was first discovered', async () => {
  // B is discovered first via the expensive edge, then improved through C.
  const graph = { A: { B: 10, C: 1 }, C: { D: 1 }, D: { B: 1 }, B: { E: 1 } };
  const result = await dijkstra(graph, 'A');
  assert.deepEqual(result.distances, { A: 0, B: 3, C: 1, D: 2, E: 4 });
  assert.equal(result.previous.B, 'D');
  assert.deepEqual(await shortestPath(graph, 'A', 'E'), { distance: 4, path: ['A', 'C', 'D', 'B', 'E'] });
});

test('edge: fractional weights', async () => {
  const graph = { A: { B: 0.5, C: 2 }, B: { C: 0.25 }, C: {} };
  assert.deepEqual(await shortestPath(graph, 'A', 'C'), { distance: 0.75, path: ['A', 'B', 'C'] });
});

test('edge: node names that are Object.prototype properties', async () => {
  const graph = { constructor: { toString: 1, valueOf: 4 }, toString: { valueOf: 1 }, hasOwnProperty: {} };
  const result = await dijkstra(graph, 'constructor');
  assert.deepEqual(result.distances, { constructor: 0, toString: 1, valueOf: 2, hasOwnProperty: null });
  assert.deepEqual(await shortestPath(graph, 'constructor', 'valueOf'), { distance: 2, path: ['constructor', 'toString', 'valueOf'] });
  assert.deepEqual(await shortestPath(graph, 'constructor', 'hasOwnProperty'), { distance: null, path: [] });
});

test('edge: a negative weight is rejected with an error', async () => {
  const graph = { A: { B: 1 }, B: { C: -2 }, C: {} };
  await assert.rejects(async () => dijkstra(graph, 'A'));
});
