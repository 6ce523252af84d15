package io.pado.bench.load;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opening and closing handshakes per second: each of {@code THREADS} workers connects, upgrades, sends a masked
 * Close 1000, reads the server's Close and waits for the server to close TCP, again and again until the time is up.
 * Usage: {@code HandshakeLoad PORT THREADS SECONDS}. Prints one number: cycles per second. Loopback only.
 */
public final class HandshakeLoad {
    private static final byte[] CLOSE_1000 = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8};

    private HandshakeLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        byte[] request = ("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: cGFkby1oYW5kc2hha2UtMQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        var cycles = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    try {
                        cycle(port, request);
                        cycles.incrementAndGet();
                    } catch (IOException e) {
                        throw new IllegalStateException("cycle failed: " + e.getMessage(), e);
                    }
                }
            }));
        }
        long start = System.nanoTime();
        for (Thread t : workers) {
            t.join();
        }
        System.out.printf("%.0f%n", cycles.get() / ((System.nanoTime() - start) / 1e9));
    }

    private static void cycle(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            var in = new DataInputStream(socket.getInputStream());
            out.write(request);
            readHead(in);
            out.write(CLOSE_1000);
            int b0 = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7F;
            in.skipNBytes(length);
            if ((b0 & 0x0F) != 0x8) {
                throw new IOException("expected a Close, got opcode " + (b0 & 0x0F));
            }
            // RFC 6455 §7.1.1: the server closes TCP first
            if (in.read() != -1) {
                throw new IOException("data after the Close");
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        var head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("not upgraded: " + head.toString().lines().findFirst().orElse(""));
        }
    }
}
