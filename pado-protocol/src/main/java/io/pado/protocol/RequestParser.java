package io.pado.protocol;

import io.pado.protocol.handshake.Http;

import java.nio.ByteBuffer;

/**
 * Reads the head of an HTTP/1.1 request, request line and header fields (RFC 9112 §2-§5), from bytes as they
 * arrive: all at once, a byte at a time, or in any split. One parser reads one head; not thread-safe.
 *
 * <p>It follows RFC 9112 strictly where a server MUST, and is lenient where it MAY be:
 * <ul>
 *   <li>lines end with CRLF; a bare LF is also taken as a line end (§2.2 MAY), a bare CR fails with 400;</li>
 *   <li>empty lines before the request line are skipped (§2.2 SHOULD);</li>
 *   <li>the request line is {@code method SP target SP HTTP/x.y}, single spaces, the method a token, the target
 *       visible US-ASCII; anything else fails with 400; a major version other than 1 fails with 505 HTTP Version
 *       Not Supported (RFC 9110 §15.6.6); HTTP/1.0 passes here, {@link ServerHandshake#validate} refuses it;</li>
 *   <li>a field line is {@code name: value}; a name that is not a token, whitespace before the colon (§5.1), a
 *       folded line (obs-fold, §5.2), a line without colon or a control character other than HTAB in a value fail
 *       with 400; names keep their case, repeated fields are kept in order;</li>
 *   <li>once the head is longer than {@code maxHeadBytes} (line ends included) it fails with 431 Request Header
 *       Fields Too Large, decided at the first byte over, so no more than the limit is ever buffered.</li>
 * </ul>
 *
 * {@snippet :
 * var parser = new RequestParser(8192);
 * RequestHead head = parser.parse(readBuffer);   // null: wait for more bytes, then call again
 * if (head != null) {
 *     // readBuffer's position is just after the blank line: what remains are the first WebSocket frames
 * }
 * }
 */
public final class RequestParser {

    private final HeadReader reader;
    private String method;
    private String target;
    private String version;
    private boolean done;

    /**
     * A parser for one request head.
     *
     * @param maxHeadBytes the longest head accepted, in bytes, line ends included
     * @throws IllegalArgumentException if {@code maxHeadBytes} is not positive
     */
    public RequestParser(int maxHeadBytes) {
        this.reader = new HeadReader(HeadReader.Kind.REQUEST, maxHeadBytes);
    }

    /**
     * Reads from {@code in} up to the end of the head.
     *
     * @param in bytes received; its position moves past what was read: to its limit when the head is not complete,
     *           or just after the blank line that ends the head, leaving the bytes that follow it in {@code in}
     * @return the head, or null if {@code in} ended before the head did: call again with more bytes
     * @throws HandshakeException    if the head is malformed (400), too long (431) or not HTTP/1.x (505); the
     *                               parser is then done
     * @throws IllegalStateException if the parser already returned a head or failed
     */
    public RequestHead parse(ByteBuffer in) throws HandshakeException {
        if (done) {
            throw new IllegalStateException("the request head was already parsed");
        }
        try {
            while (reader.readLine(in)) {
                if (method == null) {
                    if (!reader.lineIsEmpty()) { // RFC 9112 §2.2: SHOULD ignore empty lines before the request line
                        requestLine(reader.lineText());
                    }
                } else if (reader.lineIsEmpty()) {
                    done = true;
                    return new RequestHead(method, target, version, reader.headers());
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

    private void requestLine(String line) throws HandshakeException {
        // RFC 9112 §3: request-line = method SP request-target SP HTTP-version
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (second < 0 || line.indexOf(' ', second + 1) >= 0) {
            throw reader.malformed("bad request line: " + Http.quote(line));
        }
        String m = line.substring(0, first);
        String t = line.substring(first + 1, second);
        String v = line.substring(second + 1);
        if (!Http.isToken(m)) {
            throw reader.malformed("bad method: " + Http.quote(m));
        }
        if (!Http.isVisible(t)) {
            throw reader.malformed("bad request target: " + Http.quote(t));
        }
        int number = Http.versionNumber(v);
        if (number < 0) {
            throw reader.malformed("bad HTTP version: " + Http.quote(v));
        }
        if (number / 10 != 1) {
            throw new HandshakeException(505, "HTTP version not supported: " + v);
        }
        method = m;
        target = t;
        version = v;
    }
}
