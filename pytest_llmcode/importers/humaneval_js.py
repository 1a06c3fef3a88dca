"""HumanEval-X JavaScript (`JavaScript/N`: prompt, canonical_solution, test, declaration,
example_test) as case folders.

The dataset's check runs `prompt + completion + test` with node, and the test is a
function of `console.assert` calls. Here the prompt's helpers (poly beside findZero,
encodeCyclic beside decodeCyclic) and the test run on the trusted side; `console.assert`
fails the test when its condition is false (plain Node only prints it; the dataset's
harness fails any program that prints); and the answer's entry point is called
synchronously, as the test expects, through a worker thread that forwards each call to
the answer (in its own container when grading is isolated) while the test waits."""

from __future__ import annotations

import re

from ..cases.exports import mask_c_like as masked_code
from .folder import folder_case
from .pycase import Options, case_stem
from .records import Unrepresentable, required
from .writer import Converted

TIMEOUT_S = 30.0
DECLARATION = re.compile(
    r"^(?:(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=|(?:async\s+)?function\s*\*?\s*"
    r"([A-Za-z_$][\w$]*)\s*\()", re.MULTILINE)

# Calls the answer synchronously: the test's thread waits on a shared flag while a worker
# thread makes the (possibly asynchronous) call and posts back the result.
BRIDGE = r"""const llmcodeSolution = (() => {
  const path = require('node:path');
  const { Worker, MessageChannel, receiveMessageOnPort } = require('node:worker_threads');
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1: here, port2: there } = new MessageChannel();
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    const { solution, flag, port } = workerData;
    let loaded = null;
    let failed = null;
    try { loaded = require(solution); } catch (error) { failed = error; }
    port.on('message', async ({ name, args }) => {
      let reply;
      try {
        if (failed) throw failed;
        reply = { ok: await loaded[name](...args) };
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        reply = { error: { name: String(e.name), message: String(e.message),
                           stack: String(e.stack) } };
      }
      try {
        port.postMessage(reply);
      } catch (error) {
        const message = 'the answer returned a value the test cannot receive: ' + error.message;
        port.postMessage({ error: { name: 'TypeError', message, stack: '' } });
      }
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
  `, { eval: true, workerData: { solution: path.join(__dirname, 'solution'), flag, port: there },
       transferList: [there] });
  worker.unref();
  here.unref();
  return (name) => (...args) => {
    Atomics.store(flag, 0, 0);
    here.postMessage({ name, args });
    Atomics.wait(flag, 0, 0);
    const { message } = receiveMessageOnPort(here);
    if ('ok' in message) return message.ok;
    const Builtin = globalThis[message.error.name];
    const builtin = typeof Builtin === 'function' && Builtin.prototype instanceof Error;
    const error = builtin ? new Builtin(message.error.message) : new Error(message.error.message);
    if (!builtin) error.name = message.error.name;
    error.stack = message.error.stack || `${error.name}: ${error.message}`;
    throw error;
  };
})();

const llmcodeConsole = Object.assign(Object.create(console), {
  assert(condition, ...data) {
    if (!condition) {
      // Name the failing line of the test, as a Python assert would show it.
      const caller = (new Error().stack.split('\n')[2] || '').match(/:(\d+):\d+\)?$/);
      const lines = require('node:fs').readFileSync(__filename, 'utf8').split('\n');
      const source = caller ? lines[Number(caller[1]) - 1].trim() : '';
      throw new llmcodeAssert.AssertionError({
        message: ['Assertion failed', source, ...data].filter(Boolean).join(': '),
        actual: condition, expected: true, operator: 'console.assert',
      });
    }
  },
});
"""


def convert(task: str, record: dict[str, object], options: Options) -> Converted:
    prompt = required(record, "prompt")
    canonical = required(record, "canonical_solution")
    test = required(record, "test")
    declarations = list(DECLARATION.finditer(masked_code(prompt, template=True)))
    if not declarations:
        raise Unrepresentable("its prompt declares no top-level function")
    stub = declarations[-1]
    entry = stub.group(1) or stub.group(2)
    if re.search(r"\bllmcode", prompt + test):
        raise Unrepresentable("its code uses the prefix `llmcode` the case's test reserves")
    helpers = prompt[:stub.start()].strip("\n")
    tests = "\n".join([
        f"// The hidden test of {task} (HumanEval-X), run by node:test on the trusted side.",
        "const { test: llmcodeTest } = require('node:test');",
        "const llmcodeAssert = require('node:assert');",
        "",
        BRIDGE,
        f"const {entry} = llmcodeSolution({entry!r});",
        "",
        f"// The dataset's prompt without the stub of `{entry}`: its helpers, as its test",
        "// sees them.",
        helpers,
        "",
        "llmcodeTest('check', () => {",
        "  const console = llmcodeConsole;  // a failing console.assert fails the test",
        "  // The dataset's test, unchanged.",
        test.strip("\n"),
        "});",
        "",
    ])
    reference = prompt + canonical
    if not re.search(r"\bmodule\.exports\b", masked_code(reference, template=True)):
        reference = reference.rstrip("\n") + f"\n\nmodule.exports = {{ {entry} }};\n"
    prompt_text = (
        f"Complete the JavaScript function `{entry}` below. Reply with the whole file, "
        "solution.js for Node.js 18 (CommonJS), with the helper functions it uses and ending "
        f"with `module.exports = {{ {entry} }};`, in one fenced code block (```javascript)."
        f"\n\n```javascript\n{prompt.strip(chr(10))}\n```\n")
    fields = {"language": "javascript", "solution_file": "solution.js", "exports": [entry],
              "timeout_s": options.timeout_s or TIMEOUT_S, "tags": ["humaneval-x", task],
              "prompt": prompt_text}
    return folder_case(task, case_stem("humanevalx", task), fields,
                       {"humaneval.test.js": tests}, reference, options)
