package io.pado.cluster;

import io.pado.WebSocket;

/**
 * A WebSocket in one topic on this node. Live, it gets each message in the topic's broadcast; behind (it just
 * joined, or its send queue was over the high-water mark), its own catch-up thread reads what it is owed from the
 * history and sends it, then makes it live again. Fields other than the finals are guarded by the topic's lock.
 */
final class Member {
    final WebSocket ws;
    final JoinOptions options;
    /** Whether the topic's broadcast includes it. */
    boolean live;
    /** Whether a catch-up thread runs for it (at most one). */
    boolean catching;
    /** The epoch {@code next} counts in; null until its start is resolved. */
    String epoch;
    /** The next offset it is owed; 0 until its start is resolved. */
    long next;
    /** A gap to tell it before anything else its catch-up sends; null if none. */
    Gap pendingGap;
    /**
     * Whether every message from {@code next} on is owed to it: it resumed, or it was live. A member that only asked
     * for the last few messages is not owed the ones already trimmed, so missing them is no gap.
     */
    boolean owed;
    /** Whether its greeting went out; written only by its catch-up thread. */
    boolean greeted;

    Member(WebSocket ws, JoinOptions options) {
        this.ws = ws;
        this.options = options;
        this.greeted = options.greeting().isEmpty();
    }
}
