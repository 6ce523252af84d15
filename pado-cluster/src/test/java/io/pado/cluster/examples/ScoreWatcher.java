package io.pado.cluster.examples;

import io.pado.Client;
import io.pado.ClientOptions;
import io.pado.Handler;
import io.pado.WebSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/GUIDE.md, "Topics across nodes": a client that keeps the position of the last message it saw and, when it
 * connects again (to whichever node), asks for what came after it.
 */
// tag::score-watcher[]
public final class ScoreWatcher implements Handler, AutoCloseable {
    private static final Pattern MESSAGE = Pattern.compile(
            "\\{\"topic\":\"scores\",\"epoch\":\"([^\"]+)\",\"offset\":(\\d+),.*\"data\":\"(.*)\"}");

    private final Client client = Client.create(ClientOptions.DEFAULT);
    final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile String epoch;
    private volatile long offset;
    private volatile WebSocket ws;

    public void connect(URI node) {
        ws = client.connect(node, this).join();
        ws.sendText(epoch == null ? "watch" : "resume " + epoch + " " + offset);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        Matcher m = MESSAGE.matcher(text);
        if (m.matches()) {
            long at = Long.parseLong(m.group(2));
            if (m.group(1).equals(epoch) && at <= offset) {
                return; // seen already: the connection left behind may still deliver what a resume brings again
            }
            epoch = m.group(1);
            offset = at;
            seen.add(m.group(3));
        } else if (text.contains("\"gap\"")) {
            seen.clear(); // the history no longer reaches back: start over from what follows
        }
    }

    public void disconnect() {
        ws.close(1000, "bye").join();
    }

    @Override
    public void close() {
        client.close();
    }
}
// end::score-watcher[]
