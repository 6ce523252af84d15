package io.pado.cluster;

import java.security.SecureRandom;

/** New epoch names: 64 random bits in base 36, so that two histories never share one. Thread-safe. */
final class Epochs {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Epochs() {
    }

    static String next() {
        return Long.toUnsignedString(RANDOM.nextLong(), 36);
    }
}
