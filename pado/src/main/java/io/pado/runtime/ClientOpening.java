package io.pado.runtime;

import io.pado.Handler;
import io.pado.WebSocket;
import io.pado.protocol.ClientHandshake;
import io.pado.protocol.Connection;
import io.pado.protocol.HandshakeException;
import io.pado.protocol.ResponseHead;
import io.pado.protocol.ResponseParser;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The client's side of the opening handshake (RFC 6455 §4.1): once connected, writes the request, reads and checks
 * the response, then opens the WebSocket or fails {@code result} with the reason. Loop thread only.
 */
final class ClientOpening implements Opening {
    private static final System.Logger LOG = System.getLogger(ClientOpening.class.getName());

    private final ClientCore client;
    private final ClientHandshake handshake;
    private final Handler handler;
    private final String path;
    private final CompletableFuture<WebSocket> result;
    private final ResponseParser parser;
    private IOException failure;

    ClientOpening(ClientCore client, ClientHandshake handshake, Handler handler, String path,
            CompletableFuture<WebSocket> result, int maxHeadBytes) {
        this.client = client;
        this.handshake = handshake;
        this.handler = handler;
        this.path = path;
        this.result = result;
        this.parser = new ResponseParser(maxHeadBytes);
    }

    @Override
    public void connected(Link link) {
        link.write(handshake.request());
    }

    @Override
    public void received(Link link, ByteBuffer data) {
        ClientHandshake.Result accepted;
        try {
            ResponseHead head = parser.parse(data);
            if (head == null) {
                return;
            }
            accepted = handshake.validate(head);
        } catch (HandshakeException e) {
            fail(link, new io.pado.HandshakeException(e.status(), e.getMessage(),
                    io.pado.Headers.of(e.headers().fields())));
            return;
        }
        link.handshakeDone();
        Connection engine = Connection.client(link.config.settings(), accepted.extensions(), System::nanoTime,
                client.maskKeys());
        var session = new Session(link, handler, client.virtualThreads(), client, path, accepted.response().headers(),
                accepted.subprotocol(), accepted.extensions(), client.slowConsumerPolicy());
        LOG.log(System.Logger.Level.DEBUG, "WebSocket open: {0} {1}", link, path);
        link.open(engine, session, data);
        result.complete(session);
    }

    @Override
    public void timedOut(Link link) {
        fail(link, new SocketTimeoutException("opening handshake timed out"));
    }

    private void fail(Link link, IOException e) {
        failure = e;
        link.abort(null);
    }

    @Override
    public void ended(Link link, Throwable cause) {
        IOException why = failure;
        if (why == null) {
            why = cause instanceof IOException io ? io
                    : new IOException("connection closed during the opening handshake", cause);
        }
        LOG.log(System.Logger.Level.DEBUG, "handshake with {0} failed: {1}", link, why.toString());
        result.completeExceptionally(why);
    }
}
