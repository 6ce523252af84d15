package io.pado;

import java.util.function.Consumer;

/**
 * Told once how a send ended: the alternative to the futures the {@code send…} methods return, for code that sends
 * many messages and wants to allocate nothing per message (pass the same callback every time). It runs on the event
 * loop that owns the socket, so it must not block; an exception it throws is logged and otherwise ignored.
 *
 * {@snippet :
 * public void onBinary(WebSocket ws, ByteBuffer data) {
 *     ws.sendBinary(data, SendCallback.IGNORE); // a loop handler echoing: nothing allocated per message
 * }
 * }
 */
@FunctionalInterface
public interface SendCallback extends Consumer<Throwable> {
    /** For sends whose outcome nobody needs: a failed send still shows in the connection's close. */
    SendCallback IGNORE = failure -> {
    };

    /**
     * @param failure null when the bytes were written to the socket; otherwise why they were not, as the send's
     *                future would have failed: {@link ClosedException}, or an {@link java.io.IOException} when the
     *                send queue was full
     */
    void done(Throwable failure);

    /** Calls {@link #done}: the event loop keeps a callback as a plain {@code Consumer}, with no wrapper around it. */
    @Override
    default void accept(Throwable failure) {
        done(failure);
    }
}
