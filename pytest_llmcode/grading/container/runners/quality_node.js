// Static measures of a JavaScript or TypeScript answer for quality.py, with the image's
// TypeScript compiler API. Never runs the answer. Prints one JSON line:
// {"findings": [...], "public": [...], "documented": [...], "module_doc", "unparsable", "tools"}
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const { withoutComments } = require('./ts_comments.js');

const [language, file] = process.argv.slice(2);
const isTs = language === 'typescript';
const text = fs.readFileSync(file, 'utf8');

// On JavaScript, only these checker diagnostics are lint findings: the rest are type
// errors that untyped code is allowed to have.
const JS_LINT_CODES = new Set([
  6133, // declared but its value is never read
  6192, // all imports unused
  6196, // declared but never used
  6198, // all destructured elements unused
  6199, // all variables unused
  6205, // all type parameters unused
  7027, // unreachable code
  7028, // unused label
  7029, // fallthrough case in switch
  7030, // not all code paths return a value
]);

const options = {
  strict: true,
  noEmit: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  allowUnreachableCode: false,
  allowUnusedLabels: false,
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.CommonJS,
  allowJs: !isTs,
  checkJs: !isTs,
  types: [],
  skipLibCheck: true,
};

// The checker sees the answer without its comments: no `@ts-nocheck` or `@ts-ignore` hides
// what it would find. Lint rules and doc comments are read from the answer as written.
const scriptKind = isTs ? ts.ScriptKind.TS : ts.ScriptKind.JS;
const stripped = withoutComments(ts, file, text, scriptKind);
const host = ts.createCompilerHost(options);
const readFile = host.readFile;
host.readFile = (name) => (path.resolve(name) === path.resolve(file) ? stripped.text : readFile(name));
const getSourceFile = host.getSourceFile;
host.getSourceFile = (name, target, onError, create) => (path.resolve(name) === path.resolve(file)
  ? ts.createSourceFile(name, stripped.text, target, true, scriptKind)
  : getSourceFile(name, target, onError, create));
const program = ts.createProgram([file], options, host);
const checked = program.getSourceFile(file);
const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true, scriptKind);
const findings = [];

