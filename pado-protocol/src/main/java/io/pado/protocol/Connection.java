package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.extension.ExtensionFactory;
import io.pado.protocol.frame.CloseCode;
import io.pado.protocol.frame.Opcode;
import io.pado.protocol.frame.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * One WebSocket connection as RFC 6455 sees it, for either {@link Role}, from the opening handshake to the end: it
 * touches no socket, starts no thread, reads no clock and never calls out. The caller feeds it received bytes and
 * requests, then takes out events and the bytes to write; the package comment shows the loop and the states.
 *
 * <p><b>Input never throws.</b> A peer that breaks the protocol fails the connection (RFC 6455 §7.1.7) with 1002,
 * 1007 or 1009; a bad opening request is answered with its HTTP status. Any split of the same bytes gives the same
 * events. Not thread-safe: one thread owns a connection.
 */
public final class Connection {
    private static final int MAX_CONTROL_PAYLOAD = 125;

    /** Where the connection stands; see the class comment. */
    public enum State { CONNECTING, OPEN, LOCAL_CLOSING, REMOTE_CLOSING, CLOSED }

    private final Role role;
    private final EngineOptions options;
    private final Outbound outbound;
    /** The next event, and those after it: a queue made only when two wait at once (a message, then the end). */
    private Event nextEvent;
    private ArrayDeque<Event> laterEvents;
    private State state;
    private FrameBuffers buffers = FrameBuffers.HEAP;
    private Inbound inbound;

    /** The opening handshake, until the WebSocket is open or the connection ends. */
    private Opening opening;
    /** Bytes that came after the upgrade request: the first frames. */
    private ByteBuffer early;

    private boolean closedReported;
    /** REMOTE_CLOSING: the code our Close answers with (-1 for none), and whether the peer failed. */
    private int answerCode;
    private String answerReason;
    private boolean peerFailed;
    private boolean tcpCloseDue;

    private Connection(Role role, EngineOptions options, IntSupplier maskKeys, State state) {
        this.role = role;
        this.options = Objects.requireNonNull(options, "options");
        this.outbound = new Outbound(maskKeys);
        this.state = state;
    }

    /** A server's connection, reading the first HTTP request. */
    public static Connection server(EngineOptions options) {
        var c = new Connection(Role.SERVER, options, null, State.CONNECTING);
        c.opening = Opening.server(options);
        return c;
    }

    /**
     * A client's connection, with {@code handshake}'s request queued to write.
     *
     * @param maskKeys the source of a fresh, unpredictable masking key for every frame (RFC 6455 §5.3), such as a
     *                 {@code SecureRandom}'s {@code nextInt}
     */
    public static Connection client(EngineOptions options, ClientHandshake handshake, IntSupplier maskKeys) {
        var c = new Connection(Role.CLIENT, options, Objects.requireNonNull(maskKeys, "maskKeys"), State.CONNECTING);
        c.opening = Opening.client(options, Objects.requireNonNull(handshake, "handshake"), c.outbound);
        return c;
    }

    /** A connection whose handshake happened elsewhere, open with these extensions (for tests). */
    static Connection open(Role role, EngineOptions options, List<Extension> extensions, IntSupplier maskKeys) {
        var c = new Connection(role, options, maskKeys, State.CONNECTING);
        c.opened(extensions);
        return c;
    }

    public Role role() {
        return role;
    }

    public State state() {
        return state;
    }

