'use strict';
// Compiles a TypeScript answer as `tsc ARGS... SOURCE` would, but without its comments
// (ts_comments.js): a suppression comment cannot switch off the strict checking the case
// requires. Runs in the answer's container before any answer code exists.
// Usage: compile_ts.js SOURCE -- TSC_ARGS...   (exit 0 when it compiled, 1 when it did not)
const fs = require('fs');
const ts = require('typescript');
const { withoutComments } = require('./ts_comments.js');

const [source, separator, ...args] = process.argv.slice(2);
if (separator !== '--') throw new Error('usage: compile_ts.js SOURCE -- TSC_ARGS...');
const parsed = ts.parseCommandLine(args);
if (parsed.errors.length) throw new Error(ts.formatDiagnostics(parsed.errors, ts.createCompilerHost({})));

const original = fs.readFileSync(source, 'utf8');
const { text, directives, leftover } = withoutComments(ts, source, original, ts.ScriptKind.TS);
if (leftover.length) {
  process.stdout.write(`${source}: comment directives could not be removed: refusing to compile\n`);
  process.exit(1);
}
fs.writeFileSync(source, text);

const host = ts.createCompilerHost(parsed.options);
const program = ts.createProgram([...parsed.fileNames, source], parsed.options, host);
const emitted = program.emit();
const diagnostics = ts.sortAndDeduplicateDiagnostics([...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]);
const failed = diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error) || emitted.emitSkipped;
let out = ts.formatDiagnostics(diagnostics, {
  getCanonicalFileName: (name) => name,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
});
if (directives.length) {
  const where = directives.map((d) => `${d.kind} (line ${d.line})`).join(', ');
  out += `note: comments are not honoured by this compile, so neither are the answer's ${where}\n`;
}
process.stdout.write(out);
process.exit(failed ? 1 : 0);
