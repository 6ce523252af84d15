package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.extension.ExtensionOffer;
import io.pado.protocol.frame.CloseCode;
import io.pado.protocol.frame.Opcode;
import io.pado.protocol.frame.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * One WebSocket connection as RFC 6455 sees it, for either {@link Role}, from the opening handshake to the end. It
 * touches no socket, starts no thread, reads no clock and never calls out: the caller feeds it received bytes and
 * requests, then takes out events and the bytes to write.
 *
 * <p>The loop a runtime runs around it:
 * {@snippet :
 * do {
 *     connection.receive(input);                  // parses until one event is ready, or the input ends
 *     for (Event e; (e = connection.pollEvent()) != null; ) {
 *         handle(e);                              // Upgrade, Opened, Text, Binary, Ping, Closed ...
 *     }
 * } while (input.hasRemaining() || connection.hasWaitingInput());
 * for (ByteBuffer out; (out = connection.pollOutput()) != null; ) {
 *     write(out);                                 // in order; handshake answers, Pongs and Closes are here too
 * }
 * if (connection.tcpCloseDue()) {
 *     closeSocket();                              // after the output above is written
 * }
 * }
 *
 * <p><b>States.</b> {@link State#CONNECTING}: a server reads HTTP requests and answers each one (a plain request with
 * {@link #respond}, an upgrade with {@link #accept} or {@link #reject}); a client has queued its request and reads
 * the answer. {@link State#OPEN}: messages both ways. {@link State#LOCAL_CLOSING}: we sent a Close and wait for the
 * peer's. {@link State#REMOTE_CLOSING}: the peer sent a Close, or broke the protocol; {@link Event.Closed} is
 * reported and our Close waits for {@link #answerClose()}, so that answers to the messages before it go first.
 * {@link State#CLOSED}: over; {@link #tcpCloseDue()} says when to close TCP (a client waits for the server to).
 *
 * <p><b>Input never throws.</b> A peer that breaks the protocol fails the connection (RFC 6455 §7.1.7) with 1002,
 * 1007 or 1009; a bad opening request is answered with its HTTP status. Any split of the same bytes gives the same
 * events. Timeouts are the caller's: it knows the time, the engine knows the state.
 *
 * <p>Not thread-safe: one thread owns a connection.
 */
public final class Connection {
    private static final int MAX_CONTROL_PAYLOAD = 125;

    /** Where the connection stands; see the class comment. */
    public enum State { CONNECTING, OPEN, LOCAL_CLOSING, REMOTE_CLOSING, CLOSED }

    /** Whether a plain HTTP connection stays open for the next request after an answer (RFC 9112 §9.3). */
    public enum Persistence { KEEP_ALIVE, CLOSE }

    private final Role role;
    private final Settings settings;
    private final Outbound outbound;
    private final ArrayDeque<Event> events = new ArrayDeque<>(2);
    private State state;
    private FrameBuffers buffers = FrameBuffers.HEAP;
    private List<Extension> extensions = List.of();
    private Inbound inbound;

    // CONNECTING, server: requests are read; one waits for its answer at a time
    private RequestReader requests;
    private RequestHead answering;
    private UpgradeRequest upgrading;
    private boolean closeAfterAnswer;
    /** Bytes that came after the upgrade request: the first frames. */
    private ByteBuffer early;
    // CONNECTING, client
    private ClientHandshake handshake;
    private ResponseParser responseParser;

    // Closing
    private boolean closedReported;
    /** REMOTE_CLOSING: the code our Close answers with (-1 for none), and whether the peer failed. */
    private int answerCode;
    private String answerReason;
    private boolean peerFailed;
    private boolean tcpCloseDue;

    private Connection(Role role, Settings settings, IntSupplier maskKeys, State state) {
        this.role = role;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.outbound = new Outbound(maskKeys);
        this.state = state;
    }

    /** A server's connection, reading the first HTTP request. */
    public static Connection server(Settings settings) {
        var c = new Connection(Role.SERVER, settings, null, State.CONNECTING);
        c.requests = new RequestReader(settings);
        return c;
    }

    /**
     * A client's connection, with {@code handshake}'s request queued to write.
     *
     * @param maskKeys the source of a fresh, unpredictable masking key for every frame (RFC 6455 §5.3), such as a
     *                 {@code SecureRandom}'s {@code nextInt}
     */
    public static Connection client(Settings settings, ClientHandshake handshake, IntSupplier maskKeys) {
        var c = new Connection(Role.CLIENT, settings, Objects.requireNonNull(maskKeys, "maskKeys"), State.CONNECTING);
        c.handshake = Objects.requireNonNull(handshake, "handshake");
        c.responseParser = new ResponseParser(settings.maxHeadBytes());
        c.outbound.raw(handshake.request());
        return c;
    }

    /** A connection whose handshake happened elsewhere, open with these extensions (for tests). */
    static Connection open(Role role, Settings settings, List<Extension> extensions, IntSupplier maskKeys) {
        var c = new Connection(role, settings, maskKeys, State.CONNECTING);
        c.opened(extensions);
        return c;
    }

    public Role role() {
        return role;
    }

    public State state() {
        return state;
    }

    /**
     * Makes outgoing frames, and received binary messages that come in pieces, use buffers from {@code buffers}
     * (default {@link FrameBuffers#HEAP}). Set it before the first byte.
     */
    public void useFrameBuffers(FrameBuffers buffers) {
        this.buffers = Objects.requireNonNull(buffers, "buffers");
        outbound.useFrameBuffers(buffers);
        if (inbound != null) {
            inbound.useFrameBuffers(buffers);
        }
    }

    /** Whether data and control frames may be sent: open, or the peer's Close not answered yet. */
    public boolean isOutputOpen() {
        return state == State.OPEN || state == State.REMOTE_CLOSING;
    }

    // ---------------------------------------------------------------------------------------------------- input

    /**
     * Feeds received bytes: parses until one event is ready or {@code data} ends. The position moves past what was
     * read; call again while {@code data} has bytes left. Masked payloads are unmasked in place. Bytes that the
     * engine must keep (a request that waits for the previous answer) are copied.
     */
    public void receive(ByteBuffer data) {
        try {
            switch (state) {
                case CONNECTING -> {
                    if (role == Role.SERVER) {
                        readRequest(data);
                    } else {
                        readResponse(data);
                    }
                }
                case OPEN, LOCAL_CLOSING -> readFrame(data);
                // RFC 6455 §5.5.1, §7.1.7: nothing is read after a Close or a failure
                case REMOTE_CLOSING, CLOSED -> data.position(data.limit());
            }
        } catch (ProtocolException e) {
            peerFailed(e.closeCode().code(), e.getMessage());
        } catch (HandshakeException e) {
            refuse(e);
        }
        if (state == State.REMOTE_CLOSING || state == State.CLOSED) {
            data.position(data.limit());
        }
    }

    /** Whether bytes received earlier wait to be read by the next {@link #receive}, even an empty one. */
    public boolean hasWaitingInput() {
        return switch (state) {
            case CONNECTING -> requests != null && answering == null && requests.hasWaitingInput();
            case OPEN, LOCAL_CLOSING -> early != null || inbound.hasReady();
            case REMOTE_CLOSING, CLOSED -> false;
        };
    }

    /**
     * The TCP connection ended: the peer closed its side, or the socket broke or was given up on (a close timeout,
     * with {@code reason} saying so). Reports 1006 if no Close was reported and frees the extensions.
     */
    public void receiveEof(String reason) {
        if (state != State.CONNECTING) {
            report(CloseCode.ABNORMAL_CLOSURE, reason);
        }
        finish();
    }

    /** The next event, or null when there is none. */
    public Event pollEvent() {
        return events.poll();
    }

    private void readRequest(ByteBuffer data) throws HandshakeException {
        if (answering != null) {
            closeAfterAnswer |= !requests.keep(data);
            return;
        }
        Event request = requests.read(data, outbound);
        if (request instanceof Event.Request r) {
            answering = r.head();
        } else if (request instanceof Event.Upgrade u) {
            answering = u.request().head();
            upgrading = u.request();
        }
        if (request != null) {
            events.add(request);
        }
    }

    private void readResponse(ByteBuffer data) throws HandshakeException {
        ResponseHead head = responseParser.parse(data);
        if (head == null) {
            return;
        }
        ClientHandshake.Result result;
        try {
            result = handshake.validate(head);
        } catch (RuntimeException e) {
            // An extension factory that failed: a pado bug, not the server's; the details go with the cause
            var failure = new HandshakeException(0, "internal error", head.headers());
            failure.initCause(e);
            throw failure;
        }
        opened(result.extensions());
        events.add(new Event.Opened(result.subprotocol(), result.response()));
    }

    private void readFrame(ByteBuffer data) {
        Event event = null;
        if (early != null) {
            event = inbound.next(early);
            if (!early.hasRemaining()) {
                early = null;
            }
        }
        if (event == null && early == null) {
            event = inbound.next(data);
        }
        switch (event) {
            case null -> { }
            case Event.Ping ping -> {
                // RFC 6455 §5.5.2: a Ping is answered with a Pong carrying the same data
                if (isOutputOpen()) {
                    outbound.control(Opcode.PONG, ping.data());
                }
                events.add(ping);
            }
            case Event.Closed close -> peerClosed(close);
            default -> events.add(event);
        }
    }

    /** The peer's Close (RFC 6455 §5.5.1). */
    private void peerClosed(Event.Closed close) {
        report(close.code(), close.reason());
        if (state == State.OPEN) {
            state = State.REMOTE_CLOSING;
            answerCode = close.code() == CloseCode.NO_STATUS_RECEIVED ? -1 : close.code();
            answerReason = "";
        } else {
            closeBothWays();
        }
    }

    /** The peer broke the protocol (RFC 6455 §7.1.7): our Close says why, after the answers already due. */
    private void peerFailed(int code, String reason) {
        report(code, reason);
        if (state == State.OPEN) {
            state = State.REMOTE_CLOSING;
            answerCode = code;
            answerReason = reason;
            peerFailed = true;
        } else {
            finish();
        }
    }

    /** The opening handshake failed: a server answers with the status; either way the connection ends. */
    private void refuse(HandshakeException e) {
        if (role == Role.SERVER) {
            outbound.raw(ServerHandshake.reject(e));
        }
        events.add(new Event.Refused(e));
        finish();
    }

    // ------------------------------------------------------------------------------------------------- opening

    /**
     * Accepts the upgrade request just reported ({@link Event.Upgrade}): negotiates permessage-deflate if the client
     * offered it and {@code compression} is given, queues the 101 response and opens the WebSocket. If an extension factory fails, the
     * request is answered with 500 and {@link Event.Refused} carries the failure as its cause.
     *
     * @param subprotocol  one of the subprotocols the client offered, or empty
     * @param extraHeaders more response fields, such as {@code Set-Cookie}; none the handshake writes itself
     * @throws IllegalStateException    if no upgrade request waits for an answer
     * @throws IllegalArgumentException if the subprotocol was not offered or a header cannot be sent; nothing changes
     */
    public void accept(Optional<String> subprotocol, Optional<PerMessageDeflate> compression, Headers extraHeaders) {
        accept(subprotocol, compression.<List<ExtensionFactory>>map(List::of).orElse(List.of()), extraHeaders);
    }

    /** {@link #accept(Optional, Optional, Headers)} with any extensions, in the order the server prefers them. */
    void accept(Optional<String> subprotocol, List<ExtensionFactory> extensions, Headers extraHeaders) {
        if (upgrading == null) {
            throw new IllegalStateException("no upgrade request waits for an answer");
        }
        List<ExtensionFactory.Accepted> accepted;
        try {
            accepted = ServerHandshake.negotiateExtensions(extensions, upgrading.extensions());
        } catch (RuntimeException e) {
            var failure = new HandshakeException(500, "internal error");
            failure.initCause(e);
            refuse(failure);
            return;
        }
        List<ExtensionOffer> responses = new ArrayList<>(accepted.size());
        List<Extension> negotiated = new ArrayList<>(accepted.size());
        for (ExtensionFactory.Accepted a : accepted) {
            responses.add(a.response());
            negotiated.add(a.extension());
        }
        try {
            outbound.raw(ServerHandshake.accept(upgrading, subprotocol, responses, extraHeaders));
        } catch (IllegalArgumentException e) {
            negotiated.forEach(Extension::close);
            throw e;
        }
        early = requests.takeWaiting();
        requests = null;
        answering = null;
        upgrading = null;
        opened(List.copyOf(negotiated));
    }

    /**
     * Refuses the upgrade request just reported with {@code refusal}'s status, headers and message, and ends the
     * connection once that is written.
     *
     * @throws IllegalStateException if no upgrade request waits for an answer
     */
    public void reject(HandshakeException refusal) {
        if (upgrading == null) {
            throw new IllegalStateException("no upgrade request waits for an answer");
        }
        outbound.raw(ServerHandshake.reject(refusal));
        finish();
    }

    /**
     * Answers the plain request just reported ({@link Event.Request}) with {@code Content-Length}, the body left out
     * for HEAD. The connection stays for the next request with {@link Persistence#KEEP_ALIVE}, unless the client
     * asked to close it; otherwise it ends once the answer is written.
     *
     * @throws IllegalStateException    if no plain request waits for an answer
     * @throws IllegalArgumentException if the status is not 100-599 or a header cannot be sent
     */
    public void respond(int status, Headers headers, byte[] body, Persistence persistence) {
        if (answering == null || upgrading != null) {
            throw new IllegalStateException("no plain request waits for an answer");
        }
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("bad HTTP status: " + status);
        }
        boolean close = persistence == Persistence.CLOSE || closeAfterAnswer || RequestReader.clientCloses(answering);
        outbound.raw(RequestReader.response(answering, status, headers, body, close));
        answering = null;
        if (close) {
            finish();
        }
    }

    private void opened(List<Extension> negotiated) {
        extensions = negotiated;
        inbound = new Inbound(role, settings, negotiated);
        inbound.useFrameBuffers(buffers);
        outbound.useExtensions(negotiated);
        handshake = null;
        responseParser = null;
        state = State.OPEN;
    }

    // --------------------------------------------------------------------------------------------------- output

    /** Queues a text message. */
    public void sendText(CharSequence text) {
        requireOutputOpen();
        outbound.text(text);
    }

    /**
     * Queues a binary message. The position of {@code data} does not move; on the server side a large payload is
     * written from {@code data} itself, so it must not change until the output holding it has been written.
     */
    public void sendBinary(ByteBuffer data) {
        requireOutputOpen();
        outbound.binary(data, false);
    }

    /**
     * Queues a binary message whose bytes are copied into the frames now, so {@code data} may change as soon as this
     * returns: for a buffer that is about to be reused, such as a view of the read buffer.
     */
    public void sendBinaryCopy(ByteBuffer data) {
        requireOutputOpen();
        outbound.binary(data, true);
    }

    /** Queues a Ping with up to 125 bytes of data; the position of {@code data} does not move. */
    public void sendPing(ByteBuffer data) {
        sendControl(Opcode.PING, data);
    }

    /** Queues an unsolicited Pong (RFC 6455 §5.5.3); Pings are answered by the engine. */
    public void sendPong(ByteBuffer data) {
        sendControl(Opcode.PONG, data);
    }

    private void sendControl(int opcode, ByteBuffer data) {
        if (data.remaining() > MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("control frame payload over 125 bytes: " + data.remaining());
        }
        requireOutputOpen();
        outbound.control(opcode, data);
    }

    /**
     * Queues a frame made by {@link #encodeServerText} or {@link #encodeServerBinary}; a duplicate is queued, so the
     * same buffer can go to many connections. Server role only.
     */
    public void sendEncoded(ByteBuffer frame) {
        if (role != Role.SERVER) {
            throw new IllegalStateException("only a server sends pre-encoded frames");
        }
        requireOutputOpen();
        outbound.encoded(frame);
    }

    private void requireOutputOpen() {
        if (!isOutputOpen()) {
            throw new IllegalStateException("cannot send in state " + state);
        }
    }

    /**
     * Starts the closing handshake (RFC 6455 §7.1.2), or answers the peer's Close if one came; does nothing once a
     * Close was sent. The reason is cut to 123 bytes on a character boundary.
     *
     * @throws IllegalArgumentException for a code that may not be sent (such as 1005 or 1006)
     */
    public void close(int code, String reason) {
        if (!isSendableCloseCode(code)) {
            throw new IllegalArgumentException("close code may not be sent: " + code);
        }
        switch (state) {
            case OPEN -> {
                outbound.close(code, reason);
                state = State.LOCAL_CLOSING;
            }
            case REMOTE_CLOSING -> {
                outbound.close(code, reason);
                closeBothWays();
            }
            case CONNECTING, LOCAL_CLOSING, CLOSED -> { }
        }
    }

    /**
     * Sends the Close that answers the peer's Close (echoing its code, RFC 6455 §5.5.1) or reports its violation
     * (§7.1.7), once the application has seen {@link Event.Closed} and answered the messages before it. Does nothing
     * in other states.
     */
    public void answerClose() {
        if (state == State.REMOTE_CLOSING) {
            outbound.close(answerCode, answerReason);
            closeBothWays();
        }
    }

    /**
     * Fails the connection for the runtime's own reasons (RFC 6455 §7.1.7): a handler that threw (1011), a policy
     * (1008), a peer taken for dead (1001). Sends a Close with {@code code} if none was sent, reports
     * {@link Event.Closed} and asks for TCP to be closed.
     */
    public void fail(int code, String reason) {
        if (isOutputOpen()) {
            outbound.close(code, reason);
        }
        if (state != State.CONNECTING) {
            report(code, reason);
        }
        finish();
    }

    /** Both Closes are exchanged: the server closes TCP first (RFC 6455 §7.1.1); a client waits for it. */
    private void closeBothWays() {
        if (role == Role.SERVER || peerFailed) {
            finish();
        } else {
            state = State.CLOSED;
        }
    }

    /** The next bytes to write, or null. The caller owns the buffer until it is written; write them in order. */
    public ByteBuffer pollOutput() {
        return outbound.poll();
    }

    public boolean hasOutput() {
        return !outbound.isEmpty();
    }

    /** Whether the TCP connection should now be closed, once the output already taken has been written. */
    public boolean tcpCloseDue() {
        return tcpCloseDue;
    }

    /** Gives back the pooled buffers of output that will never be written (the socket is gone). */
    public void discardOutput() {
        outbound.discard();
    }

    /**
     * Whether a frame compressed once for many connections ({@link PerMessageDeflate#encodeServerText}) may go to
     * this one for a message of {@code messageBytes}: it negotiated permessage-deflate without server context
     * takeover, and would compress such a message.
     */
    public boolean takesSharedCompressedFrames(long messageBytes) {
        return PerMessageDeflate.takesSharedFrames(extensions, messageBytes);
    }

    /** Encodes a text message already in UTF-8 (its remaining bytes) once as an unmasked server frame. */
    public static ByteBuffer encodeServerTextUtf8(ByteBuffer utf8) {
        return Outbound.serverFrame(0x80 | Opcode.TEXT, utf8);
    }

    /** Encodes a text message once as an unmasked server frame, for {@link #sendEncoded} to many connections. */
    public static ByteBuffer encodeServerText(CharSequence text) {
        return encodeServerTextUtf8(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Encodes a binary message once as an unmasked server frame, for {@link #sendEncoded} to many connections. */
    public static ByteBuffer encodeServerBinary(ByteBuffer data) {
        return Outbound.serverFrame(0x80 | Opcode.BINARY, data);
    }

    /** Whether {@code code} may be sent in a Close: 1000–1003, 1007–1014, 3000–4999 (RFC 6455 §7.4). */
    public static boolean isSendableCloseCode(int code) {
        return CloseCode.isValidOnWire(code);
    }

    // -------------------------------------------------------------------------------------------------- helpers

    private void report(int code, String reason) {
        if (!closedReported) {
            closedReported = true;
            events.add(new Event.Closed(code, reason));
        }
    }

    /** The engine is done: no more input, and TCP should be closed once the output is written. */
    private void finish() {
        if (tcpCloseDue) {
            return;
        }
        state = State.CLOSED;
        tcpCloseDue = true;
        early = null;
        requests = null;
        if (inbound != null) {
            inbound.release();
        }
        for (Extension extension : extensions) {
            extension.close();
        }
    }
}
