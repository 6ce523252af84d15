package io.pado.protocol.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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

    /** The index of the first byte that no valid UTF-8 could have there, byte by byte as RFC 3629 §4 reads. */
    private static int referenceFirstBad(byte[] bytes) {
        int due = 0;
        int lower = 0x80;
        int upper = 0xBF;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (due > 0) {
                if (b < lower || b > upper) {
                    return i;
                }
                lower = 0x80;
                upper = 0xBF;
                due--;
            } else if (b >= 0x80) {
                if (b >= 0xC2 && b <= 0xDF) {
                    due = 1;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    due = 2;
                    lower = b == 0xE0 ? 0xA0 : 0x80;
                    upper = b == 0xED ? 0x9F : 0xBF;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    due = 3;
                    lower = b == 0xF0 ? 0x90 : 0x80;
                    upper = b == 0xF4 ? 0x8F : 0xBF;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    enum Memory { HEAP, HEAP_SLICED, DIRECT, READ_ONLY }

    /** The bytes in a buffer of the given kind; indexes 0 to length, whatever the backing array's offset. */
    private static ByteBuffer bufferOf(byte[] bytes, Memory memory) {
        return switch (memory) {
            case HEAP -> ByteBuffer.wrap(bytes);
            case HEAP_SLICED -> {
                byte[] bigger = new byte[bytes.length + 11];
                bigger[0] = (byte) 0xFF; // bad bytes around the slice: reading outside it would fail the check
                bigger[bigger.length - 1] = (byte) 0xFF;
                System.arraycopy(bytes, 0, bigger, 7, bytes.length);
                yield ByteBuffer.wrap(bigger).slice(7, bytes.length);
            }
            case DIRECT -> ByteBuffer.allocateDirect(bytes.length).put(0, bytes);
            case READ_ONLY -> ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        };
    }

    /** Long texts, so that ASCII runs, whole sequences and direct-buffer chunks (1 KiB) all come up. */
    private static byte[] randomText(Random random, int codePoints) {
        var text = new StringBuilder();
        for (int i = codePoints; i > 0; i--) {
            int run = random.nextInt(4) == 0 ? random.nextInt(40) : 0; // ASCII runs, some over 8 bytes
            for (int k = 0; k < run; k++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            text.appendCodePoint(randomCodePoint(random));
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        for (int bad = random.nextInt(3); bad > 0 && bytes.length > 0; bad--) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    @ParameterizedTest
    @EnumSource(Memory.class)
    void reportsTheSameFirstBadByteAsAByteByByteCheckInEveryKindOfBuffer(Memory memory) {
        long seed = System.nanoTime();
        var random = new Random(seed);
        for (int round = 0; round < 2_000; round++) {
            byte[] bytes = randomText(random, random.nextInt(round % 10 == 0 ? 800 : 60));
            int expected = referenceFirstBad(bytes);
            ByteBuffer buf = bufferOf(bytes, memory);
            var validator = new Utf8Validator();
            int split = random.nextInt(bytes.length + 1);
            int bad = validator.validate(buf, 0, split);
            if (bad < 0) {
                bad = validator.validate(buf, split, bytes.length);
            }
            String hex = HexFormat.of().formatHex(bytes);
            assertThat(bad).as("seed %d, %s, bytes %s, split %d", seed, memory, hex, split).isEqualTo(expected);
            if (bad < 0) {
                assertThat(validator.isComplete()).as("seed %d, bytes %s", seed, hex).isEqualTo(jdkAccepts(bytes));
                assertThat(validator.isAscii()).as("seed %d, bytes %s", seed, hex)
                        .isEqualTo(new String(bytes, StandardCharsets.ISO_8859_1).chars().allMatch(c -> c < 0x80));
            }
        }
    }

    @Test
    void validatesOneByteAtATimeAsInOnePiece() {
        byte[] bytes = "ab\u00e9\u20ac\ud83c\udf0a \uc548\ub155 12345678901234567890".getBytes(StandardCharsets.UTF_8);
        for (Memory memory : Memory.values()) {
            var validator = new Utf8Validator();
            ByteBuffer buf = bufferOf(bytes, memory);
            for (int i = 0; i < bytes.length; i++) {
                assertThat(validator.validate(buf, i, i + 1)).as("%s byte %d", memory, i).isEqualTo(-1);
            }
            assertThat(validator.isComplete()).isTrue();
            assertThat(validator.isAscii()).isFalse();
        }
    }

    @Test
    void asciiIsTrackedUntilReset() {
        var validator = new Utf8Validator();
        validator.validate(ByteBuffer.wrap(new byte[] {0x41, (byte) 0xC3, (byte) 0xA9}), 0, 3);
        assertThat(validator.isAscii()).isFalse();
        validator.reset();
        assertThat(validator.isAscii()).isTrue();
        validator.validate(ByteBuffer.wrap("plain ascii text".getBytes(StandardCharsets.US_ASCII)), 0, 16);
        assertThat(validator.isAscii()).isTrue();
        validator.validate(ByteBuffer.wrap(new byte[] {(byte) 0xFF}), 0, 1);
        assertThat(validator.isAscii()).isFalse();
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
