package io.pado.protocol;

/**
 * The limits and choices of one engine, besides its {@link Role}. Immutable.
 *
 * @param maxFrameBytes   the largest frame payload accepted; at least 125 so that every control frame fits. A bigger
 *                        frame fails the connection with 1009, decided from its header before the payload is read
 * @param maxMessageBytes the largest message accepted, after decompression; at least {@code maxFrameBytes}. With
 *                        {@link Delivery#MESSAGES} at most {@link #MAX_WHOLE_MESSAGE_BYTES}, since a whole message is
 *                        held in one array; with {@link Delivery#PARTS} any length
 * @param maxHeadBytes    the largest HTTP head of the opening handshake: a request (server) or response (client)
 * @param maxBodyBytes    the largest body of a plain HTTP request a server reads; a bigger one is answered 413
 * @param delivery        received messages whole, or in parts as they arrive
 */
public record EngineOptions(int maxFrameBytes, long maxMessageBytes, int maxHeadBytes, int maxBodyBytes,
        Delivery delivery) {

    /** How received data messages are reported. */
    public enum Delivery {
        /** Each message once, whole: {@link Event.Text}, {@link Event.Binary}. */
        MESSAGES,
        /** Each piece as it arrives: {@link Event.TextPart}, {@link Event.BinaryPart}, for large messages. */
        PARTS
    }

    /** The largest message that can be delivered whole: the largest array a JVM reliably allocates. */
    public static final int MAX_WHOLE_MESSAGE_BYTES = Integer.MAX_VALUE - 8;

    /** 1 MiB frames and messages, 8 KiB heads, 1 MiB request bodies, whole messages. */
    public static final EngineOptions DEFAULT =
            new EngineOptions(1 << 20, 1 << 20, 8 << 10, 1 << 20, Delivery.MESSAGES);

    public EngineOptions {
        if (maxFrameBytes < 125 || maxMessageBytes < maxFrameBytes) {
            throw new IllegalArgumentException("need 125 <= maxFrameBytes <= maxMessageBytes: " + maxFrameBytes
                    + ", " + maxMessageBytes);
        }
        if (maxHeadBytes < 64) {
            throw new IllegalArgumentException("maxHeadBytes below 64: " + maxHeadBytes);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("negative maxBodyBytes: " + maxBodyBytes);
        }
        java.util.Objects.requireNonNull(delivery, "delivery");
        if (delivery == Delivery.MESSAGES && maxMessageBytes > MAX_WHOLE_MESSAGE_BYTES) {
            throw new IllegalArgumentException("whole messages of more than " + MAX_WHOLE_MESSAGE_BYTES
                    + " bytes cannot be held; deliver them in parts: " + maxMessageBytes);
        }
    }

    public EngineOptions withMaxMessageBytes(long bytes) {
        return new EngineOptions((int) Math.min(maxFrameBytes, bytes), bytes, maxHeadBytes, maxBodyBytes, delivery);
    }

    public EngineOptions withMaxFrameBytes(int bytes) {
        return new EngineOptions(bytes, Math.max(maxMessageBytes, bytes), maxHeadBytes, maxBodyBytes, delivery);
    }

    public EngineOptions withMaxHeadBytes(int bytes) {
        return new EngineOptions(maxFrameBytes, maxMessageBytes, bytes, maxBodyBytes, delivery);
    }

    public EngineOptions withMaxBodyBytes(int bytes) {
        return new EngineOptions(maxFrameBytes, maxMessageBytes, maxHeadBytes, bytes, delivery);
    }

    public EngineOptions withDelivery(Delivery delivery) {
        return new EngineOptions(maxFrameBytes, maxMessageBytes, maxHeadBytes, maxBodyBytes, delivery);
    }
}
