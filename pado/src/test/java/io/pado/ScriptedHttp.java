package io.pado;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ServerSocketFactory;

/**
 * A test-only HTTP/1.1 peer on 127.0.0.1: for each connection it reads one request head, records it, writes what
 * {@code script} answers for it and closes. Enough to play a redirecting server or a refusing proxy.
 */
final class ScriptedHttp implements AutoCloseable {
    /** The longest request head read; a longer one ends the connection. */
    private static final int MAX_HEAD_BYTES = 16 << 10;

    private final ServerSocket listener;
    private final BlockingQueue<String> heads = new LinkedBlockingQueue<>();

    ScriptedHttp(Function<String, String> script) throws IOException {
        this(ServerSocketFactory.getDefault(), script);
    }

    /** With a TLS factory, it plays an https server. */
    ScriptedHttp(ServerSocketFactory sockets, Function<String, String> script) throws IOException {
        listener = sockets.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("scripted-http").start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(() -> serve(s, script));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    private void serve(Socket s, Function<String, String> script) {
        try (s) {
            s.setSoTimeout(10_000);
            String head = readHead(s.getInputStream());
            if (head == null) {
                return;
            }
            heads.add(head);
            OutputStream out = s.getOutputStream();
            out.write(script.apply(head).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            // the client hung up: fine for a scripted peer
        }
    }

    static String readHead(InputStream in) throws IOException {
        var head = new StringBuilder();
        while (head.length() < MAX_HEAD_BYTES && !head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** The request target of a head: {@code /path?query}. */
    static String target(String head) {
        String line = head.substring(0, head.indexOf("\r\n"));
        return line.split(" ")[1];
    }

    /** The value of the first header called {@code name}, or null. */
    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    static String redirect(int status, String location) {
        return "HTTP/1.1 " + status + " Moved\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n";
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next request head received, waiting up to 10 s. */
    String nextHead() throws InterruptedException {
        String head = heads.poll(10, TimeUnit.SECONDS);
        if (head == null) {
            throw new AssertionError("no request within 10 s");
        }
        return head;
    }

    /** How many request heads were received and not yet taken. */
    int pending() {
        return heads.size();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
