package io.pado.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a {@link Link} reads from and writes to: the socket itself ({@link PlainTransport}), TLS records over another
 * transport ({@link TlsTransport}), or a proxy's tunnel. Bytes here are the application's (HTTP and WebSocket
 * frames); a transport turns them into what goes on the wire. Transports stack: TLS over a tunnel over the socket.
 * The interface is all a link needs of what carries its bytes, so that a stream of another protocol (RFC 8441's
 * WebSocket over an HTTP/2 stream) could carry one. Not thread-safe: the owning loop thread only.
 */
public interface Transport {

    /**
     * Reads application bytes into {@code dst} (its position moves). Returns how many, 0 if none are ready yet, or -1
     * once the peer will send nothing more.
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes application bytes from {@code srcs[offset, offset + length)} (their positions move) and returns how many
     * were taken; 0 when the socket (or a TLS handshake that waits for the peer) takes none now.
     */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Whether the link should ask the selector for writability: {@code appQueued} says the link still holds
     * application bytes. A TLS handshake that waits for the peer's next message needs reads, not writes.
     */
    boolean wantsWritable(boolean appQueued);

    /** Whether, after a read, the link should try to write: a TLS read may produce handshake records or finish it. */
    boolean flushAfterRead(boolean appQueued);

    /** Whether input already read from the socket is waiting: the selector will not report it again. */
    boolean hasBufferedInput();

    /**
     * Ends our side in an orderly way before the socket is closed (TLS: a {@code close_notify} alert). Returns true
     * once nothing of it is left to write; otherwise call again when the socket is writable.
     */
    boolean finishOutput() throws IOException;

    /** The socket is closed: nothing more is read or written, and buffers borrowed go back where they came from. */
    default void closed() {
    }
}
