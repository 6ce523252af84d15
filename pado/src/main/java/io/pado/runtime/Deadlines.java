package io.pado.runtime;

import io.pado.protocol.Connection;

/**
 * The timers of one connection, as plain numbers: when things happened, and from that, which timeout is due at a given
 * time and when the next one will be. It reads no clock: the time is always passed in, so every rule here is tested
 * with made-up times. Not thread-safe: the loop thread only.
 *
 * <ul>
 *   <li>The opening handshake must end within the handshake timeout; a server's plain HTTP connection waits at most
 *       the keep-alive time for its next request, and has no limit while the application prepares an answer.</li>
 *   <li>An open WebSocket silent for the ping interval is sent a Ping; if nothing at all arrives within the pong
 *       timeout after it, the peer is taken for dead. One silent for the idle timeout is closed.</li>
 *   <li>Output that has waited the write timeout with none of it taken means the peer does not read.</li>
 *   <li>After our Close (or, for a client, after both Closes, waiting for the server to close TCP) the close timeout
 *       runs; a socket asked to close once its output is written gets the same time to write it.</li>
 * </ul>
 */
final class Deadlines {
    /** What is due; the link acts on it. */
    enum Due { NOTHING, LINGER_OVER, HANDSHAKE_OVER, CLOSE_OVER, WRITE_OVER, PONG_OVER, SEND_PING, IDLE_OVER }

    static final long NEVER = Long.MAX_VALUE;

    private final LinkOptions options;
    private long openingDue;
    private long lastRead;
    private long pingSent;
    private boolean pingOutstanding;
    private long closingSince = NEVER;
    private long lingerDue = NEVER;

    Deadlines(LinkOptions options, long nowNanos) {
        this.options = options;
        this.openingDue = nowNanos + options.handshakeTimeoutNanos();
        this.lastRead = nowNanos;
    }

    /** Bytes arrived; they also answer an outstanding Ping, since they prove the peer is there. */
    void read(long nowNanos) {
        lastRead = nowNanos;
        pingOutstanding = false;
    }

    /**
     * We are not reading (handlers or output are behind): the peer's silence is ours, so it neither counts towards
     * the idle timeout nor leaves a Ping unanswered. A peer that is really gone meets the write timeout instead.
     */
    void notReading(long nowNanos) {
        read(nowNanos);
    }

    /** A request waits for the application's answer: no opening timeout meanwhile. */
    void awaitingAnswer() {
        openingDue = NEVER;
    }

    /** A plain HTTP answer went out and the connection stays: the next request has the keep-alive time to come. */
    void answered(long nowNanos) {
        openingDue = nowNanos + options.keepAliveNanos();
    }

    /** The WebSocket is open. */
    void opened(long nowNanos) {
        openingDue = NEVER;
        lastRead = nowNanos;
    }

    /** A wait for the closing handshake (or for the server's TCP close) started, unless one already had. */
    void closing(long nowNanos) {
        if (closingSince == NEVER) {
            closingSince = nowNanos;
        }
    }

    void pingSent(long nowNanos) {
        pingSent = nowNanos;
        pingOutstanding = true;
    }

    /** The socket closes once its output is written: it gets the close timeout to write it. */
    void linger(long nowNanos) {
        if (lingerDue == NEVER) {
            lingerDue = nowNanos + options.closeTimeoutNanos();
        }
    }

    /**
     * The first thing due at {@code nowNanos}, or {@link Due#NOTHING}.
     *
     * @param state          the engine's state
     * @param tcpCloseDue    whether the engine asked for TCP to be closed
     * @param writeWaitSince since when queued output has waited with none of it taken; {@link #NEVER} if none waits
     */
    Due due(long nowNanos, Connection.State state, boolean tcpCloseDue, long writeWaitSince) {
        if (passed(lingerDue, nowNanos)) {
            return Due.LINGER_OVER;
        }
        if (state == Connection.State.CONNECTING) {
            return passed(openingDue, nowNanos) ? Due.HANDSHAKE_OVER : Due.NOTHING;
        }
        if (awaitsClose(state, tcpCloseDue) && passed(closingSince + options.closeTimeoutNanos(), nowNanos)) {
            return Due.CLOSE_OVER;
        }
        if (options.writeTimeoutNanos() > 0 && writeWaitSince != NEVER
                && passed(writeWaitSince + options.writeTimeoutNanos(), nowNanos)) {
            return Due.WRITE_OVER;
        }
        if (state != Connection.State.OPEN) {
            return Due.NOTHING;
        }
        if (options.pingIntervalNanos() > 0) {
            if (pingOutstanding && passed(pingSent + options.pongTimeoutNanos(), nowNanos)) {
                return Due.PONG_OVER;
            }
            if (!pingOutstanding && passed(lastRead + options.pingIntervalNanos(), nowNanos)) {
                return Due.SEND_PING;
            }
        }
        if (options.idleTimeoutNanos() > 0 && passed(lastRead + options.idleTimeoutNanos(), nowNanos)) {
            return Due.IDLE_OVER;
        }
        return Due.NOTHING;
    }

    /** When {@link #due} will next have something to say, or {@link #NEVER}. */
    long next(Connection.State state, boolean tcpCloseDue, long writeWaitSince) {
        long next = lingerDue;
        if (state == Connection.State.CONNECTING) {
            return Math.min(next, openingDue);
        }
        if (awaitsClose(state, tcpCloseDue)) {
            next = Math.min(next, closingSince + options.closeTimeoutNanos());
        }
        if (options.writeTimeoutNanos() > 0 && writeWaitSince != NEVER) {
            next = Math.min(next, writeWaitSince + options.writeTimeoutNanos());
        }
        if (state == Connection.State.OPEN) {
            if (options.pingIntervalNanos() > 0) {
                next = Math.min(next, pingOutstanding ? pingSent + options.pongTimeoutNanos()
                        : lastRead + options.pingIntervalNanos());
            }
            if (options.idleTimeoutNanos() > 0) {
                next = Math.min(next, lastRead + options.idleTimeoutNanos());
            }
        }
        return next;
    }

    /** Waiting for the peer's Close, or (a client) for the server to close TCP after both Closes. */
    private boolean awaitsClose(Connection.State state, boolean tcpCloseDue) {
        return closingSince != NEVER && (state == Connection.State.LOCAL_CLOSING
                || state == Connection.State.CLOSED && !tcpCloseDue);
    }

    private static boolean passed(long deadline, long nowNanos) {
        return deadline != NEVER && nowNanos - deadline >= 0;
    }
}
