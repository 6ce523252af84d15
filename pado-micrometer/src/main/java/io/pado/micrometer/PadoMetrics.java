package io.pado.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pado.Client;
import io.pado.Metrics;
import io.pado.Server;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds a pado {@link Server}'s or {@link Client}'s {@link Metrics} to a Micrometer {@link MeterRegistry}: every meter
 * is a {@link FunctionCounter} or a {@link Gauge} that reads pado's own counters when the registry asks (a scrape, a
 * publish), so binding adds nothing to pado's work per message.
 *
 * <p><b>Meters of a server</b>, each tagged {@code endpoint} with the endpoint's path (a template such as
 * {@code /rooms/{room}} is one endpoint):
 * <ul>
 *   <li>{@code pado.connections.open} (gauge) and {@code pado.connections.opened}: WebSockets open now, and
 *       opened (opening handshakes accepted) so far;</li>
 *   <li>{@code pado.messages.received}, {@code pado.messages.received.bytes}, {@code pado.messages.sent},
 *       {@code pado.messages.sent.bytes}: text and binary messages and their payload bytes (UTF-8 for text, before
 *       compression); a message sent counts once written;</li>
 *   <li>{@code pado.sends.failed} and {@code pado.sends.dropped}: sends lost, whether or not the application looked
 *       at their futures (see {@link Metrics#sendsFailed()} and {@link Metrics#sendsDropped()});</li>
 *   <li>{@code pado.slow.consumers.closed}: peers closed for reading too slowly;</li>
 *   <li>{@code pado.close.codes}, tagged {@code code} too: WebSockets closed, by the code the application was told.
 *       The codes of RFC 6455 pado can report (1000–1003, 1005–1014) have a meter each; the codes that applications
 *       choose (3000–4999) add up in {@code code=other}, so that peers cannot make the number of series grow;</li>
 *   <li>{@code pado.queued.bytes} (gauge): bytes queued by sends and not yet written.</li>
 * </ul>
 * And for the whole server, without the {@code endpoint} tag: {@code pado.handshakes.refused}, tagged {@code status}
 * (400, 401, 403, 404, 426, 429, 431, 500 and 503 each, the rest in {@code status=other}); {@code pado.tls.handshakes},
 * tagged {@code result} ({@code completed}, {@code failed}); and {@code pado.compression.bytes}, tagged
 * {@code direction} ({@code in}, {@code out}) and {@code form} ({@code compressed}, {@code uncompressed}): what
 * permessage-deflate took in and gave out.
 *
 * <p><b>Meters of a client</b>: the same, named {@code pado.client.…} and without the {@code endpoint} tag.
 *
 * <p>Bind a server after adding its endpoints: an endpoint added later has no meters. The meters read pado for as long
 * as the server or client is reachable. The tags given to the constructor go on every meter, to tell several servers
 * apart. Thread-safe: bind from any thread; the registry reads from its own.
 *
 * {@snippet :
 * var registry = new SimpleMeterRegistry();
 * new PadoMetrics(server, Tags.of("service", "chat")).bindTo(registry);
 * }
 */
public final class PadoMetrics implements MeterBinder {
    /** The close codes of RFC 6455 §7.4.1 that pado reports to applications, each with a meter of its own. */
    static final List<Integer> CLOSE_CODES = List.of(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010,
            1011, 1012, 1013, 1014);
    /** The statuses pado refuses with, and those upgrade checks usually choose, each with a meter of its own. */
    static final List<Integer> REFUSAL_STATUSES = List.of(400, 401, 403, 404, 426, 429, 431, 500, 503);

    private final Server server;
    private final Client client;
    private final Tags tags;

    /** Binds {@code server}'s meters, tagged with {@code tags} besides their own. */
    public PadoMetrics(Server server, Iterable<Tag> tags) {
        this.server = Objects.requireNonNull(server, "server");
        this.client = null;
        this.tags = Tags.of(tags);
    }

    /** Binds {@code server}'s meters. */
    public PadoMetrics(Server server) {
        this(server, Tags.empty());
    }

    /** Binds {@code client}'s meters, tagged with {@code tags} besides their own. */
    public PadoMetrics(Client client, Iterable<Tag> tags) {
        this.server = null;
        this.client = Objects.requireNonNull(client, "client");
        this.tags = Tags.of(tags);
    }

    /** Binds {@code client}'s meters. */
    public PadoMetrics(Client client) {
        this(client, Tags.empty());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (server != null) {
            for (Map.Entry<String, Metrics> endpoint : server.endpointMetrics().entrySet()) {
                bindScope(registry, "pado.", server, endpoint.getValue(), tags.and("endpoint", endpoint.getKey()));
            }
            bindWhole(registry, "pado.", server, server.metrics());
        } else {
            bindScope(registry, "pado.client.", client, client.metrics(), tags);
            bindWhole(registry, "pado.client.", client, client.metrics());
        }
    }

    /**
     * The meters of one scope. Each reads {@code metrics}, which its function holds; {@code owner} is what Micrometer
     * holds weakly, so that the meters stop reading once the server or client is gone.
     */
    private static void bindScope(MeterRegistry registry, String prefix, Object owner, Metrics metrics, Tags tags) {
        Gauge.builder(prefix + "connections.open", owner, o -> metrics.connectionsOpen())
                .description("WebSockets open now").tags(tags).register(registry);
        counter(registry, prefix + "connections.opened", owner, tags, "WebSockets opened: opening handshakes accepted",
                null, o -> metrics.connectionsOpened());
        counter(registry, prefix + "messages.received", owner, tags, "Text and binary messages received", null,
                o -> metrics.messagesReceived());
        counter(registry, prefix + "messages.received.bytes", owner, tags,
                "Payload bytes of the messages received, after inflating", BaseUnits.BYTES,
                o -> metrics.bytesReceived());
        counter(registry, prefix + "messages.sent", owner, tags, "Text and binary messages written", null,
                o -> metrics.messagesSent());
        counter(registry, prefix + "messages.sent.bytes", owner, tags,
                "Payload bytes of the messages written, before compression", BaseUnits.BYTES,
                o -> metrics.bytesSent());
        counter(registry, prefix + "sends.failed", owner, tags, "Sends that failed: refused, or never written", null,
                o -> metrics.sendsFailed());
        counter(registry, prefix + "sends.dropped", owner, tags, "Messages dropped by the slow-consumer policy", null,
                o -> metrics.sendsDropped());
        counter(registry, prefix + "slow.consumers.closed", owner, tags, "Peers closed for reading too slowly", null,
                o -> metrics.slowConsumersClosed());
        String closes = prefix + "close.codes";
        for (int code : CLOSE_CODES) {
            counter(registry, closes, owner, tags.and("code", Integer.toString(code)),
                    "WebSockets closed, by close code", null, o -> metrics.closes(code));
        }
        counter(registry, closes, owner, tags.and("code", "other"), "WebSockets closed, by close code", null,
                o -> others(metrics.closesByCode(), CLOSE_CODES));
        Gauge.builder(prefix + "queued.bytes", owner, o -> metrics.queuedBytes())
                .description("Bytes queued by sends and not yet written").baseUnit(BaseUnits.BYTES).tags(tags)
                .register(registry);
    }

    /** The meters of the whole server or client: refusals by status, TLS, compression. */
    private void bindWhole(MeterRegistry registry, String prefix, Object owner, Metrics metrics) {
        String refused = prefix + "handshakes.refused";
        for (int status : REFUSAL_STATUSES) {
            counter(registry, refused, owner, tags.and("status", Integer.toString(status)),
                    "Opening handshakes refused, by HTTP status", null, o -> metrics.handshakesRefused(status));
        }
        counter(registry, refused, owner, tags.and("status", "other"), "Opening handshakes refused, by HTTP status",
                null, o -> others(metrics.handshakesRefusedByStatus(), REFUSAL_STATUSES));
        String tls = prefix + "tls.handshakes";
        counter(registry, tls, owner, tags.and("result", "completed"), "TLS handshakes", null,
                o -> metrics.tlsHandshakesCompleted());
        counter(registry, tls, owner, tags.and("result", "failed"), "TLS handshakes", null,
                o -> metrics.tlsHandshakesFailed());
        String compression = prefix + "compression.bytes";
        String what = "Bytes into and out of permessage-deflate";
        counter(registry, compression, owner, tags.and("direction", "out", "form", "uncompressed"), what,
                BaseUnits.BYTES, o -> metrics.deflateInputBytes());
        counter(registry, compression, owner, tags.and("direction", "out", "form", "compressed"), what,
                BaseUnits.BYTES, o -> metrics.deflateOutputBytes());
        counter(registry, compression, owner, tags.and("direction", "in", "form", "compressed"), what,
                BaseUnits.BYTES, o -> metrics.inflateInputBytes());
        counter(registry, compression, owner, tags.and("direction", "in", "form", "uncompressed"), what,
                BaseUnits.BYTES, o -> metrics.inflateOutputBytes());
    }

    private static void counter(MeterRegistry registry, String name, Object owner, Tags tags, String description,
            String baseUnit, ToDoubleFunction<Object> count) {
        FunctionCounter.builder(name, owner, count).description(description).baseUnit(baseUnit).tags(tags)
                .register(registry);
    }

    /** The counts of the codes without a meter of their own, added up. */
    private static double others(Map<Integer, Long> byCode, List<Integer> ownMeters) {
        long sum = 0;
        for (Map.Entry<Integer, Long> e : byCode.entrySet()) {
            if (!ownMeters.contains(e.getKey())) {
                sum += e.getValue();
            }
        }
        return sum;
    }
}
