package dev.gangway.it.support;

import java.util.List;

import org.jboss.dmr.ModelNode;

/**
 * A web page for the browser test, served by a {@link WebSocketBackend}: its script opens a WebSocket back to the
 * page's own host and directory ({@code ws://<location.host><dir>/echo}, so the same page works under host routing
 * and under {@code /proxy/<key>/}), sends a text message, a binary message and a 1 MiB text message, collects the
 * echoes, closes, and publishes the outcome as the promise {@code window.outcome}.
 */
public final class WebSocketEchoPage {

    public static final String PAGE = "/index.html";

    /** What a working round trip leaves in {@code received}, in order. */
    public static final List<String> EXPECTED = List.of(
            "hello from the browser", "binary:1,2,3,250", "text of length " + (1 << 20));

    /** For {@link HeadlessChromium#executeAsync}: waits for the outcome (bounded by the script timeout). */
    public static final String READ_OUTCOME = """
            var done = arguments[arguments.length - 1];
            window.outcome.then(done, function (e) { done({failed: String(e)}); });
            """;

    private static final String HTML = """
            <!doctype html>
            <html>
            <head><meta charset="utf-8"><title>websocket echo</title><script src="app.js"></script></head>
            <body><p id="status">running</p></body>
            </html>
            """;

    private static final String SCRIPT = """
            window.outcome = new Promise(function (resolve) {
              var dir = location.pathname.substring(0, location.pathname.lastIndexOf('/'));
              var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + dir + '/echo';
              var big = 'x'.repeat(1 << 20);
              var received = [];
              var ws = new WebSocket(url);
              ws.binaryType = 'arraybuffer';
              ws.onopen = function () {
                ws.send('hello from the browser');
                ws.send(new Uint8Array([1, 2, 3, 250]).buffer);
                ws.send(big);
              };
              ws.onmessage = function (e) {
                if (typeof e.data !== 'string') {
                  received.push('binary:' + Array.from(new Uint8Array(e.data)).join(','));
                } else if (e.data.length > 1000) {
                  received.push('text of length ' + (e.data === big ? e.data.length : 'garbled ' + e.data.length));
                } else {
                  received.push(e.data);
                }
                if (received.length === 3) {
                  ws.close(1000, 'done');
                }
              };
              ws.onerror = function () { received.push('error'); };
              ws.onclose = function (e) {
                document.getElementById('status').textContent = 'closed ' + e.code;
                resolve({url: url, received: received, closeCode: e.code, wasClean: e.wasClean});
              };
            });
            """;

    private WebSocketEchoPage() {
    }

    /** Serves the page at {@link #PAGE} and its script next to it. */
    public static void install(WebSocketBackend backend) {
        backend.serve(PAGE, "text/html; charset=utf-8", HTML);
        backend.serve("/app.js", "text/javascript; charset=utf-8", SCRIPT);
    }

    /** The strings in the outcome's {@code received}. */
    public static List<String> received(ModelNode outcome) {
        return outcome.get("received").asList().stream().map(ModelNode::asString).toList();
    }
}
