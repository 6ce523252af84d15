package io.pado.runtime;

import io.pado.Headers;
import io.pado.ProxyException;
import io.pado.WebSocket;
import io.pado.protocol.HandshakeException;
import io.pado.protocol.ResponseHead;
import io.pado.protocol.ResponseParser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Opens a tunnel through an HTTP proxy (RFC 9110 §9.3.6): writes {@code CONNECT host:port}, reads the proxy's answer
 * (size-bounded) and, on 2xx, hands the link to the WebSocket's own opening, with TLS in the tunnel for {@code wss}.
 * Anything else fails {@code result} with a {@link ProxyException}. Loop thread only.
 */
final class ProxyOpening implements Opening {
    private static final System.Logger LOG = System.getLogger(ProxyOpening.class.getName());

    private final String proxy;
    private final String target;
    private final Optional<String> authorization;
    private final Transport inTunnel;
    private final Opening next;
    private final CompletableFuture<WebSocket> result;
    private final ResponseParser parser;
    private IOException failure;

    /**
     * @param proxy    the proxy's {@code host:port}, for messages
     * @param target   the server's {@code host:port}, as the request target of {@code CONNECT}
     * @param inTunnel what the link reads and writes once the tunnel stands: TLS toward the server, or the socket
     * @param next     the WebSocket's opening handshake, run inside the tunnel
     */
    ProxyOpening(String proxy, String target, Optional<String> authorization, Transport inTunnel, Opening next,
            CompletableFuture<WebSocket> result, int maxHeadBytes) {
        this.proxy = proxy;
        this.target = target;
        this.authorization = authorization;
        this.inTunnel = inTunnel;
        this.next = next;
        this.result = result;
        this.parser = new ResponseParser(maxHeadBytes);
    }

    @Override
    public void connected(Link link) {
        // RFC 9110 §9.3.6: the request target of CONNECT is the authority, host:port; RFC 9112 §3.2: Host too
        var request = new StringBuilder(128).append("CONNECT ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target).append("\r\n");
        authorization.ifPresent(a -> request.append("Proxy-Authorization: ").append(a).append("\r\n"));
        link.write(ByteBuffer.wrap(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public void received(Link link, ByteBuffer data) {
        ResponseHead head;
        try {
            head = parser.parse(data);
        } catch (HandshakeException e) {
            fail(link, new ProxyException(0, "proxy " + proxy + " sent a bad answer to CONNECT " + target + ": "
                    + e.getMessage(), Headers.of()));
            return;
        }
        if (head == null) {
            return;
        }
        int status = head.status();
        if (status / 100 != 2) {
            fail(link, new ProxyException(status, "proxy " + proxy + " answered " + status
                    + (head.reason().isEmpty() ? "" : " " + head.reason()) + " to CONNECT " + target
                    + (status == 407 || status == 401 ? credentialsHint() : ""), Headers.of(head.headers().fields())));
            return;
        }
        if (data.hasRemaining()) {
            // The server speaks only after our request (or our TLS hello): bytes now did not come from it.
            fail(link, new ProxyException(status, "proxy " + proxy + " sent " + data.remaining()
                    + " bytes after its answer to CONNECT " + target, Headers.of(head.headers().fields())));
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "tunnel to {0} through proxy {1} open", target, proxy);
        link.tunnel(inTunnel, next);
    }

    /** 407 is the proxy's status for credentials (RFC 9110 §15.5.8); some proxies, tinyproxy 1.11, answer 401. */
    private String credentialsHint() {
        return authorization.isEmpty() ? " (no credentials given)" : " (credentials refused)";
    }

    @Override
    public void timedOut(Link link) {
        fail(link, new SocketTimeoutException("proxy " + proxy + " did not answer CONNECT " + target
                + " within the handshake timeout"));
    }

    private void fail(Link link, IOException e) {
        failure = e;
        link.abort(null);
    }

    @Override
    public void ended(Link link, Throwable cause) {
        IOException why = failure;
        if (why == null && cause instanceof ConnectException) {
            why = new ConnectException("cannot connect to proxy " + proxy + ": " + cause.getMessage());
        } else if (why == null) {
            why = new IOException("proxy " + proxy + " closed the connection before answering CONNECT " + target,
                    cause);
        }
        LOG.log(System.Logger.Level.DEBUG, "tunnel to {0} failed: {1}", target, why.toString());
        result.completeExceptionally(why);
    }
}
