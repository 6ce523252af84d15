package io.pado.cluster;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.WebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WebSocket client of a {@link TestNode} that records everything it receives, parsing the topics' default JSON
 * format; tests wait for what they expect with a deadline. With {@link #paused()} its handler blocks until
 * {@link #resume()}, so that pado stops reading its socket and the server's queue to it fills: a slow member.
 */
final class Recorder implements Handler, AutoCloseable {
    private static final Pattern MESSAGE = Pattern.compile(
            "\\{\"topic\":\"([^\"]*)\",\"epoch\":\"([^\"]*)\",\"offset\":(\\d+),\"id\":\"([^\"]*)\","
                    + "\"data\":\"(.*)\"}");
    private static final Pattern GAP = Pattern.compile(
            "\\{\"topic\":\"([^\"]*)\",\"gap\":\"(\\w+)\",\"epoch\":\"([^\"]*)\",\"offset\":(\\d+)}");

    /** A message as a member got it. */
    record Got(String topic, String epoch, long offset, String id, String data) {
    }

    final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    /** Every message received, in arrival order; guarded by itself. */
    final List<Got> messages = new ArrayList<>();
    final List<String> gaps = new ArrayList<>();
    private final Client client;
    final WebSocket ws;
    private volatile CountDownLatch pause = new CountDownLatch(0);

    Recorder(URI uri) {
        this(uri, ClientOptions.builder().build());
    }

    private Recorder(URI uri, ClientOptions options) {
        this.client = Client.create(options);
        this.ws = client.connect(uri, this).orTimeout(Tools.TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /**
     * A member whose handler waits for {@link #resume()} on every topic message; with small water marks, pado stops
     * reading its socket after a few, the kernel's buffers fill, and the server's queue to it grows.
     */
    static Recorder paused(URI uri) {
        var r = new Recorder(uri, ClientOptions.builder().connection(c -> c.waterMarks(4 << 10, 16 << 10)).build());
        r.pause = new CountDownLatch(1);
        return r;
    }

    void resume() {
        pause.countDown();
    }

    @Override
    public void onText(WebSocket ws, String text) {
        try {
            if (text.startsWith("{")) { // answers to commands get through; the topic's messages wait
                pause.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Matcher m = MESSAGE.matcher(text);
        if (m.matches()) {
            synchronized (messages) {
                messages.add(new Got(m.group(1), m.group(2), Long.parseLong(m.group(3)), m.group(4), m.group(5)));
            }
        } else if (GAP.matcher(text).matches()) {
            synchronized (gaps) {
                gaps.add(text);
            }
        }
        texts.add(text);
    }

    void send(String command) {
        ws.sendText(command).join();
    }

    /** Sends a join command ({@code join}, {@code resume}, {@code last}) and waits until the node answers it. */
    void join(String command) throws InterruptedException {
        send(command);
        String answer = until(t -> t.startsWith("joined ") || t.startsWith("taken ") || t.startsWith("error "));
        if (!answer.startsWith("joined ")) {
            throw new AssertionError("join refused: " + answer);
        }
    }

    List<Got> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    List<String> gaps() {
        synchronized (gaps) {
            return List.copyOf(gaps);
        }
    }

    /** Waits until {@code n} messages arrived. */
    List<Got> awaitMessages(int n) throws InterruptedException {
        Tools.await("a member got " + n + " messages (it has " + messages().size() + ")", () -> messages().size() >= n);
        return messages();
    }

    /** The next text that matches, skipping others; fails after the timeout. */
    String until(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Tools.TIMEOUT.toNanos();
        var skipped = new ArrayList<String>();
        while (true) {
            String t = texts.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (t == null) {
                throw new AssertionError("nothing wanted within " + Tools.TIMEOUT + "; skipped " + skipped.size()
                        + ", last " + (skipped.isEmpty() ? "-" : skipped.getLast()));
            }
            if (wanted.test(t)) {
                return t;
            }
            skipped.add(t);
        }
    }

    @Override
    public void close() {
        pause.countDown();
        client.close();
    }
}
