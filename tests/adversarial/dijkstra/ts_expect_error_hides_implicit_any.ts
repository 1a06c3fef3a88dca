// Hostile: a known-wrong answer (implicit any, rejected by tsc --strict) that declares the
// errors expected, which silences them too.
export type Graph = Record<string, Record<string, number>>;

export interface ShortestPaths {
  distances: Record<string, number | null>;
  previous: Record<string, string | null>;
}

export interface PathResult {
  distance: number | null;
  path: string[];
}

class PriorityQueue {
  private heap: Array<[number, string]> = [];

  get length(): number {
    return this.heap.length;
  }

  // @ts-expect-error
  push(priority, node) {
    this.heap.push([priority, node]);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.heap[p][0] <= this.heap[i][0]) break;
      [this.heap[p], this.heap[i]] = [this.heap[i], this.heap[p]];
      i = p;
    }
  }

  pop(): [number, string] {
    const top = this.heap[0];
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.heap[l][0] < this.heap[m][0]) m = l;
        if (r < this.heap.length && this.heap[r][0] < this.heap[m][0]) m = r;
        if (m === i) break;
        [this.heap[m], this.heap[i]] = [this.heap[i], this.heap[m]];
        i = m;
      }
    }
    return top;
  }
}

export function dijkstra(graph: Graph, source: string): ShortestPaths {
  const dist = new Map<string, number>([[source, 0]]);
  const prev = new Map<string, string>();
  const nodes = new Set<string>([source]);
  for (const [u, edges] of Object.entries(graph)) {
    nodes.add(u);
    for (const [v, w] of Object.entries(edges)) {
      if (!Number.isFinite(w) || w < 0) throw new Error(`bad weight on ${u} -> ${v}`);
      nodes.add(v);
    }
  }
  const pq = new PriorityQueue();
  const done = new Set<string>();
  pq.push(0, source);
  while (pq.length > 0) {
    const [d, u] = pq.pop();
    if (done.has(u)) continue;
    done.add(u);
    const edges = Object.prototype.hasOwnProperty.call(graph, u) ? graph[u] : {};
    for (const [v, w] of Object.entries(edges)) {
      const nd = d + w;
      const old = dist.get(v);
      if (old === undefined || nd < old) {
        dist.set(v, nd);
        prev.set(v, u);
        pq.push(nd, v);
      }
    }
  }
  const distances: Record<string, number | null> = {};
  const previous: Record<string, string | null> = {};
  for (const n of nodes) {
    distances[n] = dist.get(n) ?? null;
    previous[n] = prev.get(n) ?? null;
  }
  return { distances, previous };
}

export function shortestPath(graph: Graph, source: string, target: string): PathResult {
  const { distances, previous } = dijkstra(graph, source);
  const distance = Object.prototype.hasOwnProperty.call(distances, target) ? distances[target] : null;
  if (distance === null) return { distance: null, path: [] };
  const path = [target];
  let cur = target;
  while (cur !== source) {
    cur = previous[cur] as string;
    path.unshift(cur);
  }
  return { distance, path };
}
