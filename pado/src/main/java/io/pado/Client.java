package io.pado;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket client: it opens connections to {@code ws://} and {@code wss://} (TLS, see {@link ClientTls}) URIs
 * (RFC 6455 §4.1) and runs them on its own event
 * loops ({@code pado-client-loop-N}, daemon threads). One client can hold many connections; they share its options.
 *
 * <p><b>Threads.</b> All methods are thread-safe. Handler calls follow the same rules as on a {@link Server}: one
 * at a time per connection, on virtual threads by default.
 *
 * {@snippet :
 * try (Client client = Client.create(ClientOptions.DEFAULT)) {
 *     WebSocket ws = client.connect(URI.create("ws://127.0.0.1:8080/echo"), new Handler() {
 *         @Override
 *         public void onText(WebSocket ws, String text) {
 *             System.out.println("got " + text);
 *         }
 *     }).join();
 *     ws.sendText("hello").join();
 * }
 * }
 */
public final class Client implements AutoCloseable {
    private final Dialer dialer;
    /** Reconnecting handles that have not stopped yet: added by connect, removed when they stop (any thread). */
    private final Set<Reconnector> reconnectors = ConcurrentHashMap.newKeySet();
    private final ClientOptions options;

    private Client(ClientOptions options) {
        this.options = options;
        this.dialer = new Dialer(options);
    }

    /** A client with these options; its event loops start now. */
    public static Client create(ClientOptions options) {
        return new Client(Objects.requireNonNull(options, "options"));
    }

    /**
     * Connects to {@code uri} and performs the opening handshake. The future completes with the open WebSocket
     * (after which {@code handler} gets {@link Handler#onOpen}) or fails with:
     * <ul>
     *   <li>{@link HandshakeException} if the server refused or answered wrongly: its
     *       {@code status()} and {@code headers()} are the server's for a non-101 answer, and its message names the
     *       wrong header otherwise;</li>
     *   <li>{@link java.net.SocketTimeoutException} if connecting and the handshake took longer than the options'
     *       handshake timeout;</li>
     *   <li>{@link javax.net.ssl.SSLHandshakeException} for {@code wss://} if the server's certificate is not
     *       trusted or not issued for the URI's host (see {@link ClientTls});</li>
     *   <li>another {@link java.io.IOException} if the connection failed.</li>
     * </ul>
     *
     * @throws IllegalArgumentException if {@code uri} is not a {@code ws://} or {@code wss://} URI with a host
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<WebSocket> connect(URI uri, Handler handler) {
        return dialer.connect(Objects.requireNonNull(uri, "uri"), Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Connects to {@code uri} like {@link #connect(URI, Handler)}, and connects again whenever the connection ends
     * or an attempt fails, with exponential backoff and jitter, until {@code policy} says to stop (see
     * {@link Reconnect} for when). The future completes with a {@link ReconnectingWebSocket}, a stable handle that
     * {@code handler} also receives, at the first open; it fails if reconnecting stops before that (a 404, say, or
     * {@code maxAttempts} failures). Cancel it to stop trying.
     *
     * <p>{@code handler.onOpen} is called after every (re)connect: that is where an application (re)subscribes.
     * {@link Handler#onReconnecting} announces each attempt. Waiting between attempts takes no thread: a timer on
     * the client's event loop starts the next attempt. Sends while disconnected fail at once.
     *
     * {@snippet :
     * ReconnectingWebSocket ws = client.connect(uri, new Handler() {
     *     @Override
     *     public void onOpen(WebSocket ws) {
     *         ws.sendText("{\"subscribe\": \"prices\"}"); // again on every connection
     *     }
     *
     *     @Override
     *     public void onReconnecting(WebSocket ws, int attempt, Duration delay, Throwable cause) {
     *         System.err.println("attempt " + attempt + " in " + delay + ": " + cause.getMessage());
     *     }
     * }, Reconnect.builder().maxDelay(Duration.ofSeconds(10)).build()).join();
     * }
     *
     * @throws IllegalArgumentException if {@code uri} is not a {@code ws://} or {@code wss://} URI with a host
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<ReconnectingWebSocket> connect(URI uri, Handler handler, Reconnect policy) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(policy, "policy");
        if (dialer.isClosed()) {
            throw new IllegalStateException("client closed");
        }
        dialer.check(Objects.requireNonNull(uri, "uri"));
        var reconnector = new Reconnector(dialer, uri, handler, policy);
        reconnectors.add(reconnector);
        reconnector.whenClosed().whenComplete((stopped, why) -> reconnectors.remove(reconnector));
        if (dialer.isClosed()) {
            reconnector.stop(null); // close() ran meanwhile and may not have seen it
        }
        return reconnector.start();
    }

    /**
     * What this client has done, all its connections together (reconnecting ones included): a live view to keep and
     * read whenever you like. Safe from any thread; see {@link Metrics}.
     */
    public Metrics metrics() {
        return dialer.metrics();
    }

    /**
     * Closes every connection with 1001 (going away) and stops reconnecting ones, waits up to the close timeout (plus
     * one second) for the closing handshakes, then ends the client's threads. Called on one of the client's event
     * loops (a handler with {@link Dispatch#EVENT_LOOP}), it cannot wait for itself and returns at once while the
     * closing goes on. Calling it again does nothing.
     */
    @Override
    public void close() {
        close(options.connection().closeTimeout().plusSeconds(1));
    }

    /** Like {@link #close()}, waiting at most {@code timeout}. */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (dialer.inAnyLoop()) {
            // A handler on an event loop (Dispatch.EVENT_LOOP) cannot wait for its own loop to end: close elsewhere.
            Thread.ofPlatform().name("pado-client-close").start(() -> close(timeout));
            return;
        }
        if (!dialer.refuseNewConnections()) {
            return;
        }
        // Before the loops drain: the connections' Closes must not lead to new attempts.
        for (Reconnector r : List.copyOf(reconnectors)) {
            r.stop(null);
        }
        dialer.stopLoops(timeout);
    }
}
