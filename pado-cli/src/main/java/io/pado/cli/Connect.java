package io.pado.cli;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.ClientProxy;
import io.pado.ClosedException;
import io.pado.Handler;
import io.pado.ProxyException;
import io.pado.Reconnect;
import io.pado.ReconnectingWebSocket;
import io.pado.WebSocket;
import io.pado.HandshakeException;
import io.pado.Headers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pado connect URL}: like wscat or websocat. Each stdin line is sent as a message; every message received is
 * printed on stdout (text as is, binary as hex); what happens to the connection goes to stderr. At the end of stdin
 * it waits for the replies still coming ({@code --linger}, see {@link Replies}), then closes with {@code --close} and
 * waits for the server's Close.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Connect to a WebSocket: stdin lines are sent, received messages are printed.",
                "At the end of stdin it waits for the replies still coming (--linger), then closes (--close)."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:closed normally (1000 or 1001)", "1:could not connect or the handshake was refused",
                "2:bad usage", "3:the connection closed with another code (printed on stderr)"})
final class Connect implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", description = "ws:// URL, e.g. ws://127.0.0.1:8080/chat")
    URI url;

    @Option(names = {"-s", "--subprotocol"}, description = "subprotocol to offer (repeatable, best first)")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = {"-H", "--header"}, description = "extra handshake header 'Name: value' (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--origin", description = "Origin header to send")
    String origin;

    @Option(names = "--binary", description = "send stdin lines as binary messages (UTF-8 bytes, or hex with --hex)")
    boolean binary;

    @Option(names = "--hex", description = "stdin lines are hex bytes, sent as binary messages")
    boolean hex;

    @Option(names = "--ping", description = "send a ping every this many seconds; pongs are shown on stderr")
    Double pingSeconds;

    @Option(names = "--close", defaultValue = "1000",
            description = "close code at the end of stdin (default ${DEFAULT-VALUE})")
    int closeCode;

    @Option(names = "--close-reason", defaultValue = "", description = "close reason at the end of stdin")
    String closeReason;

    @Option(names = "--linger", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "at the end of stdin, wait for the replies still coming before closing: until as many"
                    + " messages arrived as were sent, or until none came for this long (default 1s; 500ms, 2s, 1m)")
    Duration linger;

    @Option(names = "--no-linger", description = "close at the end of stdin at once, without waiting for replies")
    boolean noLinger;

    @Option(names = {"-q", "--quiet"}, description = "don't report the connection's events on stderr")
    boolean quiet;

    @Option(names = "--timeout", defaultValue = "10",
            description = "seconds to wait for the handshake and the closing handshake (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--proxy", description = "HTTP proxy to tunnel through (CONNECT): http://[user:password@]host:port,"
            + " or 'system' for the JVM's proxy settings (-Dhttps.proxyHost...)")
    String proxy;

    @Option(names = "--reconnect",
            description = "when the connection drops, connect again with backoff until stdin ends;"
            + " lines typed while disconnected are not sent")
    boolean reconnect;

    private static final Duration DEFAULT_LINGER = Duration.ofSeconds(1);

    private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final Replies replies = new Replies();
    /** We sent the Close (stdin ended): our own code coming back is a normal end. Stdin thread writes. */
    private volatile boolean closing;

    @Override
    public Integer call() throws Exception {
        if (closeCode != 1000 && (closeCode < 3000 || closeCode > 4999) && !(closeCode >= 1001 && closeCode <= 1014
                && closeCode != 1004 && closeCode != 1005 && closeCode != 1006)) {
            System.err.println(
                    "pado connect: a close code must be 1000, 1001-1003, 1007-1014 or 3000-4999: " + closeCode);
            return 2;
        }
        if (noLinger && linger != null) {
            System.err.println("pado connect: --no-linger and --linger " + linger + " contradict each other");
            return 2;
        }
        ClientOptions.Builder options = ClientOptions.builder()
                .subprotocols(subprotocols.toArray(String[]::new))
                .connection(c -> c.handshakeTimeout(Duration.ofSeconds(timeoutSeconds)));
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                System.err.println("pado connect: a header is 'Name: value': " + header);
                return 2;
            }
            options.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        if (origin != null) {
            options.origin(origin);
        }
        if (proxy != null) {
            try {
                options.proxy(proxy.equals("system") ? ClientProxy.SYSTEM : ClientProxy.http(URI.create(proxy)));
            } catch (IllegalArgumentException e) {
                System.err.println("pado connect: --proxy must be http://[user:password@]host:port or system: "
                        + e.getMessage());
                return 2;
            }
        }
        try (Client client = Client.create(options.build())) {
            WebSocket ws;
            try {
                if (reconnect) {
                    ReconnectingWebSocket handle = client.connect(url, new Printer(), Reconnect.DEFAULT).join();
                    handle.whenClosed().whenComplete((done, e) -> {
                        if (e != null) {
                            System.err.println("pado connect: stopped reconnecting: " + e.getMessage());
                        }
                        replies.ended();
                        closed.complete(e == null ? 0 : e instanceof ClosedException ? 3 : 1);
                    });
                    ws = handle;
                } else {
                    ws = client.connect(url, new Printer()).join();
                }
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ProxyException p) {
                    System.err.println("pado connect: the proxy refused with HTTP " + p.status() + ": "
                            + p.getMessage());
                } else if (cause instanceof HandshakeException h) {
                    System.err.println("pado connect: refused with HTTP " + h.status() + ": " + h.getMessage());
                } else {
                    System.err.println("pado connect: could not connect to " + url + ": " + cause);
                }
                return 1;
            }
            info("connected to " + url + ws.subprotocol().map(p -> " (subprotocol " + p + ")").orElse(""));
            var pinger = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
            if (pingSeconds != null) {
                long ms = Math.max(1, (long) (pingSeconds * 1000));
                pinger.scheduleAtFixedRate(() -> ws.sendPing(ByteBuffer.allocate(0)), ms, ms, TimeUnit.MILLISECONDS);
            }
            Thread.ofVirtual().name("pado-stdin").start(() -> pump(ws));
            try {
                return closed.join();
            } finally {
                pinger.shutdownNow();
            }
        }
    }

    /** Sends stdin, line by line, until its end; then closes and waits (bounded) for the server's Close. */
    private void pump(WebSocket ws) {
        try (var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && (reconnect ? !closed.isDone() : ws.isOpen())) {
                CompletableFuture<Void> sent;
                if (hex) {
                    sent = ws.sendBinary(ByteBuffer.wrap(HexFormat.of().parseHex(line.replace(" ", ""))));
                } else if (binary) {
                    sent = ws.sendBinary(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
                } else {
                    sent = ws.sendText(line);
                }
                replies.sent();
                sent.whenComplete((written, e) -> replies.sendDone(e != null));
                if (reconnect) {
                    sent.exceptionally(e -> {
                        info("not sent: " + e.getMessage());
                        return null;
                    });
                }
            }
            if (ws.isOpen() || reconnect) { // a reconnecting handle stops reconnecting even while disconnected
                linger();
                closing = true;
                ws.close(closeCode, closeReason).get(timeoutSeconds, TimeUnit.SECONDS);
            }
            closed.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            System.err.println("pado connect: the server did not finish the closing handshake in time");
            ws.abort();
            closed.complete(3);
        } catch (IllegalArgumentException e) {
            System.err.println("pado connect: not hex: " + e.getMessage());
            ws.abort();
            closed.complete(2);
        } catch (Exception e) {
            System.err.println("pado connect: " + e);
            ws.abort();
            closed.complete(1);
        }
    }

    /** Waits for the replies still coming (see {@link Replies}), unless {@code --no-linger}. */
    private void linger() throws InterruptedException {
        Duration quiet = noLinger ? Duration.ZERO : linger != null ? linger : DEFAULT_LINGER;
        long missing = replies.missing();
        if (quiet.isZero() || missing == 0) {
            return;
        }
        info("end of input: waiting for " + missing + (missing == 1 ? " reply" : " replies") + " (until "
                + quiet.toMillis() + " ms pass without one)");
        if (!replies.await(quiet) && !closed.isDone()) {
            missing = replies.missing();
            info(missing + (missing == 1 ? " reply" : " replies") + " did not come; closing");
        }
    }

    private void info(String message) {
        if (!quiet) {
            System.err.println("* " + message);
        }
    }

    /** Prints what arrives, on the connection's handler thread (one call at a time). */
    private final class Printer implements Handler {
        @Override
        public void onText(WebSocket ws, String text) {
            out.println(text);
            replies.received();
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            out.println(HexFormat.of().formatHex(bytes));
            replies.received();
        }

        @Override
        public void onPong(WebSocket ws, ByteBuffer data) {
            info("pong");
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            info("closed " + code + (reason.isEmpty() ? "" : " " + reason));
            if (!reconnect) { // with --reconnect, whenClosed() decides the end
                replies.ended();
                closed.complete(code == 1000 || code == 1001 || (closing && code == closeCode) ? 0 : 3);
            }
        }

        @Override
        public void onOpen(WebSocket ws) {
            if (reconnect) {
                info("open");
            }
        }

        @Override
        public void onReconnecting(WebSocket ws, int attempt, Duration delay, Throwable cause) {
            info("reconnecting in " + delay.toMillis() + " ms (attempt " + attempt + "): " + cause.getMessage());
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            System.err.println("pado connect: " + error);
        }
    }
}
