package io.pado.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helper: feeds bytes to an incremental head parser whole, a byte at a time, or cut at random places. */
final class Chunks {

    /** A parser's {@code parse} method. */
    interface Parse<T> {
        T parse(ByteBuffer in) throws HandshakeException;
    }

    /** What the parser returned, and the bytes it left unread after the head. */
    record Outcome<T>(T head, String leftover) {
    }

    private Chunks() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static <T> Outcome<T> whole(Parse<T> parser, String data) throws HandshakeException {
        return feed(parser, ascii(data), new int[0]);
    }

    static <T> Outcome<T> byteByByte(Parse<T> parser, String data) throws HandshakeException {
        byte[] bytes = ascii(data);
        int[] cuts = new int[Math.max(0, bytes.length - 1)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return feed(parser, bytes, cuts);
    }

    /** Cuts {@code data} at up to 8 random places drawn from {@code random}. */
    static <T> Outcome<T> randomSplits(Parse<T> parser, String data, Random random) throws HandshakeException {
        byte[] bytes = ascii(data);
        int[] cuts = random.ints(random.nextInt(9), 0, bytes.length + 1).sorted().toArray();
        return feed(parser, bytes, cuts);
    }

    /**
     * Feeds the pieces between {@code cuts} (sorted offsets) one by one. While the parser returns null it must have
     * read its whole piece; once it returns a head, what it left unread and every later piece are the leftover.
     */
    static <T> Outcome<T> feed(Parse<T> parser, byte[] data, int[] cuts) throws HandshakeException {
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : data.length;
            ByteBuffer piece = ByteBuffer.wrap(data, from, to - from);
            T head = parser.parse(piece);
            if (head != null) {
                var leftover = new ByteArrayOutputStream();
                leftover.write(data, piece.position(), data.length - piece.position());
                return new Outcome<>(head, leftover.toString(StandardCharsets.ISO_8859_1));
            }
            assertThat(piece.hasRemaining()).as("a parser that returns null reads all it was given").isFalse();
            from = to;
        }
        return new Outcome<>(null, "");
    }
}
