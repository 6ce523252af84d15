package io.pado.protocol;

import java.util.Objects;

/**
 * How one engine behaves, besides its {@link Role}: limits, delivery and the automatic Pong.
 *
 * @param limits        frame and message size limits and the close timeout
 * @param delivery      whole messages or parts as they arrive
 * @param autoPong      answer each Ping with a Pong of the same payload (RFC 6455 §5.5.2); on by default
 * @param maxSendFrameBytes messages sent whole are cut into frames of at most this many payload bytes
 */
public record Settings(Limits limits, Delivery delivery, AutoPong autoPong, int maxSendFrameBytes) {

    /** Whether the engine answers Pings by itself. */
    public enum AutoPong { ON, OFF }

    /** {@link Limits#DEFAULT}, whole messages, automatic Pongs, no fragmentation of sent messages. */
    public static final Settings DEFAULT =
            new Settings(Limits.DEFAULT, Delivery.MESSAGES, AutoPong.ON, Integer.MAX_VALUE);

    public Settings {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(autoPong, "autoPong");
        if (maxSendFrameBytes < 1) {
            throw new IllegalArgumentException("maxSendFrameBytes must be positive: " + maxSendFrameBytes);
        }
    }

    public Settings withLimits(Limits limits) {
        return new Settings(limits, delivery, autoPong, maxSendFrameBytes);
    }

    public Settings withDelivery(Delivery delivery) {
        return new Settings(limits, delivery, autoPong, maxSendFrameBytes);
    }

    public Settings withAutoPong(AutoPong autoPong) {
        return new Settings(limits, delivery, autoPong, maxSendFrameBytes);
    }

    public Settings withMaxSendFrameBytes(int bytes) {
        return new Settings(limits, delivery, autoPong, bytes);
    }
}
