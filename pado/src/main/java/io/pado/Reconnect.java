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
 * {@code maxAttempts}. Immutable; start from {@link #DEFAULT} and change what you need with the {@code with…}
 * methods.
 *
 * <p><b>Delays.</b> Before attempt {@code n} (1, 2, 3... counted from the last successful open) the client waits
 * {@code base × (1 − jitter × r)}, where {@code base = min(maxDelay, initialDelay × multiplier^(n−1))} and {@code r}
 * is drawn from {@code random} in [0, 1). Jitter spreads the clients of a restarted server over time, so that they
 * do not all come back at once; {@code jitter = 0} gives the plain exponential sequence.
 *
 * <p><b>When it stops.</b> Never after your own {@code close} or {@code abort}, or after {@link Client#close()}.
 * Not after a Close whose code is final ({@link #finalCloseCodes()}): by default 1002 (protocol error), 1003
 * (unsupported data), 1007 (invalid payload), 1008 (policy violation), 1009 (message too big) and 1010 (mandatory
 * extension), which would only happen again. A server's 1000, 1001 (going away, e.g. a restart), 1011-1014 and 1006
 * (the connection dropped) lead to a reconnect; make 1000 final if your server's normal close means "done". Not
 * after a failed attempt that cannot succeed by waiting: a handshake refused with a 4xx status other than 408 and
 * 429, a refused redirect, a proxy's 401, 403 or 407. And not after {@code maxAttempts} failed attempts in a row.
 *
 * {@snippet :
 * var policy = Reconnect.DEFAULT
 *         .withInitialDelay(Duration.ofMillis(200))
 *         .withMaxDelay(Duration.ofSeconds(10))
 *         .withMaxAttempts(20)
 *         .withFinalCloseCodes(code -> code == 1008 || code >= 4000 && code <= 4999);
 * }
 *
 * @param initialDelay    the delay before the first attempt after a connection ended; default 500 ms
 * @param maxDelay        the largest delay before jitter, the first included; default 30 s
 * @param multiplier      how much the delay grows from one attempt to the next, at least 1; default 2
 * @param jitter          the share of each delay that is random, 0 to 1; default 0.5 (so 50-100 % of the base)
 * @param maxAttempts     failed attempts in a row before giving up; default {@link Integer#MAX_VALUE}, unlimited
 * @param finalCloseCodes which close codes end reconnecting; see above
 * @param random          uniform numbers in [0, 1) for the jitter; default {@link ThreadLocalRandom}. Called on
 *                        several threads; inject a fixed sequence in tests
 */
public record Reconnect(Duration initialDelay, Duration maxDelay, double multiplier, double jitter, int maxAttempts,
        IntPredicate finalCloseCodes, DoubleSupplier random) {

    /** The close codes that are final by default: errors that reconnecting would only repeat. */
    private static final int[] DEFAULT_FINAL_CODES = {1002, 1003, 1007, 1008, 1009, 1010};

    /** 500 ms doubling up to 30 s, half of each delay random, unlimited attempts, the final codes above. */
    public static final Reconnect DEFAULT = new Reconnect(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.5,
            Integer.MAX_VALUE, codes(DEFAULT_FINAL_CODES), () -> ThreadLocalRandom.current().nextDouble());

    public Reconnect {
        Options.requirePositive(initialDelay, "initialDelay");
        Options.requirePositive(maxDelay, "maxDelay");
        if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
            throw new IllegalArgumentException("multiplier must be 1 to 100: " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be 0 to 1: " + jitter);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be positive: " + maxAttempts);
        }
        Objects.requireNonNull(finalCloseCodes, "finalCloseCodes");
        Objects.requireNonNull(random, "random");
    }

    private static IntPredicate codes(int[] codes) {
        int[] sorted = codes.clone();
        Arrays.sort(sorted);
        return code -> Arrays.binarySearch(sorted, code) >= 0;
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

    /** A copy whose first delay is {@code delay}. */
    public Reconnect withInitialDelay(Duration delay) {
        return new Reconnect(delay, maxDelay, multiplier, jitter, maxAttempts, finalCloseCodes, random);
    }

    /** A copy whose delays grow to at most {@code delay} (before jitter). */
    public Reconnect withMaxDelay(Duration delay) {
        return new Reconnect(initialDelay, delay, multiplier, jitter, maxAttempts, finalCloseCodes, random);
    }

    /** A copy whose delays grow by {@code multiplier} per attempt; 1 for a constant delay. */
    public Reconnect withMultiplier(double multiplier) {
        return new Reconnect(initialDelay, maxDelay, multiplier, jitter, maxAttempts, finalCloseCodes, random);
    }

    /** A copy with another random share of each delay, 0 (none) to 1 (anything from 0 to the base delay). */
    public Reconnect withJitter(double jitter) {
        return new Reconnect(initialDelay, maxDelay, multiplier, jitter, maxAttempts, finalCloseCodes, random);
    }

    /** A copy that gives up after {@code attempts} failed attempts in a row; {@link Integer#MAX_VALUE} for never. */
    public Reconnect withMaxAttempts(int attempts) {
        return new Reconnect(initialDelay, maxDelay, multiplier, jitter, attempts, finalCloseCodes, random);
    }

    /** A copy for which exactly these close codes are final, e.g. {@code withFinalCloseCodes(1000, 1008)}. */
    public Reconnect withFinalCloseCodes(int... codes) {
        return new Reconnect(initialDelay, maxDelay, multiplier, jitter, maxAttempts, codes(codes), random);
    }

    /** A copy for which the codes {@code isFinal} accepts are final, e.g. {@code c -> c >= 4000 && c <= 4999}. */
    public Reconnect withFinalCloseCodes(IntPredicate isFinal) {
        return new Reconnect(initialDelay, maxDelay, multiplier, jitter, maxAttempts, isFinal, random);
    }

    /** A copy that draws jitter from {@code uniform}, which must return numbers in [0, 1) (clamped if not). */
    public Reconnect withRandom(DoubleSupplier uniform) {
        return new Reconnect(initialDelay, maxDelay, multiplier, jitter, maxAttempts, finalCloseCodes, uniform);
    }
}
