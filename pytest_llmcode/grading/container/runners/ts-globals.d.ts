// The few Node globals an answer may use without @types/node (which costs a second per
// compile): console for logging. Anything else an answer needs it must declare itself.
declare const console: {
  log(...data: unknown[]): void;
  error(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  info(...data: unknown[]): void;
  debug(...data: unknown[]): void;
};
