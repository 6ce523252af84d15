package io.pado.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;

/**
 * What the JDK's {@code SSLEngine} itself holds per idle {@code wss://} connection on a server, apart from any
 * WebSocket library: N server engines set up as pado sets up its own (TLS 1.3 and 1.2, ALPN http/1.1, the
 * {@link BenchTls} certificate), each shaken hands with a client engine in memory and one record exchanged both ways;
 * the client engines are then dropped and the live heap (the class histogram of this JVM: the objects left after a
 * full GC) is read before the server engines are made and again while they are held. The difference per
 * engine is the engine's share, session and keys included; pado's figure in {@code IdleMemoryPeers} less this one is
 * what pado adds for TLS. Warm-up: as many engines are made and dropped first.
 *
 * <p>Usage: {@code SslEngineMemory N} with {@code -Dpado.tls.keystore}. Prints {@code engine-heap KIB_PER_ENGINE}
 * and the classes that account for most of it. Everything in memory: no socket.
 */
public final class SslEngineMemory {
    private static final Pattern ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)");

    private SslEngineMemory() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        BenchTls tls = BenchTls.fromProperty();
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(tls.keyManagers().getKeyManagers(), null, null);
        SSLContext client = tls.trustingClient();
        shakeHands(server, client, n); // warm-up: compiled code, caches, the session cache's own growth
        // The reading without the engines comes first and stays text until the second: a parsed map would add far
        // more to the second reading than the string does (a few hundred KiB, a few bytes per engine at N = 5,000)
        String without = histogramText();
        List<SSLEngine> held = shakeHands(server, client, n);
        String with = histogramText();
        Reference.reachabilityFence(held);
        double kib = (total(with) - total(without)) / 1024.0 / n;
        System.out.printf("engine-heap %.2f%n", kib);
        Map<String, long[]> before = rows(without);
        var rows = new ArrayList<Map.Entry<String, Long>>();
        for (var e : rows(with).entrySet()) {
            long grew = e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1];
            if (grew > 0) {
                rows.add(Map.entry(e.getKey(), grew));
            }
        }
        rows.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (var row : rows.subList(0, Math.min(12, rows.size()))) {
            System.out.printf("class %s %.0f%n", row.getKey(), (double) row.getValue() / n);
        }
    }

    /** {@code n} server engines, each after a handshake and a record both ways with a client engine now dropped. */
    private static List<SSLEngine> shakeHands(SSLContext serverContext, SSLContext clientContext, int n)
            throws Exception {
        List<SSLEngine> servers = new ArrayList<>(n);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer plain = ByteBuffer.allocate(1 << 17);
        for (int i = 0; i < n; i++) {
            SSLEngine server = serverContext.createSSLEngine();
            server.setUseClientMode(false);
            SSLParameters params = server.getSSLParameters();
            params.setProtocols(BenchTls.PROTOCOLS);
            params.setApplicationProtocols(new String[] {"http/1.1"});
            server.setSSLParameters(params);
            SSLEngine client = clientContext.createSSLEngine("localhost", 443);
            client.setUseClientMode(true);
            server.beginHandshake();
            client.beginHandshake();
            toServer.clear();
            toClient.clear();
            for (int step = 0; step < 200 && (busy(server) || busy(client) || toServer.position() > 0
                    || toClient.position() > 0); step++) {
                pump(client, toClient, toServer, plain);
                pump(server, toServer, toClient, plain);
            }
            if (busy(server) || busy(client)) {
                throw new IllegalStateException("handshake " + i + " did not finish");
            }
            ByteBuffer message = ByteBuffer.wrap(new byte[2048]);
            client.wrap(message, toServer);
            pump(server, toServer, toClient, plain);
            server.wrap(ByteBuffer.wrap(new byte[2048]), toClient);
            pump(client, toClient, toServer, plain);
            servers.add(server);
        }
        return servers;
    }

    private static boolean busy(SSLEngine engine) {
        HandshakeStatus hs = engine.getHandshakeStatus();
        return hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED;
    }

    /** One engine's turn: unwrap what came (write-mode {@code in}), run tasks, wrap what it has to say into out. */
    private static void pump(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer plain) throws Exception {
        in.flip();
        for (int step = 0; step < 50; step++) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                    task.run();
                }
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                engine.wrap(ByteBuffer.allocate(0), out);
            } else if (in.hasRemaining()) {
                if (engine.unwrap(in, plain.clear()).bytesConsumed() == 0) {
                    break;
                }
            } else {
                break;
            }
        }
        in.compact();
    }

    /** The class histogram of this JVM (live objects, after a full GC) through its DiagnosticCommand MBean. */
    static String histogramText() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }

    /** The live heap in bytes: the histogram's total. */
    static long total(String histogram) {
        Matcher total = TOTAL.matcher(histogram);
        if (!total.find()) {
            throw new IllegalStateException("no total in the class histogram");
        }
        return Long.parseLong(total.group(1));
    }

    /** Instances and bytes per class. */
    static Map<String, long[]> rows(String histogram) {
        Map<String, long[]> rows = new TreeMap<>();
        Matcher m = ROW.matcher(histogram);
        while (m.find()) {
            rows.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return rows;
    }
}
