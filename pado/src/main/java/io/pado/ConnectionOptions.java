package io.pado;

import io.pado.protocol.EngineOptions;
import io.pado.runtime.LinkOptions;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How one WebSocket connection behaves, on a server or a client alike: where its handler runs, the size limits, the
 * timeouts and keep-alive, the water marks of its send queue, compression and the slow-consumer policy. Part of
 * {@link ServerOptions} and {@link ClientOptions}; immutable, built with {@link #builder()} or changed with
 * {@link #toBuilder()}.
 *
 * {@snippet :
 * var options = ServerOptions.builder()
 *         .port(8080)
 *         .connection(c -> c.maxMessageBytes(16 << 20).idleTimeout(Duration.ofMinutes(5)))
 *         .build();
 * }
 *
 * <p>The defaults are safe for a public server: handlers on virtual threads, 1 MiB messages, a 10 s opening
 * handshake, no idle timeout, 5 s to close, a Ping after 30 s without input and 10 s for its answer, 30 s of write
 * timeout, water marks 64 KiB / 1 MiB, at most 32 MiB queued, no compression, {@link SlowConsumerPolicy#FAIL_SEND}.
 */
public final class ConnectionOptions {

    /** The defaults listed above. */
    public static final ConnectionOptions DEFAULT = builder().build();

    private final Dispatch dispatch;
    private final int maxFrameBytes;
    private final long maxMessageBytes;
    private final boolean partialMessages;
    private final Duration handshakeTimeout;
    private final Duration idleTimeout;
    private final Duration closeTimeout;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final Duration writeTimeout;
    private final long lowWaterBytes;
    private final long highWaterBytes;
    private final long maxQueuedBytes;
    private final Optional<Compression> compression;
    private final SlowConsumerPolicy slowConsumerPolicy;

    private ConnectionOptions(Builder b) {
        dispatch = Objects.requireNonNull(b.dispatch, "dispatch");
        maxMessageBytes = b.maxMessageBytes;
        partialMessages = b.partialMessages;
        maxFrameBytes = b.maxFrameBytes == 0 ? (int) Math.min(b.maxMessageBytes, Integer.MAX_VALUE) : b.maxFrameBytes;
        if (maxFrameBytes < 125 || maxMessageBytes < maxFrameBytes) {
            // Every control frame must fit in a frame (RFC 6455 §5.5)
            throw new IllegalArgumentException("need 125 <= maxFrameBytes <= maxMessageBytes: " + maxFrameBytes
                    + ", " + maxMessageBytes);
        }
        if (!partialMessages && maxMessageBytes > EngineOptions.MAX_WHOLE_MESSAGE_BYTES) {
            throw new IllegalArgumentException("a whole message is held in one array: maxMessageBytes above "
                    + EngineOptions.MAX_WHOLE_MESSAGE_BYTES + " needs partialMessages(true)");
        }
        handshakeTimeout = OptionChecks.requirePositive(b.handshakeTimeout, "handshakeTimeout");
        idleTimeout = OptionChecks.requireNotNegative(b.idleTimeout, "idleTimeout");
        closeTimeout = OptionChecks.requireNotNegative(b.closeTimeout, "closeTimeout");
        pingInterval = OptionChecks.requireNotNegative(b.pingInterval, "pingInterval");
        pongTimeout = OptionChecks.requirePositive(b.pongTimeout, "pongTimeout");
        writeTimeout = OptionChecks.requireNotNegative(b.writeTimeout, "writeTimeout");
        if (b.lowWaterBytes < 0 || b.highWaterBytes < b.lowWaterBytes || b.maxQueuedBytes < b.highWaterBytes) {
            throw new IllegalArgumentException("need 0 <= lowWaterBytes <= highWaterBytes <= maxQueuedBytes: "
                    + b.lowWaterBytes + ", " + b.highWaterBytes + ", " + b.maxQueuedBytes);
        }
        lowWaterBytes = b.lowWaterBytes;
        highWaterBytes = b.highWaterBytes;
        maxQueuedBytes = b.maxQueuedBytes;
        compression = Objects.requireNonNull(b.compression, "compression");
        slowConsumerPolicy = Objects.requireNonNull(b.slowConsumerPolicy, "slowConsumerPolicy");
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Where handler callbacks run; default {@link Dispatch#VIRTUAL_THREADS}. */
    public Dispatch dispatch() {
        return dispatch;
    }

    /** The largest frame payload accepted; a bigger one fails the connection with 1009. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * The largest message accepted, after decompression; a bigger one fails the connection with 1009. Whole messages
     * are held in memory, so without {@link #partialMessages()} this is at most about 2 GiB.
     */
    public long maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Whether received messages reach the handler in parts, as they arrive ({@link Handler#onTextPart},
     * {@link Handler#onBinaryPart}), instead of whole ({@link Handler#onText}, {@link Handler#onBinary}); for
     * messages too large to hold. Default false.
     */
    public boolean partialMessages() {
        return partialMessages;
    }

    /** How long the opening handshake may take, TLS and proxy included. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** A WebSocket that receives nothing for this long is closed with 1001; zero for never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * How long to wait for the peer's Close after sending ours, and for a client how long to wait for the server to
     * close TCP; then the connection is dropped and reported as 1006.
     */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** A WebSocket that has received nothing for this long is sent a Ping (RFC 6455 §5.5.2); zero for never. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /**
     * If nothing arrives this long after our Ping, the peer is taken for dead: Close 1001 "ping timeout" is sent
     * without waiting for the answer, and the handler gets {@code onClose(1001, "ping timeout")}.
     */
    public Duration pongTimeout() {
        return pongTimeout;
    }

    /**
     * When queued bytes have waited this long and the socket took none of them, the peer is not reading: the handler
     * gets {@code onClose(1008, "slow consumer")} and the connection is dropped (a Close could not get through).
     * Zero for never.
     */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /** Where a connection above the high-water mark becomes writable again, and reading resumes. */
    public long lowWaterBytes() {
        return lowWaterBytes;
    }

    /**
     * Above this many queued bytes a WebSocket is not {@linkplain WebSocket#isWritable() writable}; received data
     * waiting for a slow handler above this stops reading from the socket until it drains.
     */
    public long highWaterBytes() {
        return highWaterBytes;
    }

    /** A send that would queue more than this fails and queues nothing: the memory bound per connection. */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /** permessage-deflate (RFC 7692), if it is offered (client) or accepted (server); empty by default. */
    public Optional<Compression> compression() {
        return compression;
    }

    /** What a send does when the peer reads too slowly; default {@link SlowConsumerPolicy#FAIL_SEND}. */
    public SlowConsumerPolicy slowConsumerPolicy() {
        return slowConsumerPolicy;
    }

    /**
     * What the event loops need of these options, in their units, for heads and bodies of the given sizes and a plain
     * HTTP connection that waits {@code keepAliveNanos} for its next request.
     */
    LinkOptions linkOptions(int maxHeadBytes, int maxBodyBytes, long keepAliveNanos) {
        var settings = new EngineOptions(maxFrameBytes, maxMessageBytes, maxHeadBytes, maxBodyBytes,
                partialMessages ? EngineOptions.Delivery.PARTS : EngineOptions.Delivery.MESSAGES);
        return new LinkOptions(settings, handshakeTimeout.toNanos(), keepAliveNanos, idleTimeout.toNanos(),
                closeTimeout.toNanos(), lowWaterBytes, highWaterBytes, maxQueuedBytes, pingInterval.toNanos(),
                pongTimeout.toNanos(), writeTimeout.toNanos(),
                code -> new ClosedException(code, "WebSocket closed before the send"));
    }

    @Override
    public String toString() {
        return "ConnectionOptions[dispatch=" + dispatch + ", maxFrameBytes=" + maxFrameBytes + ", maxMessageBytes="
                + maxMessageBytes + ", partialMessages=" + partialMessages + ", handshakeTimeout=" + handshakeTimeout
                + ", idleTimeout=" + idleTimeout
                + ", closeTimeout=" + closeTimeout + ", pingInterval=" + pingInterval + ", pongTimeout=" + pongTimeout
                + ", writeTimeout=" + writeTimeout + ", lowWaterBytes=" + lowWaterBytes + ", highWaterBytes="
                + highWaterBytes + ", maxQueuedBytes=" + maxQueuedBytes + ", compression=" + compression
                + ", slowConsumerPolicy=" + slowConsumerPolicy + "]";
    }

    /** Builds {@link ConnectionOptions}; not thread-safe. {@link #build()} checks the values. */
    public static final class Builder {
        private Dispatch dispatch = Dispatch.VIRTUAL_THREADS;
        /** 0: the same as maxMessageBytes. */
        private int maxFrameBytes;
        private long maxMessageBytes = 1 << 20;
        private boolean partialMessages;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ZERO;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration pingInterval = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(10);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private long lowWaterBytes = 64 << 10;
        private long highWaterBytes = 1 << 20;
        private long maxQueuedBytes = 32 << 20;
        private Optional<Compression> compression = Optional.empty();
        private SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.FAIL_SEND;

        private Builder() {
        }

        private Builder(ConnectionOptions o) {
            dispatch = o.dispatch;
            maxFrameBytes = o.maxFrameBytes == Math.min(o.maxMessageBytes, Integer.MAX_VALUE) ? 0 : o.maxFrameBytes;
            maxMessageBytes = o.maxMessageBytes;
            partialMessages = o.partialMessages;
            handshakeTimeout = o.handshakeTimeout;
            idleTimeout = o.idleTimeout;
            closeTimeout = o.closeTimeout;
            pingInterval = o.pingInterval;
            pongTimeout = o.pongTimeout;
            writeTimeout = o.writeTimeout;
            lowWaterBytes = o.lowWaterBytes;
            highWaterBytes = o.highWaterBytes;
            maxQueuedBytes = o.maxQueuedBytes;
            compression = o.compression;
            slowConsumerPolicy = o.slowConsumerPolicy;
        }

        /** See {@link ConnectionOptions#dispatch()}. */
        public Builder dispatch(Dispatch dispatch) {
            this.dispatch = dispatch;
            return this;
        }

        /** See {@link ConnectionOptions#maxFrameBytes()}; by default the same as the message limit. */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        /** See {@link ConnectionOptions#maxMessageBytes()}; default 1 MiB. */
        public Builder maxMessageBytes(long bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** See {@link ConnectionOptions#partialMessages()}; default false. */
        public Builder partialMessages(boolean partialMessages) {
            this.partialMessages = partialMessages;
            return this;
        }

        /** See {@link ConnectionOptions#handshakeTimeout()}; default 10 s. */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /** See {@link ConnectionOptions#idleTimeout()}; default none. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** See {@link ConnectionOptions#closeTimeout()}; default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        /** See {@link ConnectionOptions#pingInterval()}; default 30 s, zero turns pings (and the pong timeout) off. */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = interval;
            return this;
        }

        /** See {@link ConnectionOptions#pongTimeout()}; default 10 s. */
        public Builder pongTimeout(Duration timeout) {
            this.pongTimeout = timeout;
            return this;
        }

        /** See {@link ConnectionOptions#writeTimeout()}; default 30 s. */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = timeout;
            return this;
        }

        /** See {@link ConnectionOptions#lowWaterBytes()} and {@link ConnectionOptions#highWaterBytes()}. */
        public Builder waterMarks(long lowWaterBytes, long highWaterBytes) {
            this.lowWaterBytes = lowWaterBytes;
            this.highWaterBytes = highWaterBytes;
            return this;
        }

        /** See {@link ConnectionOptions#maxQueuedBytes()}; default 32 MiB. */
        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = bytes;
            return this;
        }

        /** Offers (client) or accepts (server) permessage-deflate with these settings; see {@link Compression}. */
        public Builder compression(Compression compression) {
            this.compression = Optional.of(compression);
            return this;
        }

        /** No compression (the default). */
        public Builder noCompression() {
            this.compression = Optional.empty();
            return this;
        }

        /** See {@link ConnectionOptions#slowConsumerPolicy()}. */
        public Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
            this.slowConsumerPolicy = policy;
            return this;
        }

        /** Applies {@code changes} to this builder; returns it. */
        Builder apply(Consumer<Builder> changes) {
            changes.accept(this);
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException if a value is out of range: a frame limit under 125 or above the message
         *                                  limit, a message limit above about 2 GiB for whole messages, a negative
         *                                  duration (zero handshake or pong timeout), water marks
         *                                  out of order
         * @throws NullPointerException     if a value is null
         */
        public ConnectionOptions build() {
            return new ConnectionOptions(this);
        }
    }
}
