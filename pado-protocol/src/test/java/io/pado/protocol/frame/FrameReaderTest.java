package io.pado.protocol.frame;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class FrameReaderTest { // RFC 6455 §5.2

    /** A masked binary frame of {@code payload}, its length in the 16- or 64-bit form, with key 0x37FA213D. */
    private static byte[] maskedFrame(byte[] payload, int lengthForm) {
        ByteBuffer frame = ByteBuffer.allocate(14 + payload.length); // big-endian, as on the wire
        frame.put((byte) 0x82).put((byte) (0x80 | lengthForm));
        if (lengthForm == 126) {
            frame.putShort((short) payload.length);
        } else {
            frame.putLong(payload.length);
        }
        int key = 0x37FA213D;
        frame.putInt(key);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ (key >>> (24 - 8 * (i & 3)))));
        }
        return java.util.Arrays.copyOf(frame.array(), frame.position());
    }

    /** Fuzz finding (FrameReaderFuzzer): read whole from a little-endian buffer, the length and key were swapped. */
    @ParameterizedTest
    @ValueSource(ints = {126, 127})
    void readsLengthAndKeyInNetworkOrderWhateverTheBufferOrder(int lengthForm) {
        byte[] payload = "x".repeat(300).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = maskedFrame(payload, lengthForm);
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer in = (direct ? ByteBuffer.allocateDirect(frame.length) : ByteBuffer.allocate(frame.length))
                    .order(ByteOrder.LITTLE_ENDIAN).put(frame).flip();
            var reader = new FrameReader();

            assertThat(reader.readHeader(in)).isTrue();
            assertThat(reader.payloadLength()).isEqualTo(300);
            int from = in.position();
            assertThat(reader.takePayload(in)).isEqualTo(300);
            assertThat(reader.payloadComplete()).isTrue();
            byte[] unmasked = new byte[300];
            in.get(from, unmasked);
            assertThat(new String(unmasked, StandardCharsets.US_ASCII)).isEqualTo("x".repeat(300));
        }
    }
}
