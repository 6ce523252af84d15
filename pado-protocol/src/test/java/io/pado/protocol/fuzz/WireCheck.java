package io.pado.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.protocol.Role;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads what an engine wrote once open as its peer would, with {@link FrameReaderFuzzer#reference} (RFC 6455
 * §5.2-§5.3, written apart from the engine), and checks it against what it had to write, in order: every frame
 * whole, in the shortest length form, masked if and only if the engine is a client, control frames unfragmented and
 * short, RSV1 only on a message compressed as agreed (RFC 7692: messages under the minimum or larger than the window
 * go as they are), each message what was sent, and a Close last if any.
 */
final class WireCheck {
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    private static final int MAX_REASON_BYTES = 123;

    /** A frame or message the engine must write; a Close may have either of two payloads. */
    record Outgoing(int opcode, byte[] payload, byte[] otherPayload) {
        static Outgoing message(int opcode, byte[] bytes) {
            return new Outgoing(opcode, bytes, bytes);
        }

        static Outgoing control(int opcode, byte[] payload) {
            return new Outgoing(opcode, payload, payload);
        }

        /** A Close with {@code code} (none for 1005) and one of two reasons, each cut to 123 bytes. */
        static Outgoing close(int code, String reason, String otherReason) {
            return new Outgoing(0x8, closePayload(code, reason), closePayload(code, otherReason));
        }

        @Override
        public String toString() {
            return "opcode " + opcode + " " + EngineRun.describe(2, payload);
        }
    }

    /**
     * permessage-deflate as we send it: messages of {@code minMessageBytes} to {@code maxMessageBytes} compressed,
     * and whether our compressor keeps its context between messages.
     */
    record Compression(int minMessageBytes, long maxMessageBytes, boolean keepsContext) {
    }

    private final Role role;
    private final Compression compression;

    /** @param compression null when permessage-deflate was not agreed */
    WireCheck(Role role, Compression compression) {
        this.role = role;
        this.compression = compression;
    }

    void check(byte[] wire, List<Outgoing> expected) {
        FrameReaderFuzzer.Reading reading = FrameReaderFuzzer.reference(wire);
        assertThat(reading.failure()).as("our frames").isNull();
        int at = 0;
        int next = 0;
        int messageOpcode = -1;
        boolean compressed = false;
        var message = new ByteArrayOutputStream();
        Inflater inflater = null;
        try {
            for (int i = 0; i < reading.frames().size(); i++) {
                FrameReaderFuzzer.Frame f = reading.frames().get(i);
                assertThat(f.complete()).as("frame %d whole", i).isTrue();
                at += checkLengthForm(wire, at, f.length());
                assertThat(f.masked()).as("frame %d masked", i).isEqualTo(role == Role.CLIENT);
                byte[] payload = HexFormat.of().parseHex(f.payload());
                int opcode = f.opcode();
                assertThat(next).as("frame %d after all that was due: %s", i, f).isLessThan(expected.size());
                if (opcode >= 8) {
                    // RFC 6455 §5.5: control frames are whole, short, without RSV bits
                    assertThat(opcode).as("frame %d opcode", i).isIn(0x8, 0x9, 0xA);
                    assertThat(f.fin() && f.rsv() == 0 && payload.length <= 125).as("control frame %s", f).isTrue();
                    Outgoing due = expected.get(next++);
                    assertThat(opcode).as("frame %d: %s due", i, due).isEqualTo(due.opcode());
                    assertThat(Arrays.equals(payload, due.payload()) || Arrays.equals(payload, due.otherPayload()))
                            .as("frame %d: %s due, got %s", i, due, f).isTrue();
                    if (opcode == 0x8) {
                        assertThat(i).as("the Close is the last frame").isEqualTo(reading.frames().size() - 1);
                    }
                    continue;
                }
                if (opcode != 0) {
                    assertThat(opcode).as("frame %d opcode", i).isIn(0x1, 0x2);
                    assertThat(messageOpcode).as("a new message before the last one ended").isEqualTo(-1);
                    messageOpcode = opcode;
                    compressed = f.rsv() == 0x40;
                    assertThat(f.rsv() == 0 || compressed && compression != null).as("RSV of %s", f).isTrue();
                } else {
                    assertThat(messageOpcode).as("a continuation without a message").isNotEqualTo(-1);
                    assertThat(f.rsv()).as("RSV of a continuation").isZero();
                }
                message.writeBytes(payload);
                if (!f.fin()) {
                    continue;
                }
                byte[] bytes = message.toByteArray();
                if (compressed) {
                    if (inflater == null || !compression.keepsContext()) {
                        if (inflater != null) {
                            inflater.end();
                        }
                        inflater = new Inflater(true);
                    }
                    bytes = inflate(inflater, bytes);
                }
                Outgoing due = expected.get(next++);
                assertThat(messageOpcode).as("message %d: %s due", next, due).isEqualTo(due.opcode());
                assertThat(EngineRun.describe(messageOpcode, bytes)).as("message %d", next)
                        .isEqualTo(EngineRun.describe(due.opcode(), due.payload()));
                boolean shouldCompress = compression != null && bytes.length >= compression.minMessageBytes()
                        && bytes.length <= compression.maxMessageBytes();
                assertThat(compressed).as("message %d of %d bytes compressed", next, bytes.length)
                        .isEqualTo(shouldCompress);
                message.reset();
                messageOpcode = -1;
            }
        } finally {
            if (inflater != null) {
                inflater.end();
            }
        }
        assertThat(at).as("our frames end where the output ends").isEqualTo(wire.length);
        assertThat(next).as("frames written of %s", expected).isEqualTo(expected.size());
    }

