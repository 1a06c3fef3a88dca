/**
 * Dijkstra's single-source shortest paths over a directed graph with non-negative
 * weights, using a binary min-heap as the priority queue (O((V + E) log V)).
 */

/** Adjacency map: graph[u][v] = weight of the directed edge u -> v. */
export type Graph = Record<string, Record<string, number>>;

export interface ShortestPaths {
  /** Distance from the source to every node; null when unreachable. */
  distances: Record<string, number | null>;
  /** Predecessor on a shortest path; null for the source and for unreachable nodes. */
  previous: Record<string, string | null>;
}

export interface PathResult {
  distance: number | null;
  path: string[];
}

interface HeapEntry {
  node: string;
  priority: number;
}

/** Binary min-heap keyed by `priority`. Stale entries are skipped by the caller. */
class MinHeap {
  private readonly items: HeapEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(entry: HeapEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].priority <= items[i].priority) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  pop(): HeapEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && items[left].priority < items[smallest].priority) smallest = left;
        if (right < items.length && items[right].priority < items[smallest].priority) smallest = right;
        if (smallest === i) break;
        [items[smallest], items[i]] = [items[i], items[smallest]];
        i = smallest;
      }
    }
    return top;
  }
}

function neighbours(graph: Graph, node: string): Array<[string, number]> {
  // Own properties only: node names such as "constructor" must not hit Object.prototype.
  if (!Object.prototype.hasOwnProperty.call(graph, node)) return [];
  return Object.entries(graph[node]);
}

/** Every node named in the graph (as a key or as a neighbour), plus the source. */
function collectNodes(graph: Graph, source: string): Set<string> {
  const nodes = new Set<string>([source]);
  for (const [from, edges] of Object.entries(graph)) {
    nodes.add(from);
    for (const [to, weight] of Object.entries(edges)) {
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
        throw new Error(`Invalid weight ${String(weight)} on edge ${from} -> ${to}: weights must be finite and non-negative`);
      }
      nodes.add(to);
    }
  }
  return nodes;
}

/**
 * Shortest distances and predecessors from `source` to every node of `graph`.
 * @throws {Error} when an edge weight is negative or not a finite number
 */
export function dijkstra(graph: Graph, source: string): ShortestPaths {
  const nodes = collectNodes(graph, source);
  const dist = new Map<string, number>([[source, 0]]);
  const prev = new Map<string, string>();
  const done = new Set<string>();
  const heap = new MinHeap();
  heap.push({ node: source, priority: 0 });

  while (heap.size > 0) {
    const entry = heap.pop();
    if (entry === undefined) break;
    const { node: u, priority: du } = entry;
    if (done.has(u)) continue; // stale entry: u was already settled with a smaller key
    done.add(u);
    for (const [v, weight] of neighbours(graph, u)) {
      const candidate = du + weight;
      const known = dist.get(v);
      if (known === undefined || candidate < known) {
        dist.set(v, candidate);
        prev.set(v, u);
        heap.push({ node: v, priority: candidate });
      }
    }
  }

  const distances: Record<string, number | null> = {};
  const previous: Record<string, string | null> = {};
  for (const node of nodes) {
    distances[node] = dist.get(node) ?? null;
    previous[node] = prev.get(node) ?? null;
  }
  return { distances, previous };
}

/**
 * One shortest path from `source` to `target` and its length; `{distance: null, path: []}`
 * when `target` cannot be reached.
 */
export function shortestPath(graph: Graph, source: string, target: string): PathResult {
  const { distances, previous } = dijkstra(graph, source);
  const own = Object.prototype.hasOwnProperty.call(distances, target);
  const distance = own ? distances[target] : null;
  if (distance === null) return { distance: null, path: [] };

  const path: string[] = [];
  let current: string | null = target;
  while (current !== null) {
    path.push(current);
    current = current === source ? null : previous[current];
  }
  path.reverse();
  return { distance, path };
}
