// Hostile (TypeScript): exit with status 0 as soon as the compiled module is loaded.
declare const process: { exit(code?: number): never; on(event: string, fn: () => void): void; exitCode?: number };

process.on('exit', () => { process.exitCode = 0; });
process.exit(0);

export type Graph = Record<string, Record<string, number>>;
export function dijkstra(graph: Graph, source: string): { distances: Record<string, number | null>; previous: Record<string, string | null> } {
  return { distances: {}, previous: {} };
}
export function shortestPath(graph: Graph, source: string, target: string): { distance: number | null; path: string[] } {
  return { distance: null, path: [] };
}
