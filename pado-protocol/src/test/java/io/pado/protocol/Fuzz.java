package io.pado.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * What the fuzz properties share: byte-level mutations of valid input and the places where input is cut into
 * pieces, both as plain values so that jqwik can shrink a failure to a few of them.
 */
final class Fuzz {

    /** How one mutation changes the bytes; {@code at} and {@code value} are taken modulo what fits. */
    enum Kind { FLIP_BIT, SET_BYTE, INSERT_BYTE, DELETE_BYTE, TRUNCATE, REPEAT_RANGE }

    record Mutation(Kind kind, int at, int value) {
    }

    private Fuzz() {
    }

    /** Up to {@code max} mutations; half the inputs get none and most others few, so valid structure survives. */
    static Arbitrary<List<Mutation>> mutations(int max) {
        Arbitrary<Mutation> one = Combinators.combine(
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.FLIP_BIT)),
                                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.SET_BYTE)),
                                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.INSERT_BYTE)),
                                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.DELETE_BYTE)),
                                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.TRUNCATE)),
                                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.REPEAT_RANGE))),
                        Arbitraries.integers().between(0, 1 << 20),
                        Arbitraries.integers().between(0, 255))
                .as(Mutation::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of())),
                net.jqwik.api.Tuple.of(1, one.list().ofMinSize(1).ofMaxSize(max)));
    }

    /** Cut offsets; {@link #pieces} takes each modulo the input's length. */
    static Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 1 << 20).list().ofMaxSize(16);
    }

    static byte[] mutate(byte[] input, List<Mutation> mutations) {
        byte[] bytes = input;
        for (Mutation m : mutations) {
            int n = bytes.length;
            switch (m.kind()) {
                case FLIP_BIT -> {
                    if (n > 0) {
                        bytes = bytes.clone();
                        bytes[m.at() % n] ^= (byte) (1 << (m.value() & 7));
                    }
                }
                case SET_BYTE -> {
                    if (n > 0) {
                        bytes = bytes.clone();
                        bytes[m.at() % n] = (byte) m.value();
                    }
                }
                case INSERT_BYTE -> {
                    int at = m.at() % (n + 1);
                    byte[] longer = new byte[n + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) m.value();
                    System.arraycopy(bytes, at, longer, at + 1, n - at);
                    bytes = longer;
                }
                case DELETE_BYTE -> {
                    if (n > 0) {
                        int at = m.at() % n;
                        byte[] shorter = new byte[n - 1];
                        System.arraycopy(bytes, 0, shorter, 0, at);
                        System.arraycopy(bytes, at + 1, shorter, at, n - at - 1);
                        bytes = shorter;
                    }
                }
                case TRUNCATE -> bytes = Arrays.copyOf(bytes, m.at() % (n + 1));
                case REPEAT_RANGE -> {
                    if (n > 0) {
                        int at = m.at() % n;
                        int length = Math.min(n - at, 1 + m.value());
                        var out = new ByteArrayOutputStream();
                        out.write(bytes, 0, at + length);
                        out.write(bytes, at, n - at);
                        bytes = out.toByteArray();
                    }
                }
            }
        }
        return bytes;
    }

    /** {@code data} cut at the given offsets (modulo its length, sorted); some pieces may be empty. */
    static byte[][] pieces(byte[] data, List<Integer> cuts) {
        int[] at = cuts.stream().mapToInt(c -> c % (data.length + 1)).sorted().toArray();
        byte[][] pieces = new byte[at.length + 1][];
        int from = 0;
        for (int i = 0; i <= at.length; i++) {
            int to = i < at.length ? at[i] : data.length;
            pieces[i] = Arrays.copyOfRange(data, from, to);
            from = to;
        }
        return pieces;
    }
}
