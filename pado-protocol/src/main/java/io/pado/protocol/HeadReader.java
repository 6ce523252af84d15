package io.pado.protocol;

import io.pado.protocol.handshake.Http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link RequestParser} and {@link ResponseParser} share: cutting bytes into lines as they arrive, counting
 * them against the size limit, and reading header field lines (RFC 9112 §2.2, §5). Not thread-safe.
 */
final class HeadReader {

    /** Which message is read; it decides the statuses of failures and how obs-fold is treated. */
    enum Kind { REQUEST, RESPONSE }

    private final Kind kind;
    private final int maxHeadBytes;
    private byte[] line = new byte[128];
    private int lineLength;
    /** The last {@link #readLine} ended a line: the next one starts a new line. */
    private boolean lineDone;
    private int headBytes;
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    HeadReader(Kind kind, int maxHeadBytes) {
        if (maxHeadBytes < 1) {
            throw new IllegalArgumentException("maxHeadBytes must be positive: " + maxHeadBytes);
        }
        this.kind = kind;
        this.maxHeadBytes = maxHeadBytes;
    }

    /**
     * Reads up to the end of the next line, and says whether it got there: then the line, without its line end, is
     * what {@link #lineIsEmpty}, {@link #lineText} and {@link #field} look at, until the next call. False when
     * {@code in} ran out first. Consumes what it reads and nothing after the line end. Bytes are read as
     * ISO-8859-1, so each char is one byte. The line stays bytes until a caller needs it as text: a header field
     * becomes its name and value and nothing else.
     *
     * @throws HandshakeException when the head passes the limit, or on a CR not followed by LF
     */
    boolean readLine(ByteBuffer in) throws HandshakeException {
        if (lineDone) {
            lineDone = false;
            lineLength = 0;
        }
        while (in.hasRemaining()) {
            byte b = in.get();
            if (++headBytes > maxHeadBytes) {
                throw tooLarge();
            }
            boolean afterCr = lineLength > 0 && line[lineLength - 1] == '\r';
            if (b == '\n') {
                // RFC 9112 §2.2: a recipient MAY take a bare LF as a line end and ignore a CR before it.
                if (afterCr) {
                    lineLength--;
                }
                lineDone = true;
                return true;
            }
            if (afterCr) {
                // RFC 9112 §2.2: a bare CR MUST be treated as invalid (or replaced, which we do not do).
                throw malformed("bare CR in the " + what() + " head");
            }
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, Math.min(line.length * 2, maxHeadBytes));
            }
            line[lineLength++] = b;
        }
        return false;
    }

    /** Whether the line just read is empty. */
    boolean lineIsEmpty() {
        return lineLength == 0;
    }

    /** The line just read, as text. */
    String lineText() {
        return text(0, lineLength);
    }

    private String text(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** Reads the line just read as a header field line (RFC 9112 §5); it must not be the empty line. */
    void field() throws HandshakeException {
        if (Http.isWhitespace(line[0])) {
            foldedLine(lineText());
            return;
        }
        int colon = 0;
        while (colon < lineLength && line[colon] != ':') {
            colon++;
        }
        if (colon == lineLength) {
            throw malformed("header line without a colon: " + Http.quote(lineText()));
        }
        if (colon > 0 && Http.isWhitespace(line[colon - 1])) {
            // RFC 9112 §5.1: a server MUST reject whitespace between a field name and the colon with 400.
            throw malformed("whitespace between header name and colon: " + Http.quote(lineText()));
        }
        String name = text(0, colon);
        if (!Http.isToken(name)) {
            throw malformed("bad header name: " + Http.quote(name));
        }
        // The value without leading and trailing whitespace (RFC 9110 §5.5)
        int from = colon + 1;
        int to = lineLength;
        while (from < to && Http.isWhitespace(line[from])) {
            from++;
        }
        while (to > from && Http.isWhitespace(line[to - 1])) {
            to--;
        }
        String value = text(from, to);
        checkValue(name, value);
        names.add(name);
        values.add(value);
    }

    private void foldedLine(String text) throws HandshakeException {
        if (kind == Kind.REQUEST) {
            // RFC 9112 §5.2: a server MUST reject obs-fold in a request with 400 or unfold it; we reject.
            throw malformed("folded header line (obs-fold): " + Http.quote(text));
        }
        if (names.isEmpty()) {
            // RFC 9112 §2.2: whitespace between the start line and the first field MUST be rejected or skipped.
            throw malformed("whitespace before the first header line: " + Http.quote(text));
        }
        // RFC 9112 §5.2: a user agent MUST replace obs-fold in a response with SP before using the value.
        int last = values.size() - 1;
        String more = Http.trimWhitespace(text);
        checkValue(names.get(last), more);
        values.set(last, values.get(last).isEmpty() ? more : values.get(last) + " " + more);
    }

    private void checkValue(String name, String value) throws HandshakeException {
        for (int i = 0; i < value.length(); i++) {
            if (!Http.isFieldValueChar(value.charAt(i))) {
                // RFC 9110 §5.5: CR, LF and NUL MUST be rejected or replaced; we reject every control but HTAB.
                throw malformed("control character in header " + name + ": " + Http.quote(value));
            }
        }
    }

    /** The fields read so far. */
    Headers headers() {
        return Headers.trusted(names, values);
    }

    /** A failure for a head that breaks the grammar: 400 for a request, status 0 for a response. */
    HandshakeException malformed(String message) {
        return new HandshakeException(kind == Kind.REQUEST ? 400 : 0, message);
    }

    private HandshakeException tooLarge() {
        // RFC 6585 §5: 431 Request Header Fields Too Large.
        return new HandshakeException(kind == Kind.REQUEST ? 431 : 0,
                what() + " head is longer than " + maxHeadBytes + " bytes");
    }

    private String what() {
        return kind == Kind.REQUEST ? "request" : "response";
    }
}
