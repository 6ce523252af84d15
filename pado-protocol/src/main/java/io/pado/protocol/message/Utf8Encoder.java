package io.pado.protocol.message;

import java.nio.ByteBuffer;

/**
 * Writes text as UTF-8 straight into a buffer, so that a short message can be encoded behind its frame header without
 * an intermediate {@code byte[]}. The bytes are exactly those of {@code String.getBytes(UTF_8)}: an unpaired surrogate
 * becomes {@code '?'}.
 */
public final class Utf8Encoder {
    private Utf8Encoder() {
    }

    /** How many bytes {@link #encode} writes for {@code text}. */
    public static int encodedLength(CharSequence text) {
        int n = text.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 2; // four bytes for two chars
                i++;
            } else if (Character.isSurrogate(c)) {
                continue; // unpaired: one '?'
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    /**
     * Writes {@code text} as UTF-8 into {@code out} from index {@code at} (absolute; the position does not move),
     * heap or direct alike and without any buffer in between; returns the index after the last byte.
     */
    public static int encode(CharSequence text, ByteBuffer out, int at) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out.put(at++, (byte) c);
            } else if (c < 0x800) {
                out.put(at++, (byte) (0xC0 | (c >> 6)));
                out.put(at++, (byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                out.put(at++, (byte) (0xF0 | (cp >> 18)));
                out.put(at++, (byte) (0x80 | ((cp >> 12) & 0x3F)));
                out.put(at++, (byte) (0x80 | ((cp >> 6) & 0x3F)));
                out.put(at++, (byte) (0x80 | (cp & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                out.put(at++, (byte) '?');
            } else {
                out.put(at++, (byte) (0xE0 | (c >> 12)));
                out.put(at++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                out.put(at++, (byte) (0x80 | (c & 0x3F)));
            }
        }
        return at;
    }
}
