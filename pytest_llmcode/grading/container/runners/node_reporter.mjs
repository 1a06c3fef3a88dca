// node:test reporter used by the tester: one JSON line per test with its outcome.
export default async function* reporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    if (data.details && data.details.type === 'suite') continue;
    let outcome = event.type === 'test:pass' ? 'passed' : 'failed';
    if (data.skip) outcome = 'skipped';
    if (data.todo) outcome = 'todo';
    let message = '';
    if (outcome === 'failed' && data.details && data.details.error) {
      const error = data.details.error;
      message = String((error.cause && error.cause.stack) || error.stack || error.message || error).slice(-2000);
    }
    yield JSON.stringify({ id: data.name, outcome, message }) + '\n';
  }
}
