package io.pado.protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * Size limits and the close timeout of one connection. Frames and messages over a limit fail the connection with
 * 1009 (message too big), decided from the frame header before the payload is read or allocated.
 *
 * @param maxFrameBytes   the largest frame payload accepted; at least 125 so that every control frame fits
 * @param maxMessageBytes the largest message accepted, after decompression; at least {@code maxFrameBytes}
 * @param closeTimeout    how long to wait for the peer's Close (or, for a client, for the server to close TCP)
 *                        after sending ours, before giving up with 1006
 */
public record Limits(int maxFrameBytes, int maxMessageBytes, Duration closeTimeout) {

    /** 1 MiB frames and messages, 5 seconds to close: safe for a public server, raise them for bulk data. */
    public static final Limits DEFAULT = new Limits(1 << 20, 1 << 20, Duration.ofSeconds(5));

    public Limits {
        if (maxFrameBytes < 125 || maxMessageBytes < maxFrameBytes) {
            throw new IllegalArgumentException("bad limits: maxFrameBytes=" + maxFrameBytes
                    + ", maxMessageBytes=" + maxMessageBytes);
        }
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (closeTimeout.isNegative()) {
            throw new IllegalArgumentException("negative closeTimeout: " + closeTimeout);
        }
    }

    /** A copy with another message limit; the frame limit is lowered to it if it was larger, never raised. */
    public Limits withMaxMessageBytes(int bytes) {
        return new Limits(Math.min(maxFrameBytes, bytes), bytes, closeTimeout);
    }

    /** A copy with another frame limit, raising the message limit if it would be smaller. */
    public Limits withMaxFrameBytes(int bytes) {
        return new Limits(bytes, Math.max(maxMessageBytes, bytes), closeTimeout);
    }

    /** A copy with another close timeout. */
    public Limits withCloseTimeout(Duration timeout) {
        return new Limits(maxFrameBytes, maxMessageBytes, timeout);
    }
}
