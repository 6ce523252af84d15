package io.pado.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Helpers the examples' test borrows from this package's test tools. */
public final class ExampleSupport {
    private ExampleSupport() {
    }

    public static int freePort() throws IOException {
        return Tools.freePort();
    }

    /** Waits (with a deadline) until something accepts connections on the loopback port. */
    public static void awaitListening(int port) throws InterruptedException {
        Tools.await("port " + port + " listens", () -> {
            try (var s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }
}
