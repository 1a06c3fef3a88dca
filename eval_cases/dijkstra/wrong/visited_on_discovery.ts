// Binary heap and strict types, but a node is marked final as soon as it is first
// discovered, so a later, cheaper route to it is never taken.
export type Graph = Record<string, Record<string, number>>;

export interface ShortestPaths {
  distances: Record<string, number | null>;
  previous: Record<string, string | null>;
}

export interface PathResult {
  distance: number | null;
  path: string[];
}

class MinHeap<T> {
  private data: Array<{ key: number; value: T }> = [];

  get size(): number {
    return this.data.length;
  }

  insert(key: number, value: T): void {
    this.data.push({ key, value });
    let i = this.data.length - 1;
    while (i > 0) {
      const p = Math.floor((i - 1) / 2);
      if (this.data[p].key <= this.data[i].key) break;
      [this.data[p], this.data[i]] = [this.data[i], this.data[p]];
      i = p;
    }
  }

  extractMin(): { key: number; value: T } | undefined {
    const top = this.data[0];
    const last = this.data.pop();
    if (this.data.length > 0 && last !== undefined) {
      this.data[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = 2 * i + 2;
        let m = i;
        if (l < this.data.length && this.data[l].key < this.data[m].key) m = l;
        if (r < this.data.length && this.data[r].key < this.data[m].key) m = r;
        if (m === i) break;
        [this.data[m], this.data[i]] = [this.data[i], this.data[m]];
        i = m;
      }
    }
    return top;
  }
}

export function dijkstra(graph: Graph, source: string): ShortestPaths {
  const nodes = new Set<string>([source]);
  for (const [u, edges] of Object.entries(graph)) {
    nodes.add(u);
    for (const [v, w] of Object.entries(edges)) {
      if (!Number.isFinite(w) || w < 0) throw new Error(`invalid weight ${u} -> ${v}`);
      nodes.add(v);
    }
  }
  const dist = new Map<string, number>([[source, 0]]);
  const prev = new Map<string, string>();
  const seen = new Set<string>([source]);
  const heap = new MinHeap<string>();
  heap.insert(0, source);
  while (heap.size > 0) {
    const top = heap.extractMin();
    if (top === undefined) break;
    const u = top.value;
    const edges = Object.prototype.hasOwnProperty.call(graph, u) ? graph[u] : {};
    for (const [v, w] of Object.entries(edges)) {
      if (seen.has(v)) continue;
      seen.add(v);
      dist.set(v, top.key + w);
      prev.set(v, u);
      heap.insert(top.key + w, v);
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
  const path: string[] = [];
  for (let cur: string | null = target; cur !== null; cur = cur === source ? null : previous[cur]) {
    path.unshift(cur);
  }
  return { distance, path };
}
