package io.pado.protocol;

import io.pado.protocol.handshake.Http;

import java.nio.ByteBuffer;

/**
 * Reads the head of an HTTP/1.1 response, status line and header fields (RFC 9112 §2, §4, §5), from bytes as they
 * arrive, in any split. One parser reads one head; not thread-safe.
 *
 * <p>The rules are those of {@link RequestParser}, with what RFC 9112 asks of a user agent: a folded header line
 * (obs-fold) is joined to the field before it with a space (§5.2 MUST), and the reason phrase may be empty or
 * missing. Failures are {@link HandshakeException}s with status 0: the server broke HTTP, it did not answer with
 * an error status.
 */
public final class ResponseParser {

    private final HeadReader reader;
    private String version;
    private int status;
    private String reason;
    private boolean done;

    /**
     * A parser for one response head.
     *
     * @param maxHeadBytes the longest head accepted, in bytes, line ends included
     * @throws IllegalArgumentException if {@code maxHeadBytes} is not positive
     */
    public ResponseParser(int maxHeadBytes) {
        this.reader = new HeadReader(HeadReader.Kind.RESPONSE, maxHeadBytes);
    }

    /**
     * Reads from {@code in} up to the end of the head.
     *
     * @param in bytes received; its position moves past what was read: to its limit when the head is not complete,
     *           or just after the blank line that ends the head, leaving the bytes that follow (the server's first
     *           frames) in {@code in}
     * @return the head, or null if {@code in} ended before the head did: call again with more bytes
     * @throws HandshakeException    (status 0) if the head is malformed or too long; the parser is then done
     * @throws IllegalStateException if the parser already returned a head or failed
     */
    public ResponseHead parse(ByteBuffer in) throws HandshakeException {
        if (done) {
            throw new IllegalStateException("the response head was already parsed");
        }
        try {
            while (reader.readLine(in)) {
                if (version == null) {
                    statusLine(reader.lineText());
                } else if (reader.lineIsEmpty()) {
                    done = true;
                    return new ResponseHead(version, status, reason, reader.headers());
                } else {
                    reader.field();
                }
            }
            return null;
        } catch (HandshakeException e) {
            done = true;
            throw e;
        }
    }

    private void statusLine(String line) throws HandshakeException {
        // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
        int space = line.indexOf(' ');
        String v = space < 0 ? line : line.substring(0, space);
        int number = Http.versionNumber(v);
        if (number / 10 != 1) {
            throw reader.malformed("bad status line: " + Http.quote(line));
        }
        String rest = space < 0 ? "" : line.substring(space + 1);
        if (rest.length() < 3 || (rest.length() > 3 && rest.charAt(3) != ' ')
                || !rest.substring(0, 3).chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw reader.malformed("bad status code in status line: " + Http.quote(line));
        }
        int code = Integer.parseInt(rest.substring(0, 3));
        if (code < 100 || code > 599) {
            throw reader.malformed("status code out of range: " + code);
        }
        String phrase = rest.length() > 4 ? rest.substring(4) : "";
        if (!phrase.chars().allMatch(Http::isFieldValueChar)) {
            throw reader.malformed("control character in reason phrase: " + Http.quote(phrase));
        }
        version = v;
        status = code;
        reason = phrase;
    }
}