    /** RFC 6455 §5.2: the minimal number of bytes for the length. Returns the frame's size on the wire. */
    private static int checkLengthForm(byte[] wire, int at, long length) {
        int length7 = wire[at + 1] & 0x7F;
        assertThat(length7 == 127 ? length > 0xFFFF : length7 == 126 ? length >= 126 && length <= 0xFFFF
                : length <= 125).as("shortest length form for %d bytes", length).isTrue();
        return frameBytes(wire, at, length);
    }

    /** The size on the wire of the whole frame at {@code at} whose payload is {@code length} bytes. */
    static int frameBytes(byte[] wire, int at, long length) {
        int length7 = wire[at + 1] & 0x7F;
        int extra = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        return (int) (2 + extra + ((wire[at + 1] & 0x80) != 0 ? 4 : 0) + length);
    }

    /** Where the last frame of {@code wire} starts (frames assumed whole). */
    static int lastFrameOffset(byte[] wire) {
        int at = 0;
        int last = 0;
        for (FrameReaderFuzzer.Frame f : FrameReaderFuzzer.reference(wire).frames()) {
            last = at;
            at += checkLengthForm(wire, at, f.length());
        }
        return last;
    }

    /** RFC 7692 §7.2.2: the payload with the tail put back, inflated. */
    private static byte[] inflate(Inflater inflater, byte[] payload) {
        var out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (byte[] input : new byte[][] {payload, TAIL}) {
                inflater.setInput(input);
                int n;
                while ((n = inflater.inflate(chunk)) > 0) {
                    out.write(chunk, 0, n);
                }
            }
        } catch (DataFormatException e) {
            throw new AssertionError("our compressed message does not inflate", e);
        }
        return out.toByteArray();
    }

    /** A Close payload: the code, then the reason cut to 123 bytes between characters (RFC 6455 §5.5). */
    private static byte[] closePayload(int code, String reason) {
        if (code == 1005) {
            return new byte[0];
        }
        var out = new ByteArrayOutputStream();
        out.write(code >> 8);
        out.write(code);
        for (int i = 0; i < reason.length(); ) {
            int codePoint = reason.codePointAt(i);
            byte[] character = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
            if (out.size() - 2 + character.length > MAX_REASON_BYTES) {
                break;
            }
            out.writeBytes(character);
            i += Character.charCount(codePoint);
        }
        return out.toByteArray();
    }
}
