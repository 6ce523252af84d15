package io.pado.protocol;

/** How the engine hands received data messages to the application. */
public enum Delivery {
    /** Reassemble fragments and report each message once, whole ({@link Event.Text}, {@link Event.Binary}). */
    MESSAGES,
    /** Report each piece as it arrives ({@link Event.TextPart}, {@link Event.BinaryPart}), for streaming. */
    PARTS
}
