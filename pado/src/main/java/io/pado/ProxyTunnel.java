package io.pado;

import io.pado.protocol.HandshakeException;
import io.pado.protocol.ResponseHead;
import io.pado.protocol.ResponseParser;
import io.pado.runtime.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A tunnel through an HTTP proxy (RFC 9110 §9.3.6), as a {@link Transport} under the WebSocket's (and TLS's): it
 * writes {@code CONNECT host:port} first, holds back the bytes above until the proxy answers 2xx, then passes
 * everything through. Any other answer fails with a {@link ProxyException}. Not thread-safe: the loop thread only.
 */
final class ProxyTunnel implements Transport {
    private final Transport socket;
    private final String proxy;
    private final String target;
    private final Optional<String> authorization;
    private final ResponseParser parser;
    private final ByteBuffer[] request = new ByteBuffer[1];
    private boolean open;
    /** The tunnel opened in the last read: the bytes held back go out now. */
    private boolean justOpened;

    /**
     * @param proxy  the proxy's {@code host:port}, for messages
     * @param target the server's {@code host:port}, as the request target of {@code CONNECT}
     */
    ProxyTunnel(Transport socket, String proxy, String target, Optional<String> authorization, int maxHeadBytes) {
        this.socket = socket;
        this.proxy = proxy;
        this.target = target;
        this.authorization = authorization;
        this.parser = new ResponseParser(maxHeadBytes);
        // RFC 9110 §9.3.6: the request target of CONNECT is the authority, host:port; RFC 9112 §3.2: Host too
        var text = new StringBuilder(128).append("CONNECT ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target).append("\r\n");
        authorization.ifPresent(a -> text.append("Proxy-Authorization: ").append(a).append("\r\n"));
        request[0] = ByteBuffer.wrap(text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether the proxy opened the tunnel. */
    boolean isOpen() {
        return open;
    }

    String proxy() {
        return proxy;
    }

    String target() {
        return target;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (open) {
            return socket.read(dst);
        }
        int start = dst.position();
        int n = socket.read(dst);
        if (n < 0) {
            throw new IOException("proxy " + proxy + " closed the connection before answering CONNECT " + target);
        }
        ByteBuffer answer = dst.duplicate().limit(dst.position()).position(start);
        dst.position(start);
        ResponseHead head;
        try {
            head = parser.parse(answer);
        } catch (HandshakeException e) {
            throw new ProxyException(0, "proxy " + proxy + " sent a bad answer to CONNECT " + target + ": "
                    + e.getMessage(), Headers.of());
        }
        if (head == null) {
            return 0;
        }
        int status = head.status();
        Headers headers = Headers.wrap(head.headers());
        if (status / 100 != 2) {
            throw new ProxyException(status, "proxy " + proxy + " answered " + status
                    + (head.reason().isEmpty() ? "" : " " + head.reason()) + " to CONNECT " + target
                    + (status == 407 || status == 401 ? credentialsHint() : ""), headers);
        }
        if (answer.hasRemaining()) {
            // The server speaks only after our request (or our TLS hello): bytes now did not come from it.
            throw new ProxyException(status, "proxy " + proxy + " sent " + answer.remaining()
                    + " bytes after its answer to CONNECT " + target, headers);
        }
        open = true;
        justOpened = true;
        return 0;
    }

    /** 407 is the proxy's status for credentials (RFC 9110 §15.5.8); some proxies, tinyproxy 1.11, answer 401. */
    private String credentialsHint() {
        return authorization.isEmpty() ? " (no credentials given)" : " (credentials refused)";
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (open) {
            return socket.write(srcs, offset, length);
        }
        if (request[0].hasRemaining()) {
            socket.write(request, 0, 1);
        }
        return 0; // the bytes above wait for the tunnel
    }

    @Override
    public boolean wantsWritable(boolean appQueued) {
        return open ? socket.wantsWritable(appQueued) : request[0].hasRemaining();
    }

    @Override
    public boolean flushAfterRead(boolean appQueued) {
        if (justOpened) {
            justOpened = false;
            return true;
        }
        return open && socket.flushAfterRead(appQueued);
    }

    @Override
    public boolean hasBufferedInput() {
        return open && socket.hasBufferedInput();
    }

    @Override
    public boolean finishOutput() throws IOException {
        return socket.finishOutput();
    }
}
