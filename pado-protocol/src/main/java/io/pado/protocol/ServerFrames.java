package io.pado.protocol;

import io.pado.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Messages encoded once as unmasked server frames, for {@link Connection#sendEncoded} to many connections (a
 * broadcast): each connection queues a duplicate of the same read-only buffer. Compressed ones come from
 * {@link PerMessageDeflate#encodeServerText}. Stateless.
 */
public final class ServerFrames {
    private ServerFrames() {
    }

    /** A text message already in UTF-8 (its remaining bytes; the position does not move) as one frame. */
    public static ByteBuffer textUtf8(ByteBuffer utf8) {
        return Outbound.serverFrame(0x80 | Opcode.TEXT, utf8);
    }

    /** A text message as one frame. */
    public static ByteBuffer text(CharSequence text) {
        return textUtf8(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** A binary message (its remaining bytes; the position does not move) as one frame. */
    public static ByteBuffer binary(ByteBuffer data) {
        return Outbound.serverFrame(0x80 | Opcode.BINARY, data);
    }
}
