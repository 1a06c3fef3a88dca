'use strict';
// Hostile: export something that looks like an app but whose listen() never binds a port.
const app = (req, res) => res.end('{}');
app.listen = function listen(port, host, callback) {
  if (typeof callback === 'function') setImmediate(callback);
  return { close() {}, address: () => ({ port }) };
};
setInterval(() => {}, 1000);

module.exports = app;
