package io.pado.protocol.message;

import java.nio.ByteBuffer;

/**
 * Validates UTF-8 (RFC 3629) incrementally, so that a text message fails on its first invalid byte even when a code
 * point is split across frames or reads (RFC 6455 §8.1). ASCII runs are checked eight bytes at a time. Not
 * thread-safe; one per connection.
 */
public final class Utf8Validator {
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    /** Continuation bytes still due for the current code point. */
    private int continuationsDue;
    /** Bytes of the current, unfinished code point seen so far. */
    private int pendingBytes;
    /** Bounds for the next continuation byte: narrower after E0, ED, F0 and F4 (no overlongs, surrogates, > U+10FFFF). */
    private int nextLower = 0x80;
    private int nextUpper = 0xBF;

    /**
     * Checks bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code buf}, absolute indexes; the buffer's
     * position does not move.
     *
     * @return the index of the first invalid byte, or -1 if all are valid so far
     */
    public int validate(ByteBuffer buf, int from, int to) {
        int i = from;
        while (i < to) {
            if (continuationsDue == 0) {
                while (i + 8 <= to && (buf.getLong(i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == to) {
                    break;
                }
            }
            int b = buf.get(i) & 0xFF;
            if (continuationsDue == 0) {
                if (b < 0x80) {
                    i++;
                    continue;
                }
                if (!startCodePoint(b)) {
                    return i;
                }
            } else {
                if (b < nextLower || b > nextUpper) {
                    return i;
                }
                nextLower = 0x80;
                nextUpper = 0xBF;
                continuationsDue--;
                pendingBytes = continuationsDue == 0 ? 0 : pendingBytes + 1;
            }
            i++;
        }
        return -1;
    }

    private boolean startCodePoint(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            continuationsDue = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            continuationsDue = 2;
            if (b == 0xE0) {
                nextLower = 0xA0;
            } else if (b == 0xED) {
                nextUpper = 0x9F;
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            continuationsDue = 3;
            if (b == 0xF0) {
                nextLower = 0x90;
            } else if (b == 0xF4) {
                nextUpper = 0x8F;
            }
        } else {
            return false;
        }
        pendingBytes = 1;
        return true;
    }

    /** Whether the bytes seen so far end on a code point boundary. */
    public boolean isComplete() {
        return continuationsDue == 0;
    }

    /** How many bytes at the end of what was seen belong to an unfinished code point (0 to 3). */
    public int pendingBytes() {
        return pendingBytes;
    }

    /** Forgets all state, for the next message. */
    public void reset() {
        continuationsDue = 0;
        pendingBytes = 0;
        nextLower = 0x80;
        nextUpper = 0xBF;
    }
}
