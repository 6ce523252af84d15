package io.pado.protocol;

import io.pado.protocol.extension.Extension;
import io.pado.protocol.frame.CloseCode;
import io.pado.protocol.frame.FrameReader;
import io.pado.protocol.frame.Opcode;
import io.pado.protocol.frame.ProtocolException;
import io.pado.protocol.message.MessageBuffer;
import io.pado.protocol.message.Utf8Decoder;
import io.pado.protocol.message.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The receiving half of an open connection: reads frames, checks them against RFC 6455 §5, and assembles messages
 * (fragments, UTF-8, decompression, size limits) into one {@link Event} at a time. A peer's Close becomes
 * {@link Event.Closed}; what to do about it is the {@link Connection}'s business. Not thread-safe.
 *
 * <p>A binary message that is whole in the input is handed out as a view of the input; one that is not (fragmented,
 * split across reads, compressed) is gathered in a buffer from the {@link FrameBuffers}, which goes back at the next
 * call. Nothing is allocated per message then, but the reused {@link Event.Binary} itself, made again only when its
 * view changes.
 */
final class Inbound {
    private static final int MAX_CONTROL_PAYLOAD = 125;
    /** The first buffer a gathered message takes holds up to this much, or the frame's payload if it is smaller. */
    private static final int FIRST_GATHER_BYTES = 64 << 10;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Role role;
    private final EngineOptions options;
    private final List<Extension> extensions;
    /** RSV bits that the negotiated extensions own. */
    private final int extensionRsv;
    private final FrameReader reader = new FrameReader();
    // Made at the first text message: a connection that only carries binary never needs them
    private Utf8Validator utf8;
    private Utf8Decoder utf8Decoder;
    private final MessageBuffer message = new MessageBuffer();
    /** Where extensions put decoded bytes: made with the first compressed message, then reused, not per frame. */
    private Consumer<ByteBuffer> onDecodedBytes;
    private FrameBuffers buffers = FrameBuffers.HEAP;

    /** Header of the current frame checked; cleared when its payload has been read. */
    private boolean frameChecked;
    /** Opcode of the data message being received, or -1 between messages. */
    private int messageOpcode = -1;
    private Extension messageDecoder;
    private long messageBytes;
    /** A binary message gathered in a buffer from {@link #buffers}; null when none is under way or handed out. */
    private ByteBuffer gathered;
    /** A gathered message handed out in the last event: it goes back to the buffers at the next call. */
    private ByteBuffer handedOut;
    private ByteBuffer controlPayload;
    /** The event made by the last piece of payload, if it made one; more of them in parts delivery. */
    private Event ready;
    private ArrayDeque<Event> moreReady;
    /** The last binary event, reused while its view is the same. */
    private Event.Binary binaryEvent;

    Inbound(Role role, EngineOptions options, List<Extension> extensions) {
        this.role = role;
        this.options = options;
        this.extensions = extensions;
        int rsv = 0;
        for (Extension extension : extensions) {
            rsv |= extension.rsvBits();
        }
        this.extensionRsv = rsv;
    }

    void useFrameBuffers(FrameBuffers buffers) {
        this.buffers = buffers;
    }

