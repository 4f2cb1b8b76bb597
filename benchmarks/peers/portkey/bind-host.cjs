// Preload (node -r ./bind-host.cjs) that forces every TCP server that listens on a
// port without an explicit host to bind to $BIND_HOST (default 127.0.0.1).
// Needed because @portkey-ai/gateway 1.15.2 calls @hono/node-server serve({fetch, port})
// with no hostname, i.e. server.listen(port, undefined, cb) => binds to all interfaces (::).
const net = require('node:net');
const host = process.env.BIND_HOST || '127.0.0.1';
const orig = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') {
      if (args[1] === undefined || args[1] === null) args[1] = host;
      else args.splice(1, 0, host); // (port, cb) / (port, backlog, cb)
    }
  } else if (args[0] && typeof args[0] === 'object' && !args[0].path && !args[0].host) {
    args[0] = { ...args[0], host };
  }
  return orig.apply(this, args);
};
