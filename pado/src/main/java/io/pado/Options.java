package io.pado;

import java.time.Duration;
import java.util.Objects;

/** Checks shared by {@link ServerOptions} and {@link ClientOptions}. */
final class Options {
    private Options() {
    }

    static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
    }

    static void requireWaterMarks(long low, long high, long max) {
        if (low < 0 || high < low || max < high) {
            throw new IllegalArgumentException("need 0 <= lowWaterBytes <= highWaterBytes <= maxQueuedBytes: "
                    + low + ", " + high + ", " + max);
        }
    }
}
