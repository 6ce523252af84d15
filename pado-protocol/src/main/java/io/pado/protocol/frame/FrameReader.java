package io.pado.protocol.frame;

import io.pado.protocol.frame.CloseCode;
import io.pado.protocol.frame.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads frames from received bytes: first the header, then the payload in pieces that are unmasked in place and
 * handed out as slices of the input, so a payload is never copied here. Resumable at any byte: a header split over
 * several buffers is gathered in a 14-byte scratch array. Multi-byte fields are read in network byte order whatever
 * the order of the caller's buffer. Checks only what the header format itself requires; the protocol rules live in
 * the connection. Not thread-safe.
 */
public final class FrameReader {
    private static final int MAX_HEADER_BYTES = 14;

    private final byte[] scratch = new byte[MAX_HEADER_BYTES];
    private int scratchBytes;
    private boolean headerComplete;

    private boolean fin;
    private int rsv;
    private int opcode;
    private boolean masked;
    private int maskKey;
    private long payloadLength;
    private long payloadRead;

    /**
     * Reads header bytes from {@code in} until the header is complete. Moves {@code in}'s position past the header
     * bytes it consumes.
     *
     * @return whether the header is complete
     * @throws ProtocolException for a 64-bit length with its top bit set (RFC 6455 §5.2)
     */
    public boolean readHeader(ByteBuffer in) {
        if (headerComplete) {
            return true;
        }
        if (scratchBytes == 0 && in.remaining() >= 2) {
            int needed = headerBytes(in.get(in.position() + 1));
            if (in.remaining() >= needed) {
                parseHeader(in, in.position());
                in.position(in.position() + needed);
                return true;
            }
        }
        while (in.hasRemaining()) {
            scratch[scratchBytes++] = in.get();
            if (scratchBytes >= 2 && scratchBytes == headerBytes(scratch[1])) {
                parseHeader(ByteBuffer.wrap(scratch), 0);
                scratchBytes = 0;
                return true;
            }
        }
        return false;
    }

    private static int headerBytes(byte second) {
        int length7 = second & 0x7F;
        int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        int maskBytes = (second & 0x80) != 0 ? 4 : 0;
        return 2 + lengthBytes + maskBytes;
    }

    private void parseHeader(ByteBuffer buf, int at) {
        // RFC 6455 §5.2: lengths and the masking key are in network byte order; the caller's buffer may not be
        // (a header read whole from a little-endian buffer gave another length than the same header split: fuzz
        // finding)
        boolean swap = buf.order() != ByteOrder.BIG_ENDIAN;
        int b0 = buf.get(at) & 0xFF;
        int b1 = buf.get(at + 1) & 0xFF;
        fin = (b0 & 0x80) != 0;
        rsv = b0 & 0x70;
        opcode = b0 & 0x0F;
        masked = (b1 & 0x80) != 0;
        int length7 = b1 & 0x7F;
        int next = at + 2;
        if (length7 == 126) {
            short length16 = buf.getShort(next);
            payloadLength = (swap ? Short.reverseBytes(length16) : length16) & 0xFFFF;
            next += 2;
        } else if (length7 == 127) {
            long length64 = buf.getLong(next);
            payloadLength = swap ? Long.reverseBytes(length64) : length64;
            next += 8;
        } else {
            payloadLength = length7;
        }
        int key = masked ? buf.getInt(next) : 0;
        maskKey = swap ? Integer.reverseBytes(key) : key;
        payloadRead = 0;
        headerComplete = true;
        if (payloadLength < 0) {
            // RFC 6455 §5.2: the most significant bit of the 64-bit length MUST be 0
            throw new ProtocolException(CloseCode.PROTOCOL_ERROR, "invalid frame length");
        }
    }

    /**
     * Takes the next piece of the payload from {@code in}: as many bytes as are both available and still due. They
     * are unmasked in place and {@code in}'s position moves past them; returns how many there were, so the piece is
     * the bytes just before {@code in}'s new position. The caller slices it only where it must.
     */
    public int takePayload(ByteBuffer in) {
        int take = (int) Math.min(in.remaining(), payloadLength - payloadRead);
        int from = in.position();
        if (masked) {
            Masking.mask(in, from, from + take, maskKey, payloadRead);
        }
        in.position(from + take);
        payloadRead += take;
        return take;
    }

    /** Whether the whole payload of the current frame has been read. */
    public boolean payloadComplete() {
        return headerComplete && payloadRead == payloadLength;
    }

    /** Payload bytes of the current frame not read yet. */
    public long payloadRemaining() {
        return payloadLength - payloadRead;
    }

    /** Gets ready for the next frame. */
    public void nextFrame() {
        headerComplete = false;
    }

    public boolean fin() {
        return fin;
    }

    /** The RSV bits as they sit in the first header byte (0x40, 0x20, 0x10). */
    public int rsv() {
        return rsv;
    }

    public int opcode() {
        return opcode;
    }

    public boolean masked() {
        return masked;
    }

    public long payloadLength() {
        return payloadLength;
    }
}
