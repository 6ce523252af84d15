package io.pado.runtime;

import java.nio.channels.SelectionKey;

/**
 * What an {@link EventLoop} drives: something registered with its selector. Called on the loop thread only. An
 * abstract class rather than an interface only to hold the loop's bookkeeping: {@link #dueIndex} and
 * {@link #ownedIndex}.
 */
abstract class LoopMember {
    /** This member's place in its loop's {@link DueQueue}, or -1 when it is not in it: the queue's to set. */
    int dueIndex = -1;
    /** This member's place among the links its loop owns, or -1 when it is not one of them: the loop's to set. */
    int ownedIndex = -1;

    /** The selector says the key is ready. */
    abstract void ready(SelectionKey key);

    /** Writes what was queued in this iteration, if anything was (the loop calls it for each member it marked). */
    void flushIfDirty() {
    }

    /** Applies what is due at {@code nowNanos}; returns the next deadline, or {@link Long#MAX_VALUE}. */
    long checkTimeouts(long nowNanos) {
        return Long.MAX_VALUE;
    }

    /** The loop is draining: start closing (1001). */
    void goAway() {
    }

    /** The loop is ending: drop everything now. */
    abstract void abort(Throwable cause);
}
