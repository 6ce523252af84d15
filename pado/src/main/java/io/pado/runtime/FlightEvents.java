package io.pado.runtime;

import java.net.InetSocketAddress;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * pado's events for JDK Flight Recorder, one per connection's milestone or back-pressure episode, never one per
 * message. Each is made only while a recording asks for it: the {@code isEnabled} check comes before any field is
 * filled, so that without a recording nothing is allocated. Thread-safe (each event is made and committed by one
 * thread).
 */
final class FlightEvents {
    private FlightEvents() {
    }

    /**
     * Loads the event classes now and returns them. Left to their first use, they could be loaded on a connection's
     * close path when the process is out of file descriptors and cannot open a class file (run from class folders).
     */
    static java.util.List<Class<?>> preload() {
        return java.util.List.of(Opened.class, Closed.class, Refused.class, SlowConsumerClosed.class,
                ReadPaused.class);
    }

    @Name("pado.WebSocketOpened")
    @Label("WebSocket Opened")
    @Category({"pado", "WebSocket"})
    @Description("The opening handshake succeeded: a WebSocket is open")
    static final class Opened extends Event {
        @Label("Endpoint")
        @Description("The endpoint's path (a server), or \"client\"")
        String endpoint;
        @Label("Remote Address")
        String remoteAddress;
    }

    @Name("pado.WebSocketClosed")
    @Label("WebSocket Closed")
    @Category({"pado", "WebSocket"})
    @Description("A WebSocket closed: the close code the application was told, and how long it was open")
    static final class Closed extends Event {
        @Label("Endpoint")
        String endpoint;
        @Label("Remote Address")
        String remoteAddress;
        @Label("Close Code")
        @Description("The peer's code, the code of a failure, 1005 for a Close without code, 1006 without a Close")
        int code;
        @Label("Reason")
        String reason;
        @Label("Open For")
        @Timespan(Timespan.NANOSECONDS)
        long openNanos;
    }

    @Name("pado.HandshakeRefused")
    @Label("Handshake Refused")
    @Category({"pado", "WebSocket"})
    @Description("An opening handshake failed: the HTTP status a server answered with, or a client was answered with")
    static final class Refused extends Event {
        @Label("Endpoint")
        @Description("The endpoint's path, \"server\" before a request reached one, or \"client\"")
        String endpoint;
        @Label("Remote Address")
        String remoteAddress;
        @Label("Status")
        int status;
        @Label("Reason")
        String reason;
    }

    @Name("pado.SlowConsumerClosed")
    @Label("Slow Consumer Closed")
    @Category({"pado", "WebSocket"})
    @Description("A peer read too slowly and was closed: by the write timeout or by the slow-consumer policy")
    static final class SlowConsumerClosed extends Event {
        @Label("Endpoint")
        String endpoint;
        @Label("Remote Address")
        String remoteAddress;
        @Label("Close Code")
        int code;
        @Label("Cause")
        String cause;
        @Label("Queued")
        @DataAmount
        long queuedBytes;
    }

    @Name("pado.ReadPaused")
    @Label("Reading Paused")
    @Category({"pado", "WebSocket"})
    @Description("A connection's reading was paused for back-pressure until it resumed: its output waited above the "
            + "high-water mark (the peer reads slowly), or its handlers fell behind")
    static final class ReadPaused extends Event {
        @Label("Remote Address")
        String remoteAddress;
        @Label("Reason")
        @Description("output or handlers")
        String reason;
    }

    static void opened(String endpoint, InetSocketAddress remote) {
        var e = new Opened();
        if (e.isEnabled()) {
            e.endpoint = endpoint;
            e.remoteAddress = String.valueOf(remote);
            e.commit();
        }
    }

    static void closed(String endpoint, InetSocketAddress remote, int code, String reason, long openNanos) {
        var e = new Closed();
        if (e.isEnabled()) {
            e.endpoint = endpoint;
            e.remoteAddress = String.valueOf(remote);
            e.code = code;
            e.reason = reason;
            e.openNanos = openNanos;
            e.commit();
        }
    }

    static void refused(String endpoint, InetSocketAddress remote, int status, String reason) {
        var e = new Refused();
        if (e.isEnabled()) {
            e.endpoint = endpoint;
            e.remoteAddress = String.valueOf(remote);
            e.status = status;
            e.reason = reason;
            e.commit();
        }
    }

    static void slowConsumerClosed(String endpoint, InetSocketAddress remote, int code, String cause,
            long queuedBytes) {
        var e = new SlowConsumerClosed();
        if (e.isEnabled()) {
            e.endpoint = endpoint;
            e.remoteAddress = String.valueOf(remote);
            e.code = code;
            e.cause = cause;
            e.queuedBytes = queuedBytes;
            e.commit();
        }
    }

    /** A back-pressure episode begins: the event to {@link #readResumed} at its end, or null if none is recorded. */
    static ReadPaused readPaused(InetSocketAddress remote, String reason) {
        var e = new ReadPaused();
        if (!e.isEnabled()) {
            return null;
        }
        e.remoteAddress = String.valueOf(remote);
        e.reason = reason;
        e.begin();
        return e;
    }

    /** The episode {@link #readPaused} began is over (null: none was recorded). */
    static void readResumed(ReadPaused episode) {
        if (episode != null) {
            episode.commit(); // commit ends it; a recording's threshold decides whether it is kept
        }
    }
}