    /**
     * Reads frames from {@code data} until one makes an event, and returns it; null when {@code data} ran out first.
     * The position moves past what was read; masked payloads are unmasked in place.
     *
     * @throws ProtocolException when the peer breaks the protocol; nothing more may be read then
     */
    Event next(ByteBuffer data) {
        giveBackHandedOut();
        while (ready == null && data.hasRemaining()) {
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
        Event event = ready;
        ready = moreReady == null ? null : moreReady.poll();
        return event;
    }

    /** Makes {@code event} ready; a piece of payload makes several only when it is delivered in parts. */
    private void ready(Event event) {
        if (ready == null) {
            ready = event;
        } else {
            if (moreReady == null) {
                moreReady = new ArrayDeque<>(4);
            }
            moreReady.add(event);
        }
    }

    /** Whether events are ready without more input (several come of one piece when delivered in parts). */
    boolean hasReady() {
        return ready != null;
    }

    /** Nothing more is read: gives back a message that never ended. What the last event shows stays. */
    void releaseGathered() {
        if (gathered != null) {
            buffers.giveBack(gathered);
            gathered = null;
        }
    }

    /** Gives back the message the last event showed, once the caller is done with that event. */
    void giveBackHandedOut() {
        if (handedOut != null) {
            buffers.giveBack(handedOut);
            handedOut = null;
        }
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
        if (reader.payloadLength() > options.maxFrameBytes()) {
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG, "frame too big");
        }
        if (firstOfMessage) {
            startMessage(opcode, reader.rsv());
        }
        if (messageDecoder == null && messageBytes + reader.payloadLength() > options.maxMessageBytes()) {
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG, "message too big");
        }
    }

    private void startMessage(int opcode, int rsv) {
        messageOpcode = opcode;
        messageBytes = 0;
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
            if (onDecodedBytes == null) {
                onDecodedBytes = this::onMessageBytes;
            }
            messageDecoder.decode(data.slice(from, length), messageDone, onDecodedBytes);
        } else if (messageDone && messageBytes == 0 && options.delivery() == EngineOptions.Delivery.MESSAGES) {
            // The usual case: a whole, unfragmented message in the input, handed out without a copy
            messageBytes = length;
            if (messageOpcode == Opcode.TEXT) {
                checkUtf8(data, from, from + length);
                checkUtf8Complete();
                ready(new Event.Text(utf8Decoder.decode(data, from, from + length, utf8.isAscii()), length));
            } else {
                ready(binaryEvent(buffers.readOnlyView(data), from, length));
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
        long overBytes = messageBytes + bytes.remaining() - options.maxMessageBytes();
        if (overBytes > 0) {
            if (messageOpcode == Opcode.TEXT) {
                // UTF-8 within the limit first: how inflated bytes come in chunks must not choose 1007 or 1009
                checkUtf8(bytes, bytes.position(), bytes.limit() - (int) overBytes);
            }
            throw new ProtocolException(CloseCode.MESSAGE_TOO_BIG, "message too big");
        }
        messageBytes += bytes.remaining();
        if (messageOpcode == Opcode.TEXT) {
            checkUtf8(bytes, bytes.position(), bytes.limit());
        }
        if (options.delivery() == EngineOptions.Delivery.PARTS) {
            part(bytes, false);
        } else if (messageOpcode == Opcode.BINARY) {
            gather(bytes);
        } else {
            message.append(bytes);
        }
    }

    /**
     * Appends {@code bytes} to {@link #gathered}, taking a bigger buffer when it is full. It grows with what arrives
     * (doubling, so that a message of n bytes costs at most about 2n bytes of copying however it comes), never to a
     * length a frame header merely announces: only the last frame of an uncompressed message tells where to stop.
     */
    private void gather(ByteBuffer bytes) {
        int needed = bytes.remaining();
        if (needed == 0) {
            return;
        }
        if (gathered == null) {
            long known = needed + reader.payloadRemaining(); // this frame's payload, all of it if unfragmented
            gathered = buffers.take((int) Math.min(known, Math.max(needed, FIRST_GATHER_BYTES)));
        } else if (gathered.remaining() < needed) {
            long least = (long) gathered.position() + needed;
            long wanted = Math.min((long) gathered.capacity() * 2, options.maxMessageBytes());
            if (messageDecoder == null && reader.fin()) {
                wanted = Math.min(wanted, least + reader.payloadRemaining()); // the message's length
            }
            wanted = Math.max(wanted, least);
            ByteBuffer bigger = buffers.take((int) wanted);
            bigger.put(gathered.flip());
            buffers.giveBack(gathered);
            gathered = bigger;
        }
        gathered.put(bytes);
    }

    private void checkUtf8(ByteBuffer bytes, int from, int to) {
        if (utf8.validate(bytes, from, to) >= 0) {
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
        if (options.delivery() == EngineOptions.Delivery.PARTS) {
            part(EMPTY, true);
        } else if (messageOpcode == Opcode.TEXT) {
            // The gathered bytes only feed the String: the buffer is kept for the next message
            int bytes = message.size();
            ready(new Event.Text(utf8Decoder.decode(message.array(), 0, bytes, utf8.isAscii()), bytes));
            message.recycle();
        } else {
            ByteBuffer all = gathered != null ? gathered.flip() : EMPTY;
            handedOut = gathered;
            gathered = null;
            ready(binaryEvent(buffers.readOnlyView(all), 0, all.limit()));
        }
        messageOpcode = -1;
        messageDecoder = null;
    }

    /** The reused binary event over {@code view}, showing bytes {@code from} to {@code from + length}. */
    private Event.Binary binaryEvent(ByteBuffer view, int from, int length) {
        view.limit(from + length).position(from);
        if (binaryEvent == null || binaryEvent.data() != view) {
            binaryEvent = new Event.Binary(view);
        }
        return binaryEvent;
    }

    /** {@link EngineOptions.Delivery#PARTS}: the next piece of the message as an event. */
    private void part(ByteBuffer bytes, boolean last) {
        if (messageOpcode == Opcode.BINARY) {
            if (bytes.hasRemaining() || last) {
                // Decoded bytes live in the extension's buffer only during the call: those are copied
                ByteBuffer piece = messageDecoder == null ? bytes.asReadOnlyBuffer() : copyOf(bytes);
                ready(new Event.BinaryPart(piece, last));
            }
            return;
        }
        // A text part ends on a code point boundary: an unfinished code point waits for the next piece
        message.append(bytes);
        int whole = message.size() - utf8.pendingBytes();
        if (whole > 0 || last) {
            ready(new Event.TextPart(new String(message.array(), 0, whole, StandardCharsets.UTF_8), last, whole));
            message.discardFirst(whole);
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
        ready(switch (reader.opcode()) {
            case Opcode.PING -> new Event.Ping(payload.asReadOnlyBuffer());
            case Opcode.PONG -> new Event.Pong(payload.asReadOnlyBuffer());
            default -> close(payload);
        });
    }

    /** A Close frame's payload as the event that reports it (RFC 6455 §5.5.1, §7.4). */
    private static Event.Closed close(ByteBuffer payload) {
        if (payload.remaining() == 1) {
            throw protocolError("close frame with a 1-byte payload");
        }
        if (payload.remaining() < 2) {
            return new Event.Closed(CloseCode.NO_STATUS_RECEIVED, "");
        }
        int code = payload.getShort(payload.position()) & 0xFFFF;
        // RFC 6455 §7.4: only defined or registered codes may be received
        if (!CloseCode.isValidOnWire(code)) {
            throw protocolError("invalid close code " + code);
        }
        int from = payload.position() + 2;
        var validator = new Utf8Validator();
        if (validator.validate(payload, from, payload.limit()) >= 0 || !validator.isComplete()) {
            throw new ProtocolException(CloseCode.INVALID_PAYLOAD, "invalid UTF-8 in close reason");
        }
        byte[] reason = new byte[payload.limit() - from];
        payload.get(from, reason);
        return new Event.Closed(code, new String(reason, StandardCharsets.UTF_8));
    }

    private static ByteBuffer copyOf(ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes.duplicate());
        return copy.flip().asReadOnlyBuffer();
    }

    private static ProtocolException protocolError(String message) {
        return new ProtocolException(CloseCode.PROTOCOL_ERROR, message);
    }
}
