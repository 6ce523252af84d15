package io.pado.protocol.frame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
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

    enum Memory { HEAP, HEAP_SLICED, DIRECT_BIG_ENDIAN, DIRECT_LITTLE_ENDIAN }

    /** A buffer of {@code length} bytes whose index 0 is not index 0 of any backing array, for the sliced kind. */
    private static ByteBuffer buffer(Memory memory, int length) {
        return switch (memory) {
            case HEAP -> ByteBuffer.allocate(length);
            case HEAP_SLICED -> ByteBuffer.allocate(length + 13).slice(5, length);
            case DIRECT_BIG_ENDIAN -> ByteBuffer.allocateDirect(length);
            case DIRECT_LITTLE_ENDIAN -> ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
        };
    }

    @ParameterizedTest
    @EnumSource(Memory.class)
    void masksInPlaceInEveryKindOfBufferWithoutTouchingBytesAround(Memory memory) {
        var random = new Random(42);
        for (int length = 0; length <= 40; length++) {
            for (int offset = 0; offset < 4; offset++) {
                for (int start = 0; start < 9; start++) {
                    byte[] all = new byte[start + length + 3];
                    random.nextBytes(all);
                    int key = random.nextInt();
                    ByteBuffer buf = buffer(memory, all.length).put(0, all);
                    Masking.mask(buf, start, start + length, key, offset);
                    byte[] got = new byte[all.length];
                    buf.get(0, got);
                    byte[] expected = all.clone();
                    byte[] masked = byteWise(Arrays.copyOfRange(all, start, start + length), key, offset);
                    System.arraycopy(masked, 0, expected, start, length);
                    assertThat(got).as("%s length %d offset %d start %d", memory, length, offset, start)
                            .isEqualTo(expected);
                    assertThat(buf.position()).isZero();
                }
            }
        }
    }

    @Test
    void maskedCopyMatchesByteWiseForEveryKindOfSourceAndTarget() {
        var random = new Random(5);
        for (Memory from : Memory.values()) {
            for (Memory to : Memory.values()) {
                for (int length = 0; length <= 40; length++) {
                    for (int key : new int[] {0, random.nextInt(), random.nextInt()}) {
                        byte[] data = new byte[length];
                        random.nextBytes(data);
                        ByteBuffer src = buffer(from, length + 6).put(3, data);
                        ByteBuffer dst = buffer(to, length + 9).position(4);
                        Masking.maskedCopy(src, 3, length, dst, key);
                        byte[] got = new byte[length];
                        dst.get(4, got);
                        assertThat(got).as("%s to %s length %d key %x", from, to, length, key)
                                .isEqualTo(byteWise(data, key, 0));
                        assertThat(dst.position()).isEqualTo(4);
                        assertThat(src.position()).isZero();
                        assertThat(dst.get(3)).isZero();
                        assertThat(dst.get(4 + length)).isZero();
                    }
                }
            }
        }
    }

    @Test
    void zeroKeyLeavesBytesAlone() {
        ByteBuffer buf = ByteBuffer.wrap(new byte[] {1, 2, 3});
        Masking.mask(buf, 0, 3, 0, 0);
        assertThat(buf.array()).containsExactly(1, 2, 3);
    }
}
