package io.pado.cli;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What {@code pado connect} has sent and received, so that the end of stdin can wait for the replies still coming
 * before the closing handshake starts: some servers stop sending once they have a Close (python-websockets does), so
 * a Close sent at once would cut those replies off. The wait ends when as many messages arrived as were sent, when
 * the connection ended, or when nothing happened (no message arrived, no send was written) for the linger time.
 * Thread-safe: the stdin thread sends and waits, handler threads count replies, the event loop completes sends.
 */
final class Replies {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long sent;
    private long received;
    private long lastActivityNanos = System.nanoTime();
    private boolean ended;

    /** A message was handed to the WebSocket. */
    void sent() {
        lock.lock();
        try {
            sent++;
        } finally {
            lock.unlock();
        }
    }

    /** A message handed over earlier was written ({@code failed} false), or will never be ({@code failed} true). */
    void sendDone(boolean failed) {
        lock.lock();
        try {
            if (failed) {
                sent--;
            }
            activity();
        } finally {
            lock.unlock();
        }
    }

    /** A text or binary message arrived. */
    void received() {
        lock.lock();
        try {
            received++;
            activity();
        } finally {
            lock.unlock();
        }
    }

    /** The connection closed: nothing more will come. */
    void ended() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many sent messages have had no reply yet (0 if more replies came than messages were sent). */
    long missing() {
        lock.lock();
        try {
            return Math.max(0, sent - received);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until a reply has come for every message sent, the connection has ended, or {@code quiet} has passed
     * since the later of this call and the last activity. Returns whether every reply came.
     */
    boolean await(Duration quiet) throws InterruptedException {
        long quietNanos = quiet.toNanos();
        lock.lock();
        try {
            activity(); // the quiet time starts no earlier than now
            while (!ended && received < sent) {
                long left = lastActivityNanos + quietNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return received >= sent;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private void activity() {
        lastActivityNanos = System.nanoTime();
        changed.signalAll();
    }
}
