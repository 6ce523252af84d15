package io.pado.protocol;

import io.pado.protocol.handshake.Http;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The server's side before a WebSocket exists: reads HTTP/1.1 requests one after another on one connection (RFC 9112
 * §9.3, persistent connections), each a head ({@link RequestParser}) and a body framed by {@code Content-Length} or
 * {@code Transfer-Encoding: chunked} (§6); a {@code POST}, {@code PUT} or {@code PATCH} with neither is refused with
 * 411, since what follows its head cannot be told apart from the next request. Requests that arrive before the
 * previous one was answered (pipelining) wait in a buffer of the reader's own. Not thread-safe.
 */
final class RequestReader {
    /** The longest chunk-size line (with extensions) and trailer section read. */
    private static final int MAX_CHUNK_LINE_BYTES = 1024;

    private enum Body { NONE, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS }

    /** The methods whose requests carry content (RFC 9110 §9.3): they must say how long it is. */
    private static final Set<String> ENCLOSING = Set.of("POST", "PUT", "PATCH");

    private final EngineOptions options;
    private RequestParser parser;
    private RequestHead head;
    private Body body = Body.NONE;
    private long bodyRemaining;
    private ByteBuffer bodyBytes;
    private final StringBuilder line = new StringBuilder();
    private int trailerBytes;
    /** Bytes received after a request that is not answered yet; null when there are none. */
    private ByteBuffer waiting;

    RequestReader(EngineOptions options) {
        this.options = options;
    }

    /**
     * Reads the next request from {@code in} (after what waited from earlier input); consumes all of {@code in}, and
     * keeps what follows the request for the next call.
     *
     * @param output where a {@code 100 Continue} goes when the client asks for one
     * @return the request, or null if it is not complete yet
     * @throws HandshakeException for a request that cannot be read (400, 411, 413, 431, 501, 505)
     */
    Event read(ByteBuffer in, Outbound output) throws HandshakeException {
        if (!keep(in)) {
            // More than one whole request ahead of its answer: a client that does not wait for us
            throw new HandshakeException(400, "too many bytes sent ahead of the answers");
        }
        if (waiting == null) {
            return null;
        }
        Event request = next(waiting, output);
        if (!waiting.hasRemaining()) {
            waiting = null;
        }
        return request;
    }

    /** Whether received bytes wait for the next call, after an answer. */
    boolean hasWaitingInput() {
        return waiting != null && waiting.hasRemaining();
    }

    /**
     * Keeps all of {@code in} for a later {@link #read}; false, dropping it, when that would hold more than one whole
     * request's worth of bytes.
     */
    boolean keep(ByteBuffer in) {
        if (!in.hasRemaining()) {
            return true;
        }
        int waitingBytes = waiting == null ? 0 : waiting.remaining();
        long limit = options.maxHeadBytes() + (long) options.maxBodyBytes() + MAX_CHUNK_LINE_BYTES;
        if (waitingBytes + (long) in.remaining() > limit) {
            in.position(in.limit());
            return false;
        }
        ByteBuffer joined = ByteBuffer.allocate(waitingBytes + in.remaining());
        if (waiting != null) {
            joined.put(waiting);
        }
        waiting = joined.put(in).flip();
        return true;
    }

    /** Takes the bytes that followed the last request: the first frames, after an upgrade. */
    ByteBuffer takeWaiting() {
        ByteBuffer rest = waiting;
        waiting = null;
        return rest;
    }

    private Event next(ByteBuffer in, Outbound output) throws HandshakeException {
        if (head == null) {
            if (parser == null) {
                parser = new RequestParser(options.maxHeadBytes());
            }
            head = parser.parse(in);
            if (head == null) {
                return null;
            }
            parser = null;
            startBody(output);
        }
        if (!readBody(in)) {
            return null;
        }
        RequestHead h = head;
        head = null;
        ByteBuffer b = bodyBytes == null ? ByteBuffer.allocate(0) : bodyBytes.flip();
        bodyBytes = null;
        if (ServerHandshake.isUpgrade(h)) {
            if (b.hasRemaining()) {
                throw HandshakeException.badRequest("a WebSocket upgrade request must not have a body");
            }
            return new Event.Upgrade(ServerHandshake.validate(h));
        }
        return new Event.Request(h, b.asReadOnlyBuffer());
    }

