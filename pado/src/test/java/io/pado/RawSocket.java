package io.pado;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A blocking socket that speaks WebSocket byte by byte, for tests that need a peer that misbehaves: sends garbage,
 * stops reading, never answers a Close. Frames are written by hand, not with pado's encoder.
 */
final class RawSocket implements AutoCloseable {
    record Frame(int opcode, boolean fin, byte[] payload, boolean rsv1) {
        int closeCode() {
            return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        socket.setSoTimeout(10_000);
    }

    static RawSocket connect(int port) throws IOException {
        return new RawSocket(new Socket("127.0.0.1", port));
    }

    /** Speaks over a socket already connected (a TLS one, for instance). */
    static RawSocket of(Socket socket) throws IOException {
        return new RawSocket(socket);
    }

    /** Connects and completes a WebSocket handshake at {@code path}; fails unless the answer is 101. */
    static RawSocket open(int port, String path) throws IOException {
        RawSocket raw = connect(port);
        raw.write(upgradeRequest(path, "Sec-WebSocket-Version: 13\r\n"));
        String head = raw.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("not upgraded: " + head);
        }
        return raw;
    }

    /** Completes a WebSocket handshake at {@code path} on a connected {@code socket}. */
    static RawSocket upgrade(Socket socket, String path) throws IOException {
        RawSocket raw = new RawSocket(socket);
        raw.write(upgradeRequest(path, "Sec-WebSocket-Version: 13\r\n"));
        String head = raw.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("not upgraded: " + head);
        }
        return raw;
    }

    static String upgradeRequest(String path, String extraLines) {
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n" + extraLines + "\r\n";
    }

    void write(String ascii) throws IOException {
        write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads an HTTP head, up to and including the blank line. */
    String readHead() throws IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("end of stream in head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** A client frame: masked with a fixed key. */
    static byte[] frame(int firstByte, byte[] payload) {
        var f = new ByteArrayOutputStream();
        f.write(firstByte);
        int n = payload.length;
        if (n < 126) {
            f.write(0x80 | n);
        } else if (n < 65536) {
            f.write(0x80 | 126);
            f.write(n >>> 8);
            f.write(n);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) n >>> shift));
            }
        }
        byte[] key = {0x11, 0x22, 0x33, 0x44};
        f.writeBytes(key);
        for (int i = 0; i < n; i++) {
            f.write(payload[i] ^ key[i & 3]);
        }
        return f.toByteArray();
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    void sendText(String text) throws IOException {
        write(frame(0x81, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Reads one (unmasked, server) frame. */
    Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long n = b1 & 0x7F;
        if (n == 126) {
            n = in.readUnsignedShort();
        } else if (n == 127) {
            n = in.readLong();
        }
        byte[] payload = new byte[(int) n];
        in.readFully(payload);
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload, (b0 & 0x40) != 0);
    }

    /** Reads and drops everything until the server closes the connection; true if it did within the timeout. */
    boolean awaitEof() throws IOException {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed too
        }
    }

    InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
