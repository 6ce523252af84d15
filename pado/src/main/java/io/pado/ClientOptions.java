package io.pado;

import io.pado.protocol.Headers;
import io.pado.protocol.ExtensionFactory;
import io.pado.protocol.Limits;
import io.pado.protocol.PerMessageDeflate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Client} asks for in its opening handshakes, its threads, and every limit and timeout it applies.
 * Immutable; start from {@link #DEFAULT} and change what you need with the {@code with…} methods.
 *
 * {@snippet :
 * var options = ClientOptions.DEFAULT
 *         .withSubprotocols("chat.v2", "chat.v1")
 *         .withBearerToken(token)
 *         .withHeaders(Headers.of("X-Client-Version", "2.1"));
 * }
 *
 * @param subprotocols         the subprotocols to offer, most preferred first (RFC 6455 §4.1); empty for none
 * @param headers              extra request headers, e.g. {@code Authorization} or {@code Cookie}
 * @param origin               the {@code Origin} header to send, if any
 * @param eventLoops           how many event-loop threads own the client's sockets; default one
 * @param dispatch             where handler callbacks run; default {@link Dispatch#VIRTUAL_THREADS}
 * @param limits               frame and message size limits and the close timeout; see {@link ServerOptions#limits()}
 * @param maxResponseHeadBytes the largest HTTP response head accepted from the server
 * @param handshakeTimeout     how long connecting and the opening handshake may take before
 *                             {@link Client#connect} fails
 * @param idleTimeout          a WebSocket that receives nothing for this long is closed with 1001; {@link
 *                             Duration#ZERO} (the default) for never
 * @param lowWaterBytes        see {@link ServerOptions#lowWaterBytes()}
 * @param highWaterBytes       see {@link ServerOptions#highWaterBytes()}
 * @param maxQueuedBytes       see {@link ServerOptions#maxQueuedBytes()}
 * @param extensions          extensions to negotiate, in order of preference; none by default (see
 *                            {@link #withExtensions})
 * @param tls                  whom {@code wss://} connections trust; default {@link ClientTls#SYSTEM}. Host names
 *                             are always verified
 * @param pingInterval         a WebSocket that has received nothing for this long is sent a Ping (RFC 6455 §5.5.2);
 *                             default 30 s, {@link Duration#ZERO} for never
 * @param pongTimeout          if nothing (a Pong or anything else) arrives this long after that Ping, the peer is
 *                             taken for dead: pado sends Close 1001 "ping timeout", does not wait for the answer (the
 *                             socket closes once that Close is written, at the latest after the close timeout), and the
 *                             handler gets {@code onClose(1001, "ping timeout")}, not 1006; default 10 s
 * @param writeTimeout           a slow consumer: when queued bytes have been waiting this long and the socket took none
 *                             of them, the peer is not reading. pado reports {@code onClose(1008, "slow consumer")} and
 *                             drops the connection (a Close could not get through); default 30 s, {@link Duration#ZERO}
 *                             for never. Sends beyond {@code maxQueuedBytes} fail at once either way
 * @param maxRedirects         how many redirects (301, 302, 303, 307, 308) an opening handshake follows; default 5,
 *                             0 for none (the 3xx then fails {@link Client#connect}); see {@link #withMaxRedirects}
 * @param proxy                how connections reach servers: directly ({@link ClientProxy#NONE}, the default) or
 *                             through an HTTP proxy's {@code CONNECT} tunnel; see {@link ClientProxy}
 * @param slowConsumerPolicy   what a send does when the server reads too slowly; default
 *                             {@link SlowConsumerPolicy#FAIL_SEND}. {@link SlowConsumerPolicy#BLOCK} suits a client
 *                             that produces on its own threads
 */
public record ClientOptions(List<String> subprotocols, Headers headers, Optional<String> origin, int eventLoops,
        Dispatch dispatch, Limits limits, int maxResponseHeadBytes, Duration handshakeTimeout, Duration idleTimeout,
        long lowWaterBytes, long highWaterBytes, long maxQueuedBytes, List<ExtensionFactory> extensions, ClientTls tls,
        Duration pingInterval, Duration pongTimeout, Duration writeTimeout, int maxRedirects, ClientProxy proxy,
        SlowConsumerPolicy slowConsumerPolicy) {

    /**
     * No subprotocols, extra headers or {@code Origin}; one event loop, handlers on virtual threads,
     * {@link Limits#DEFAULT}, 16 KiB response heads, 10 s handshake timeout, no idle timeout, water marks
     * 64 KiB / 1 MiB, at most 32 MiB queued per connection, no extensions, the JDK's trust store for
     * {@code wss://}, a Ping after 30 s without input and 10 s for the answer, 30 s write
     * timeout, up to 5 redirects, no proxy.
     */
    public static final ClientOptions DEFAULT = new ClientOptions(List.of(), Headers.of(), Optional.empty(), 1,
            Dispatch.VIRTUAL_THREADS, Limits.DEFAULT, 16 << 10, Duration.ofSeconds(10), Duration.ZERO, 64 << 10,
            1 << 20, 32 << 20, List.of(), ClientTls.SYSTEM, Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(30), 5, ClientProxy.NONE, SlowConsumerPolicy.FAIL_SEND);

    public ClientOptions {
        subprotocols = List.copyOf(subprotocols);
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(origin, "origin");
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be positive: " + eventLoops);
        }
        Objects.requireNonNull(dispatch, "dispatch");
        Objects.requireNonNull(limits, "limits");
        if (maxResponseHeadBytes < 256) {
            throw new IllegalArgumentException("maxResponseHeadBytes below 256: " + maxResponseHeadBytes);
        }
        Options.requirePositive(handshakeTimeout, "handshakeTimeout");
        Options.requireNotNegative(idleTimeout, "idleTimeout");
        Options.requireWaterMarks(lowWaterBytes, highWaterBytes, maxQueuedBytes);
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(tls, "tls");
        Options.requireNotNegative(pingInterval, "pingInterval");
        Options.requirePositive(pongTimeout, "pongTimeout");
        Options.requireNotNegative(writeTimeout, "writeTimeout");
        if (maxRedirects < 0 || maxRedirects > 20) {
            throw new IllegalArgumentException("maxRedirects must be 0 to 20: " + maxRedirects);
        }
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(slowConsumerPolicy, "slowConsumerPolicy");
    }

    /** A copy that offers these subprotocols, most preferred first. */
    public ClientOptions withSubprotocols(String... subprotocols) {
        return new ClientOptions(List.of(subprotocols), headers, origin, eventLoops, dispatch, limits,
                maxResponseHeadBytes, handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes,
                extensions, tls, pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy that sends these extra request headers. */
    public ClientOptions withHeaders(Headers headers) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy that sends this {@code Origin} header. */
    public ClientOptions withOrigin(String origin) {
        return new ClientOptions(subprotocols, headers, Optional.of(origin), eventLoops, dispatch, limits,
                maxResponseHeadBytes, handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes,
                extensions, tls, pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy with another number of event loops. */
    public ClientOptions withEventLoops(int eventLoops) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy whose handlers run elsewhere. */
    public ClientOptions withDispatch(Dispatch dispatch) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy with other frame and message limits and close timeout. */
    public ClientOptions withLimits(Limits limits) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy with another maximum response-head size. */
    public ClientOptions withMaxResponseHeadBytes(int bytes) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, bytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy with another handshake timeout. */
    public ClientOptions withHandshakeTimeout(Duration timeout) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                timeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval,
                pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy with another idle timeout; {@link Duration#ZERO} for none. */
    public ClientOptions withIdleTimeout(Duration timeout) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, timeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval,
                pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy with other low- and high-water marks. */
    public ClientOptions withWaterMarks(long lowWaterBytes, long highWaterBytes) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy with another bound on queued bytes per connection. */
    public ClientOptions withMaxQueuedBytes(long bytes) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, bytes, extensions, tls, pingInterval,
                pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /**
     * A copy that negotiates these extensions, in order of preference, for example permessage-deflate:
     * {@snippet :
     * options.withExtensions(PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT))
     * }
     * Keep one factory per client: a {@link PerMessageDeflate} shares its pool of compressors across connections.
     */
    public ClientOptions withExtensions(ExtensionFactory... factories) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, List.of(factories), tls,
                pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy that trusts these certificates on {@code wss://}; see {@link ClientTls}. */
    public ClientOptions withTls(ClientTls tls) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /**
     * A copy that pings a connection after {@code interval} without input; {@link Duration#ZERO} turns pings (and
     * the pong timeout) off.
     */
    public ClientOptions withPingInterval(Duration interval) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, interval,
                pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy that gives up on a peer that has sent nothing for this long after our Ping. */
    public ClientOptions withPongTimeout(Duration timeout) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, timeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /** A copy that closes a slow consumer after this long without write progress; {@link Duration#ZERO} for never. */
    public ClientOptions withWriteTimeout(Duration timeout) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, timeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /**
     * A copy that follows at most {@code count} redirects in an opening handshake; 0 turns redirects off.
     *
     * <p>A 301, 302, 303, 307 or 308 answer with a {@code Location} makes the client open a new connection to that
     * URI (resolved against the current one if relative; {@code http} becomes {@code ws}, {@code https} becomes
     * {@code wss}) with a new handshake. A redirect from {@code wss} to {@code ws} is refused, since it would
     * drop TLS; so is one to any other scheme. <b>When a redirect leads to another host or port, the
     * {@code Authorization} and {@code Cookie} headers are dropped</b>, for that hop and every later one, so that
     * credentials meant for one server never reach another. A loop, or more than {@code count} redirects, fails
     * {@link Client#connect} with a {@link io.pado.protocol.HandshakeException} whose status is the last 3xx and
     * whose message shows the chain of URIs. Each hop has its own handshake timeout.
     *
     * @throws IllegalArgumentException if {@code count} is negative or above 20
     */
    public ClientOptions withMaxRedirects(int count) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, writeTimeout, count, proxy, slowConsumerPolicy);
    }

    /**
     * A copy that reaches servers through this proxy, e.g. {@link ClientProxy#http(String, int)} or
     * {@link ClientProxy#SYSTEM} for the JVM's proxy settings; {@link ClientProxy#NONE} to connect directly.
     */
    public ClientOptions withProxy(ClientProxy proxy) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, slowConsumerPolicy);
    }

    /**
     * A copy that sends {@code Authorization: Basic …} (RFC 7617) with these credentials, UTF-8 encoded, in place of
     * any {@code Authorization} header set before. Basic credentials are only base64-encoded: use {@code wss://}.
     * Redirects to another host do not carry them (see {@link #withMaxRedirects}).
     *
     * @throws IllegalArgumentException if {@code user} holds a colon, or either holds a control character
     */
    public ClientOptions withBasicAuth(String user, String password) {
        return withHeaders(headers.without("Authorization").with("Authorization", HeaderValues.basic(user, password)));
    }

    /**
     * A copy that sends {@code Authorization: Bearer token} (RFC 6750 §2.1) in place of any {@code Authorization}
     * header set before. Redirects to another host do not carry it.
     *
     * @throws IllegalArgumentException if {@code token} is not a {@code b64token}: letters, digits,
     *                                  {@code - . _ ~ + /}, then optional {@code =} padding
     */
    public ClientOptions withBearerToken(String token) {
        return withHeaders(headers.without("Authorization").with("Authorization", HeaderValues.bearer(token)));
    }

    /**
     * A copy that sends these cookies in one {@code Cookie} header (RFC 6265 §4.2.1: {@code a=1; b=2}, in the map's
     * iteration order) in place of any {@code Cookie} header set before; an empty map sends none. pado keeps no
     * cookie jar: {@code Set-Cookie} in the server's answer is in {@link WebSocket#handshakeHeaders()} for you to
     * read. Redirects to another host do not carry cookies.
     *
     * @throws IllegalArgumentException if a name is not an HTTP token or a value holds a character that
     *                                  RFC 6265 §4.1.1 forbids (space, {@code "}, comma, semicolon, backslash, controls)
     */
    public ClientOptions withCookies(Map<String, String> cookies) {
        String value = HeaderValues.cookies(cookies);
        Headers rest = headers.without("Cookie");
        return withHeaders(value == null ? rest : rest.with("Cookie", value));
    }

    /** A copy whose sends follow {@code policy} when the server reads too slowly; see {@link SlowConsumerPolicy}. */
    public ClientOptions withSlowConsumerPolicy(SlowConsumerPolicy policy) {
        return new ClientOptions(subprotocols, headers, origin, eventLoops, dispatch, limits, maxResponseHeadBytes,
                handshakeTimeout, idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls,
                pingInterval, pongTimeout, writeTimeout, maxRedirects, proxy, policy);
    }
}
