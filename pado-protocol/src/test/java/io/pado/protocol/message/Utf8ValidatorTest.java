package io.pado.protocol.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8ValidatorTest { // RFC 3629, as RFC 6455 §8.1 requires

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Validates in two pieces split at {@code split}; true if valid and complete. */
    private static boolean validates(byte[] bytes, int split) {
        var validator = new Utf8Validator();
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        return validator.validate(buf, 0, split) < 0 && validator.validate(buf, split, bytes.length) < 0
                && validator.isComplete();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "41", "c2a9", "e282ac", "f09f8c8a", "ed9fbf", "ee8080", "f48fbfbf", "efbbbf"})
    void acceptsValidSequences(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        for (int split = 0; split <= bytes.length; split++) {
            assertThat(validates(bytes, split)).as("%s split %d", hex, split).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"80", "bf", "c0af", "c1bf", "e080af", "eda080", "edbfbf", "f08f8080", "f4908080",
            "f5808080", "ff", "fe", "c2", "e282", "f09f8c", "c241", "e282e2"})
    void refusesInvalidOrTruncatedSequences(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        for (int split = 0; split <= bytes.length; split++) {
            assertThat(validates(bytes, split)).as("%s split %d", hex, split).isFalse();
        }
    }

    @Test
    void reportsTheIndexOfTheFirstInvalidByte() {
        var validator = new Utf8Validator();
        byte[] bytes = "abcdefghijk\u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[bytes.length + 2];
        System.arraycopy(bytes, 0, bad, 0, bytes.length);
        bad[bytes.length] = (byte) 0xE2;
        bad[bytes.length + 1] = 0x41;
        assertThat(validator.validate(ByteBuffer.wrap(bad), 0, bad.length)).isEqualTo(bytes.length + 1);
    }

    @Test
    void pendingBytesCountsTheUnfinishedCodePoint() {
        var validator = new Utf8Validator();
        ByteBuffer buf = ByteBuffer.wrap(HexFormat.of().parseHex("41f09f8c8a"));
        validator.validate(buf, 0, 3);
        assertThat(validator.pendingBytes()).isEqualTo(2);
        assertThat(validator.isComplete()).isFalse();
        validator.validate(buf, 3, 5);
        assertThat(validator.pendingBytes()).isZero();
        assertThat(validator.isComplete()).isTrue();
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomInput() {
        long seed = System.nanoTime();
        var random = new Random(seed);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes;
            if (random.nextBoolean()) {
                var text = new StringBuilder();
                for (int i = random.nextInt(30); i > 0; i--) {
                    text.appendCodePoint(randomCodePoint(random));
                }
                bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                if (bytes.length > 0 && random.nextInt(3) == 0) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            } else {
                bytes = new byte[random.nextInt(12)];
                random.nextBytes(bytes);
            }
            int split = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            assertThat(validates(bytes, split))
                    .as("seed %d, bytes %s, split %d", seed, HexFormat.of().formatHex(bytes), split)
                    .isEqualTo(jdkAccepts(bytes));
        }
    }

    private static int randomCodePoint(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(0x80);
            case 1 -> 0x80 + random.nextInt(0x780);
            case 2 -> {
                int cp = 0x800 + random.nextInt(0xF800);
                yield cp >= 0xD800 && cp <= 0xDFFF ? 0xE000 : cp;
            }
            default -> 0x10000 + random.nextInt(0x100000);
        };
    }
}
