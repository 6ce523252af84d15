package io.pado.runtime;

import java.nio.channels.SelectionKey;

/**
 * What an {@link EventLoop} drives: something registered with its selector. Called on the loop thread only.
 */
interface LoopMember {

    /** The selector says the key is ready. */
    void ready(SelectionKey key);

    /** Writes what was queued in this iteration, if anything was (the loop calls it for each member it marked). */
    default void flushIfDirty() {
    }

    /** Applies what is due at {@code nowNanos}; returns the next deadline, or {@link Long#MAX_VALUE}. */
    default long checkTimeouts(long nowNanos) {
        return Long.MAX_VALUE;
    }

    /** The loop is draining: start closing (1001). */
    default void goAway() {
    }

    /** The loop is ending: drop everything now. */
    void abort(Throwable cause);
}
