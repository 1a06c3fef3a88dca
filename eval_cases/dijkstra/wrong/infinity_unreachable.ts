// Binary heap and strict types, but unreachable nodes keep distance Infinity (not null),
// and shortestPath returns [target] as the "path" to them.
export type Graph = Record<string, Record<string, number>>;

export interface ShortestPaths {
  distances: Record<string, number | null>;
  previous: Record<string, string | null>;
}

export interface PathResult {
  distance: number | null;
  path: string[];
}

type Entry = { node: string; dist: number };

function heapPush(heap: Entry[], e: Entry): void {
  heap.push(e);
  let i = heap.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p].dist <= heap[i].dist) break;
    [heap[p], heap[i]] = [heap[i], heap[p]];
    i = p;
  }
}

function heapPop(heap: Entry[]): Entry | undefined {
  if (heap.length === 0) return undefined;
  const top = heap[0];
  const last = heap.pop() as Entry;
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l].dist < heap[m].dist) m = l;
      if (r < heap.length && heap[r].dist < heap[m].dist) m = r;
      if (m === i) break;
      [heap[m], heap[i]] = [heap[i], heap[m]];
      i = m;
    }
  }
  return top;
}

export function dijkstra(graph: Graph, source: string): ShortestPaths {
  const distances: Record<string, number | null> = {};
  const previous: Record<string, string | null> = {};
  for (const [u, edges] of Object.entries(graph)) {
    distances[u] = Infinity;
    previous[u] = null;
    for (const [v, w] of Object.entries(edges)) {
      if (w < 0) throw new Error('negative weight');
      distances[v] = Infinity;
      previous[v] = null;
    }
  }
  distances[source] = 0;
  previous[source] = null;
  const heap: Entry[] = [{ node: source, dist: 0 }];
  const visited = new Set<string>();
  for (let e = heapPop(heap); e !== undefined; e = heapPop(heap)) {
    if (visited.has(e.node)) continue;
    visited.add(e.node);
    const edges = Object.prototype.hasOwnProperty.call(graph, e.node) ? graph[e.node] : {};
    for (const [v, w] of Object.entries(edges)) {
      const nd = e.dist + w;
      const cur = distances[v] ?? Infinity;
      if (nd < cur) {
        distances[v] = nd;
        previous[v] = e.node;
        heapPush(heap, { node: v, dist: nd });
      }
    }
  }
  return { distances, previous };
}

export function shortestPath(graph: Graph, source: string, target: string): PathResult {
  const { distances, previous } = dijkstra(graph, source);
  const path: string[] = [];
  let cur: string | null = target;
  while (cur !== null) {
    path.unshift(cur);
    cur = previous[cur] ?? null;
  }
  return { distance: distances[target] ?? null, path };
}
