package io.pado;

import io.pado.protocol.PerMessageDeflate;
import io.pado.runtime.Counters;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What a {@link Server}, one of its endpoints, or a {@link Client} has done: connections, handshakes refused, messages
 * and bytes each way, sends lost, slow consumers closed, close codes, bytes waiting to be written, TLS handshakes and
 * compression. Get one from {@link Server#metrics()}, {@link Server#endpointMetrics()} or {@link Client#metrics()}.
 *
 * <p><b>Model.</b> pado counts; you read. The counts live with the connections (a few counter increments per read
 * and per write, nothing allocated) and this object reads them when asked: it is a live view, not a snapshot, so keep
 * it and read it as often as a dashboard or a registry scrapes (the {@code pado-micrometer} module does that for
 * Micrometer).
 * Counts only grow, from the server's or client's creation on; {@link #connectionsOpen()} and {@link #queuedBytes()}
 * are gauges, which go up and down.
 *
 * <p><b>Scopes.</b> An endpoint's metrics count its own connections, by the endpoint's path (a template such as
 * {@code /rooms/{room}} counts all the rooms together); an endpoint added again at the same path goes on with the same
 * counts. A server's metrics add up its endpoints and what belongs to none of them: handshakes refused before a
 * request reached an endpoint (404, 503 over the handshake rate, malformed requests), TLS handshakes and
 * compression, which are counted for the whole server only (0 in an endpoint's metrics). A client's metrics count all
 * of its connections.
 *
 * <p><b>Threads.</b> Thread-safe; every method may be called from any thread, at any time. Each value is a statistic
 * read without a lock: it may lag what is happening at this moment, and two values read one after the other are not
 * from the same instant. Once the traffic has stopped they are exact.
 *
 * {@snippet :
 * Metrics metrics = server.metrics();
 * System.out.printf("%d open, %d messages in, %d out, %d sends lost%n", metrics.connectionsOpen(),
 *         metrics.messagesReceived(), metrics.messagesSent(), metrics.sendsFailed() + metrics.sendsDropped());
 * }
 */
public final class Metrics {
    private final Counters own;
    /** More scopes counted in, read at each call: a server's endpoints. */
    private final Collection<Counters> others;
    /** The compression of the whole server or client; null for an endpoint, or without compression. */
    private final PerMessageDeflate compression;

    Metrics(Counters own, Collection<Counters> others, PerMessageDeflate compression) {
        this.own = Objects.requireNonNull(own, "own");
        this.others = Objects.requireNonNull(others, "others");
        this.compression = compression;
    }

    private long sum(ToLongFunction<Counters> count) {
        long total = count.applyAsLong(own);
        for (Counters c : others) {
            total += count.applyAsLong(c);
        }
        return total;
    }

    private Map<Integer, Long> merged(Function<Counters, Map<Integer, Long>> counts) {
        var all = new TreeMap<>(counts.apply(own));
        for (Counters c : others) {
            counts.apply(c).forEach((code, n) -> all.merge(code, n, Long::sum));
        }
        return all;
    }

    // ------------------------------------------------------------------------------------------- connections

    /**
     * A gauge: the WebSockets open now, from the accepted opening handshake until the application was told of the
     * close ({@link Handler#onClose}).
     */
    public long connectionsOpen() {
        return sum(Counters::connectionsOpened) - sum(Counters::connectionsClosed);
    }

    /** The WebSockets opened so far: opening handshakes accepted (server) or answered with 101 (client). */
    public long connectionsOpened() {
        return sum(Counters::connectionsOpened);
    }

    /**
     * The opening handshakes that failed. A server counts the requests it refused, each with the HTTP status it
     * answered (400, 403, 404, 426, 431, 503, or what an {@link Endpoint.UpgradeCheck} chose); a client counts the
     * refusals it received, with the server's status, and answers that broke RFC 6455 with status 0.
     */
    public long handshakesRefused() {
        return sum(Counters::refusals);
    }

    /** The opening handshakes that failed with {@code status}; see {@link #handshakesRefused()}. */
    public long handshakesRefused(int status) {
        return sum(c -> c.refusals(status));
    }

    /** The failed opening handshakes by HTTP status, in status order; a copy. See {@link #handshakesRefused()}. */
    public Map<Integer, Long> handshakesRefusedByStatus() {
        return merged(Counters::refusalsByStatus);
    }

    /**
     * How many WebSockets closed with {@code code}: the code the application was told in {@link Handler#onClose},
     * which is the peer's (1000, 1001, an application's 4000…), the one pado closed with (1008 for a slow consumer or
     * a policy, 1009 for a message too big, 1011 when a handler threw), 1005 for a Close without code, or 1006 when the
     * connection ended without a Close.
     */
    public long closes(int code) {
        return sum(c -> c.closes(code));
    }

    /** The closes by code, in code order; a copy. See {@link #closes(int)}. */
    public Map<Integer, Long> closesByCode() {
        return merged(Counters::closesByCode);
    }

    // ---------------------------------------------------------------------------------------------- messages

    /**
     * The text and binary messages received and handed to the handlers; a message in parts counts once. The messages
     * of one read are counted together once they are handed over, so a handler sees the count of earlier reads.
     */
    public long messagesReceived() {
        return sum(Counters::messagesReceived);
    }

    /** The payload bytes of the messages received: UTF-8 bytes for text, after inflating if they were compressed. */
    public long bytesReceived() {
        return sum(Counters::bytesReceived);
    }

    /**
     * The text and binary messages sent and written to the socket, broadcasts included (one per connection reached);
     * counted once written, so a send whose future has completed normally is in this count.
     */
    public long messagesSent() {
        return sum(Counters::messagesSent);
    }

    /** The payload bytes of {@link #messagesSent()}: UTF-8 bytes for text, before compression. */
    public long bytesSent() {
        return sum(Counters::bytesSent);
    }

    /**
     * The sends (messages, Pings and Pongs) that failed, whether or not anyone looked at their future: refused
     * because the WebSocket was closed or closing, refused by the {@link SlowConsumerPolicy} ({@code FAIL_SEND},
     * {@code BLOCK} past its limit, {@code CLOSE_*}), or queued and never written before the connection ended. A
     * broadcast to a closed connection counts too. Lost sends are also logged, as a WARNING at most once a minute per
     * endpoint (and per client), with how many since the last line.
     */
    public long sendsFailed() {
        return sum(Counters::sendsFailed);
    }

    /**
     * The messages dropped on purpose: by {@link SlowConsumerPolicy#DROP} (the future fails with
     * {@link MessageDroppedException}), and the broadcasts that skipped a connection whose queue was full.
     */
    public long sendsDropped() {
        return sum(Counters::sendsDropped);
    }

    /**
     * The peers closed for reading too slowly: by the write timeout (1008) or by a {@code CLOSE_*}
     * {@link SlowConsumerPolicy} (1008 or 1013).
     */
    public long slowConsumersClosed() {
        return sum(Counters::slowConsumersClosed);
    }

    /**
     * A gauge: the bytes queued by sends and not yet written, over all the connections (each send counts its payload
     * and its frame header, as {@link WebSocket#queuedBytes()} does). A connection's share is brought up to date each
     * time its event loop writes to it, so a send made off the loop counts here once the loop has taken it.
     */
    public long queuedBytes() {
        return sum(Counters::queuedBytes);
    }

    // ----------------------------------------------------------------------------------- TLS and compression

    /** The TLS handshakes that finished (wss://). Whole server or client only: 0 for an endpoint. */
    public long tlsHandshakesCompleted() {
        return sum(Counters::tlsHandshakesCompleted);
    }

    /**
     * The TLS handshakes that failed: the TLS engine gave up (an untrusted certificate, a protocol no side shares,
     * bytes that are not TLS) or the peer closed the connection before the end. One that timed out (see
     * {@link ConnectionOptions#handshakeTimeout()}) is counted by neither this nor {@link #tlsHandshakesCompleted()}.
     * Whole server or client only.
     */
    public long tlsHandshakesFailed() {
        return sum(Counters::tlsHandshakesFailed);
    }

    /**
     * permessage-deflate (RFC 7692): the message bytes given to the compressor, whose output is
     * {@link #deflateOutputBytes()}. A broadcast is compressed once, however many connections it goes to. Whole server
     * or client only; 0 without {@link Compression}.
     */
    public long deflateInputBytes() {
        return compression == null ? 0 : compression.deflateInputBytes();
    }

    /** permessage-deflate: the compressed payload bytes the compressor made of {@link #deflateInputBytes()}. */
    public long deflateOutputBytes() {
        return compression == null ? 0 : compression.deflateOutputBytes();
    }

    /** permessage-deflate: the compressed payload bytes received and given to the decompressor. */
    public long inflateInputBytes() {
        return compression == null ? 0 : compression.inflateInputBytes();
    }

    /** permessage-deflate: the message bytes the decompressor made of {@link #inflateInputBytes()}. */
    public long inflateOutputBytes() {
        return compression == null ? 0 : compression.inflateOutputBytes();
    }

    /** A one-line summary, for logs. */
    @Override
    public String toString() {
        return "Metrics[open=" + connectionsOpen() + ", opened=" + connectionsOpened() + ", refused="
                + handshakesRefused() + ", received=" + messagesReceived() + " (" + bytesReceived() + " B), sent="
                + messagesSent() + " (" + bytesSent() + " B), failed=" + sendsFailed() + ", dropped=" + sendsDropped()
                + ", slowConsumersClosed=" + slowConsumersClosed() + ", queued=" + queuedBytes() + " B]";
    }
}
