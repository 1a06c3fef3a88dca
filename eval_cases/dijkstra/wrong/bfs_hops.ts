// Breadth-first search: finds the path with the fewest edges and reports its weight.
// Strictly typed, handles unreachable nodes, but ignores weights when choosing paths.
export type Graph = Record<string, Record<string, number>>;

export interface ShortestPaths {
  distances: Record<string, number | null>;
  previous: Record<string, string | null>;
}

export interface PathResult {
  distance: number | null;
  path: string[];
}

function allNodes(graph: Graph, source: string): Set<string> {
  const nodes = new Set<string>([source]);
  for (const [u, edges] of Object.entries(graph)) {
    nodes.add(u);
    for (const [v, w] of Object.entries(edges)) {
      if (!Number.isFinite(w) || w < 0) throw new Error(`bad weight on ${u} -> ${v}`);
      nodes.add(v);
    }
  }
  return nodes;
}

export function dijkstra(graph: Graph, source: string): ShortestPaths {
  const nodes = allNodes(graph, source);
  const dist = new Map<string, number>([[source, 0]]);
  const prev = new Map<string, string>();
  const queue: string[] = [source];
  while (queue.length > 0) {
    const u = queue.shift() as string;
    const edges = Object.prototype.hasOwnProperty.call(graph, u) ? graph[u] : {};
    for (const [v, w] of Object.entries(edges)) {
      if (!dist.has(v)) {
        dist.set(v, (dist.get(u) ?? 0) + w);
        prev.set(v, u);
        queue.push(v);
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
  if (!Object.prototype.hasOwnProperty.call(distances, target)) return { distance: null, path: [] };
  const distance = distances[target];
  if (distance === null) return { distance: null, path: [] };
  const path: string[] = [target];
  let cur = target;
  while (cur !== source) {
    const p = previous[cur];
    if (p === null) break;
    path.unshift(p);
    cur = p;
  }
  return { distance, path };
}
