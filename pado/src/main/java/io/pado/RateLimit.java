package io.pado;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code permits} events per {@code period}, in bursts of up to {@code permits}: a token bucket that holds
 * {@code permits} tokens and gains one every {@code period / permits}. Immutable.
 *
 * {@snippet :
 * ServerOptions.DEFAULT.withHandshakeRate(RateLimit.perSecond(500));     // 500 a second, bursts of 500
 * ServerOptions.DEFAULT.withHandshakeRate(new RateLimit(60, Duration.ofMinutes(1)));
 * }
 *
 * @param permits how many events the bucket holds, and how many it regains per period; at least 1
 * @param period  how long it takes to regain {@code permits}; positive, at most one day
 */
public record RateLimit(int permits, Duration period) {

    public RateLimit {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be positive: " + permits);
        }
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero() || period.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("period must be positive and at most one day: " + period);
        }
    }

    /** {@code permits} a second, in bursts of up to {@code permits}. */
    public static RateLimit perSecond(int permits) {
        return new RateLimit(permits, Duration.ofSeconds(1));
    }
}
