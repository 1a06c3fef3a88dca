'use strict';
// The answer's comments, found by TypeScript's own parser and blanked: comments carry no
// meaning in JavaScript or TypeScript but the compiler's directives (`@ts-nocheck`,
// `@ts-ignore`, `@ts-expect-error`, `/// <reference ...>`), which would let an answer switch
// off the strict checking its case requires. Blanked with spaces (line breaks kept), so
// every diagnostic keeps its line and column.

// What the parser itself recorded as directives in a parsed file (TypeScript 4.8 keeps
// them on the source file: `commentDirectives`, `checkJsDirective`, the reference lists).
function directives(ts, sourceFile) {
  const found = [];
  const line = (pos) => sourceFile.getLineAndCharacterOfPosition(pos).line + 1;
  for (const directive of sourceFile.commentDirectives || []) {
    const kind = directive.type === ts.CommentDirectiveType.ExpectError ? '@ts-expect-error' : '@ts-ignore';
    found.push({ kind, line: line(directive.range.pos) });
  }
  if (sourceFile.checkJsDirective) {
    const kind = sourceFile.checkJsDirective.enabled ? '@ts-check' : '@ts-nocheck';
    found.push({ kind, line: line(sourceFile.checkJsDirective.pos) });
  }
  const references = [...sourceFile.referencedFiles, ...sourceFile.typeReferenceDirectives,
    ...sourceFile.libReferenceDirectives];
  for (const reference of references) found.push({ kind: '/// <reference>', line: line(reference.pos) });
  if (sourceFile.hasNoDefaultLib) found.push({ kind: '/// <reference no-default-lib>', line: 1 });
  return found;
}

// Every comment range of the file: the trivia before each token the parser produced (so
// text inside strings, templates and regular expressions is never taken for one). Comments
// on the line of the token before are its "trailing" ones, the rest "leading".
function commentRanges(ts, sourceFile) {
  const text = sourceFile.text;
  const ranges = new Map();
  const collect = (pos) => {
    const found = [...(ts.getTrailingCommentRanges(text, pos) || []), ...(ts.getLeadingCommentRanges(text, pos) || [])];
    for (const range of found) ranges.set(range.pos, range.end);
  };
  const visit = (node) => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(sourceFile);
    if (children.length === 0) collect(node.pos);
    for (const child of children) visit(child);
  };
  visit(sourceFile);
  collect(sourceFile.endOfFileToken.pos);
  return [...ranges].sort((a, b) => a[0] - b[0]);
}

function blank(text, ranges) {
  let out = '';
  let at = 0;
  for (const [pos, end] of ranges) {
    if (pos < at) continue;
    out += text.slice(at, pos) + text.slice(pos, end).replace(/[^\n\r\u2028\u2029]/g, ' ');
    at = end;
  }
  return out + text.slice(at);
}

// {text: the source without comments, directives: [{kind, line}] the original had,
//  leftover: directives the parser still finds in the result (none, unless this missed one)}
function withoutComments(ts, fileName, text, scriptKind) {
  const parse = (source) => ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2020, true, scriptKind);
  const original = parse(text);
  const stripped = blank(text, commentRanges(ts, original));
  return { text: stripped, directives: directives(ts, original), leftover: directives(ts, parse(stripped)) };
}

module.exports = { withoutComments };
