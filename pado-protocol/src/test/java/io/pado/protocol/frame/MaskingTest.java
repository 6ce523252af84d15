package io.pado.protocol.frame;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class MaskingTest { // RFC 6455 §5.3

    private static byte[] byteWise(byte[] data, int key, int offset) {
        byte[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            int keyByte = (key >>> (24 - 8 * ((i + offset) & 3))) & 0xFF;
            out[i] ^= (byte) keyByte;
        }
        return out;
    }

    @Test
    void wordWiseMaskingMatchesByteWiseForEveryLengthOffsetAndOrder() {
        var random = new Random(6455);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            for (int length = 0; length <= 40; length++) {
                for (int offset = 0; offset < 8; offset++) {
                    for (int start = 0; start < 3; start++) {
                        byte[] data = new byte[length];
                        random.nextBytes(data);
                        int key = random.nextInt();
                        ByteBuffer buf = ByteBuffer.allocate(start + length).order(order);
                        buf.position(start);
                        buf.put(data);
                        Masking.mask(buf, start, start + length, key, offset);
                        byte[] got = new byte[length];
                        buf.get(start, got);
                        assertThat(got).as("length %d offset %d start %d %s", length, offset, start, order)
                                .isEqualTo(byteWise(data, key, offset));
                    }
                }
            }
        }
    }

    @Test
    void payloadSplitAnywhereUnmasksLikeAWhole() {
        var random = new Random(7);
        byte[] data = new byte[37];
        random.nextBytes(data);
        int key = 0xCAFEBABE;
        for (int split = 0; split <= data.length; split++) {
            ByteBuffer first = ByteBuffer.wrap(data.clone(), 0, split).slice();
            ByteBuffer second = ByteBuffer.wrap(data.clone(), split, data.length - split).slice();
            Masking.mask(first, 0, first.limit(), key, 0);
            Masking.mask(second, 0, second.limit(), key, split);
            byte[] got = new byte[data.length];
            first.get(0, got, 0, split);
            second.get(0, got, split, data.length - split);
            assertThat(got).as("split %d", split).isEqualTo(byteWise(data, key, 0));
        }
    }

    @Test
    void zeroKeyLeavesBytesAlone() {
        ByteBuffer buf = ByteBuffer.wrap(new byte[] {1, 2, 3});
        Masking.mask(buf, 0, 3, 0, 0);
        assertThat(buf.array()).containsExactly(1, 2, 3);
    }
}
