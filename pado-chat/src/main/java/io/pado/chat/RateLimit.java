package io.pado.chat;

/**
 * A token bucket: {@code burst} tokens, refilled at {@code perSecond}. Each message takes one; a message that finds
 * the bucket empty is a strike, and an accepted message forgives one strike, so a client that is only sometimes
 * too fast is never closed. Time is passed in. Not thread-safe: one connection's callbacks run one at a time.
 */
final class RateLimit {
    private final double perNano;
    private final int burst;
    private final int maxStrikes;
    private double tokens;
    private long lastNanos;
    private int strikes;

    enum Verdict { ACCEPT, REFUSE, CLOSE }

    RateLimit(double perSecond, int burst, int maxStrikes, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.maxStrikes = maxStrikes;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    Verdict take(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            strikes = Math.max(0, strikes - 1);
            return Verdict.ACCEPT;
        }
        strikes++;
        return strikes >= maxStrikes ? Verdict.CLOSE : Verdict.REFUSE;
    }
}
