package io.pado.protocol;

import io.pado.protocol.frame.FrameReader;
import io.pado.protocol.frame.FrameWriter;
import io.pado.protocol.frame.Masking;
import io.pado.protocol.frame.Opcode;
import io.pado.protocol.message.MessageBuffer;
import io.pado.protocol.message.Utf8Decoder;
import io.pado.protocol.message.Utf8Validator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The RFC 6455 state machine of one WebSocket connection after its opening handshake, for either {@link Role}.
 * It touches no socket and starts no thread: the caller feeds it received bytes and send requests, then takes out
 * events and the bytes to write.
 *
 * <p>The loop a runtime runs around it:
 * {@snippet :
 * connection.receive(readBuffer);                 // bytes from the socket
 * for (Event e; (e = connection.pollEvent()) != null; ) {
 *     handle(e);                                  // Text, Binary, Ping, Pong, Closed ...
 * }
 * for (ByteBuffer out; (out = connection.pollOutput()) != null; ) {
 *     write(out);                                 // in order; Pongs and Close replies are here too
 * }
 * if (connection.tcpCloseDue()) {
 *     closeSocket();                              // after the output above is written
 * }
 * }
 *
 * <p><b>Input never throws.</b> A peer that breaks the protocol fails the connection (RFC 6455 §7.1.7): the engine
 * reports {@link Event.Closed}, discards all further input and, when the application takes that event, queues a
 * Close with the matching code (1002, 1007, 1009): messages that came before it can still be answered. Any split of the same bytes into {@code receive} calls gives the same events.
 *
 * <p><b>Closing</b> (RFC 6455 §7): either side may start. A received Close is answered with a Close echoing its
 * code, unless one was sent already; after sending a Close no data can be sent. The server closes TCP as soon as
 * both Closes are exchanged; a client waits for the server to do it, for at most {@link Limits#closeTimeout()},
 * which {@link #tick(long)} enforces, as it does the wait for the peer's Close.
 *
 * <p>Not thread-safe: one thread owns a connection.
 */
public final class Connection {
    /** Unmasked payloads up to this size are copied behind their header, so the frame is written as one buffer. */
    private static final int COPY_BELOW_BYTES = 4096;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /** The first buffer a gathered message takes holds up to this much, or the frame's payload if it is smaller. */
    private static final int FIRST_GATHER_BYTES = 64 << 10;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    /** Where the closing handshake stands. */
    public enum State {
        /** Data flows both ways. */
        OPEN,
        /** We sent a Close and wait for the peer's; received data is still delivered. */
        CLOSING,
        /** The connection is over for the engine: a Close was received, or it failed, or the input ended. */
        CLOSED
    }

    /** Whether a part is the last of its message. */
    public enum Fin { MORE, LAST }

    /** What to do with the output once the Closed event is taken. */
    private enum PendingClose { NONE, FAIL, ECHO }

    private final Role role;
    private final Settings settings;
    private final List<Extension> extensions;
    private final LongSupplier nanoClock;
    private final IntSupplier maskKeys;
    /** RSV bits that the negotiated extensions own. */
    private final int extensionRsv;

    private final FrameReader reader = new FrameReader();
    // Made at the first text message: a connection that only carries binary never needs them
    private Utf8Validator utf8;
    private Utf8Decoder utf8Decoder;
    private final MessageBuffer message = new MessageBuffer();
    /** Where extensions put decoded bytes: made once, not per frame. */
    private final Consumer<ByteBuffer> onMessageBytes = this::onMessageBytes;
    // Small at first: an idle connection holds these, a busy one grows them once.
    private final ArrayDeque<Event> events = new ArrayDeque<>(3);
    private final ArrayDeque<ByteBuffer> output = new ArrayDeque<>(3);

    private State state = State.OPEN;
    private boolean inputDone;
    private boolean outputOpen = true;
    private boolean closedReported;
    private boolean tcpCloseDue;
    private boolean finished;
    private PendingClose pendingClose = PendingClose.NONE;
    private int pendingCode;
    private String pendingReason;
    private boolean deadlineArmed;
    private long deadlineNanos;

    /** Header of the current frame checked; cleared when its payload has been read. */
    private boolean frameChecked;
    /** Opcode of the data message being received, or -1 between messages. */
    private int messageOpcode = -1;
    private Extension messageDecoder;
    private long messageBytes;
    /**
     * A binary message bound for the receiver that does not arrive whole in one piece of input (fragmented, split
     * across reads, or compressed) is gathered here, in a buffer from {@link #frameBuffers} that goes back once the
     * receiver has returned; null when no such message is under way.
     */
    private ByteBuffer gathered;
    /** Whether the current message is gathered in {@link #gathered} (decided when it starts). */
    private boolean gatherForReceiver;
    private ByteBuffer controlPayload;

    /** Opcode of the message being sent in parts, or -1. */
    private int sendingOpcode = -1;
    private FrameBuffers frameBuffers = FrameBuffers.HEAP;
    private BinaryReceiver binaryReceiver;

    private Connection(Role role, Settings settings, List<Extension> extensions, LongSupplier nanoClock,
            IntSupplier maskKeys) {
        this.role = role;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.extensions = List.copyOf(extensions);
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.maskKeys = maskKeys;
        int rsv = 0;
        for (Extension extension : this.extensions) {
            rsv |= extension.rsvBits();
        }
        this.extensionRsv = rsv;
    }

    /**
     * An engine for the server end.
     *
     * @param extensions the extensions negotiated in the handshake, in the order they apply
     * @param nanoClock  a monotonic clock in nanoseconds ({@code System::nanoTime}), read when a deadline is armed
     */
    public static Connection server(Settings settings, List<Extension> extensions, LongSupplier nanoClock) {
        return new Connection(Role.SERVER, settings, extensions, nanoClock, null);
    }

    /**
     * An engine for the client end.
     *
     * @param maskKeys the source of a fresh, unpredictable masking key for every frame (RFC 6455 §5.3), such as a
     *                 {@code SecureRandom}'s {@code nextInt}
     */
    public static Connection client(Settings settings, List<Extension> extensions, LongSupplier nanoClock,
            IntSupplier maskKeys) {
        return new Connection(Role.CLIENT, settings, extensions, nanoClock,
                Objects.requireNonNull(maskKeys, "maskKeys"));
    }

    public Role role() {
        return role;
    }

    public State state() {
        return state;
    }

    /**
     * Makes outgoing frames be written into buffers from {@code buffers} (default {@link FrameBuffers#HEAP}). Set it
     * before the first send. Buffers from {@link #pollOutput()} that a pool lent may be taken back once written;
     * other buffers (a large payload's slice, a shared broadcast frame) are not the pool's.
     */
    public void useFrameBuffers(FrameBuffers buffers) {
        this.frameBuffers = Objects.requireNonNull(buffers, "buffers");
    }

    /**
     * Hands whole binary messages to {@code receiver} during {@link #receive} instead of queueing {@link Event.Binary}
     * events, for those it can take in order: a message that ends while no other event waits to be polled. One
     * behind a waiting event still comes as an event, so the order of everything received is kept. A message that
     * does not arrive whole in one piece of input (fragmented, split across reads, or compressed) is gathered in a
     * buffer from the {@link #useFrameBuffers frame buffers}, given back once the receiver returns. With
     * {@link Delivery#PARTS} it has no effect. {@code receiver} may send on this connection (it runs inside
     * {@code receive}, between two frames); null goes back to events only, from the next message on.
     */
    public void deliverBinaryTo(BinaryReceiver receiver) {
        this.binaryReceiver = receiver;
    }

    /** Whether data and control frames may still be sent: false once a Close was sent or the connection failed. */
    public boolean isOutputOpen() {
        return outputOpen;
    }

    // ---------------------------------------------------------------------------------------------------- input

    /**
     * Feeds received bytes. All remaining bytes are consumed (the position moves to the limit) and masked payloads
     * are unmasked in place. Events that this produces may hold views of {@code data}, valid until the next call.
     */
    public void receive(ByteBuffer data) {
        try {
            while (data.hasRemaining() && !inputDone) {
                if (!reader.readHeader(data)) {
                    break;
                }
                if (!frameChecked) {
                    checkFrame();
                    frameChecked = true;
                }
                int from = data.position();
                int length = reader.takePayload(data);
                boolean frameDone = reader.payloadComplete();
                if (length > 0 || frameDone) {
                    onPayload(data, from, length, frameDone);
                }
                if (frameDone) {
                    reader.nextFrame();
                    frameChecked = false;
                }
            }
        } catch (ProtocolException e) {
            inputDone = true;
            closeAfterEarlierEvents(PendingClose.FAIL, e.closeCode().code(), e.getMessage());
        }
        if (inputDone) {
            // RFC 6455 §7.1.7: once failed or closed, further data is discarded
            data.position(data.limit());
        }
    }

    /**
     * The TCP connection ended: the peer closed its side (read returned -1), or the socket was closed or broke.
     * Call it whenever the socket goes away, so the engine reports 1006 if no Close came and frees its extensions.
     */
    public void receiveEof() {
        report(CloseCode.ABNORMAL_CLOSURE, "");
        outputOpen = false;
        finish();
    }

    /** Applies deadlines that have passed at {@code nowNanos}: a Close that never came ends the connection. */
    public void tick(long nowNanos) {
        if (deadlineArmed && nowNanos - deadlineNanos >= 0) {
            deadlineArmed = false;
            report(CloseCode.ABNORMAL_CLOSURE, "close timeout");
            outputOpen = false;
            finish();
        }
    }

    /** When {@link #tick(long)} should next be called, on the clock given at creation; {@link Long#MAX_VALUE} if never. */
    public long nextDeadlineNanos() {
        return deadlineArmed ? deadlineNanos : Long.MAX_VALUE;
    }

    /**
     * The next event without taking it, or null. A runtime that hands events to other threads uses it to hold a
     * {@link Event.Closed} back until the events before it have been handled: taking Closed closes the output.
     */
    public Event peekEvent() {
        return events.peek();
    }

    /** The next event, or null when there is none. */
    public Event pollEvent() {
        Event event = events.poll();
        if (event instanceof Event.Closed && pendingClose != PendingClose.NONE) {
            applyPendingClose();
        }
        return event;
    }

    private void checkFrame() {
        int opcode = reader.opcode();
        if (!Opcode.isDefined(opcode)) {
            throw protocolError("reserved opcode " + opcode);
        }
        // RFC 6455 §5.1: clients mask every frame, servers none
        if (reader.masked() != (role == Role.SERVER)) {
            throw protocolError(role == Role.SERVER ? "unmasked client frame" : "masked server frame");
        }
        boolean firstOfMessage = opcode == Opcode.TEXT || opcode == Opcode.BINARY;
        // RFC 6455 §5.2: RSV bits MUST be 0 unless an extension defines them; extensions here mark whole messages
        int allowedRsv = firstOfMessage ? extensionRsv : 0;
        if ((reader.rsv() & ~allowedRsv) != 0) {
            throw protocolError("reserved bits set");
        }
        if (Opcode.isControl(opcode)) {
            // RFC 6455 §5.5: control frames are never fragmented and carry at most 125 bytes
            if (!reader.fin()) {
                throw protocolError("fragmented control frame");
            }
            if (reader.payloadLength() > MAX_CONTROL_PAYLOAD) {
                throw protocolError("control frame too long");
            }
            return;
        }
        // RFC 6455 §5.4: a continuation continues a started message; a new message waits for the last to end
        if (opcode == Opcode.CONTINUATION && messageOpcode < 0) {
            throw protocolError("continuation frame without a message");
        }
        if (firstOfMessage && messageOpcode >= 0) {
            throw protocolError("new message before the previous one ended");
        }
        if (reader.payloadLength() > settings.limits().maxFrameBytes()) {
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG, "frame too big");
        }
        if (firstOfMessage) {
            startMessage(opcode, reader.rsv());
        }
        if (messageDecoder == null && messageBytes + reader.payloadLength() > settings.limits().maxMessageBytes()) {
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG, "message too big");
        }
    }

    private void startMessage(int opcode, int rsv) {
        messageOpcode = opcode;
        messageBytes = 0;
        gatherForReceiver = opcode == Opcode.BINARY && binaryReceiver != null
                && settings.delivery() == Delivery.MESSAGES;
        messageDecoder = null;
        if (opcode == Opcode.TEXT) {
            if (utf8 == null) {
                utf8 = new Utf8Validator();
                utf8Decoder = new Utf8Decoder();
            }
            utf8.reset();
        }
        if (rsv != 0) {
            for (Extension extension : extensions) {
                if ((extension.rsvBits() & rsv) != 0) {
                    messageDecoder = extension;
                    break;
                }
            }
        }
    }

    /** Takes bytes {@code from} to {@code from + length} of {@code data}: a piece of the current frame's payload. */
    private void onPayload(ByteBuffer data, int from, int length, boolean frameDone) {
        if (Opcode.isControl(reader.opcode())) {
            onControlPayload(data.slice(from, length), frameDone);
            return;
        }
        boolean messageDone = frameDone && reader.fin();
        if (messageDecoder != null) {
            messageDecoder.decode(data.slice(from, length), messageDone, onMessageBytes);
        } else if (messageDone && messageBytes == 0 && settings.delivery() == Delivery.MESSAGES) {
            // The usual case: a whole, unfragmented message in the read buffer, handed out without a copy
            messageBytes = length;
            if (messageOpcode == Opcode.TEXT) {
                ByteBuffer piece = data.slice(from, length);
                checkUtf8(piece);
                checkUtf8Complete();
                deliverWhole(piece);
            } else if (binaryReceiver != null && events.isEmpty()) {
                messageOpcode = -1; // the message is over before the receiver runs, whatever it does
                binaryReceiver.onBinary(data, from, length);
                return;
            } else {
                // One read-only view straight out of the input: no writable slice to wrap first
                events.add(new Event.Binary(frameBuffers.readOnlyView(data).slice(from, length)));
            }
            messageOpcode = -1;
            return;
        } else {
            onMessageBytes(data.slice(from, length));
        }
        if (messageDone) {
            finishMessage();
        }
    }

    /** Takes the next bytes of a message's (decoded) payload: checks limits and UTF-8, gathers or streams them. */
    private void onMessageBytes(ByteBuffer bytes) {
        long overBytes = messageBytes + bytes.remaining() - settings.limits().maxMessageBytes();
        if (overBytes > 0) {
            if (messageOpcode == Opcode.TEXT) {
                // UTF-8 within the limit first: how inflated bytes come in chunks must not choose 1007 or 1009
                checkUtf8(bytes.slice(bytes.position(), bytes.remaining() - (int) overBytes));
            }
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG, "message too big");
        }
        messageBytes += bytes.remaining();
        if (messageOpcode == Opcode.TEXT) {
            checkUtf8(bytes);
        }
        if (settings.delivery() == Delivery.PARTS) {
            deliverPart(bytes, false);
        } else if (gatherForReceiver) {
            gather(bytes);
        } else {
            message.append(bytes);
        }
    }

    /**
     * Appends {@code bytes} to {@link #gathered}, taking a bigger buffer when it is full. It grows with what arrives
     * (at most doubling), never to a length a frame header merely announces.
     */
    private void gather(ByteBuffer bytes) {
        int needed = bytes.remaining();
        if (gathered == null) {
            long known = needed + reader.payloadRemaining(); // this frame's payload, all of it if unfragmented
            gathered = frameBuffers.take((int) Math.min(known, Math.max(needed, FIRST_GATHER_BYTES)));
        } else if (gathered.remaining() < needed) {
            long known = (long) gathered.position() + needed + reader.payloadRemaining();
            long least = (long) gathered.position() + needed;
            long wanted = Math.max(Math.min((long) gathered.capacity() * 2, known), least);
            ByteBuffer bigger = frameBuffers.take((int) wanted);
            bigger.put(gathered.flip());
            frameBuffers.giveBack(gathered);
            gathered = bigger;
        }
        gathered.put(bytes);
    }

    private void checkUtf8(ByteBuffer bytes) {
        if (utf8.validate(bytes, bytes.position(), bytes.limit()) >= 0) {
            // RFC 6455 §8.1: invalid UTF-8 in a text message fails the connection at once
            throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "invalid UTF-8 in text message");
        }
    }

    private void checkUtf8Complete() {
        if (!utf8.isComplete()) {
            throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
    }

    private void finishMessage() {
        if (messageOpcode == Opcode.TEXT) {
            checkUtf8Complete();
        }
        if (settings.delivery() == Delivery.PARTS) {
            deliverPart(ByteBuffer.allocate(0), true);
        } else if (messageOpcode == Opcode.TEXT) {
            // The gathered bytes only feed the String: the buffer is kept for the next message
            events.add(new Event.Text(utf8Decoder.decode(message.array(), 0, message.size(), utf8.isAscii())));
            message.recycle();
        } else if (gatherForReceiver) {
            deliverGathered();
            return;
        } else {
            deliverWhole(message.takeAll());
        }
        messageOpcode = -1;
        messageDecoder = null;
    }

    /** Hands the gathered binary message to the receiver, or as an event if one waits, and gives its buffer back. */
    private void deliverGathered() {
        ByteBuffer all = gathered != null ? gathered.flip() : EMPTY;
        gathered = null;
        messageOpcode = -1; // the message is over before the receiver runs, whatever it does
        messageDecoder = null;
        gatherForReceiver = false;
        try {
            if (binaryReceiver != null && events.isEmpty()) {
                binaryReceiver.onBinary(all, 0, all.limit());
            } else {
                // Behind a waiting event, or the receiver was removed meanwhile. The buffer goes back to the pool:
                // the event gets bytes of its own
                events.add(new Event.Binary(copyOf(all)));
            }
        } finally {
            frameBuffers.giveBack(all);
        }
    }

    private void deliverWhole(ByteBuffer payload) {
        if (messageOpcode == Opcode.TEXT) {
            events.add(new Event.Text(utf8Decoder.decode(payload, utf8.isAscii())));
        } else {
            events.add(new Event.Binary(payload.asReadOnlyBuffer()));
        }
    }

    private void deliverPart(ByteBuffer bytes, boolean last) {
        if (messageOpcode == Opcode.BINARY) {
            if (bytes.hasRemaining() || last) {
                // Decoded bytes live in the extension's buffer only during the call: those are copied
                ByteBuffer part = messageDecoder == null ? bytes.asReadOnlyBuffer() : copyOf(bytes);
                events.add(new Event.BinaryPart(part, last));
            }
            return;
        }
        // A text part ends on a code point boundary: an unfinished code point waits for the next piece
        message.append(bytes);
        int ready = message.size() - utf8.pendingBytes();
        if (ready > 0 || last) {
            events.add(new Event.TextPart(new String(message.array(), 0, ready, StandardCharsets.UTF_8), last));
            message.discardFirst(ready);
        }
        if (last) {
            message.recycle();
        }
    }

    private void onControlPayload(ByteBuffer piece, boolean frameDone) {
        ByteBuffer payload;
        if (frameDone && controlPayload == null) {
            payload = piece;
        } else {
            if (controlPayload == null) {
                controlPayload = ByteBuffer.allocate((int) reader.payloadLength());
            }
            controlPayload.put(piece);
            if (!frameDone) {
                return;
            }
            payload = controlPayload.flip();
            controlPayload = null;
        }
        switch (reader.opcode()) {
            case Opcode.PING -> {
                // RFC 6455 §5.5.2: a Ping is answered with a Pong carrying the same data
                if (settings.autoPong() == Settings.AutoPong.ON && outputOpen) {
                    writeFrame(0x80 | Opcode.PONG, payload);
                }
                events.add(new Event.Ping(payload.asReadOnlyBuffer()));
            }
            case Opcode.PONG -> events.add(new Event.Pong(payload.asReadOnlyBuffer()));
            default -> onClose(payload);
        }
    }

    private void onClose(ByteBuffer payload) {
        int code = CloseCode.NO_STATUS_RECEIVED;
        String reason = "";
        if (payload.remaining() == 1) {
            throw protocolError("close frame with a 1-byte payload");
        }
        if (payload.remaining() >= 2) {
            code = payload.getShort(payload.position()) & 0xFFFF;
            // RFC 6455 §7.4: only defined or registered codes may be received
            if (!CloseCode.isValidOnWire(code)) {
                throw protocolError("invalid close code " + code);
            }
            ByteBuffer reasonBytes = payload.slice(payload.position() + 2, payload.remaining() - 2);
            var validator = new Utf8Validator();
            if (validator.validate(reasonBytes, 0, reasonBytes.limit()) >= 0 || !validator.isComplete()) {
                throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "invalid UTF-8 in close reason");
            }
            reason = decode(reasonBytes);
        }
        inputDone = true;
        closeAfterEarlierEvents(PendingClose.ECHO, code, reason);
    }

    /**
     * Reports Closed, and closes the output only when the application takes that event: a message that arrived
     * just ahead of a Close or a violation can still be answered, as the peer that sent it expects (the Autobahn
     * suite calls anything else non-strict), even by a handler on another thread.
     */
    private void closeAfterEarlierEvents(PendingClose action, int code, String reason) {
        if (closedReported) {
            return;
        }
        report(code, reason);
        pendingClose = action;
        pendingCode = code;
        pendingReason = reason;
    }

    private void applyPendingClose() {
        PendingClose action = pendingClose;
        pendingClose = PendingClose.NONE;
        if (action == PendingClose.FAIL) {
            // RFC 6455 §7.1.7: send a Close with the failure's code, then close TCP
            if (outputOpen) {
                writeClose(pendingCode, pendingReason);
            }
            finish();
            return;
        }
        if (outputOpen) {
            // RFC 6455 §5.5.1: answer a Close with a Close, echoing its code
            writeClose(pendingCode == CloseCode.NO_STATUS_RECEIVED ? -1 : pendingCode, "");
        }
        state = State.CLOSED;
        if (role == Role.SERVER) {
            // RFC 6455 §7.1.1: the server closes the TCP connection first
            finish();
        } else {
            // ... and the client waits for it, but not forever
            armDeadline();
        }
    }

    // --------------------------------------------------------------------------------------------------- output

    /** Queues a text message, cut into frames of at most {@link Settings#maxSendFrameBytes()}. */
    public void sendText(CharSequence text) {
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        if (extensions.isEmpty() && utf8.length < COPY_BELOW_BYTES && utf8.length <= settings.maxSendFrameBytes()) {
            // Short and uncompressed: one frame, the UTF-8 copied straight behind its header (no ByteBuffer between).
            // The JDK's encoder into an array and one bulk copy beat encoding char by char into the frame.
            requireMessageStart();
            boolean masked = role == Role.CLIENT;
            int key = masked ? maskKeys.getAsInt() : 0;
            int headerBytes = FrameWriter.headerBytes(utf8.length, masked);
            ByteBuffer frame = frameBuffers.take(headerBytes + utf8.length);
            FrameWriter.writeHeader(frame, 0x80 | Opcode.TEXT, utf8.length, masked, key);
            frame.put(headerBytes, utf8);
            if (masked) {
                Masking.mask(frame, headerBytes, headerBytes + utf8.length, key, 0);
            }
            output.add(frame.position(0));
            return;
        }
        sendMessage(Opcode.TEXT, ByteBuffer.wrap(utf8), false);
    }

    /**
     * Queues a binary message. The position of {@code data} does not move; on the server side a large payload is
     * written from {@code data} itself, so it must not change until the output holding it has been written.
     */
    public void sendBinary(ByteBuffer data) {
        sendMessage(Opcode.BINARY, data, false);
    }

    /**
     * Queues a binary message whose bytes are copied into the frames now, whatever their size, so {@code data} may
     * change as soon as this returns: for a buffer that is about to be reused, such as a view of the read buffer.
     */
    public void sendBinaryCopy(ByteBuffer data) {
        sendMessage(Opcode.BINARY, data, true);
    }

    /**
     * Queues one part of a text message sent in parts (fragments, RFC 6455 §5.4). A part must end on a code point
     * boundary. Control frames may be sent between parts; other messages may not.
     */
    public void sendTextPart(CharSequence text, Fin fin) {
        sendPart(Opcode.TEXT, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), fin);
    }

    /** Queues one part of a binary message sent in parts; see {@link #sendTextPart}. */
    public void sendBinaryPart(ByteBuffer data, Fin fin) {
        sendPart(Opcode.BINARY, data, fin);
    }

    /** Queues a Ping with up to 125 bytes of data; the position of {@code data} does not move. */
    public void sendPing(ByteBuffer data) {
        sendControl(Opcode.PING, data);
    }

    /** Queues a Pong (unsolicited, or an answer when auto-pong is off). */
    public void sendPong(ByteBuffer data) {
        sendControl(Opcode.PONG, data);
    }

    /**
     * Starts the closing handshake, or does nothing if a Close was already sent. The reason is cut to 123 bytes on a
     * character boundary.
     *
     * @param code a code that may be sent: 1000–1003, 1007–1014 or 3000–4999
     * @throws IllegalArgumentException for a code that may not be sent (such as 1005 or 1006)
     */
    public void close(int code, String reason) {
        if (!CloseCode.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code may not be sent: " + code);
        }
        if (!outputOpen) {
            return;
        }
        writeClose(code, reason);
        if (state == State.OPEN) {
            state = State.CLOSING;
        }
        armDeadline();
    }

    /**
     * Fails the connection (RFC 6455 §7.1.7): sends a Close with {@code code} if the output is still open, reports
     * {@link Event.Closed}, discards further input and asks for TCP to be closed. For the runtime's own reasons:
     * a handler that threw (1011), a policy (1008), a slow consumer.
     */
    public void fail(CloseCode code, String reason) {
        pendingClose = PendingClose.NONE;
        if (outputOpen) {
            writeClose(code.code(), reason);
        }
        report(code.code(), reason);
        finish();
    }

    /** Encodes a text message once as an unmasked server frame, for {@link #sendEncoded} to many connections. */
    public static ByteBuffer encodeServerText(CharSequence text) {
        return encodeServerFrame(Opcode.TEXT, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Encodes a text message already in UTF-8 (its remaining bytes, which must be valid UTF-8; the position does not
     * move) once as an unmasked server frame, for {@link #sendEncoded} to many connections.
     */
    public static ByteBuffer encodeServerTextUtf8(ByteBuffer utf8) {
        return encodeServerFrame(Opcode.TEXT, utf8.duplicate());
    }

    /** Encodes a binary message once as an unmasked server frame, for {@link #sendEncoded} to many connections. */
    public static ByteBuffer encodeServerBinary(ByteBuffer data) {
        return encodeServerFrame(Opcode.BINARY, data.duplicate());
    }

    private static ByteBuffer encodeServerFrame(int opcode, ByteBuffer payload) {
        int length = payload.remaining();
        ByteBuffer frame = ByteBuffer.allocate(FrameWriter.headerBytes(length, false) + length);
        FrameWriter.writeHeader(frame, 0x80 | opcode, length, false, 0);
        frame.put(payload);
        return frame.flip().asReadOnlyBuffer();
    }

    /**
     * Queues a frame made by {@link #encodeServerText} or {@link #encodeServerBinary}; a duplicate is queued, so the
     * same buffer can go to many connections. Server role only.
     */
    public void sendEncoded(ByteBuffer frame) {
        if (role != Role.SERVER) {
            throw new IllegalStateException("only a server sends pre-encoded frames");
        }
        requireMessageStart();
        output.add(frame.duplicate());
    }

    /** The next bytes to write, or null. The caller owns the buffer until it is written; write them in order. */
    public ByteBuffer pollOutput() {
        return output.poll();
    }

    public boolean hasOutput() {
        return !output.isEmpty();
    }

    /** Whether the TCP connection should now be closed, once the output already taken has been written. */
    public boolean tcpCloseDue() {
        return tcpCloseDue;
    }

    /**
     * Queues a message cut into frames; {@code payload}'s position does not move. With {@code copy}, every frame
     * holds a copy of its bytes, never a slice of {@code payload}.
     */
    private void sendMessage(int opcode, ByteBuffer payload, boolean copy) {
        requireMessageStart();
        int rsv = 0;
        ByteBuffer encoded = null;
        // Indexed: an iterator per message is an allocation the JIT does not always remove
        for (int i = 0; i < extensions.size(); i++) {
            Extension extension = extensions.get(i);
            encoded = extension.encode(payload, frameBuffers);
            if (encoded != null) {
                rsv = extension.rsvBits();
                break;
            }
        }
        if (encoded == null) {
            writeFrames(opcode, rsv, payload, copy);
            return;
        }
        try {
            // The encoded bytes are copied into the frames, so that their buffer can go back at once
            writeFrames(opcode, rsv, encoded, true);
        } finally {
            frameBuffers.giveBack(encoded);
        }
    }

    /** Queues {@code payload} as one message in frames of at most the configured size; the first has {@code rsv}. */
    private void writeFrames(int opcode, int rsv, ByteBuffer payload, boolean copy) {
        int maxFrame = settings.maxSendFrameBytes();
        int frameOpcode = opcode;
        int from = payload.position();
        int end = payload.limit();
        do {
            int take = Math.min(end - from, maxFrame);
            boolean last = take == end - from;
            writeFrame((last ? 0x80 : 0) | rsv | frameOpcode, payload, from, take, copy);
            from += take;
            frameOpcode = Opcode.CONTINUATION;
            rsv = 0;
        } while (from < end);
    }

    private void sendPart(int opcode, ByteBuffer payload, Fin fin) {
        requireOutputOpen();
        if (sendingOpcode >= 0 && sendingOpcode != opcode) {
            throw new IllegalStateException("a message of another type is being sent in parts");
        }
        int frameOpcode = sendingOpcode < 0 ? opcode : Opcode.CONTINUATION;
        sendingOpcode = fin == Fin.LAST ? -1 : opcode;
        writeFrame((fin == Fin.LAST ? 0x80 : 0) | frameOpcode, payload);
    }

    private void sendControl(int opcode, ByteBuffer data) {
        if (data.remaining() > MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("control frame payload over 125 bytes: " + data.remaining());
        }
        requireOutputOpen();
        writeFrame(0x80 | opcode, data);
    }

    private void requireOutputOpen() {
        if (!outputOpen) {
            throw new IllegalStateException("output closed: a Close was sent or the connection failed");
        }
    }

    private void requireMessageStart() {
        requireOutputOpen();
        if (sendingOpcode >= 0) {
            throw new IllegalStateException("a message is being sent in parts; finish it first");
        }
    }

    /** Queues a Close; {@code code} -1 sends one without a status code. Closes the output. */
    private void writeClose(int code, String reason) {
        ByteBuffer payload;
        if (code < 0) {
            payload = ByteBuffer.allocate(0);
        } else {
            byte[] reasonBytes = truncateReason(reason);
            payload = ByteBuffer.allocate(2 + reasonBytes.length).putShort((short) code).put(reasonBytes).flip();
        }
        writeFrame(0x80 | Opcode.CLOSE, payload);
        outputOpen = false;
    }

    /** Queues a frame of {@code payload}'s bytes from its position to its limit; its position does not move. */
    private void writeFrame(int firstByte, ByteBuffer payload) {
        writeFrame(firstByte, payload, payload.position(), payload.remaining(), false);
    }

    /**
     * Queues a frame of bytes {@code from} to {@code from + length} of {@code payload}, whose position does not
     * move. A client's payload is masked while it is copied behind the header, in one pass; a server's big payload is
     * queued as a slice of {@code payload}, never copied.
     */
    private void writeFrame(int firstByte, ByteBuffer payload, int from, int length, boolean copy) {
        boolean masked = role == Role.CLIENT;
        int headerBytes = FrameWriter.headerBytes(length, masked);
        if (masked || copy || length < COPY_BELOW_BYTES) {
            int key = masked ? maskKeys.getAsInt() : 0;
            ByteBuffer frame = frameBuffers.take(headerBytes + length);
            FrameWriter.writeHeader(frame, firstByte, length, masked, key);
            Masking.maskedCopy(payload, from, length, frame, key);
            output.add(frame.position(0));
        } else {
            ByteBuffer header = frameBuffers.take(headerBytes);
            FrameWriter.writeHeader(header, firstByte, length, false, 0);
            output.add(header.flip());
            output.add(payload.slice(from, length));
        }
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
        if (finished) {
            return;
        }
        finished = true;
        inputDone = true;
        if (gathered != null) {
            frameBuffers.giveBack(gathered); // a message that never ended
            gathered = null;
        }
        state = State.CLOSED;
        tcpCloseDue = true;
        deadlineArmed = false;
        for (Extension extension : extensions) {
            extension.close();
        }
    }

    private void armDeadline() {
        if (!deadlineArmed) {
            deadlineArmed = true;
            deadlineNanos = nanoClock.getAsLong() + settings.limits().closeTimeout().toNanos();
        }
    }

    private static ProtocolException protocolError(String message) {
        return new ProtocolException(CloseCode.PROTOCOL_ERROR, message);
    }

    private static String decode(ByteBuffer utf8Bytes) {
        if (!utf8Bytes.hasRemaining()) {
            return ""; // most Close frames have no reason
        }
        if (utf8Bytes.hasArray()) {
            return new String(utf8Bytes.array(), utf8Bytes.arrayOffset() + utf8Bytes.position(),
                    utf8Bytes.remaining(), StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[utf8Bytes.remaining()];
        utf8Bytes.get(utf8Bytes.position(), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static ByteBuffer copyOf(ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes.duplicate());
        return copy.flip().asReadOnlyBuffer();
    }

    /** The reason's UTF-8 bytes, cut to 123 bytes on a character boundary (RFC 6455 §5.5: control payload ≤ 125). */
    static byte[] truncateReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return bytes;
        }
        int end = MAX_CLOSE_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(bytes, end);
    }
}
