// Hostile (TypeScript): exit with status 0 from inside the answer; it declares what it needs
// so that it compiles under --strict without Node's type definitions.
declare const process: { exit(code?: number): never };

export type Graph = Record<string, Record<string, number>>;
export interface ShortestPaths { distances: Record<string, number | null>; previous: Record<string, string | null>; }
export interface PathResult { distance: number | null; path: string[]; }

export function dijkstra(graph: Graph, source: string): ShortestPaths {
  return process.exit(0);
}

export function shortestPath(graph: Graph, source: string, target: string): PathResult {
  return process.exit(0);
}
