package io.pado.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.protocol.HandshakeException;
import io.pado.protocol.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What an incremental head parser ({@code RequestParser}, {@code ResponseParser}) made of some pieces: the head, or
 * the failure, and how many bytes it consumed in all. Two splits of the same bytes must give equal outcomes.
 *
 * @param head     the head written out field by field (names with their case), or null
 * @param status   the failure's status, or -1
 * @param failure  the failure's message, or null
 * @param consumed bytes read: up to the end of the head, up to the byte that failed, or all if the head is incomplete
 */
record HeadOutcome(String head, int status, String failure, long consumed) {

    /** A parser's {@code parse}. */
    interface Parse<T> {
        T parse(ByteBuffer in) throws HandshakeException;
    }

    boolean complete() {
        return head != null;
    }

    boolean failed() {
        return failure != null;
    }

    /**
     * Feeds {@code pieces} one by one until the parser returns a head or fails. While it returns null it must have
     * read its whole piece. {@code text} writes a head out.
     */
    static <T> HeadOutcome of(Parse<T> parse, java.util.function.Function<T, String> text, byte[][] pieces) {
        long consumed = 0;
        for (byte[] piece : pieces) {
            ByteBuffer in = ByteBuffer.wrap(piece);
            T head;
            try {
                head = parse.parse(in);
            } catch (HandshakeException e) {
                return new HeadOutcome(null, e.status(), e.getMessage(), consumed + in.position());
            }
            consumed += in.position();
            if (head != null) {
                return new HeadOutcome(text.apply(head), -1, null, consumed);
            }
            assertThat(in.hasRemaining()).as("a parser that returns null reads all it is given").isFalse();
        }
        return new HeadOutcome(null, -1, null, consumed);
    }

    /** The fields as written, one {@code name: value} per line. */
    static String fields(Headers headers) {
        var out = new StringBuilder();
        headers.forEach((name, value) -> out.append(name).append(": ").append(value).append('\n'));
        return out.toString();
    }

    /** Bytes the strings of a head keep: every char of the start line and of each field name and value. */
    static long retainedChars(Headers headers, String... startLine) {
        long chars = 0;
        for (String s : startLine) {
            chars += s.length();
        }
        long[] sum = {chars};
        headers.forEach((name, value) -> sum[0] += name.length() + value.length());
        return sum[0];
    }

    static String latin1(ByteBuffer buffer) {
        return StandardCharsets.ISO_8859_1.decode(buffer.duplicate()).toString();
    }
}
