package io.pado.runtime;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What happened on the connections of one scope: one endpoint of a server, what a server does before a request
 * reaches an endpoint (refusals, TLS), or a client. Counts only grow; two of them are gauges: connections open and
 * bytes queued. The classes of each connection hold its scope's counters and add to them directly, the messages of a
 * read and the sends of a write together: a few {@link LongAdder} increments per read and per write, nothing
 * allocated, no lookup. Whoever wants the numbers reads them.
 *
 * <p>Besides counting: every lost send (failed or dropped) is also logged, one WARNING per scope a minute at most,
 * and the milestones of a connection go to JDK Flight Recorder ({@link FlightEvents}). Thread-safe: loops, handler
 * threads and application threads add, any thread reads.
 */
public final class Counters {
    private static final System.Logger LOG = System.getLogger(Counters.class.getName());
    private static final long LOSS_LINE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    static {
        FlightEvents.preload();
    }

    /** The endpoint's path, {@code server} or {@code client}: for log lines and recorded events. */
    private final String scope;
    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final CodeCounts refusals = new CodeCounts();
    private final CodeCounts closeCodes = new CodeCounts();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder sendsFailed = new LongAdder();
    private final LongAdder sendsDropped = new LongAdder();
    private final LongAdder slowConsumersClosed = new LongAdder();
    private final LongAdder queuedBytes = new LongAdder();
    private final LongAdder tlsHandshakes = new LongAdder();
    private final LongAdder tlsFailures = new LongAdder();

    /** When the last loss line was written (nanoTime); taken by compare-and-set so that one thread writes it. */
    private final AtomicLong lossLineAt = new AtomicLong(System.nanoTime() - LOSS_LINE_EVERY_NANOS);
    private final ReentrantLock lossLine = new ReentrantLock();
    // Guarded by lossLine: the totals the last line reported.
    private long failedReported;
    private long droppedReported;

    /** @param scope the endpoint's path, {@code server} or {@code client} */
    public Counters(String scope) {
        this.scope = scope;
    }

    public String scope() {
        return scope;
    }

    // ------------------------------------------------------------------------------------------------- adding

    /** A WebSocket opened (its opening handshake was accepted). */
    public void opened(InetSocketAddress remote) {
        opened.increment();
        FlightEvents.opened(scope, remote);
    }

    /** A WebSocket that {@link #opened} is closed, with the code and reason its handler was told. */
    public void closed(InetSocketAddress remote, int code, String reason, long openNanos) {
        // The code first: whoever sees the connection counted as closed sees its code too
        closeCodes.increment(code);
        closed.increment();
        FlightEvents.closed(scope, remote, code, reason, openNanos);
    }

    /** An opening handshake failed with this HTTP status: refused by this server, or answered so to this client. */
    public void refused(InetSocketAddress remote, int status, String reason) {
        refusals.increment(status);
        FlightEvents.refused(scope, remote, status, reason);
    }

    /** {@code messages} whole messages, and {@code bytes} of message payload (after inflating), were received. */
    public void received(long messages, long bytes) {
        messagesReceived.add(messages);
        bytesReceived.add(bytes);
    }

    /** {@code messages} messages of {@code bytes} in all (before compression) were written to the socket. */
    void sent(long messages, long bytes) {
        messagesSent.add(messages);
        bytesSent.add(bytes);
    }

    /** A send (a message, a Ping or a Pong) failed: refused, or never written before the connection ended. */
    public void sendFailed() {
        sendsFailed.increment();
        lost();
    }

    /** A send was dropped by the slow-consumer policy (DROP), or a broadcast skipped a connection too far behind. */
    public void sendDropped() {
        sendsDropped.increment();
        lost();
    }

    /** A peer that read too slowly was closed with {@code code}: by the write timeout, or by the policy. */
    public void slowConsumerClosed(InetSocketAddress remote, int code, String cause, long queued) {
        slowConsumersClosed.increment();
        FlightEvents.slowConsumerClosed(scope, remote, code, cause, queued);
    }

    /** The bytes that sends counted, that a loop holds and the socket has not taken yet, changed by {@code delta}. */
    void queued(long delta) {
        queuedBytes.add(delta);
    }

    void tlsHandshakeCompleted() {
        tlsHandshakes.increment();
    }

    void tlsHandshakeFailed() {
        tlsFailures.increment();
    }

    // ---------------------------------------------------------------------------------------------- reading

    public long connectionsOpened() {
        return opened.sum();
    }

    public long connectionsClosed() {
        return closed.sum();
    }

    public long refusals() {
        return refusals.total();
    }

    public long refusals(int status) {
        return refusals.get(status);
    }

    public Map<Integer, Long> refusalsByStatus() {
        return refusals.snapshot();
    }

    public long closes(int code) {
        return closeCodes.get(code);
    }

    public Map<Integer, Long> closesByCode() {
        return closeCodes.snapshot();
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long messagesSent() {
        return messagesSent.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long sendsFailed() {
        return sendsFailed.sum();
    }

    public long sendsDropped() {
        return sendsDropped.sum();
    }

    public long slowConsumersClosed() {
        return slowConsumersClosed.sum();
    }

    public long queuedBytes() {
        return queuedBytes.sum();
    }

    public long tlsHandshakesCompleted() {
        return tlsHandshakes.sum();
    }

    public long tlsHandshakesFailed() {
        return tlsFailures.sum();
    }

    // ------------------------------------------------------------------------------------------ the loss log

    /** A send was lost: a line now if none was written this last minute. */
    private void lost() {
        long now = System.nanoTime();
        long last = lossLineAt.get();
        if (now - last >= LOSS_LINE_EVERY_NANOS && lossLineAt.compareAndSet(last, now)) {
            logLosses();
        }
    }

    /**
     * Logs the sends lost since the last line, if any: the count, and what the application can do about it. Called
     * at most once a minute as sends are lost, and when the server or client stops, so that none go unreported.
     */
    public void logLosses() {
        lossLine.lock();
        try {
            long failed = sendsFailed.sum();
            long dropped = sendsDropped.sum();
            if (failed == failedReported && dropped == droppedReported) {
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} sends failed and {2} were dropped since the last such "
                    + "line ({3} and {4} in all): peers read too slowly, or had closed. A send''s future (or "
                    + "SendCallback) tells whether its message was written; whenWritable() and awaitWritable() wait "
                    + "until there is room. See the user guide, \"When a send fails\".", scope,
                    failed - failedReported, dropped - droppedReported, failed, dropped);
            failedReported = failed;
            droppedReported = dropped;
        } finally {
            lossLine.unlock();
        }
    }

    @Override
    public String toString() {
        return "Counters[" + scope + "]";
    }
}
