package io.pado.protocol.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8DecoderTest {

    private static String randomText(Random random, int codePoints) {
        var text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int cp = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x80);
                case 1 -> 0x80 + random.nextInt(0x780);
                case 2 -> {
                    int c = 0x800 + random.nextInt(0xF800);
                    yield c >= 0xD800 && c <= 0xDFFF ? 0xE000 : c;
                }
                default -> 0x10000 + random.nextInt(0x100000);
            };
            text.appendCodePoint(cp);
        }
        return text.toString();
    }

    @Test
    void decodesWhatTheJdkEncodesInHeapSlicedAndDirectBuffers() {
        long seed = System.nanoTime();
        var random = new Random(seed);
        var decoder = new Utf8Decoder();
        for (int round = 0; round < 3_000; round++) {
            // Sizes around the kept scratch array, so that it grows, is kept, and is bypassed for big texts
            int codePoints = round % 50 == 0 ? random.nextInt(3 * Utf8Decoder.KEEP_CHARS) : random.nextInt(200);
            String text = randomText(random, codePoints);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            byte[] padded = new byte[bytes.length + 5];
            System.arraycopy(bytes, 0, padded, 3, bytes.length);
            ByteBuffer sliced = ByteBuffer.wrap(padded).slice(3, bytes.length);
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(0, bytes);
            assertThat(decoder.decode(ByteBuffer.wrap(bytes), false)).as("seed %d", seed).isEqualTo(text);
            assertThat(decoder.decode(sliced, false)).as("seed %d", seed).isEqualTo(text);
            assertThat(decoder.decode(direct, false)).as("seed %d", seed).isEqualTo(text);
            assertThat(sliced.position()).isZero();
            assertThat(direct.position()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "plain ASCII text, longer than eight bytes"})
    void decodesAsciiAsIs(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        var decoder = new Utf8Decoder();
        assertThat(decoder.decode(ByteBuffer.wrap(bytes), true)).isEqualTo(text);
        assertThat(decoder.decode(ByteBuffer.allocateDirect(bytes.length).put(0, bytes), true)).isEqualTo(text);
        assertThat(decoder.decode(bytes, 0, bytes.length, false)).isEqualTo(text);
    }

    @Test
    void decodesARangeOfAnArray() {
        byte[] bytes = "xx\uc548\ub155\ud83c\udf0ayy".getBytes(StandardCharsets.UTF_8);
        assertThat(new Utf8Decoder().decode(bytes, 2, bytes.length - 2, false)).isEqualTo("\uc548\ub155\ud83c\udf0a");
    }
}
