package io.pado.protocol;

/** The two size limits the engine tests vary; {@link #settings()} gives the engine's settings with them. */
record Limits(int maxFrameBytes, int maxMessageBytes) {
    static final Limits DEFAULT =
            new Limits(EngineOptions.DEFAULT.maxFrameBytes(), (int) EngineOptions.DEFAULT.maxMessageBytes());

    Limits withMaxMessageBytes(int bytes) {
        return new Limits(Math.min(maxFrameBytes, bytes), bytes);
    }

    EngineOptions settings() {
        return Engine.limits(maxFrameBytes, maxMessageBytes);
    }
}