    /** Takes frames, and binary messages that come in pieces, from {@code buffers}; before the first byte. */
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
                case CONNECTING -> readOpening(data);
                case OPEN, LOCAL_CLOSING -> readFrame(data);
                // RFC 6455 §5.5.1, §7.1.7: nothing is read after a Close or a failure
                case REMOTE_CLOSING, CLOSED -> data.position(data.limit());
            }
        } catch (ProtocolException e) {
            peerEnded(e.closeCode().code(), e.getMessage(), true);
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
            case CONNECTING -> opening.hasWaitingInput();
            case OPEN, LOCAL_CLOSING -> early != null || inbound.hasReady();
            case REMOTE_CLOSING, CLOSED -> false;
        };
    }

    /** TCP ended, or was given up on ({@code reason}: a close timeout): reports 1006 if nothing was reported. */
    public void receiveEof(String reason) {
        if (state != State.CONNECTING) {
            report(CloseCode.ABNORMAL_CLOSURE, reason);
        }
        finish();
        if (inbound != null) {
            inbound.giveBackHandedOut(); // the last event's message, which finish() leaves to the caller until now
        }
    }

    /** The next event, or null when there is none. */
    public Event pollEvent() {
        Event event = nextEvent;
        nextEvent = laterEvents == null ? null : laterEvents.poll();
        return event;
    }

    private void readOpening(ByteBuffer data) throws HandshakeException {
        Event event = opening.read(data, outbound);
        if (event instanceof Event.Opened) {
            opened(opening.negotiated());
        }
        if (event != null) {
            queue(event);
        }
    }

    private void readFrame(ByteBuffer data) {
        ByteBuffer source = early != null ? early : data;
        Event event = inbound.next(source);
        if (source == early && !early.hasRemaining()) {
            early = null;
        }
        if (event instanceof Event.Closed close) {
            peerEnded(close.code(), close.reason(), false);
            return;
        }
        if (event instanceof Event.Ping ping && isOutputOpen()) {
            // RFC 6455 §5.5.2: a Ping is answered with a Pong carrying the same data
            outbound.control(Opcode.PONG, ping.data());
        }
        if (event != null) {
            queue(event);
        }
    }

    /** The peer's Close (§5.5.1) or breach of the protocol ({@code failed}, §7.1.7): answered after what is due. */
    private void peerEnded(int code, String reason, boolean failed) {
        report(code, reason);
        if (state == State.OPEN) {
            state = State.REMOTE_CLOSING;
            answerCode = !failed && code == CloseCode.NO_STATUS_RECEIVED ? -1 : code;
            answerReason = failed ? reason : "";
            peerFailed = failed;
        } else if (failed) {
            finish();
        } else {
            closeBothWays();
        }
    }

    /** The opening handshake failed: a server answers with the status; either way the connection ends. */
    private void refuse(HandshakeException e) {
        if (role == Role.SERVER) {
            outbound.raw(ServerHandshake.reject(e));
        }
        queue(new Event.Refused(e));
        finish();
    }

    // ------------------------------------------------------------------------------------------------- opening

    /**
     * Accepts the upgrade request just reported ({@link Event.Upgrade}): negotiates permessage-deflate if offered and
     * {@code compression} is given, queues the 101 and opens the WebSocket. A factory that fails makes it a 500, and
     * {@link Event.Refused} carries the failure as its cause.
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
        requireOpening();
        List<Extension> negotiated;
        try {
            negotiated = opening.accept(subprotocol, extensions, extraHeaders, outbound);
        } catch (HandshakeException failure) {
            refuse(failure);
            return;
        }
        early = opening.takeEarlyFrames();
        opened(negotiated);
    }

    /** Refuses the upgrade request just reported with {@code refusal}'s status, headers and message; ends. */
    public void reject(HandshakeException refusal) {
        requireOpening();
        opening.reject(refusal, outbound);
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
        requireOpening();
        if (opening.respond(status, headers, body, persistence, outbound)) {
            finish();
        }
    }

    private void requireOpening() {
        if (state != State.CONNECTING || opening == null) {
            throw new IllegalStateException("no request waits for an answer in state " + state);
        }
    }

    private void opened(List<Extension> negotiated) {
        inbound = new Inbound(role, options, negotiated);
        inbound.useFrameBuffers(buffers);
        outbound.useExtensions(negotiated);
        opening = null;
        state = State.OPEN;
    }

    // --------------------------------------------------------------------------------------------------- output

    /** Queues a text message; returns its length in UTF-8 (before compression), for the caller's counts. */
    public int sendText(CharSequence text) {
        requireOutputOpen();
        return outbound.text(text);
    }

    /**
     * Queues a binary message; a server writes a large one from {@code data}, unchanged until it is written. Returns
     * its length.
     */
    public int sendBinary(ByteBuffer data) {
        requireOutputOpen();
        return outbound.binary(data, false);
    }

    /** Queues a binary message copied into its frame now: {@code data} may change once this returns. Its length. */
    public int sendBinaryCopy(ByteBuffer data) {
        requireOutputOpen();
        return outbound.binary(data, true);
    }

    /** Queues a Ping of up to 125 bytes; {@code data}'s position does not move. */
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

    /** Queues a duplicate of a frame made once for many ({@link ServerFrames}). Server role only. */
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
        CloseCode.requireValidOnWire(code);
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
     * In REMOTE_CLOSING, sends the Close that answers the peer's (echoing its code, RFC 6455 §5.5.1) or reports its
     * violation (§7.1.7), once the application has seen {@link Event.Closed} and answered the messages before it.
     */
    public void answerClose() {
        if (state == State.REMOTE_CLOSING) {
            outbound.close(answerCode, answerReason);
            closeBothWays();
        }
    }

    /**
     * Fails the connection for the caller's reasons (RFC 6455 §7.1.7: a policy, a peer taken for dead): sends a Close
     * with {@code code} if none was sent, reports {@link Event.Closed} and asks for TCP to be closed. A code that may
     * not be sent (such as 1005 or 1006) throws {@code IllegalArgumentException}, and nothing changes.
     */
    public void fail(int code, String reason) {
        CloseCode.requireValidOnWire(code);
        if (isOutputOpen()) {
            outbound.close(code, reason);
        }
        if (inbound != null) {
            report(code, reason); // an opened WebSocket; one that never opened ends with 1006 at the end of TCP
        }
        finish();
    }

    /** Both Closes are exchanged: done, but a client waits for the server to close TCP first (RFC 6455 §7.1.1). */
    private void closeBothWays() {
        finish();
        tcpCloseDue = role == Role.SERVER || peerFailed;
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

    /** Gives back the pooled buffers of output that will never be written. */
    public void discardOutput() {
        outbound.discard();
    }

    /** Whether a frame compressed once for many may go here for a message of {@code messageBytes}. */
    public boolean takesSharedCompressedFrames(long messageBytes) {
        return PerMessageDeflate.takesSharedFrames(outbound.extensions(), messageBytes);
    }

    /** Whether {@code code} may be sent in a Close: 1000–1003, 1007–1014, 3000–4999 (RFC 6455 §7.4). */
    public static boolean isSendableCloseCode(int code) {
        return CloseCode.isValidOnWire(code);
    }

    private void queue(Event event) {
        if (nextEvent == null) {
            nextEvent = event;
        } else {
            if (laterEvents == null) {
                laterEvents = new ArrayDeque<>(2);
            }
            laterEvents.add(event);
        }
    }

    private void report(int code, String reason) {
        if (!closedReported) {
            closedReported = true;
            queue(new Event.Closed(code, reason));
        }
    }

    /** The engine is done: buffers go back, codecs end (once), and TCP is to close once the output is written. */
    private void finish() {
        state = State.CLOSED;
        tcpCloseDue = true;
        early = null;
        opening = null;
        if (inbound != null) {
            inbound.releaseGathered(); // not the last event's message: valid until the next call (Event)
        }
        outbound.extensions().forEach(Extension::close);
        outbound.useExtensions(List.of());
    }
}
