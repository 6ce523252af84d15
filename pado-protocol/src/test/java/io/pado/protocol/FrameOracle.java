package io.pado.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * What a receiver must make of a stream of frames, read straight from RFC 6455 §5-§8 and RFC 7692, written apart
 * from the engine so that the fuzz properties can compare the two. Whole messages only ({@link Delivery#MESSAGES}).
 */
final class FrameOracle {

    /** One frame as sent: opcode, flags, payload (unmasked), and how it is put on the wire. */
    record FrameSpec(int opcode, boolean fin, int rsv, byte[] payload, boolean wrongMask, int lengthForm) {

        static FrameSpec of(int opcode, boolean fin, byte[] payload) {
            return new FrameSpec(opcode, fin, 0, payload, false, 0);
        }

        /** The frame's bytes as a peer of {@code receiver} sends them: masked towards a server (RFC 6455 §5.3). */
        byte[] encode(Role receiver, int maskKey) {
            boolean masked = (receiver == Role.SERVER) != wrongMask;
            RawFrame frame = RawFrame.of(opcode, payload).fin(fin).rsv(rsv);
            if (masked) {
                frame.maskedWith(maskKey);
            }
            if (lengthForm == 64 || (lengthForm == 16 && payload.length <= 0xFFFF)) {
                frame.lengthForm(lengthForm);
            }
            return frame.bytes();
        }
    }

    /**
     * The events a receiver reports, the last one Closed; its code must be one of {@code closeCodes}.
     * {@code corruptCompressedData}: the end is zlib refusing a compressed payload, where how the payload is cut may
     * change what is seen first (see docs/RELIABILITY.md).
     */
    record Expected(List<Event> events, Set<Integer> closeCodes, boolean corruptCompressedData) {
    }

    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final Limits limits;
    private final boolean deflate;
    private final List<Event> events = new ArrayList<>();
    private int messageOpcode = -1;
    private boolean compressed;
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private final boolean contextTakeover;
    private Inflater inflater;
    private boolean hadInput;
    private boolean corrupt;

    /** @param contextTakeover whether the receiver keeps its inflater between messages (RFC 7692 §7.1.1) */
    FrameOracle(Limits limits, boolean deflate, boolean contextTakeover) {
        this.contextTakeover = contextTakeover;
        this.limits = limits;
        this.deflate = deflate;
    }

    /** The outcome of receiving {@code frames}, then the end of the TCP stream. */
    Expected receive(List<FrameSpec> frames) {
        for (FrameSpec frame : frames) {
            Expected closed = frame(frame);
            if (closed != null) {
                return closed;
            }
        }
        return end(Set.of(1006));
    }

    private Expected end(Set<Integer> codes) {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        return new Expected(List.copyOf(events), codes, corrupt);
    }

    private Expected frame(FrameSpec f) {
        int op = f.opcode();
        boolean control = op >= 8;
        if (!(op <= 2 || (op >= 8 && op <= 10))) {
            return end(Set.of(1002)); // §5.2: reserved opcode
        }
        if (f.wrongMask()) {
            return end(Set.of(1002)); // §5.1
        }
        int allowedRsv = deflate && (op == 1 || op == 2) ? 0x40 : 0; // RFC 7692 §6: RSV1 on a message's first frame
        if ((f.rsv() & ~allowedRsv) != 0) {
            return end(Set.of(1002));
        }
        if (control) {
            if (!f.fin() || f.payload().length > 125) {
                return end(Set.of(1002)); // §5.5
            }
            return controlFrame(op, f.payload());
        }
        if (op == 0 && messageOpcode < 0 || op != 0 && messageOpcode >= 0) {
            return end(Set.of(1002)); // §5.4
        }
        if (f.payload().length > limits.maxFrameBytes()) {
            return end(Set.of(1009));
        }
        if (op != 0) {
            messageOpcode = op;
            compressed = (f.rsv() & 0x40) != 0;
            hadInput = false;
            message.reset();
        }
        if (!compressed && message.size() + f.payload().length > limits.maxMessageBytes()) {
            return end(Set.of(1009));
        }
        byte[] payload;
        if (compressed) {
            hadInput |= f.payload().length > 0;
            Integer failure = inflate(f.payload());
            if (failure == null && f.fin() && hadInput) {
                failure = inflate(TAIL); // RFC 7692 §7.2.2; an empty payload is an empty message
            }
            if (failure != null) {
                return end(Set.of(failure));
            }
            payload = message.toByteArray();
        } else {
            message.write(f.payload(), 0, f.payload().length);
            payload = message.toByteArray();
            if (messageOpcode == 1 && utf8(payload) == Utf8.INVALID) {
                return end(Set.of(1007)); // §8.1: fail fast
            }
        }
        if (!f.fin()) {
            return null;
        }
        if (messageOpcode == 1) {
            if (utf8(payload) != Utf8.VALID) {
                return end(Set.of(1007));
            }
            events.add(new Event.Text(new String(payload, StandardCharsets.UTF_8)));
        } else {
            events.add(new Event.Binary(ByteBuffer.wrap(payload)));
        }
        if (compressed && inflater != null) {
            if (inflater.finished()) {
                inflater.reset(); // the peer ended its stream with a final block: the next message starts anew
            }
            if (!contextTakeover) {
                inflater.end();
                inflater = null;
            }
        }
        messageOpcode = -1;
        return null;
    }

    private Expected controlFrame(int op, byte[] payload) {
        if (op == 9) {
            events.add(new Event.Ping(ByteBuffer.wrap(payload)));
            return null;
        }
        if (op == 10) {
            events.add(new Event.Pong(ByteBuffer.wrap(payload)));
            return null;
        }
        if (payload.length == 0) {
            return end(Set.of(1005));
        }
        if (payload.length == 1) {
            return end(Set.of(1002));
        }
        int code = (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
        // §7.4: 1000-1003, 1007-1011 and the registered 1012-1014, 3000-4999
        boolean valid = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
        if (!valid) {
            return end(Set.of(1002));
        }
        byte[] reason = java.util.Arrays.copyOfRange(payload, 2, payload.length);
        if (utf8(reason) != Utf8.VALID) {
            return end(Set.of(1007));
        }
        return end(Set.of(code));
    }

    /**
     * Inflates the next compressed bytes of a message into {@link #message}, a chunk at a time, checking each chunk as
     * it comes (RFC 6455 §8.1 fails fast; RFC 7692 §8.1 counts the inflated size): bad UTF-8 within the limit is 1007,
     * whatever follows; then a message over the limit is 1009; data zlib refuses is 1007. Returns the code, or null.
     * With context takeover one stream runs through all messages, as RFC 7692 §7.2.2 has it.
     */
    private Integer inflate(byte[] compressedBytes) {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        int max = limits.maxMessageBytes();
        byte[] chunk = new byte[8192];
        inflater.setInput(compressedBytes);
        while (true) {
            int n;
            try {
                n = inflater.inflate(chunk);
            } catch (DataFormatException e) {
                corrupt = true;
                return 1007;
            }
            if (n == 0) {
                corrupt = inflater.needsDictionary();
                return corrupt ? 1007 : null;
            }
            int within = (int) Math.min(n, Math.max(0, (long) max - message.size()));
            message.write(chunk, 0, within);
            if (messageOpcode == 1 && utf8(message.toByteArray()) == Utf8.INVALID) {
                return 1007;
            }
            if (within < n) {
                return 1009;
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    enum Utf8 { VALID, INCOMPLETE, INVALID }

    /** Every proper prefix of the UTF-8 encoding of a code point (RFC 3629), as hex: what an unfinished tail may be. */
    private static final Set<String> PREFIXES = prefixes();

    private static Set<String> prefixes() {
        var prefixes = new java.util.HashSet<String>();
        var hex = java.util.HexFormat.of();
        for (int cp = 0x80; cp <= 0x10FFFF; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            for (int n = 1; n < bytes.length; n++) {
                prefixes.add(hex.formatHex(bytes, 0, n));
            }
        }
        return Set.copyOf(prefixes);
    }

    /**
     * Whether bytes are UTF-8, a prefix of it (fails fast: invalid as soon as no ending can fix it, RFC 6455 §8.1),
     * or neither. The JDK's decoder finds the errors, the prefix table decides an unfinished tail: both independent of
     * the engine's validator.
     */
    static Utf8 utf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, false);
        if (result.isError()) {
            return Utf8.INVALID;
        }
        if (!in.hasRemaining()) {
            return Utf8.VALID;
        }
        String tail = java.util.HexFormat.of().formatHex(bytes, in.position(), bytes.length);
        return PREFIXES.contains(tail) ? Utf8.INCOMPLETE : Utf8.INVALID;
    }
}
