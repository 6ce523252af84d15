package io.pado;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.IntPredicate;

/**
 * When and how often a client connection made with {@link Client#connect(java.net.URI, Handler, Reconnect)} is
 * opened again after it ends or fails: exponential backoff with jitter, bounded by {@code maxDelay} and
 * {@code maxAttempts}. Immutable; built with {@link #builder()}.
 *
 * <p><b>Delays.</b> Before attempt {@code n} (1, 2, 3... counted from the last successful open) the client waits
 * {@code base × (1 − jitter × r)}, where {@code base = min(maxDelay, initialDelay × multiplier^(n−1))} and {@code r}
 * is drawn from {@code random} in [0, 1). Jitter spreads the clients of a restarted server over time, so that they
 * do not all come back at once; {@code jitter = 0} gives the plain exponential sequence.
 *
 * <p><b>When it stops.</b> Never after your own {@code close} or {@code abort}, or after {@link Client#close()}.
 * Not after a Close whose code is final ({@link #isFinal}): by default 1002 (protocol error), 1003
 * (unsupported data), 1007 (invalid payload), 1008 (policy violation), 1009 (message too big) and 1010 (mandatory
 * extension), which would only happen again. A server's 1000, 1001 (going away, e.g. a restart), 1011-1014 and 1006
 * (the connection dropped) lead to a reconnect; make 1000 final if your server's normal close means "done". Not
 * after a failed attempt that cannot succeed by waiting: a handshake refused with a 4xx status other than 408 and
 * 429, a refused redirect, a proxy's 401, 403 or 407. And not after {@code maxAttempts} failed attempts in a row.
 *
 * {@snippet :
 * var policy = Reconnect.builder()
 *         .initialDelay(Duration.ofMillis(200))
 *         .maxDelay(Duration.ofSeconds(10))
 *         .maxAttempts(20)
 *         .finalCloseCodes(code -> code == 1008 || code >= 4000 && code <= 4999)
 *         .build();
 * }
 */
public final class Reconnect {

    /** The close codes that are final by default: errors that reconnecting would only repeat. */
    private static final int[] DEFAULT_FINAL_CODES = {1002, 1003, 1007, 1008, 1009, 1010};

    /** 500 ms doubling up to 30 s, half of each delay random, unlimited attempts, the final codes above. */
    public static final Reconnect DEFAULT = builder().build();

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double multiplier;
    private final double jitter;
    private final int maxAttempts;
    private final IntPredicate finalCloseCodes;
    private final DoubleSupplier random;

    private Reconnect(Builder b) {
        initialDelay = OptionChecks.requirePositive(b.initialDelay, "initialDelay");
        maxDelay = OptionChecks.requirePositive(b.maxDelay, "maxDelay");
        if (!(b.multiplier >= 1.0 && b.multiplier <= 100.0)) {
            throw new IllegalArgumentException("multiplier must be 1 to 100: " + b.multiplier);
        }
        multiplier = b.multiplier;
        if (!(b.jitter >= 0.0 && b.jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be 0 to 1: " + b.jitter);
        }
        jitter = b.jitter;
        maxAttempts = OptionChecks.requireRange(b.maxAttempts, 1, Integer.MAX_VALUE, "maxAttempts");
        finalCloseCodes = Objects.requireNonNull(b.finalCloseCodes, "finalCloseCodes");
        random = Objects.requireNonNull(b.random, "random");
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy, to change some of it. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static IntPredicate codes(int[] codes) {
        int[] sorted = codes.clone();
        Arrays.sort(sorted);
        return code -> Arrays.binarySearch(sorted, code) >= 0;
    }

    /** The delay before the first attempt after a connection ended; default 500 ms. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** The largest delay before jitter, the first included; default 30 s. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** How much the delay grows from one attempt to the next; default 2. */
    public double multiplier() {
        return multiplier;
    }

    /** The share of each delay that is random, 0 to 1; default 0.5 (so 50-100 % of the base). */
    public double jitter() {
        return jitter;
    }

    /** Failed attempts in a row before giving up; default {@link Integer#MAX_VALUE}, unlimited. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * How long to wait before attempt {@code attempt} (1 for the first after a connection ended), drawing one
     * number from {@code random}.
     *
     * @throws IllegalArgumentException if {@code attempt} is below 1
     */
    public Duration delayBefore(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attempt);
        }
        double base = initialDelay.toNanos() * Math.pow(multiplier, attempt - 1);
        base = Math.min(base, maxDelay.toNanos()); // also caps an infinite power
        double r = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
        return Duration.ofNanos(Math.round(base * (1.0 - jitter * r)));
    }

    /** Whether a connection closed with {@code code} stays closed. */
    public boolean isFinal(int code) {
        return finalCloseCodes.test(code);
    }

    /** Builds a {@link Reconnect}; not thread-safe. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(30);
        private double multiplier = 2.0;
        private double jitter = 0.5;
        private int maxAttempts = Integer.MAX_VALUE;
        private IntPredicate finalCloseCodes = codes(DEFAULT_FINAL_CODES);
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder() {
        }

        private Builder(Reconnect r) {
            initialDelay = r.initialDelay;
            maxDelay = r.maxDelay;
            multiplier = r.multiplier;
            jitter = r.jitter;
            maxAttempts = r.maxAttempts;
            finalCloseCodes = r.finalCloseCodes;
            random = r.random;
        }

        /** The first delay; default 500 ms. */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = delay;
            return this;
        }

        /** Delays grow to at most {@code delay} (before jitter); default 30 s. */
        public Builder maxDelay(Duration delay) {
            this.maxDelay = delay;
            return this;
        }

        /** Delays grow by {@code multiplier} per attempt (1 to 100); 1 for a constant delay. */
        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        /** The random share of each delay, 0 (none) to 1 (anything from 0 to the base delay). */
        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Gives up after {@code attempts} failed attempts in a row; {@link Integer#MAX_VALUE} for never. */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /** Exactly these close codes are final, e.g. {@code finalCloseCodes(1000, 1008)}. */
        public Builder finalCloseCodes(int... codes) {
            this.finalCloseCodes = codes(codes);
            return this;
        }

        /** The codes {@code isFinal} accepts are final, e.g. {@code c -> c >= 4000 && c <= 4999}. */
        public Builder finalCloseCodes(IntPredicate isFinal) {
            this.finalCloseCodes = isFinal;
            return this;
        }

        /**
         * Draws jitter from {@code uniform}, which must return numbers in [0, 1) (clamped if not); called on several
         * threads. Default {@link ThreadLocalRandom}; inject a fixed sequence in tests.
         */
        public Builder random(DoubleSupplier uniform) {
            this.random = uniform;
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalArgumentException if a value is out of range
         */
        public Reconnect build() {
            return new Reconnect(this);
        }
    }
}
