// WebSocket echo backend for benchmark/run.sh and benchmark/soak.sh: every message comes back unchanged, as text or
// binary as it came. Plain HTTP requests get a short 200, so that the scripts can check a route with curl before
// opening WebSockets through it.
//
// Why Node's `ws` (installed by the scripts at run time into a cache directory, never into the repository): the
// backend is the far end of every route, so its framing has to be beyond doubt. `ws` is the most used WebSocket
// implementation there is, passes the Autobahn test suite, and a single event loop handles thousands of sockets
// with no tuning. A hand-written echo on the JDK would be one more thing to verify; nginx cannot echo.
//
// Usage: NODE_PATH=<dir>/node_modules node ws-echo.js <port>     (listens on 127.0.0.1 only)
'use strict';

const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error('usage: node ws-echo.js <port>');
    process.exit(2);
}

const body = Buffer.from('gangway bench backend\n');
const server = http.createServer((req, res) => {
    // Drain any request body so a keep-alive connection stays usable for the next request.
    req.resume();
    req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
        res.end(body);
    });
});
// The benchmark's sockets idle between phases; Node's defaults would close idle keep-alive HTTP connections after 5 s,
// which is fine, and never time out upgraded ones, which is what is wanted.
server.keepAliveTimeout = 65000;

// maxPayload bounds what one message may make this process hold; the scripts send small messages only.
// perMessageDeflate is off (the default for a server), as the load generator does not offer it either.
const wss = new WebSocketServer({ server, maxPayload: 1024 * 1024, perMessageDeflate: false });
wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    // A visitor or proxy that drops the TCP connection is normal here (the soak kills clients); nothing to report.
    socket.on('error', () => socket.terminate());
});

server.listen(port, '127.0.0.1', () => console.error(`ws-echo listening on 127.0.0.1:${port}`));

function shutdown() {
    for (const socket of wss.clients) {
        socket.terminate();
    }
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
