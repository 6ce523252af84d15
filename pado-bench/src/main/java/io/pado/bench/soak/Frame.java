package io.pado.bench.soak;

import java.nio.ByteBuffer;

/**
 * A server frame found in a buffer (RFC 6455 §5.2): its first byte, where its payload starts and how long it is.
 * Server frames are never masked (§5.1); a masked one is reported as such so that the caller can fail.
 */
record Frame(int firstByte, boolean masked, int payloadFrom, int length) {

    int opcode() {
        return firstByte & 0x0F;
    }

    boolean fin() {
        return (firstByte & 0x80) != 0;
    }

    boolean rsv1() {
        return (firstByte & 0x40) != 0;
    }

    int end() {
        return payloadFrom + length;
    }

    /** The close code of a Close frame, 1005 if it has none. */
    int closeCode(ByteBuffer buf) {
        return length >= 2 ? buf.getShort(payloadFrom) & 0xFFFF : 1005;
    }

    /**
     * The complete frame at {@code buf}'s position (read mode), or null if it is not all there yet. Does not move the
     * position.
     */
    static Frame parse(ByteBuffer buf) {
        int total = needed(buf);
        if (total < 0 || buf.remaining() < total) {
            return null;
        }
        int p = buf.position();
        int len7 = buf.get(p + 1) & 0x7F;
        int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
        boolean masked = (buf.get(p + 1) & 0x80) != 0;
        return new Frame(buf.get(p) & 0xFF, masked, p + header + (masked ? 4 : 0), total - header - (masked ? 4 : 0));
    }

    /** The size of the frame at {@code buf}'s position, or -1 while its header is incomplete. */
    static int needed(ByteBuffer buf) {
        int p = buf.position();
        if (buf.remaining() < 2) {
            return -1;
        }
        int len7 = buf.get(p + 1) & 0x7F;
        int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((buf.get(p + 1) & 0x80) != 0 ? 4 : 0);
        if (buf.remaining() < header) {
            return -1;
        }
        long length = len7 == 126 ? buf.getShort(p + 2) & 0xFFFF : len7 == 127 ? buf.getLong(p + 2) : len7;
        if (length > (64 << 20)) {
            throw new IllegalStateException("server frame of " + length + " bytes");
        }
        return header + (int) length;
    }
}
