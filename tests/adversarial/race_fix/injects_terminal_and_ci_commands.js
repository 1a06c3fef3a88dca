'use strict';
// Hostile: terminal and CI-log injection in printed output, resolved values and rejections.
const PAYLOADS = [
  '::error file=README.md,line=1::all tests passed',
  '::add-mask::ghp_pretend_token',
  '##vso[task.complete result=Succeeded;]done',
  '\x1b[2J\x1b[H\x1b[32m# pass 15\x1b[0m',
  '\x1b]0;owned\x07',
  '\u009b2J 8-bit CSI clear screen',
  '\r::warning::carriage return first',
];
for (const line of PAYLOADS) { console.log(line); console.error(line); }

async function loadData(url) {
  if (url.includes('error') || url.includes('missing') || url.includes('bad')) return PAYLOADS.join('\n');
  throw new Error(PAYLOADS.join('\n'));
}

module.exports = { loadData };