    /** RFC 9112 §6.3: how long the body is, from the head alone. */
    private void startBody(Outbound output) throws HandshakeException {
        List<String> lengths = head.headers().tokens("Content-Length");
        List<String> codings = head.headers().tokens("Transfer-Encoding");
        if (!codings.isEmpty()) {
            if (Http.versionNumber(head.version()) < 11) {
                // RFC 9112 §6.1: HTTP/1.0 has no transfer codings; such framing is faulty and the connection ends
                throw HandshakeException.badRequest("Transfer-Encoding in an HTTP/1.0 request");
            }
            if (!lengths.isEmpty()) {
                // RFC 9112 §6.1: both headers are a request smuggling attempt as often as not
                throw HandshakeException.badRequest("both Transfer-Encoding and Content-Length");
            }
            if (codings.size() != 1 || !codings.getFirst().equalsIgnoreCase("chunked")) {
                throw new HandshakeException(501, "only Transfer-Encoding: chunked is supported, got "
                        + Http.quote(String.join(", ", codings)));
            }
            body = Body.CHUNK_SIZE;
            continueIfAsked(output);
            return;
        }
        if (lengths.isEmpty()) {
            if (ENCLOSING.contains(head.method())) {
                // RFC 9110 §8.6, §15.5.12: a client sends Content-Length with a POST, even when it is 0. Without it
                // the bytes that follow could be a body we cannot delimit, or the next request: ask, and end.
                throw new HandshakeException(411, head.method() + " without Content-Length or Transfer-Encoding: "
                        + "chunked");
            }
            body = Body.NONE;
            return;
        }
        long length = -1;
        for (String value : lengths) {
            long n = value.matches("[0-9]{1,15}") ? Long.parseLong(value) : -1;
            if (n < 0 || length >= 0 && n != length) {
                throw HandshakeException.badRequest("bad Content-Length: " + Http.quote(String.join(", ", lengths)));
            }
            length = n;
        }
        if (length > options.maxBodyBytes()) {
            throw new HandshakeException(413, "request body of " + length + " bytes is over the limit of "
                    + options.maxBodyBytes());
        }
        body = Body.LENGTH;
        bodyRemaining = length;
        bodyBytes = ByteBuffer.allocate((int) length);
        if (length > 0) {
            continueIfAsked(output);
        }
    }

