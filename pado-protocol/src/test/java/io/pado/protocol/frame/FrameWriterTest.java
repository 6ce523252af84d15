package io.pado.protocol.frame;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class FrameWriterTest { // RFC 6455 §5.2

    /** The header FrameWriter puts into a big-endian buffer, as the wire wants it. */
    private static byte[] header(ByteOrder order, boolean direct, long length) {
        ByteBuffer out = (direct ? ByteBuffer.allocateDirect(14) : ByteBuffer.allocate(14)).order(order);
        FrameWriter.writeHeader(out, 0x82, length, true, 0x37FA213D);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(longs = {300, 70_000})
    void writesLengthAndKeyInNetworkOrderWhateverTheBufferOrder(long length) {
        byte[] expected = length <= 0xFFFF
                ? new byte[] {(byte) 0x82, (byte) 0xFE, 0x01, 0x2C, 0x37, (byte) 0xFA, 0x21, 0x3D}
                : new byte[] {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70, 0x37, (byte) 0xFA, 0x21, 0x3D};
        for (boolean direct : new boolean[] {false, true}) {
            assertThat(header(ByteOrder.BIG_ENDIAN, direct, length)).isEqualTo(expected);
            assertThat(header(ByteOrder.LITTLE_ENDIAN, direct, length)).isEqualTo(expected);
        }
        assertThat(expected.length).isEqualTo(FrameWriter.headerBytes(length, true));
    }

    @ParameterizedTest
    @ValueSource(ints = {126, 127})
    void whatItWritesIntoALittleEndianBufferReadsBack(int lengthForm) {
        long length = lengthForm == 126 ? 300 : 70_000;
        ByteBuffer buf = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
        FrameWriter.writeHeader(buf, 0x82, length, true, 0x01020304);
        var reader = new FrameReader();
        assertThat(reader.readHeader(buf.flip())).isTrue();
        assertThat(reader.payloadLength()).isEqualTo(length);
    }
}
