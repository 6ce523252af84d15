package io.pado.jakarta;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A session's idle timeout ({@code Session.setMaxIdleTimeout}): when nothing was received or sent for that long, it
 * calls {@code onIdle} once, on the container's timer thread. One check is scheduled at a time, for when the
 * timeout could next have passed. Thread-safe: {@link #active()} is called by any sending or receiving thread.
 */
final class IdleTimer {
    private final ContainerSettings settings;
    private final BooleanSupplier open;
    private final Runnable onIdle;
    private final ReentrantLock lock = new ReentrantLock();
    /** Written under {@link #lock}, read by the timer thread. */
    private volatile long timeoutMillis;
    /** The last message in or out, in System.nanoTime(); written by any thread. */
    private volatile long lastActiveNanos = System.nanoTime();
    /** The next check, if any; under {@link #lock}. */
    private ScheduledFuture<?> check;
    /** Under {@link #lock}. */
    private boolean stopped;

    /**
     * @param open   whether the session is still open (no check once it is not)
     * @param onIdle what to do when the session has been idle for the timeout
     */
    IdleTimer(ContainerSettings settings, BooleanSupplier open, Runnable onIdle) {
        this.settings = settings;
        this.open = open;
        this.onIdle = onIdle;
    }

    /** A message came in or went out. */
    void active() {
        lastActiveNanos = System.nanoTime();
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    /** Sets the timeout, counted from the last activity; 0 or less for none. */
    void timeoutMillis(long milliseconds) {
        lock.lock();
        try {
            timeoutMillis = Math.max(0, milliseconds);
            cancel();
            if (timeoutMillis > 0 && !stopped) {
                check = settings.timer().schedule(this::check, timeoutMillis, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** No more checks: the session has ended. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            cancel();
        } finally {
            lock.unlock();
        }
    }

    /** On the timer thread: calls onIdle if the session has been idle long enough, else checks again later. */
    private void check() {
        long timeout = timeoutMillis;
        if (timeout <= 0 || !open.getAsBoolean()) {
            return;
        }
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActiveNanos);
        if (idleMillis >= timeout) {
            onIdle.run();
            return;
        }
        lock.lock();
        try {
            if (timeoutMillis == timeout && !stopped) {
                check = settings.timer().schedule(this::check, timeout - idleMillis, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