function where(diagnostic) {
  if (!diagnostic.file || diagnostic.start === undefined) return path.basename(file);
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${path.basename(file)}:${line + 1}:${character + 1}`;
}

function message(diagnostic) {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
}

const syntactic = program.getSyntacticDiagnostics(checked);
for (const d of syntactic) findings.push(`syntax: ${where(d)} TS${d.code} ${message(d)}`);
for (const d of program.getSemanticDiagnostics(checked)) {
  if (isTs || JS_LINT_CODES.has(d.code)) findings.push(`tsc: ${where(d)} TS${d.code} ${message(d)}`);
}

function at(node) {
  const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
  return `${path.basename(file)}:${line + 1}`;
}

function lint(node) {
  if (ts.isVariableDeclarationList(node) && !(node.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) {
    findings.push(`lint: ${at(node)} var declaration (use let or const)`);
  }
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    const loose = op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    const withNull = [node.left, node.right].some((side) => side.kind === ts.SyntaxKind.NullKeyword);
    if (loose && !withNull) findings.push(`lint: ${at(node)} loose equality (use === or !==)`);
  }
  if (node.kind === ts.SyntaxKind.DebuggerStatement) findings.push(`lint: ${at(node)} debugger statement`);
  if (isTs && node.kind === ts.SyntaxKind.AnyKeyword) findings.push(`lint: ${at(node)} explicit any`);
  ts.forEachChild(node, lint);
}
lint(source);
for (const directive of stripped.directives.filter((d) => d.kind !== '@ts-check')) {
  findings.push(`lint: ${path.basename(file)}:${directive.line} ${directive.kind} comment (not honoured)`);
}

// -- documentation ---------------------------------------------------------------------

function hasJsDoc(node) {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) || [];
  return ranges.some((r) => text.slice(r.pos, r.pos + 3) === '/**' && text.slice(r.pos, r.pos + 4) !== '/**/');
}

function isFunctionValue(node) {
  return !!node && (ts.isArrowFunction(node) || ts.isFunctionExpression(node));
}

function exported(node) {
  return !!(ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export);
}

// Top-level definitions: name -> {node: where its doc comment sits, kind, exported}.
const definitions = new Map();
for (const statement of source.statements) {
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
    definitions.set(statement.name.text, { node: statement, decl: statement, exported: exported(statement) });
  } else if (ts.isVariableStatement(statement)) {
    for (const decl of statement.declarationList.declarations) {
      if (ts.isIdentifier(decl.name) && (isFunctionValue(decl.initializer) || (decl.initializer && ts.isClassExpression(decl.initializer)))) {
        definitions.set(decl.name.text, { node: statement, decl, exported: exported(statement) });
      }
    }
  }
}

// CommonJS: module.exports = {a, b: c}, module.exports = name, (module.)exports.x = ...
const commonJs = new Set();
function exportTarget(expr) {
  if (ts.isPropertyAccessExpression(expr)) {
    const obj = expr.expression;
    if (ts.isIdentifier(obj) && obj.text === 'exports') return { property: expr.name.text };
    if (ts.isIdentifier(obj) && obj.text === 'module' && expr.name.text === 'exports') return { whole: true };
    if (ts.isPropertyAccessExpression(obj) && ts.isIdentifier(obj.expression) && obj.expression.text === 'module' && obj.name.text === 'exports') {
      return { property: expr.name.text };
    }
  }
  return null;
}
const inlineExports = [];
for (const statement of source.statements) {
  if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) continue;
  const { left, right, operatorToken } = statement.expression;
  if (operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
  const target = exportTarget(left);
  if (!target) continue;
  if (target.whole && ts.isObjectLiteralExpression(right)) {
    for (const prop of right.properties) {
      if (ts.isShorthandPropertyAssignment(prop)) commonJs.add(prop.name.text);
      else if (ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.initializer)) commonJs.add(prop.initializer.text);
      else if (ts.isMethodDeclaration(prop) || (ts.isPropertyAssignment(prop) && isFunctionValue(prop.initializer))) {
        inlineExports.push({ name: prop.name.getText(source), node: prop });
      }
    }
  } else if (ts.isIdentifier(right)) {
    commonJs.add(right.text);
  } else if (isFunctionValue(right) || ts.isClassExpression(right)) {
    inlineExports.push({ name: target.property || 'module.exports', node: statement });
  }
}

let publicDefs = [];
for (const [name, def] of definitions) {
  if (def.exported || commonJs.has(name)) publicDefs.push({ name, ...def });
}
for (const item of inlineExports) publicDefs.push({ name: item.name, node: item.node, decl: item.node });
if (publicDefs.length === 0) {
  // Nothing exported is a function (an Express app, say): the module's own functions are
  // its public surface.
  publicDefs = [...definitions].map(([name, def]) => ({ name, ...def }));
}

const publicNames = [];
const documented = [];
for (const def of publicDefs) {
  publicNames.push(def.name);
  if (hasJsDoc(def.node)) documented.push(def.name);
  const cls = def.decl && (ts.isClassDeclaration(def.decl) ? def.decl : (def.decl.initializer && ts.isClassExpression(def.decl.initializer) ? def.decl.initializer : null));
  if (!cls) continue;
  for (const member of cls.members) {
    if (!(ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) || !member.body) continue;
    const flags = ts.getCombinedModifierFlags(member);
    if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    if (member.name && ts.isPrivateIdentifier(member.name)) continue;
    if (ts.isConstructorDeclaration(member)) continue;
    const qualname = `${def.name}.${member.name.getText(source)}`;
    publicNames.push(qualname);
    if (hasJsDoc(member)) documented.push(qualname);
  }
}

const first = source.statements.length ? source.statements[0] : null;
const headerRanges = ts.getLeadingCommentRanges(text, first ? first.getFullStart() : 0) || [];

process.stdout.write(JSON.stringify({
  findings,
  public: publicNames,
  documented,
  module_doc: headerRanges.length > 0,
  unparsable: syntactic.length > 0,
  tools: [isTs ? `tsc ${ts.version} --strict --noUnused* --noImplicitReturns` : `tsc ${ts.version} checkJs lint rules`, 'lint rules'],
}) + '\n');
