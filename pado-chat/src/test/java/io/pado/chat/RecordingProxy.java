package io.pado.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A TCP relay on 127.0.0.1 in front of a server that notes, for each connection a client makes, the HTTP request
 * lines it carries: how a test sees which requests shared a connection. It understands nothing else; bytes go
 * through unchanged both ways.
 */
final class RecordingProxy implements AutoCloseable {
    private static final Pattern REQUEST_LINE = Pattern.compile(
            "(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \\S+ HTTP/1\\.[01]");
    /** The longest line kept while it is incomplete; what is longer is no request line. */
    private static final int MAX_LINE = 8192;

    private final ServerSocket listener;
    private final int targetPort;
    /** One list per accepted connection, in accept order; each list is written by that connection's reader only. */
    private final List<List<String>> connections = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RecordingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("recording-proxy").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The request lines of every connection so far, one list per connection. */
    List<List<String>> connections() {
        List<List<String>> copy = new ArrayList<>();
        connections.forEach(c -> copy.add(List.copyOf(c)));
        return copy;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(server);
                List<String> lines = new CopyOnWriteArrayList<>();
                connections.add(lines);
                Thread.ofVirtual().start(() -> relay(client, server, lines));
                Thread.ofVirtual().start(() -> relay(server, client, null));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies {@code from} to {@code to} until either ends; notes request lines when {@code lines} is not null. */
    private static void relay(Socket from, Socket to, List<String> lines) {
        var line = new StringBuilder();
        byte[] buf = new byte[16 << 10];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (lines != null) {
                    for (int i = 0; i < n; i++) {
                        char c = (char) (buf[i] & 0xFF);
                        if (c == '\n') {
                            String text = line.toString().strip();
                            if (REQUEST_LINE.matcher(text).matches()) {
                                lines.add(text.substring(0, text.lastIndexOf(' ')));
                            }
                            line.setLength(0);
                        } else if (line.length() < MAX_LINE) {
                            line.append(c);
                        }
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side ended: both are closed by the try
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
