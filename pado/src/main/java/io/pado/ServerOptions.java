package io.pado;

import io.pado.protocol.ExtensionFactory;
import io.pado.protocol.Limits;
import io.pado.protocol.PerMessageDeflate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link Server} listens, its threads, and every limit and timeout it applies to a connection. Immutable;
 * start from {@link #DEFAULT} and change what you need with the {@code with…} methods.
 *
 * {@snippet :
 * var options = ServerOptions.DEFAULT
 *         .withHost("0.0.0.0")
 *         .withPort(8080)
 *         .withLimits(Limits.DEFAULT.withMaxMessageBytes(16 << 20));
 * }
 *
 * @param host                the address to listen on: a host name or IP literal; {@code 0.0.0.0} for all IPv4
 *                            interfaces
 * @param port                the TCP port; 0 picks a free one, see {@link Server#port()}
 * @param eventLoops          how many event-loop threads own the sockets; default one per core
 * @param dispatch            where handler callbacks run; default {@link Dispatch#VIRTUAL_THREADS}
 * @param limits              frame and message size limits and the close timeout, enforced by the protocol engine:
 *                            a frame or message over the limit closes the connection with 1009
 * @param maxRequestHeadBytes the largest HTTP request head (request line and headers) read; a bigger one is
 *                            answered with 431
 * @param handshakeTimeout    how long a new connection may take to send its request head; after that the socket is
 *                            closed
 * @param idleTimeout         a WebSocket that receives nothing for this long is closed with 1001; {@link
 *                            Duration#ZERO} (the default) for never
 * @param lowWaterBytes       a WebSocket above the high-water mark becomes writable again when its queued bytes
 *                            drain to this
 * @param highWaterBytes      above this many queued bytes a WebSocket is not {@linkplain WebSocket#isWritable()
 *                            writable}; received data waiting for a slow handler above this stops reading from the
 *                            socket until it drains
 * @param maxQueuedBytes      a send that would queue more than this fails and queues nothing: the memory bound per
 *                            connection
 * @param extensions          extensions to negotiate, in order of preference; none by default (see
 *                            {@link #withExtensions})
 * @param tls                 the certificate for {@code wss://}; empty (the default) for plain {@code ws://}. The
 *                            handshake timeout covers the TLS handshake too
 * @param pingInterval        a WebSocket that has received nothing for this long is sent a Ping (RFC 6455 §5.5.2);
 *                            default 30 s, {@link Duration#ZERO} for never
 * @param pongTimeout         if nothing (a Pong or anything else) arrives this long after that Ping, the peer is
 *                            taken for dead: pado sends Close 1001 "ping timeout", does not wait for the answer (the
 *                            socket closes once that Close is written, at the latest after the close timeout), and the
 *                            handler gets {@code onClose(1001, "ping timeout")}, not 1006; default 10 s
 * @param writeTimeout          a slow consumer: when queued bytes have been waiting this long and the socket took none
 *                            of them, the peer is not reading. pado reports {@code onClose(1008, "slow consumer")} and
 *                            drops the connection (a Close could not get through); default 30 s, {@link Duration#ZERO}
 *                            for never. Sends beyond {@code maxQueuedBytes} fail at once either way
 * @param maxConnectionsPerAddress at most this many sockets from one remote IP address at a time, counted from
 *                            accept to close; a socket over the limit is closed at once, before anything is read
 *                            (an HTTP answer would need the request read, holding the very socket the limit is
 *                            there to refuse). 0 (the default) for no limit: clients behind one NAT or proxy share
 *                            an address
 * @param handshakeRate       WebSocket upgrades the whole server accepts, as a token bucket; a request over it is
 *                            answered {@code 503 Service Unavailable} with {@code Retry-After} (whole seconds until a
 *                            token is back) and closed, before any handshake work. Open connections are not
 *                            affected. Default 10,000 a second in bursts of 10,000; empty for no limit
 */
public record ServerOptions(String host, int port, int eventLoops, Dispatch dispatch, Limits limits,
        int maxRequestHeadBytes, Duration handshakeTimeout, Duration idleTimeout, long lowWaterBytes,
        long highWaterBytes, long maxQueuedBytes, List<ExtensionFactory> extensions, Optional<ServerTls> tls,
        Duration pingInterval, Duration pongTimeout, Duration writeTimeout, int maxConnectionsPerAddress,
        Optional<RateLimit> handshakeRate) {

    /**
     * Listens on {@code 127.0.0.1} on a free port, one event loop per core, handlers on virtual threads,
     * {@link Limits#DEFAULT} (1 MiB messages, 5 s close timeout), 8 KiB request heads, 10 s handshake timeout, no
     * idle timeout, water marks 64 KiB / 1 MiB, at most 32 MiB queued per connection, no extensions, no TLS, a
     * Ping after 30 s without input and 10 s for the answer, 30 s write
     * timeout, no limit of connections per address, at most 10,000 WebSocket handshakes a second (in bursts of
     * 10,000).
     */
    public static final ServerOptions DEFAULT = new ServerOptions("127.0.0.1", 0,
            Runtime.getRuntime().availableProcessors(), Dispatch.VIRTUAL_THREADS, Limits.DEFAULT, 8 << 10,
            Duration.ofSeconds(10), Duration.ZERO, 64 << 10, 1 << 20, 32 << 20, List.of(), Optional.empty(),
            Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30), 0,
            Optional.of(RateLimit.perSecond(10_000)));

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad port: " + port);
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be positive: " + eventLoops);
        }
        Objects.requireNonNull(dispatch, "dispatch");
        Objects.requireNonNull(limits, "limits");
        if (maxRequestHeadBytes < 256) {
            throw new IllegalArgumentException("maxRequestHeadBytes below 256: " + maxRequestHeadBytes);
        }
        Options.requirePositive(handshakeTimeout, "handshakeTimeout");
        Options.requireNotNegative(idleTimeout, "idleTimeout");
        Options.requireWaterMarks(lowWaterBytes, highWaterBytes, maxQueuedBytes);
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(tls, "tls");
        Options.requireNotNegative(pingInterval, "pingInterval");
        Options.requirePositive(pongTimeout, "pongTimeout");
        Options.requireNotNegative(writeTimeout, "writeTimeout");
        if (maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException("maxConnectionsPerAddress must not be negative: "
                    + maxConnectionsPerAddress);
        }
        Objects.requireNonNull(handshakeRate, "handshakeRate");
    }

    /** A copy listening on another host. */
    public ServerOptions withHost(String host) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy listening on another port; 0 for any free port. */
    public ServerOptions withPort(int port) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy with another number of event loops. */
    public ServerOptions withEventLoops(int eventLoops) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy whose handlers run elsewhere. */
    public ServerOptions withDispatch(Dispatch dispatch) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy with other frame and message limits and close timeout. */
    public ServerOptions withLimits(Limits limits) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy with another maximum request-head size. */
    public ServerOptions withMaxRequestHeadBytes(int bytes) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, bytes, handshakeTimeout, idleTimeout,
                lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy with another handshake timeout. */
    public ServerOptions withHandshakeTimeout(Duration timeout) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, timeout, idleTimeout,
                lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy with another idle timeout; {@link Duration#ZERO} for none. */
    public ServerOptions withIdleTimeout(Duration timeout) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                timeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy with other low- and high-water marks. */
    public ServerOptions withWaterMarks(long lowWaterBytes, long highWaterBytes) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy with another bound on queued bytes per connection. */
    public ServerOptions withMaxQueuedBytes(long bytes) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, bytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /**
     * A copy that negotiates these extensions, in order of preference, for example permessage-deflate:
     * {@snippet :
     * options.withExtensions(PerMessageDeflate.create(PerMessageDeflate.Options.DEFAULT))
     * }
     * Keep one factory per server: a {@link PerMessageDeflate} shares its pool of compressors across connections.
     */
    public ServerOptions withExtensions(ExtensionFactory... factories) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, List.of(factories), tls, pingInterval,
                pongTimeout, writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy that speaks {@code wss://} (TLS) with this certificate; see {@link ServerTls}. */
    public ServerOptions withTls(ServerTls tls) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, Optional.of(tls), pingInterval,
                pongTimeout, writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /**
     * A copy that pings a connection after {@code interval} without input; {@link Duration#ZERO} turns pings (and
     * the pong timeout) off.
     */
    public ServerOptions withPingInterval(Duration interval) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, interval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /** A copy that gives up on a peer that has sent nothing for this long after our Ping. */
    public ServerOptions withPongTimeout(Duration timeout) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, timeout,
                writeTimeout, maxConnectionsPerAddress, handshakeRate);
    }

    /**
     * A copy that allows at most {@code max} sockets from one remote IP address at a time; 0 for no limit. Behind a
     * reverse proxy every client has the proxy's address: limit there instead.
     */
    public ServerOptions withMaxConnectionsPerAddress(int max) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, max, handshakeRate);
    }

    /** A copy that accepts WebSocket handshakes at most at {@code rate}, across the server. */
    public ServerOptions withHandshakeRate(RateLimit rate) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, Optional.of(rate));
    }

    /** A copy that accepts WebSocket handshakes as fast as they come (for benchmarks behind their own limits). */
    public ServerOptions withoutHandshakeRate() {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                writeTimeout, maxConnectionsPerAddress, Optional.empty());
    }

    /** A copy that closes a slow consumer after this long without write progress; {@link Duration#ZERO} for never. */
    public ServerOptions withWriteTimeout(Duration timeout) {
        return new ServerOptions(host, port, eventLoops, dispatch, limits, maxRequestHeadBytes, handshakeTimeout,
                idleTimeout, lowWaterBytes, highWaterBytes, maxQueuedBytes, extensions, tls, pingInterval, pongTimeout,
                timeout, maxConnectionsPerAddress, handshakeRate);
    }
}
