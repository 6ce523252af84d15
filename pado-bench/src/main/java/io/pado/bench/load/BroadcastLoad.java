package io.pado.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Broadcast deliveries per second: opens N connections to an {@link EchoServers} server, then asks it (a text
 * "broadcast K S" on the first connection) to send K messages of S bytes to every connection, and times how long
 * all N × K text frames take to arrive. Raw NIO on one thread. Usage: {@code BroadcastLoad PORT N K S}. Prints
 * deliveries per second. Loopback only; gives up after 60 s.
 */
public final class BroadcastLoad {
    private BroadcastLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        int messages = Integer.parseInt(args[2]);
        int payloadBytes = Integer.parseInt(args[3]);
        try (Selector selector = Selector.open()) {
            List<SocketChannel> channels = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                SocketChannel channel = open(port);
                channel.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(64 << 10));
                channels.add(channel);
            }
            long expected = (long) connections * messages;
            long[] received = {0};
            long start = System.nanoTime();
            channels.get(0).write(maskedText("broadcast " + messages + " " + payloadBytes));
            long deadline = start + 60_000_000_000L;
            while (received[0] < expected && System.nanoTime() < deadline) {
                selector.select(key -> received[0] += read(key), 100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (received[0] < expected) {
                throw new IllegalStateException("only " + received[0] + " of " + expected + " deliveries in 60 s");
            }
            System.out.printf("%.0f%n", expected / seconds);
            for (SocketChannel c : channels) {
                c.close();
            }
        }
    }

    /** Reads what the socket has and counts the complete text frames in it. */
    private static long read(SelectionKey key) {
        var channel = (SocketChannel) key.channel();
        var in = (ByteBuffer) key.attachment();
        long frames = 0;
        try {
            if (channel.read(in) < 0) {
                throw new IllegalStateException("server closed a connection");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        in.flip();
        while (in.remaining() >= 2) {
            int p = in.position();
            int len7 = in.get(p + 1) & 0x7F;
            int header = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
            if (in.remaining() < header) {
                break;
            }
            long length = len7 == 126 ? in.getShort(p + 2) & 0xFFFF : len7 == 127 ? in.getLong(p + 2) : len7;
            if (in.remaining() < header + length) {
                break;
            }
            if ((in.get(p) & 0x0F) == 0x1) {
                frames++;
            }
            in.position(p + header + (int) length);
        }
        in.compact();
        return frames;
    }

    private static SocketChannel open(int port) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        String request = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: cGFkby1icm9hZGNhc3QxMg==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer head = ByteBuffer.allocate(1);
        var text = new StringBuilder();
        while (!text.toString().endsWith("\r\n\r\n")) {
            head.clear();
            if (channel.read(head) < 0) {
                throw new IOException("closed during the handshake");
            }
            text.append((char) head.get(0));
        }
        if (!text.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("not upgraded: " + text);
        }
        channel.configureBlocking(false);
        return channel;
    }

    /** A short masked text frame (key 0). */
    private static ByteBuffer maskedText(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(6 + bytes.length);
        frame.put((byte) 0x81).put((byte) (0x80 | bytes.length)).putInt(0).put(bytes);
        return frame.flip();
    }
}
