package io.pado.protocol.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns UTF-8 that a {@link Utf8Validator} has already accepted into a {@code String}, in one pass and without checks.
 *
 * <p>Why not {@code new String(bytes, UTF_8)}: for text that is not Latin-1 it first tries a Latin-1 array, then
 * allocates two bytes per input byte and trims with a third copy (about four bytes allocated per input byte). Here
 * ASCII text is copied once (ISO-8859-1 is a plain copy), and other text is decoded into a reused {@code char[]} that
 * the {@code String} is then made from. That {@code char[]} belongs to the thread (an event loop serves thousands of
 * connections, which should not each keep one), and is kept only up to {@value #KEEP_CHARS} chars, so that a thread
 * that once decoded a big message does not hold it. Holds no state of its own.
 */
public final class Utf8Decoder {
    static final int KEEP_CHARS = 8192;
    private static final int FIRST_CHARS = 256;

    private static final ThreadLocal<char[][]> CHARS = ThreadLocal.withInitial(() -> new char[1][]);

    /**
     * Decodes the remaining bytes of {@code utf8}, which must be valid and complete UTF-8; its position does not move.
     *
     * @param ascii whether all the bytes are known to be ASCII ({@link Utf8Validator#isAscii()})
     */
    public String decode(ByteBuffer utf8, boolean ascii) {
        return decode(utf8, utf8.position(), utf8.limit(), ascii);
    }

    /**
     * Decodes bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code buf}, which must be valid and complete
     * UTF-8; the position does not move.
     */
    public String decode(ByteBuffer buf, int from, int to, boolean ascii) {
        if (buf.hasArray()) {
            return decode(buf.array(), buf.arrayOffset() + from, buf.arrayOffset() + to, ascii);
        }
        byte[] bytes = new byte[to - from];
        buf.get(from, bytes);
        return decode(bytes, 0, bytes.length, ascii);
    }

    /** Decodes bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code a}, valid and complete UTF-8. */
    public String decode(byte[] a, int from, int to, boolean ascii) {
        if (from == to) {
            return "";
        }
        if (ascii) {
            return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
        }
        // A UTF-8 sequence never has more chars than bytes (4 bytes give 2 chars)
        char[] out = charsFor(to - from);
        int n = 0;
        int i = from;
        while (i < to) {
            int b = a[i];
            if (b >= 0) {
                out[n++] = (char) b;
                i++;
            } else if (b < (byte) 0xE0) {
                out[n++] = (char) (((b & 0x1F) << 6) | (a[i + 1] & 0x3F));
                i += 2;
            } else if (b < (byte) 0xF0) {
                out[n++] = (char) (((b & 0x0F) << 12) | ((a[i + 1] & 0x3F) << 6) | (a[i + 2] & 0x3F));
                i += 3;
            } else {
                int cp = ((b & 0x07) << 18) | ((a[i + 1] & 0x3F) << 12) | ((a[i + 2] & 0x3F) << 6)
                        | (a[i + 3] & 0x3F);
                out[n++] = Character.highSurrogate(cp);
                out[n++] = Character.lowSurrogate(cp);
                i += 4;
            }
        }
        return new String(out, 0, n);
    }

    /** A scratch array of at least {@code needed} chars: the kept one, or a new one that is kept if small enough. */
    private static char[] charsFor(int needed) {
        char[][] slot = CHARS.get();
        char[] kept = slot[0];
        if (kept != null && kept.length >= needed) {
            return kept;
        }
        if (needed > KEEP_CHARS) {
            return new char[needed];
        }
        int grown = kept == null ? FIRST_CHARS : Math.min(KEEP_CHARS, kept.length * 2);
        slot[0] = new char[Math.max(needed, grown)];
        return slot[0];
    }
}
