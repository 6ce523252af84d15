package io.pado.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A send waiting for its bytes to be written: it completes when the link's written total reaches {@code mark}. Nodes
 * form a link's queue and are reused through their loop's free list ({@link EventLoop#takePendingSend()}), so a
 * steady stream of sends allocates none. Loop thread only.
 */
final class PendingSend {
    /** {@link #messageBytes} of a Ping or a Pong: no message, but a lost send if it fails. */
    static final int CONTROL_FRAME = -1;
    /** {@link #messageBytes} of the application's Close: neither a message nor a lost send. */
    static final int CLOSE_FRAME = -2;

    long mark;
    long countedBytes;
    /** The message's payload bytes (before compression), counted once written; or one of the values above. */
    int messageBytes;
    /** Null for a send nobody waits on (a broadcast) or one told through {@code callback}. */
    CompletableFuture<Void> future;
    /** Null unless the send was made with a callback: told null once written, or the failure. */
    Consumer<Throwable> callback;
    PendingSend next;
}
