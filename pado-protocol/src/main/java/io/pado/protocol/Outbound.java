package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.frame.FrameWriter;
import io.pado.protocol.frame.Masking;
import io.pado.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The sending half of a connection: turns messages into frames (RFC 6455 §5.2), masked with a fresh key per frame on
 * the client (§5.3), encoded by the negotiated extensions, and queues them with any other bytes to write. Knows
 * nothing of states: the {@link Connection} decides what may be sent. Not thread-safe.
 */
final class Outbound {
    /** Unmasked payloads up to this size are copied behind their header, so the frame is written as one buffer. */
    private static final int COPY_BELOW_BYTES = 4096;
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final IntSupplier maskKeys;
    private List<Extension> extensions = List.of();
    private FrameBuffers buffers = FrameBuffers.HEAP;
    /**
     * What waits to be written, oldest first: {@code first}, then {@code more}. Most sends make one buffer that the
     * caller takes at once, so the queue is made only when two wait together (a large frame's header and payload),
     * and an idle connection holds none.
     */
    private ByteBuffer first;
    private ArrayDeque<ByteBuffer> more;

    /** @param maskKeys the source of masking keys for a client; null for a server, which does not mask */
    Outbound(IntSupplier maskKeys) {
        this.maskKeys = maskKeys;
    }

    void useFrameBuffers(FrameBuffers buffers) {
        this.buffers = buffers;
    }

    /** The extensions that encode messages from now on, in the order they apply. */
    void useExtensions(List<Extension> extensions) {
        this.extensions = extensions;
    }

    List<Extension> extensions() {
        return extensions;
    }

    ByteBuffer poll() {
        ByteBuffer b = first;
        first = more == null ? null : more.poll();
        return b;
    }

    boolean isEmpty() {
        return first == null;
    }

    private void queue(ByteBuffer b) {
        if (first == null) {
            first = b;
            return;
        }
        if (more == null) {
            more = new ArrayDeque<>(3);
        }
        more.add(b);
    }

    /** Queues bytes that are not a frame: an HTTP head. */
    void raw(ByteBuffer bytes) {
        queue(bytes);
    }

    /** Queues a frame made once for many connections; a duplicate, so the frame itself is shared. */
    void encoded(ByteBuffer frame) {
        queue(frame.duplicate());
    }

    /** Queues a text message; returns its length in UTF-8. */
    int text(CharSequence text) {
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        if (extensions.isEmpty() && utf8.length < COPY_BELOW_BYTES) {
            boolean masked = maskKeys != null;
            // Short and uncompressed: one frame, the UTF-8 copied straight behind its header (no ByteBuffer between).
            // The JDK's encoder into an array and one bulk copy beat encoding char by char into the frame.
            int key = masked ? maskKeys.getAsInt() : 0;
            int headerBytes = FrameWriter.headerBytes(utf8.length, masked);
            ByteBuffer frame = buffers.take(headerBytes + utf8.length);
            FrameWriter.writeHeader(frame, 0x80 | Opcode.TEXT, utf8.length, masked, key);
            frame.put(headerBytes, utf8);
            if (masked) {
                Masking.mask(frame, headerBytes, headerBytes + utf8.length, key, 0);
            }
            queue(frame.position(0));
            return utf8.length;
        }
        message(Opcode.TEXT, ByteBuffer.wrap(utf8), false);
        return utf8.length;
    }

    /**
     * A binary message of {@code payload}'s remaining bytes; the position does not move. With {@code copy}, the bytes
     * are copied into the frame now; otherwise a large unmasked payload is queued as a slice of {@code payload}.
     * Returns the message's length.
     */
    int binary(ByteBuffer payload, boolean copy) {
        int bytes = payload.remaining();
        message(Opcode.BINARY, payload, copy);
        return bytes;
    }

    /** A Ping or Pong with {@code payload}'s remaining bytes (at most 125, checked by the caller). */
    void control(int opcode, ByteBuffer payload) {
        frame(0x80 | opcode, payload, payload.position(), payload.remaining(), false);
    }

    /** A Close; {@code code} -1 sends one without a status code. The reason is cut to 123 bytes. */
    void close(int code, String reason) {
        ByteBuffer payload;
        if (code < 0) {
            payload = ByteBuffer.allocate(0);
        } else {
            byte[] reasonBytes = truncateReason(reason);
            payload = ByteBuffer.allocate(2 + reasonBytes.length).putShort((short) code).put(reasonBytes).flip();
        }
        frame(0x80 | Opcode.CLOSE, payload, 0, payload.remaining(), false);
    }

    private void message(int opcode, ByteBuffer payload, boolean copy) {
        // Indexed: an iterator per message is an allocation the JIT does not always remove
        for (int i = 0; i < extensions.size(); i++) {
            Extension extension = extensions.get(i);
            int maxEncodedBytes = extension.maxEncodedBytes(payload.remaining());
            if (maxEncodedBytes < 0) {
                continue; // sent as it is
            }
            ByteBuffer encoded = buffers.take(maxEncodedBytes);
            try {
                if (extension.encode(payload, encoded)) {
                    encoded.flip();
                    // Copied into the frame, so that the buffer can go back at once
                    frame(0x80 | extension.rsvBits() | opcode, encoded, 0, encoded.limit(), true);
                    return;
                }
            } finally {
                buffers.giveBack(encoded);
            }
        }
        frame(0x80 | opcode, payload, payload.position(), payload.remaining(), copy);
    }

    /**
     * Queues a frame of bytes {@code from} to {@code from + length} of {@code payload}, whose position does not
     * move. A client's payload is masked while it is copied behind the header, in one pass; a server's big payload is
     * queued as a slice of {@code payload}, never copied, unless {@code copy}.
     */
    private void frame(int firstByte, ByteBuffer payload, int from, int length, boolean copy) {
        boolean masked = maskKeys != null;
        int headerBytes = FrameWriter.headerBytes(length, masked);
        if (masked || copy || length < COPY_BELOW_BYTES) {
            int key = masked ? maskKeys.getAsInt() : 0;
            ByteBuffer frame = buffers.take(headerBytes + length);
            FrameWriter.writeHeader(frame, firstByte, length, masked, key);
            Masking.maskedCopy(payload, from, length, frame, key);
            queue(frame.position(0));
        } else {
            ByteBuffer header = buffers.take(headerBytes);
            FrameWriter.writeHeader(header, firstByte, length, false, 0);
            queue(header.flip());
            queue(payload.slice(from, length));
        }
    }

    /** Gives back the queued buffers that will never be written. */
    void discard() {
        for (ByteBuffer b; (b = poll()) != null; ) {
            buffers.giveBack(b);
        }
    }

    /** An unmasked server frame of one whole message, in a new buffer: for many connections at once. */
    static ByteBuffer serverFrame(int firstByte, ByteBuffer payload) {
        int length = payload.remaining();
        ByteBuffer frame = ByteBuffer.allocate(FrameWriter.headerBytes(length, false) + length);
        FrameWriter.writeHeader(frame, firstByte, length, false, 0);
        frame.put(payload.duplicate());
        return frame.flip().asReadOnlyBuffer();
    }

    /** The reason's UTF-8 bytes, cut to 123 bytes on a character boundary (RFC 6455 §5.5: control payload ≤ 125). */
    static byte[] truncateReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return bytes;
        }
        int end = MAX_CLOSE_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(bytes, end);
    }
}
