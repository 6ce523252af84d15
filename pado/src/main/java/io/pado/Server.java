package io.pado;

import io.pado.protocol.ServerFrames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * A WebSocket server: it listens on one TCP port, upgrades requests for its {@link Endpoint}s to WebSockets
 * (RFC 6455 §4.2) and answers every other HTTP request with its {@link HttpHandler}, so that a page and its
 * WebSocket share the port.
 *
 * <p><b>Model.</b> Create it with options, add endpoints, {@link #start()} it, {@link #stop()} it. A few event-loop
 * threads ({@code pado-loop-N}, one per core by default) own the sockets and never block; each connection's
 * handler calls run one at a time on virtual threads (see {@link Dispatch}). Requests are refused with an HTTP
 * status: 404 for a path without endpoint, 403 for an origin not allowed, 426 for a WebSocket version other than
 * 13, 400 for a malformed request, 431 for a request head over the limit and 503 (with {@code Retry-After}) over the
 * {@linkplain ServerOptions#handshakeRate() handshake rate}; a socket over
 * {@linkplain ServerOptions#maxConnectionsPerAddress() the connections of its address} is closed unanswered.
 *
 * <p><b>Threads.</b> All methods are thread-safe. Endpoints and the HTTP handler may be set before or after
 * {@link #start()}; they apply to requests that arrive afterwards.
 *
 * {@snippet :
 * try (Server server = Server.create(ServerOptions.builder().port(8080).build())) {
 *     server.endpoint(Endpoint.of("/echo", new Handler() {
 *         @Override
 *         public void onText(WebSocket ws, String text) {
 *             ws.sendText(text);
 *         }
 *     }));
 *     server.start();
 *     // ... until it is time to go:
 * }   // close() stops: 1001 to every client
 * }
 */
public final class Server implements AutoCloseable {
    private final ServerCore core;
    private final ServerOptions options;

    private Server(ServerOptions options) {
        this.options = options;
        this.core = new ServerCore(options);
    }

    /** A server with these options, not yet listening. */
    public static Server create(ServerOptions options) {
        return new Server(Objects.requireNonNull(options, "options"));
    }

    /** Adds an endpoint, replacing any endpoint at the same path. Returns this server. */
    public Server endpoint(Endpoint endpoint) {
        core.endpoint(Objects.requireNonNull(endpoint, "endpoint"));
        return this;
    }

    /** Adds an endpoint at {@code path} with no subprotocols that accepts any origin. Returns this server. */
    public Server endpoint(String path, Handler handler) {
        return endpoint(Endpoint.of(path, handler));
    }

    /** Sets the handler of plain HTTP requests; without one, they get 404. Returns this server. */
    public Server http(HttpHandler handler) {
        core.http(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * Binds the port and starts the event loops. Returns this server.
     *
     * @throws IOException           if the port cannot be bound
     * @throws IllegalStateException if the server was already started
     */
    public Server start() throws IOException {
        core.start();
        return this;
    }

    /**
     * Swaps the TLS certificate without a restart: connections accepted from now on use {@code tls}, open ones keep
     * theirs. Use it when a certificate is renewed.
     *
     * @throws IllegalStateException if the server was created without {@link ServerOptions.Builder#tls TLS}
     */
    public void reloadCertificate(ServerTls tls) {
        core.reloadCertificate(Objects.requireNonNull(tls, "tls"));
    }

    /**
     * The port the server listens on; the one the system chose if the options said 0.
     *
     * @throws IllegalStateException if the server has not been started
     */
    public int port() {
        return core.address().getPort();
    }

    /**
     * How many TCP connections the server holds now: those still in the opening handshake or answering a plain HTTP
     * request, open WebSockets, and those in their closing handshake. Safe from any thread; a statistic, so it may
     * lag a connection that is being accepted or closed at this moment. 0 before {@link #start()} and after
     * {@link #stop()}: a count that stays above 0 once every client has gone is a leak.
     */
    public int connections() {
        return core.connections();
    }

    /**
     * What this server has done, all endpoints together, plus what belongs to none of them (handshakes refused before
     * routing, TLS, compression): a live view to keep and read whenever you like, before, while and after it runs.
     * Safe from any thread; see {@link Metrics}.
     */
    public Metrics metrics() {
        return core.metrics();
    }

    /**
     * Each endpoint's metrics, by endpoint path (in path order): live views, for the endpoints added so far. Safe from
     * any thread; see {@link Metrics}.
     */
    public Map<String, Metrics> endpointMetrics() {
        return core.endpointMetrics();
    }

    /**
     * Sends the same text message to each of {@code targets}: it is encoded once and the same bytes are queued to
     * every connection. With permessage-deflate, connections without server context takeover share one frame
     * compressed once; the others get the plain frame. A target that is closed, not of this server, or whose send
     * queue is full is skipped.
     *
     * @return how many connections the message was queued to
     */
    public int broadcast(Collection<? extends WebSocket> targets, String text) {
        ByteBuffer utf8 = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)); // encoded once for both frames
        return core.broadcast(targets, utf8.remaining(), () -> ServerFrames.textUtf8(utf8),
                deflate -> deflate.encodeServerTextUtf8(utf8));
    }

    /**
     * Sends the same binary message, {@code data}'s remaining bytes, to each of {@code targets}, encoded once; see
     * {@link #broadcast(Collection, String)}. {@code data} is copied into the frame: it may be reused at once.
     *
     * @return how many connections the message was queued to
     */
    public int broadcast(Collection<? extends WebSocket> targets, ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        return core.broadcast(targets, copy.remaining(), () -> ServerFrames.binary(copy),
                deflate -> deflate.encodeServerBinary(copy));
    }

    /**
     * Stops: no new connections are accepted, every WebSocket gets a Close with 1001 (going away), and the server
     * waits up to {@code timeout} for the closing handshakes before it drops what remains and ends its threads.
     * Blocks until then, except when called on one of the server's event loops (a handler with {@link
     * Dispatch#EVENT_LOOP}), which cannot wait for itself: then the stop runs on a thread of its own and this returns
     * at once. Calling it again, or on a server never started, does nothing.
     *
     * <p>Nothing already sent is cut off: the Close is queued behind every message queued before it, so those are
     * written first; a send that comes later fails with {@link ClosedException}. Every send's future completes,
     * normally once its bytes were written to the socket, else exceptionally. A peer that answers the Close within
     * {@code timeout} has received every message whose future completed normally. A peer that has not answered by
     * then is dropped, and bytes still in flight to it may be lost (see the user guide, "Shutting down").
     */
    public void stop(Duration timeout) {
        core.stop(Objects.requireNonNull(timeout, "timeout"));
    }

    /** {@link #stop(Duration)} with the close timeout of the options' limits, plus one second. */
    public void stop() {
        stop(options.connection().closeTimeout().plusSeconds(1));
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