    /** RFC 9110 §10.1.1: a client that sent {@code Expect: 100-continue} waits for this before the body. */
    private void continueIfAsked(Outbound output) throws HandshakeException {
        List<String> expect = head.headers().tokens("Expect");
        if (expect.isEmpty()) {
            return;
        }
        if (expect.size() != 1 || !expect.getFirst().equalsIgnoreCase("100-continue")) {
            throw new HandshakeException(417, "unknown expectation: " + Http.quote(String.join(", ", expect)));
        }
        output.raw(ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Reads body bytes; true once the body is complete. */
    private boolean readBody(ByteBuffer in) throws HandshakeException {
        while (true) {
            switch (body) {
                case NONE -> {
                    return true;
                }
                case LENGTH -> {
                    int take = (int) Math.min(in.remaining(), bodyRemaining);
                    bodyBytes.put(bodyBytes.position(), in, in.position(), take);
                    bodyBytes.position(bodyBytes.position() + take);
                    in.position(in.position() + take);
                    bodyRemaining -= take;
                    if (bodyRemaining > 0) {
                        return false;
                    }
                    body = Body.NONE;
                }
                case CHUNK_SIZE -> {
                    if (!readLine(in)) {
                        return false;
                    }
                    startChunk();
                }
                case CHUNK_DATA -> {
                    int take = (int) Math.min(in.remaining(), bodyRemaining);
                    bodyBytes.put(bodyBytes.position(), in, in.position(), take);
                    bodyBytes.position(bodyBytes.position() + take);
                    in.position(in.position() + take);
                    bodyRemaining -= take;
                    if (bodyRemaining > 0) {
                        return false;
                    }
                    body = Body.CHUNK_END;
                }
                case CHUNK_END -> {
                    if (!readLine(in)) {
                        return false;
                    }
                    if (!line.isEmpty()) {
                        throw HandshakeException.badRequest("chunk data longer than its size");
                    }
                    line.setLength(0);
                    body = Body.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    if (!readLine(in)) {
                        return false;
                    }
                    boolean end = line.isEmpty();
                    trailerBytes += line.length() + 2;
                    line.setLength(0);
                    if (trailerBytes > options.maxHeadBytes()) {
                        throw new HandshakeException(431, "request trailers are longer than "
                                + options.maxHeadBytes() + " bytes");
                    }
                    if (end) {
                        body = Body.NONE; // RFC 9112 §7.1.2: trailer fields are read and dropped
                    }
                }
            }
        }
    }

    /** RFC 9112 §7.1: chunk-size in hex, then optional extensions, which are ignored. */
    private void startChunk() throws HandshakeException {
        String text = line.toString();
        line.setLength(0);
        int end = 0;
        while (end < text.length() && Character.digit(text.charAt(end), 16) >= 0) {
            end++;
        }
        if (end == 0 || end > 15 || end < text.length() && text.charAt(end) != ';' && !Http.isWhitespace(
                text.charAt(end))) {
            throw HandshakeException.badRequest("bad chunk size: " + Http.quote(text));
        }
        long size = Long.parseLong(text.substring(0, end), 16);
        int gathered = bodyBytes == null ? 0 : bodyBytes.position();
        if (gathered + size > options.maxBodyBytes()) {
            throw new HandshakeException(413, "request body is over the limit of " + options.maxBodyBytes()
                    + " bytes");
        }
        if (size == 0) {
            trailerBytes = 0;
            body = Body.TRAILERS;
            return;
        }
        if (bodyBytes == null || bodyBytes.remaining() < size) {
            long wanted = Math.max(gathered + size, bodyBytes == null ? 0 : 2L * bodyBytes.capacity());
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(wanted, options.maxBodyBytes()));
            if (bodyBytes != null) {
                bigger.put(bodyBytes.flip());
            }
            bodyBytes = bigger;
        }
        bodyRemaining = size;
        body = Body.CHUNK_DATA;
    }

    /** Reads up to a line end (CRLF, or a bare LF) into {@link #line}; true when the line is complete. */
    private boolean readLine(ByteBuffer in) throws HandshakeException {
        while (in.hasRemaining()) {
            char c = (char) (in.get() & 0xFF);
            if (c == '\n') {
                if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                    line.setLength(line.length() - 1);
                }
                return true;
            }
            if (line.length() >= MAX_CHUNK_LINE_BYTES) {
                throw HandshakeException.badRequest("chunk line longer than " + MAX_CHUNK_LINE_BYTES + " bytes");
            }
            line.append(c);
        }
        return false;
    }

    /**
     * A response to a plain request, with {@code Content-Length} and, when the connection ends after it,
     * {@code Connection: close}; without the body for a HEAD request (RFC 9110 §9.3.2). Header fields that pado
     * writes itself are left out of {@code headers}.
     */
    static ByteBuffer response(RequestHead request, int status, Headers headers, byte[] body, boolean close) {
        var out = new StringBuilder(128)
                .append("HTTP/1.1 ").append(status).append(' ').append(Http.reasonPhrase(status)).append("\r\n");
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("content-length") && !lower.equals("connection") && !lower.equals("transfer-encoding")) {
                Http.checkSendableValue("header " + name, value);
                out.append(name).append(": ").append(value).append("\r\n");
            }
        });
        out.append("Content-Length: ").append(body.length).append("\r\n");
        if (close) {
            out.append("Connection: close\r\n");
        }
        byte[] head = out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        int bodyBytes = request.method().equals("HEAD") ? 0 : body.length;
        return ByteBuffer.allocate(head.length + bodyBytes).put(head).put(body, 0, bodyBytes).flip();
    }

    /**
     * Whether the client wants the connection to end after the answer: HTTP/1.0 without {@code keep-alive}, or
     * {@code Connection: close} (RFC 9112 §9.3).
     */
    static boolean clientCloses(RequestHead request) {
        if (request.headers().hasToken("Connection", "close")) {
            return true;
        }
        return Http.versionNumber(request.version()) < 11 && !request.headers().hasToken("Connection", "keep-alive");
    }
}
