package io.pado.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pado.protocol.frame.FrameReader;
import io.pado.protocol.frame.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link FrameReader}: any bytes, read as a stream of frames the way the engine
 * reads them, whole, cut anywhere and a byte at a time, from heap buffers (at an offset, or a slice) and direct ones
 * (either byte order). Every reading must agree with an independent one written here from RFC 6455 §5.2-§5.3 (header
 * fields, unmasked payload), and the only failure is the RFC's: a 64-bit length with its top bit set, 1002.
 * Input: see {@link FuzzInput}; the setting picks the kind of buffer.
 * Regression inputs: {@code src/test/resources/io/pado/protocol/fuzz/FrameReaderFuzzerInputs/frames}.
 */
class FrameReaderFuzzer {

    /** One frame as read: its header fields, the payload bytes read so far (unmasked) and whether that is all. */
    record Frame(boolean fin, int rsv, int opcode, boolean masked, long length, String payload, boolean complete) {
    }

    /** The frames read, and the failure that ended the reading, if any. */
    record Reading(List<Frame> frames, String failure) {
    }

    /** How the input reaches the reader. */
    enum Buffers { HEAP_AT_OFFSET, HEAP_SLICE, DIRECT_BIG_ENDIAN, DIRECT_LITTLE_ENDIAN }

    @FuzzTest
    void frames(byte[] data) {
        FuzzInput input = FuzzInput.of(data);
        Buffers buffers = Buffers.values()[input.setting() % Buffers.values().length];
        Reading expected = reference(input.body());
        assertThat(read(input.whole(), buffers)).as("whole").isEqualTo(expected);
        assertThat(read(input.pieces(), buffers)).as("cut anywhere").isEqualTo(expected);
        assertThat(read(input.bytes(), buffers)).as("a byte at a time").isEqualTo(expected);
    }

    /** Reads {@code pieces} as the engine does: header, then the payload in as many pieces as it comes in. */
    static Reading read(byte[][] pieces, Buffers buffers) {
        var frames = new ArrayList<Frame>();
        var reader = new FrameReader();
        Frame current = null;
        var payload = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            ByteBuffer in = buffer(piece, buffers);
            int end = in.limit();
            while (true) {
                if (current == null) {
                    try {
                        if (!reader.readHeader(in)) {
                            assertThat(in.hasRemaining()).as("an incomplete header reads all it is given").isFalse();
                            break;
                        }
                    } catch (ProtocolException e) {
                        assertThat(e.closeCode().code()).isEqualTo(1002);
                        return new Reading(frames, e.getMessage());
                    }
                    current = new Frame(reader.fin(), reader.rsv(), reader.opcode(), reader.masked(),
                            reader.payloadLength(), "", false);
                    payload.reset();
                }
                long due = reader.payloadRemaining();
                int from = in.position();
                int took = reader.takePayload(in);
                assertThat(took).isEqualTo((int) Math.min(due, end - from));
                assertThat(in.position()).isEqualTo(from + took);
                assertThat(in.limit()).isEqualTo(end);
                for (int i = from; i < from + took; i++) {
                    payload.write(in.get(i));
                }
                if (!reader.payloadComplete()) {
                    assertThat(in.hasRemaining()).as("a payload piece takes all it is given").isFalse();
                    break;
                }
                frames.add(withPayload(current, payload, true));
                current = null;
                reader.nextFrame();
            }
        }
        if (current != null) {
            frames.add(withPayload(current, payload, false));
        }
        return new Reading(frames, null);
    }

    private static Frame withPayload(Frame header, ByteArrayOutputStream payload, boolean complete) {
        return new Frame(header.fin(), header.rsv(), header.opcode(), header.masked(), header.length(),
                java.util.HexFormat.of().formatHex(payload.toByteArray()), complete);
    }

    /** A writable buffer holding {@code piece} between position and limit, of the kind asked for. */
    private static ByteBuffer buffer(byte[] piece, Buffers buffers) {
        return switch (buffers) {
            case HEAP_AT_OFFSET -> {
                byte[] room = new byte[piece.length + 7];
                System.arraycopy(piece, 0, room, 3, piece.length);
                yield ByteBuffer.wrap(room, 3, piece.length);
            }
            case HEAP_SLICE -> {
                byte[] room = new byte[piece.length + 5];
                System.arraycopy(piece, 0, room, 5, piece.length);
                yield ByteBuffer.wrap(room).position(5).slice();
            }
            case DIRECT_BIG_ENDIAN, DIRECT_LITTLE_ENDIAN -> {
                ByteBuffer direct = ByteBuffer.allocateDirect(piece.length + 2);
                direct.order(buffers == Buffers.DIRECT_BIG_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                direct.position(2);
                direct.put(piece);
                yield direct.position(2);
            }
        };
    }

    /** RFC 6455 §5.2 and §5.3, byte by byte, over the whole input at once. */
    static Reading reference(byte[] data) {
        var frames = new ArrayList<Frame>();
        int at = 0;
        while (data.length - at >= 2) {
            int b0 = data[at] & 0xFF;
            int b1 = data[at + 1] & 0xFF;
            boolean masked = (b1 & 0x80) != 0;
            int length7 = b1 & 0x7F;
            int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
            int headerBytes = 2 + lengthBytes + (masked ? 4 : 0);
            if (data.length - at < headerBytes) {
                break;
            }
            long length = length7;
            if (lengthBytes > 0) {
                length = 0;
                for (int i = 0; i < lengthBytes; i++) {
                    length = (length << 8) | (data[at + 2 + i] & 0xFF);
                }
            }
            if (length < 0) {
                return new Reading(frames, "invalid frame length");
            }
            byte[] key = masked ? Arrays.copyOfRange(data, at + 2 + lengthBytes, at + headerBytes) : new byte[4];
            at += headerBytes;
            int present = (int) Math.min(length, data.length - at);
            byte[] payload = new byte[present];
            for (int i = 0; i < present; i++) {
                payload[i] = (byte) (data[at + i] ^ key[i % 4]);
            }
            frames.add(new Frame((b0 & 0x80) != 0, b0 & 0x70, b0 & 0x0F, masked, length,
                    java.util.HexFormat.of().formatHex(payload), present == length));
            at += present;
            if (present < length) {
                break;
            }
        }
        return new Reading(frames, null);
    }
}
