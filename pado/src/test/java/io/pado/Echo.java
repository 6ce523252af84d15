package io.pado;

import java.nio.ByteBuffer;

/**
 * Sends every message back; with the default dispatch, received buffers are private copies, so no copy here. Public
 * and open for the conformance drivers and for tests that add an {@code onOpen}.
 */
public class Echo implements Handler {
    @Override
    public void onText(WebSocket ws, String text) {
        ws.sendText(text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        ws.sendBinary(data);
    }
}
