package io.pado.protocol.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Validates UTF-8 (RFC 3629) incrementally, so that a text message fails on its first invalid byte even when a code
 * point is split across frames or reads (RFC 6455 §8.1). Not thread-safe; one per connection.
 *
 * <p>The hot loop runs over a heap array with its state in local variables, written back once per call: ASCII runs
 * are checked eight bytes at a time and a multi-byte sequence that lies wholly inside the range is checked at once.
 * Only a sequence cut by the end of the range goes byte by byte through the stored state. Direct buffers are copied
 * into a small scratch array a chunk at a time and go through the same loop; the scratch array belongs to the thread,
 * not to the validator, so that ten thousand idle connections do not each hold one.
 */
public final class Utf8Validator {
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    /** Eight array bytes as one long; the byte order does not matter for testing the high bits. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final int CHUNK_BYTES = 1024;
    private static final ThreadLocal<byte[]> CHUNK = ThreadLocal.withInitial(() -> new byte[CHUNK_BYTES]);

    /** Continuation bytes still due for the current code point. */
    private int continuationsDue;
    /** Bytes of the current, unfinished code point seen so far. */
    private int pendingBytes;
    /** Bounds of the next continuation byte: narrower after E0, ED, F0, F4 (no overlongs, surrogates, > U+10FFFF). */
    private int nextLower = 0x80;
    private int nextUpper = 0xBF;
    /** Whether any byte since the last reset was not ASCII. */
    private boolean nonAscii;

    /**
     * Checks bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code buf}, absolute indexes; the buffer's
     * position does not move.
     *
     * @return the index of the first invalid byte, or -1 if all are valid so far
     */
    public int validate(ByteBuffer buf, int from, int to) {
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            int bad = validate(buf.array(), from + base, to + base);
            return bad < 0 ? -1 : bad - base;
        }
        byte[] chunk = CHUNK.get();
        for (int at = from; at < to; at += CHUNK_BYTES) {
            int n = Math.min(CHUNK_BYTES, to - at);
            buf.get(at, chunk, 0, n);
            int bad = validate(chunk, 0, n);
            if (bad >= 0) {
                return at + bad;
            }
        }
        return -1;
    }

    /**
     * Checks bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code a}.
     *
     * @return the index of the first invalid byte, or -1 if all are valid so far
     */
    public int validate(byte[] a, int from, int to) {
        int i = from;
        if (continuationsDue > 0) {
            i = continueSequence(a, i, to);
            if (i < 0 || continuationsDue > 0) {
                return i < 0 ? ~i : -1;
            }
        }
        boolean sawNonAscii = false;
        while (i < to) {
            int b = a[i];
            if (b >= 0) {
                i++;
                while (i + 8 <= to && ((long) LONGS.get(a, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                continue;
            }
            sawNonAscii = true;
            b &= 0xFF;
            int due;
            int lower = 0x80;
            int upper = 0xBF;
            if (b < 0xE0) {
                if (b < 0xC2) {
                    return fail(i);
                }
                due = 1;
            } else if (b < 0xF0) {
                due = 2;
                if (b == 0xE0) {
                    lower = 0xA0;
                } else if (b == 0xED) {
                    upper = 0x9F;
                }
            } else if (b <= 0xF4) {
                due = 3;
                if (b == 0xF0) {
                    lower = 0x90;
                } else if (b == 0xF4) {
                    upper = 0x8F;
                }
            } else {
                return fail(i);
            }
            if (i + due >= to) {
                // The sequence is cut by the end of the range: go on byte by byte, through the stored state
                nonAscii = true;
                continuationsDue = due;
                pendingBytes = 1;
                nextLower = lower;
                nextUpper = upper;
                int next = continueSequence(a, i + 1, to);
                return next < 0 ? ~next : -1;
            }
            int c = a[i + 1] & 0xFF;
            if (c < lower || c > upper) {
                return fail(i + 1);
            }
            for (int k = 2; k <= due; k++) {
                if ((a[i + k] & 0xC0) != 0x80) {
                    return fail(i + k);
                }
            }
            i += due + 1;
        }
        if (sawNonAscii) {
            nonAscii = true;
        }
        return -1;
    }

    /**
     * Takes the continuation bytes due from {@code i} on, byte by byte, updating the stored state.
     *
     * @return the index after the last byte taken, or the bitwise complement ({@code ~}) of the index of a bad byte
     */
    private int continueSequence(byte[] a, int i, int to) {
        int due = continuationsDue;
        int pending = pendingBytes;
        int lower = nextLower;
        int upper = nextUpper;
        while (due > 0 && i < to) {
            int b = a[i] & 0xFF;
            if (b < lower || b > upper) {
                return ~i;
            }
            lower = 0x80;
            upper = 0xBF;
            due--;
            pending++;
            i++;
        }
        continuationsDue = due;
        pendingBytes = due == 0 ? 0 : pending;
        nextLower = lower;
        nextUpper = upper;
        return i;
    }

    private int fail(int i) {
        nonAscii = true;
        return i;
    }

    /** Whether the bytes seen so far end on a code point boundary. */
    public boolean isComplete() {
        return continuationsDue == 0;
    }

    /** How many bytes at the end of what was seen belong to an unfinished code point (0 to 3). */
    public int pendingBytes() {
        return pendingBytes;
    }

    /** Whether every byte seen since the last reset was ASCII (then the bytes are also valid ISO-8859-1). */
    public boolean isAscii() {
        return !nonAscii;
    }

    /** Forgets all state, for the next message. */
    public void reset() {
        continuationsDue = 0;
        pendingBytes = 0;
        nextLower = 0x80;
        nextUpper = 0xBF;
        nonAscii = false;
    }
}
