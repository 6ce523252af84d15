package io.pado.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The encoder against the JDK's own UTF-8 encoder, byte for byte. */
class Utf8EncoderTest {

    static byte[] encode(String text) {
        byte[] out = new byte[Utf8Encoder.encodedLength(text) + 2];
        int end = Utf8Encoder.encode(text, java.nio.ByteBuffer.wrap(out), 1);
        assertThat(end).as("end index").isEqualTo(out.length - 1);
        return Arrays.copyOfRange(out, 1, end);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "é", "파도", "€", "\u07FF\u0800\uFFFF", "😀", "a😀b", "\uD83D", "\uDE00",
        "\uDE00\uD83D", "x\uD83Dy", "\uD83D\uD83D\uDE00", "\u0000\u007F\u0080"})
    void matchesTheJdk(String text) {
        assertThat(encode(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void matchesTheJdkOnRandomText() {
        var random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            var chars = new char[random.nextInt(40)];
            for (int i = 0; i < chars.length; i++) {
                // Mostly the interesting ranges: ASCII, two and three bytes, and surrogates paired or not
                chars[i] = switch (random.nextInt(5)) {
                    case 0 -> (char) random.nextInt(0x80);
                    case 1 -> (char) (0x80 + random.nextInt(0x780));
                    case 2 -> (char) (0xD800 + random.nextInt(0x800));
                    default -> (char) random.nextInt(0x10000);
                };
            }
            String text = new String(chars);
            assertThat(encode(text)).as("text %s", Arrays.toString(chars))
                    .isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "ascii then 파도 😀", "é at the start", "end \uD83D"})
    void encodesIntoDirectAndHeapBuffersAlike(String text) {
        byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        for (var buffer : new java.nio.ByteBuffer[] {java.nio.ByteBuffer.allocateDirect(expected.length + 3),
            java.nio.ByteBuffer.allocate(expected.length + 3)}) {
            int end = Utf8Encoder.encode(text, buffer, 3);
            assertThat(end).isEqualTo(expected.length + 3);
            assertThat(buffer.position()).isZero();
            byte[] written = new byte[expected.length];
            buffer.get(3, written);
            assertThat(written).as(buffer.isDirect() ? "direct" : "heap").isEqualTo(expected);
        }
    }

    @Test
    void encodesACharSequenceThatIsNotAString() {
        var text = new StringBuilder("pado ").append("파도 😀");
        assertThat(encode(text.toString())).isEqualTo(text.toString().getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[Utf8Encoder.encodedLength(text)];
        Utf8Encoder.encode(text, java.nio.ByteBuffer.wrap(out), 0);
        assertThat(out).isEqualTo(text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
