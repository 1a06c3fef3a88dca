// Starts the answer's web app for an `interface: http` case: the answer exports the app,
// this trusted shim makes it listen on loopback.
const [solutionPath, port] = process.argv.slice(2);
const app = require(solutionPath);
const server = (app && typeof app.listen === 'function') ? app : null;
if (!server) {
  console.error('the answer does not export an app with listen() (module.exports = app)');
  process.exit(3);
}
server.listen(Number(port), '127.0.0.1');
