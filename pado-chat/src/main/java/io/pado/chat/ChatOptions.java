package io.pado.chat;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The chat server's settings: where it listens, how much history a room keeps, and the limits each connection
 * lives under. Immutable; {@code withX(…)} returns a copy.
 *
 * @param host            the address to listen on ({@code 127.0.0.1} by default)
 * @param port            the port (0 picks a free one)
 * @param historySize     messages a room keeps and replays to whoever joins (also what pollers can catch up on)
 * @param maxTextChars    the longest chat message accepted; longer ones get a {@code too-big} error
 * @param maxFrameBytes   the biggest WebSocket message at all; a bigger one closes the connection with 1009
 * @param messagesPerSecond the sustained rate a connection may send (messages and typing notices)
 * @param burst           how many messages a connection may send at once above that rate
 * @param floodStrikes    rate-limited messages after which the connection is closed with 1008
 * @param allowedOrigins  browser origins allowed to open {@code /chat}; empty means same origin only
 * @param longPollTimeout how long a long-poll request is held when there is nothing new
 * @param redis           a Redis ({@code redis://127.0.0.1:6379}) that this node shares with other chat nodes: rooms'
 *                        messages go through it and their history is kept there; empty (the default) means this
 *                        process alone, history in memory
 * @param presenceTtl     with {@code redis}: how long a node may go without telling Redis it is alive before the
 *                        other nodes drop its members from every room (it says so every third of this)
 */
public record ChatOptions(String host, int port, int historySize, int maxTextChars, int maxFrameBytes,
        double messagesPerSecond, int burst, int floodStrikes, Set<String> allowedOrigins, Duration longPollTimeout,
        Optional<URI> redis, Duration presenceTtl) {

    public static final ChatOptions DEFAULT = new ChatOptions("127.0.0.1", 8080, 100, 2000, 64 << 10, 5, 20, 20,
            Set.of(), Duration.ofSeconds(25), Optional.empty(), Duration.ofSeconds(10));

    public ChatOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad port: " + port);
        }
        if (historySize < 1 || maxTextChars < 1 || maxFrameBytes < 125 || burst < 1 || floodStrikes < 1) {
            throw new IllegalArgumentException("bad limits: history " + historySize + ", text " + maxTextChars
                    + ", frame " + maxFrameBytes + ", burst " + burst + ", strikes " + floodStrikes);
        }
        if (!(messagesPerSecond > 0)) {
            throw new IllegalArgumentException("messagesPerSecond must be positive: " + messagesPerSecond);
        }
        allowedOrigins = Set.copyOf(allowedOrigins);
        Objects.requireNonNull(longPollTimeout, "longPollTimeout");
        if (longPollTimeout.isNegative() || longPollTimeout.isZero()) {
            throw new IllegalArgumentException("longPollTimeout must be positive: " + longPollTimeout);
        }
        Objects.requireNonNull(redis, "redis");
        redis.ifPresent(uri -> {
            if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not a redis://host:port address: " + uri);
            }
        });
        Objects.requireNonNull(presenceTtl, "presenceTtl");
        if (presenceTtl.toMillis() < 300) {
            throw new IllegalArgumentException("presenceTtl must be at least 300 ms: " + presenceTtl);
        }
    }

    public ChatOptions withHost(String host) {
        return new ChatOptions(host, port, historySize, maxTextChars, maxFrameBytes, messagesPerSecond, burst,
                floodStrikes, allowedOrigins, longPollTimeout, redis, presenceTtl);
    }

    public ChatOptions withPort(int port) {
        return new ChatOptions(host, port, historySize, maxTextChars, maxFrameBytes, messagesPerSecond, burst,
                floodStrikes, allowedOrigins, longPollTimeout, redis, presenceTtl);
    }

    public ChatOptions withHistorySize(int historySize) {
        return new ChatOptions(host, port, historySize, maxTextChars, maxFrameBytes, messagesPerSecond, burst,
                floodStrikes, allowedOrigins, longPollTimeout, redis, presenceTtl);
    }

    public ChatOptions withRate(double messagesPerSecond, int burst, int floodStrikes) {
        return new ChatOptions(host, port, historySize, maxTextChars, maxFrameBytes, messagesPerSecond, burst,
                floodStrikes, allowedOrigins, longPollTimeout, redis, presenceTtl);
    }

    public ChatOptions withAllowedOrigins(Set<String> allowedOrigins) {
        return new ChatOptions(host, port, historySize, maxTextChars, maxFrameBytes, messagesPerSecond, burst,
                floodStrikes, allowedOrigins, longPollTimeout, redis, presenceTtl);
    }

    public ChatOptions withLongPollTimeout(Duration longPollTimeout) {
        return new ChatOptions(host, port, historySize, maxTextChars, maxFrameBytes, messagesPerSecond, burst,
                floodStrikes, allowedOrigins, longPollTimeout, redis, presenceTtl);
    }

    /** Shares rooms with the other nodes on this Redis ({@code redis://host:port}). */
    public ChatOptions withRedis(URI redis) {
        return new ChatOptions(host, port, historySize, maxTextChars, maxFrameBytes, messagesPerSecond, burst,
                floodStrikes, allowedOrigins, longPollTimeout, Optional.of(redis), presenceTtl);
    }

    /** How long a silent node's members stay listed on the other nodes (with {@link #redis}). */
    public ChatOptions withPresenceTtl(Duration presenceTtl) {
        return new ChatOptions(host, port, historySize, maxTextChars, maxFrameBytes, messagesPerSecond, burst,
                floodStrikes, allowedOrigins, longPollTimeout, redis, presenceTtl);
    }
}
