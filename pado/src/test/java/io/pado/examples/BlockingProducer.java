package io.pado.examples;

import io.pado.ClosedException;
import io.pado.Handler;
import io.pado.WebSocket;
import java.nio.ByteBuffer;

/**
 * docs/GUIDE.md, "Blocking style on virtual threads": a handler that streams a large download without ever queueing
 * more than the high-water mark, however slowly the client reads.
 */
public final class BlockingProducer implements Handler {
    private final int chunks;

    public BlockingProducer(int chunks) {
        this.chunks = chunks;
    }

    // tag::blocking-producer[]
    @Override
    public void onText(WebSocket ws, String request) {
        // Handlers run on virtual threads by default: blocking here holds up nobody else.
        try {
            for (int i = 0; i < chunks; i++) {
                ws.awaitWritable();                  // waits while the client is behind
                ws.sendBinary(ByteBuffer.wrap(chunk(i)));
            }
            ws.sendText("done");
        } catch (ClosedException e) {
            // the client went away: stop producing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
    // end::blocking-producer[]

    static byte[] chunk(int i) {
        byte[] data = new byte[16 << 10];
        java.util.Arrays.fill(data, (byte) i);
        return data;
    }
}
