// A visitor's WebSockets for benchmark/soak.sh: opens some sockets through a tunnel, checks that a few messages come
// back unchanged, prints "exchanged", then either closes them itself ("close": a clean close handshake is expected
// back) or keeps them open until the other side ends them ("hold": the soak then kills the tunnel's SSH client, and
// the server must close these sockets rather than keep them).
//
// Usage: NODE_PATH=<dir>/node_modules node ws-check.js <url> <host header> <sockets> <messages> <close|hold> <seconds>
// Exit status: 0 as expected; 2 an exchange failed (error, wrong echo, early close); 3 a close handshake went wrong;
// 4 the time ran out (the line printed says where).
'use strict';

const WebSocket = require('ws');

const [url, host, socketsArg, messagesArg, mode, secondsArg] = process.argv.slice(2);
const sockets = Number(socketsArg);
const messages = Number(messagesArg);
const seconds = Number(secondsArg);
if (!url || !host || !(sockets > 0) || !(messages > 0) || !['close', 'hold'].includes(mode) || !(seconds > 0)) {
    console.error('usage: node ws-check.js <url> <host> <sockets> <messages> <close|hold> <seconds>');
    process.exit(64);
}

const all = [];
let exchanged = 0;
let ended = 0;
let announced = false;

function finish(status, line) {
    console.log(line);
    process.exit(status);
}

setTimeout(() => finish(4, `timeout after ${seconds} s: ${exchanged}/${sockets} exchanged, ${ended}/${sockets} ended`),
    seconds * 1000);

for (let i = 0; i < sockets; i++) {
    const socket = new WebSocket(url, { headers: { Host: host }, perMessageDeflate: false, handshakeTimeout: 10000 });
    let sent = 0;
    let expected = '';
    let done = false;
    const sendNext = () => {
        sent++;
        expected = `socket ${i} message ${sent} ${'x'.repeat(48)}`;
        socket.send(expected);
    };
    socket.on('open', sendNext);
    socket.on('message', (data, isBinary) => {
        if (isBinary || data.toString() !== expected) {
            finish(2, `socket ${i}: echo ${JSON.stringify(data.toString())} where ${JSON.stringify(expected)} was due`);
        }
        if (sent < messages) {
            sendNext();
            return;
        }
        done = true;
        exchanged++;
        if (exchanged === sockets && !announced) {
            announced = true;
            console.log(`exchanged ${sockets}x${messages}`);
            if (mode === 'close') {
                for (const s of all) {
                    s.close(1000, 'done');
                }
            }
        }
    });
    socket.on('error', (e) => {
        if (!done) {
            finish(2, `socket ${i}: ${e.message}`);
        }
        // After the exchange, in "hold" mode, a connection ended from the other side may surface as an error first
        // (e.g. a reset); the close event follows and is what counts.
    });
    socket.on('close', (code) => {
        if (!done) {
            finish(2, `socket ${i}: closed (${code}) before its ${messages} messages were echoed`);
        }
        if (mode === 'close' && code !== 1000) {
            finish(3, `socket ${i}: close handshake answered with ${code}, 1000 expected`);
        }
        ended++;
        if (ended === sockets) {
            finish(0, `${mode === 'close' ? 'closed' : 'dropped by the other side'} ${sockets}`);
        }
    });
    all.push(socket);
}
