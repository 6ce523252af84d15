package io.pado.chat;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The chat server's settings: where it listens, how much history a room keeps, the limits each connection lives
 * under, and the broker it shares rooms through with other nodes. Immutable; built with {@link #builder()}, changed
 * with {@link #toBuilder()}.
 *
 * {@snippet :
 * var options = ChatOptions.builder()
 *         .port(8081)
 *         .broker(URI.create("nats://127.0.0.1:4222"))
 *         .build();
 * }
 *
 * <p>The defaults: {@code 127.0.0.1:8080}, 100 messages of history per room, 2,000 characters per message, 64 KiB
 * WebSocket messages, 5 messages a second in bursts of 20 (closed after 20 strikes), same origin only, 25 s long
 * polls, no broker (this process alone) and a 10 s presence TTL.
 */
public final class ChatOptions {

    /** The defaults listed above. */
    public static final ChatOptions DEFAULT = builder().build();

    private final String host;
    private final int port;
    private final int historySize;
    private final int maxTextChars;
    private final int maxFrameBytes;
    private final double messagesPerSecond;
    private final int burst;
    private final int floodStrikes;
    private final Set<String> allowedOrigins;
    private final Duration longPollTimeout;
    private final Optional<URI> broker;
    private final Duration presenceTtl;

    private ChatOptions(Builder b) {
        host = Objects.requireNonNull(b.host, "host");
        if (b.port < 0 || b.port > 65535) {
            throw new IllegalArgumentException("bad port: " + b.port);
        }
        port = b.port;
        if (b.historySize < 1 || b.maxTextChars < 1 || b.maxFrameBytes < 125 || b.burst < 1 || b.floodStrikes < 1) {
            throw new IllegalArgumentException("bad limits: history " + b.historySize + ", text " + b.maxTextChars
                    + ", frame " + b.maxFrameBytes + ", burst " + b.burst + ", strikes " + b.floodStrikes);
        }
        historySize = b.historySize;
        maxTextChars = b.maxTextChars;
        maxFrameBytes = b.maxFrameBytes;
        burst = b.burst;
        floodStrikes = b.floodStrikes;
        if (!(b.messagesPerSecond > 0)) {
            throw new IllegalArgumentException("messagesPerSecond must be positive: " + b.messagesPerSecond);
        }
        messagesPerSecond = b.messagesPerSecond;
        allowedOrigins = Set.copyOf(b.allowedOrigins);
        longPollTimeout = Objects.requireNonNull(b.longPollTimeout, "longPollTimeout");
        if (longPollTimeout.isNegative() || longPollTimeout.isZero()) {
            throw new IllegalArgumentException("longPollTimeout must be positive: " + longPollTimeout);
        }
        broker = Objects.requireNonNull(b.broker, "broker");
        broker.ifPresent(uri -> {
            String scheme = String.valueOf(uri.getScheme());
            if (!(scheme.equals("redis") || scheme.equals("nats")) || uri.getHost() == null) {
                throw new IllegalArgumentException("not a nats://host:port or redis://host:port address: " + uri);
            }
        });
        presenceTtl = Objects.requireNonNull(b.presenceTtl, "presenceTtl");
        if (presenceTtl.toMillis() < 300) {
            throw new IllegalArgumentException("presenceTtl must be at least 300 ms: " + presenceTtl);
        }
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The address to listen on. */
    public String host() {
        return host;
    }

    /** The port (0 picks a free one). */
    public int port() {
        return port;
    }

    /** Messages a room keeps and replays to whoever joins (also what pollers can catch up on). */
    public int historySize() {
        return historySize;
    }

    /** The longest chat message accepted; longer ones get a {@code too-big} error. */
    public int maxTextChars() {
        return maxTextChars;
    }

    /** The biggest WebSocket message at all; a bigger one closes the connection with 1009. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** The sustained rate a connection may send (messages and typing notices). */
    public double messagesPerSecond() {
        return messagesPerSecond;
    }

    /** How many messages a connection may send at once above that rate. */
    public int burst() {
        return burst;
    }

    /** Rate-limited messages after which the connection is closed with 1008. */
    public int floodStrikes() {
        return floodStrikes;
    }

    /** Browser origins allowed to open {@code /chat}; empty means same origin only. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** How long a long-poll request is held when there is nothing new. */
    public Duration longPollTimeout() {
        return longPollTimeout;
    }

    /**
     * The broker ({@code nats://host:port} or {@code redis://host:port}) this node shares rooms through with other
     * chat nodes: rooms' messages go through it and their history is kept there. Empty: this process alone.
     */
    public Optional<URI> broker() {
        return broker;
    }

    /** With a broker: how long a node may stay silent before the other nodes drop its members from every room. */
    public Duration presenceTtl() {
        return presenceTtl;
    }

    /** Builds {@link ChatOptions}; not thread-safe. {@link #build()} checks the values. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = ChatServer.DEFAULT_PORT;
        private int historySize = 100;
        private int maxTextChars = 2000;
        private int maxFrameBytes = 64 << 10;
        private double messagesPerSecond = 5;
        private int burst = 20;
        private int floodStrikes = 20;
        private Set<String> allowedOrigins = Set.of();
        private Duration longPollTimeout = Duration.ofSeconds(25);
        private Optional<URI> broker = Optional.empty();
        private Duration presenceTtl = Duration.ofSeconds(10);

        private Builder() {
        }

        private Builder(ChatOptions o) {
            host = o.host;
            port = o.port;
            historySize = o.historySize;
            maxTextChars = o.maxTextChars;
            maxFrameBytes = o.maxFrameBytes;
            messagesPerSecond = o.messagesPerSecond;
            burst = o.burst;
            floodStrikes = o.floodStrikes;
            allowedOrigins = o.allowedOrigins;
            longPollTimeout = o.longPollTimeout;
            broker = o.broker;
            presenceTtl = o.presenceTtl;
        }

        /** See {@link ChatOptions#host()}; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** See {@link ChatOptions#port()}; default 8080. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** See {@link ChatOptions#historySize()}; default 100. */
        public Builder historySize(int messages) {
            this.historySize = messages;
            return this;
        }

        /** See {@link ChatOptions#maxTextChars()}; default 2,000. */
        public Builder maxTextChars(int chars) {
            this.maxTextChars = chars;
            return this;
        }

        /** See {@link ChatOptions#maxFrameBytes()}; default 64 KiB. */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        /** The rate limit: messages a second, burst, and strikes before the connection is closed. */
        public Builder rate(double messagesPerSecond, int burst, int floodStrikes) {
            this.messagesPerSecond = messagesPerSecond;
            this.burst = burst;
            this.floodStrikes = floodStrikes;
            return this;
        }

        /** See {@link ChatOptions#allowedOrigins()}; default none (same origin only). */
        public Builder allowedOrigins(Set<String> origins) {
            this.allowedOrigins = origins;
            return this;
        }

        /** See {@link ChatOptions#longPollTimeout()}; default 25 s. */
        public Builder longPollTimeout(Duration timeout) {
            this.longPollTimeout = timeout;
            return this;
        }

        /** Shares rooms with the other nodes on this broker ({@code nats://…} or {@code redis://…}). */
        public Builder broker(URI broker) {
            this.broker = Optional.of(broker);
            return this;
        }

        /** This process alone (the default). */
        public Builder noBroker() {
            this.broker = Optional.empty();
            return this;
        }

        /** See {@link ChatOptions#presenceTtl()}; default 10 s. */
        public Builder presenceTtl(Duration ttl) {
            this.presenceTtl = ttl;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException if a value is out of range
         * @throws NullPointerException     if a value is null
         */
        public ChatOptions build() {
            return new ChatOptions(this);
        }
    }
}
