package io.pado.protocol.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the Jazzer targets read their raw input, so that a corpus file stays readable: byte 0 picks a setting (a limit,
 * a set of options), byte 1 seeds where the input is cut, and the rest is the input itself (a request head, a
 * header value, frames). Everything is derived from the bytes alone, so a finding replays exactly.
 *
 * @param setting the first byte, 0-255
 * @param cutSeed the second byte, 0-255
 * @param body    the rest
 */
record FuzzInput(int setting, int cutSeed, byte[] body) {
    /** At most this many cuts, beside the byte-by-byte split. */
    private static final int MAX_CUTS = 8;

    static FuzzInput of(byte[] data) {
        int setting = data.length > 0 ? data[0] & 0xFF : 0;
        int cutSeed = data.length > 1 ? data[1] & 0xFF : 0;
        byte[] rest = data.length > 2 ? Arrays.copyOfRange(data, 2, data.length) : new byte[0];
        return new FuzzInput(setting, cutSeed, rest);
    }

    /** The body in one piece. */
    byte[][] whole() {
        return new byte[][] {body.clone()};
    }

    /** The body cut at up to {@value #MAX_CUTS} places chosen by {@link #cutSeed}, empty pieces included. */
    byte[][] pieces() {
        int[] cuts = cuts(cutSeed, body.length);
        byte[][] pieces = new byte[cuts.length + 1][];
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : body.length;
            pieces[i] = Arrays.copyOfRange(body, from, to);
            from = to;
        }
        return pieces;
    }

    /** Up to {@value #MAX_CUTS} offsets from 0 to {@code length}, sorted, repeats allowed, chosen by {@code seed}. */
    static int[] cuts(int seed, int length) {
        var random = new SplittableRandom(seed);
        return random.ints(random.nextInt(MAX_CUTS + 1), 0, length + 1).sorted().toArray();
    }

    /** The body a byte at a time. */
    byte[][] bytes() {
        byte[][] pieces = new byte[body.length][];
        for (int i = 0; i < body.length; i++) {
            pieces[i] = new byte[] {body[i]};
        }
        return pieces;
    }
}
