package io.pado;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a {@link Server} listens, its threads, TLS, what it admits, and how its connections behave
 * ({@link ConnectionOptions}). Immutable; built with {@link #builder()}, changed with {@link #toBuilder()}.
 *
 * {@snippet :
 * var options = ServerOptions.builder()
 *         .host("0.0.0.0")
 *         .port(8080)
 *         .connection(c -> c.maxMessageBytes(16 << 20))
 *         .build();
 * }
 *
 * <p>The defaults: {@code 127.0.0.1} on a free port, one event loop per core, no TLS, 8 KiB request heads, 1 MiB
 * request bodies, plain HTTP connections kept alive 15 s between requests for up to 1,000 requests, no limit of
 * connections per address, at most 10,000 WebSocket handshakes a second (in bursts of 10,000), and
 * {@link ConnectionOptions#DEFAULT}.
 */
public final class ServerOptions {

    /** The defaults listed above. */
    public static final ServerOptions DEFAULT = builder().build();

    /**
     * At most {@code permits} events per {@code period}, in bursts of up to {@code permits}: a token bucket that holds
     * {@code permits} tokens and gains one every {@code period / permits}.
     *
     * @param permits at least 1
     * @param period  positive, at most one day
     */
    public record HandshakeRate(int permits, Duration period) {
        public HandshakeRate {
            if (permits < 1) {
                throw new IllegalArgumentException("permits must be positive: " + permits);
            }
            OptionChecks.requirePositive(period, "period");
            if (period.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("period must be at most one day: " + period);
            }
        }

        /** {@code permits} a second, in bursts of up to {@code permits}. */
        public static HandshakeRate perSecond(int permits) {
            return new HandshakeRate(permits, Duration.ofSeconds(1));
        }
    }

    private final String host;
    private final int port;
    private final int eventLoops;
    private final Optional<ServerTls> tls;
    private final int maxRequestHeadBytes;
    private final int maxRequestBodyBytes;
    private final Duration httpKeepAlive;
    private final int maxRequestsPerConnection;
    private final int maxConnectionsPerAddress;
    private final Optional<HandshakeRate> handshakeRate;
    private final ConnectionOptions connection;

    private ServerOptions(Builder b) {
        host = Objects.requireNonNull(b.host, "host");
        port = OptionChecks.requireRange(b.port, 0, 65535, "port");
        eventLoops = OptionChecks.requireRange(b.eventLoops, 1, 1024, "eventLoops");
        tls = Objects.requireNonNull(b.tls, "tls");
        maxRequestHeadBytes = OptionChecks.requireRange(b.maxRequestHeadBytes, 256, 1 << 20, "maxRequestHeadBytes");
        maxRequestBodyBytes = OptionChecks.requireRange(b.maxRequestBodyBytes, 0, Integer.MAX_VALUE - 8,
                "maxRequestBodyBytes");
        httpKeepAlive = OptionChecks.requireNotNegative(b.httpKeepAlive, "httpKeepAlive");
        maxRequestsPerConnection = OptionChecks.requireRange(b.maxRequestsPerConnection, 1, Integer.MAX_VALUE,
                "maxRequestsPerConnection");
        maxConnectionsPerAddress = OptionChecks.requireRange(b.maxConnectionsPerAddress, 0, Integer.MAX_VALUE,
                "maxConnectionsPerAddress");
        handshakeRate = Objects.requireNonNull(b.handshakeRate, "handshakeRate");
        connection = Objects.requireNonNull(b.connection, "connection");
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The address to listen on: a host name or IP literal; {@code 0.0.0.0} for all IPv4 interfaces. */
    public String host() {
        return host;
    }

    /** The TCP port; 0 picks a free one, see {@link Server#port()}. */
    public int port() {
        return port;
    }

    /** How many event-loop threads own the sockets. */
    public int eventLoops() {
        return eventLoops;
    }

    /** The certificate for {@code wss://}; empty for plain {@code ws://}. The handshake timeout covers TLS too. */
    public Optional<ServerTls> tls() {
        return tls;
    }

    /** The largest HTTP request head (request line and headers) read; a bigger one is answered with 431. */
    public int maxRequestHeadBytes() {
        return maxRequestHeadBytes;
    }

    /** The largest body of a plain HTTP request read; a bigger one is answered with 413. */
    public int maxRequestBodyBytes() {
        return maxRequestBodyBytes;
    }

    /**
     * How long a plain HTTP connection stays open waiting for its next request (RFC 9112 §9.3, persistent
     * connections); zero closes it after every answer.
     */
    public Duration httpKeepAlive() {
        return httpKeepAlive;
    }

    /** How many plain HTTP requests one connection may make before the server closes it after the answer. */
    public int maxRequestsPerConnection() {
        return maxRequestsPerConnection;
    }

    /**
     * At most this many sockets from one remote IP address at a time, counted from accept to close; a socket over
     * the limit is closed at once, before anything is read (an HTTP answer would need the request read, holding the
     * very socket the limit is there to refuse). 0 for no limit: clients behind one NAT or proxy share an address.
     */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /**
     * WebSocket upgrades the whole server accepts; a request over it is answered {@code 503 Service Unavailable}
     * with {@code Retry-After} (whole seconds until a token is back), before any handshake work. Open connections
     * are not affected. Empty for no limit.
     */
    public Optional<HandshakeRate> handshakeRate() {
        return handshakeRate;
    }

    /** How each connection behaves: limits, timeouts, keep-alive, water marks, dispatch, compression. */
    public ConnectionOptions connection() {
        return connection;
    }

    @Override
    public String toString() {
        return "ServerOptions[host=" + host + ", port=" + port + ", eventLoops=" + eventLoops + ", tls="
                + tls.isPresent() + ", maxRequestHeadBytes=" + maxRequestHeadBytes + ", maxRequestBodyBytes="
                + maxRequestBodyBytes + ", httpKeepAlive=" + httpKeepAlive + ", maxRequestsPerConnection="
                + maxRequestsPerConnection + ", maxConnectionsPerAddress="
                + maxConnectionsPerAddress + ", handshakeRate=" + handshakeRate + ", connection=" + connection + "]";
    }

    /** Builds {@link ServerOptions}; not thread-safe. {@link #build()} checks the values. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private Optional<ServerTls> tls = Optional.empty();
        private int maxRequestHeadBytes = 8 << 10;
        private int maxRequestBodyBytes = 1 << 20;
        private Duration httpKeepAlive = Duration.ofSeconds(15);
        private int maxRequestsPerConnection = 1000;
        private int maxConnectionsPerAddress;
        private Optional<HandshakeRate> handshakeRate = Optional.of(HandshakeRate.perSecond(10_000));
        private ConnectionOptions connection = ConnectionOptions.DEFAULT;

        private Builder() {
        }

        private Builder(ServerOptions o) {
            host = o.host;
            port = o.port;
            eventLoops = o.eventLoops;
            tls = o.tls;
            maxRequestHeadBytes = o.maxRequestHeadBytes;
            maxRequestBodyBytes = o.maxRequestBodyBytes;
            httpKeepAlive = o.httpKeepAlive;
            maxRequestsPerConnection = o.maxRequestsPerConnection;
            maxConnectionsPerAddress = o.maxConnectionsPerAddress;
            handshakeRate = o.handshakeRate;
            connection = o.connection;
        }

        /** See {@link ServerOptions#host()}; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** See {@link ServerOptions#port()}; default 0, any free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** See {@link ServerOptions#eventLoops()}; default one per core. */
        public Builder eventLoops(int count) {
            this.eventLoops = count;
            return this;
        }

        /** Serves {@code wss://} with this certificate; see {@link ServerTls}. */
        public Builder tls(ServerTls tls) {
            this.tls = Optional.of(tls);
            return this;
        }

        /** See {@link ServerOptions#maxRequestHeadBytes()}; default 8 KiB. */
        public Builder maxRequestHeadBytes(int bytes) {
            this.maxRequestHeadBytes = bytes;
            return this;
        }

        /** See {@link ServerOptions#maxRequestBodyBytes()}; default 1 MiB. */
        public Builder maxRequestBodyBytes(int bytes) {
            this.maxRequestBodyBytes = bytes;
            return this;
        }

        /** See {@link ServerOptions#httpKeepAlive()}; default 15 s, zero for none. */
        public Builder httpKeepAlive(Duration idle) {
            this.httpKeepAlive = idle;
            return this;
        }

        /** See {@link ServerOptions#maxRequestsPerConnection()}; default 1,000. */
        public Builder maxRequestsPerConnection(int count) {
            this.maxRequestsPerConnection = count;
            return this;
        }

        /**
         * See {@link ServerOptions#maxConnectionsPerAddress()}; default 0, no limit. Behind a reverse proxy every
         * client has the proxy's address: limit there instead.
         */
        public Builder maxConnectionsPerAddress(int max) {
            this.maxConnectionsPerAddress = max;
            return this;
        }

        /** Accepts at most {@code permits} WebSocket handshakes per {@code period}, across the server. */
        public Builder handshakeRate(int permits, Duration period) {
            this.handshakeRate = Optional.of(new HandshakeRate(permits, period));
            return this;
        }

        /** Accepts WebSocket handshakes as fast as they come. */
        public Builder unlimitedHandshakeRate() {
            this.handshakeRate = Optional.empty();
            return this;
        }

        /** How each connection behaves; see {@link ConnectionOptions}. */
        public Builder connection(ConnectionOptions connection) {
            this.connection = connection;
            return this;
        }

        /** Changes some of the connection options: {@code .connection(c -> c.idleTimeout(Duration.ofMinutes(5)))}. */
        public Builder connection(Consumer<ConnectionOptions.Builder> changes) {
            this.connection = connection.toBuilder().apply(changes).build();
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException if a value is out of range
         * @throws NullPointerException     if a value is null
         */
        public ServerOptions build() {
            return new ServerOptions(this);
        }
    }
}
