package io.pado.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Inputs for the benchmarks, built once per trial: payloads and frames as a peer would put them on the wire. Frames
 * are built here by hand, not by any of the codecs under test, so that no codec parses its own output.
 */
final class Payloads {
    /** A Korean chat line with an emoji: 1-, 3- and 4-byte UTF-8 sequences. */
    private static final String MIXED = "안녕하세요 pado! 파도가 친다 🌊 ws://예제.한국/채팅 ";
    private static final String ASCII = "The quick brown fox jumps over the lazy dog: {\"id\":42,\"ok\":true} ";

    static final int KEY = 0x37FA213D;

    private Payloads() {
    }

    /** {@code n} random bytes, the same for a given seed. */
    static byte[] binary(int n, long seed) {
        byte[] bytes = new byte[n];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** Text of exactly {@code n} UTF-8 bytes: mixed script when {@code mixed}, else ASCII. */
    static String text(int n, boolean mixed) {
        String unit = mixed ? MIXED : ASCII;
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        outer:
        while (true) {
            for (int i = 0; i < unit.length(); ) {
                int cp = unit.codePointAt(i);
                int cpBytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (bytes + cpBytes > n) {
                    break outer;
                }
                sb.appendCodePoint(cp);
                bytes += cpBytes;
                i += Character.charCount(cp);
            }
        }
        while (bytes < n) { // pad to the exact size with ASCII
            sb.append('.');
            bytes++;
        }
        String text = sb.toString();
        if (text.getBytes(StandardCharsets.UTF_8).length != n) {
            throw new AssertionError("text of " + n + " bytes");
        }
        return text;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One frame as a client sends it (RFC 6455 §5.2): FIN as given, the opcode, a mask key and the masked payload.
     */
    static byte[] maskedFrame(boolean fin, int opcode, byte[] payload, int key) {
        int n = payload.length;
        int lengthBytes = n <= 125 ? 0 : n <= 0xFFFF ? 2 : 8;
        ByteBuffer frame = ByteBuffer.allocate(2 + lengthBytes + 4 + n);
        frame.put((byte) ((fin ? 0x80 : 0) | opcode));
        if (n <= 125) {
            frame.put((byte) (0x80 | n));
        } else if (n <= 0xFFFF) {
            frame.put((byte) (0x80 | 126)).putShort((short) n);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(n);
        }
        frame.putInt(key);
        for (int i = 0; i < n; i++) {
            frame.put((byte) (payload[i] ^ (key >>> (24 - 8 * (i & 3)))));
        }
        return frame.array();
    }

    /** A message of {@code payload} cut into {@code fragments} masked frames, back to back in one array. */
    static byte[] maskedFragments(int opcode, byte[] payload, int fragments, int key) {
        ByteBuffer all = ByteBuffer.allocate(payload.length + fragments * 14);
        int per = payload.length / fragments;
        for (int i = 0; i < fragments; i++) {
            int from = i * per;
            int to = i == fragments - 1 ? payload.length : from + per;
            byte[] piece = java.util.Arrays.copyOfRange(payload, from, to);
            all.put(maskedFrame(i == fragments - 1, i == 0 ? opcode : 0, piece, key + i));
        }
        return java.util.Arrays.copyOf(all.array(), all.position());
    }

    /** A cheap, deterministic source of mask keys, the same for every codec (a SecureRandom would dominate). */
    static final class Keys {
        private int state = 0x9E3779B9;

        int next() {
            int x = state;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            state = x;
            return x;
        }
    }

    /** Fails the setup when a codec does not produce what the benchmark expects. */
    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark self-check failed: " + what);
        }
    }
}
