package io.pado.protocol.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes frame headers (RFC 6455 §5.2). Stateless. */
public final class FrameWriter {

    private FrameWriter() {
    }

    /** The number of header bytes a frame with this payload length needs. */
    public static int headerBytes(long payloadLength, boolean masked) {
        int lengthBytes = payloadLength <= 125 ? 0 : payloadLength <= 0xFFFF ? 2 : 8;
        return 2 + lengthBytes + (masked ? 4 : 0);
    }

    /**
     * Puts a frame header at {@code out}'s position, moving it. With {@code masked}, the key follows the length.
     * Lengths and the key go in network byte order whatever {@code out}'s order (RFC 6455 §5.2).
     *
     * @param firstByte FIN, RSV bits and opcode, as in the first header byte
     */
    public static void writeHeader(ByteBuffer out, int firstByte, long payloadLength, boolean masked, int maskKey) {
        // The caller's buffer may be little-endian: swap so the wire gets network byte order
        boolean swap = out.order() != ByteOrder.BIG_ENDIAN;
        out.put((byte) firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (payloadLength <= 125) {
            out.put((byte) (maskBit | payloadLength));
        } else if (payloadLength <= 0xFFFF) {
            out.put((byte) (maskBit | 126));
            out.putShort(swap ? Short.reverseBytes((short) payloadLength) : (short) payloadLength);
        } else {
            out.put((byte) (maskBit | 127));
            out.putLong(swap ? Long.reverseBytes(payloadLength) : payloadLength);
        }
        if (masked) {
            out.putInt(swap ? Integer.reverseBytes(maskKey) : maskKey);
        }
    }
}
