package io.pado.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The soak test's client and judge, against a {@link SoakServer} in another process. Two rounds of the same shape
 * ({@link Round}): a warm-up, so that JIT, pools and tables reach their working size, then the soak itself. After
 * each, it waits for the server to hold no connection but the stats request, and reads its {@code /stats?gc}. The
 * checks: every well-behaved message echoed exactly once, in order and intact; every hostile client got the answer
 * it deserved, and the server reported each with the right close code; no connection, session, file descriptor or
 * thread left; heap after GC, direct buffers, native memory (NMT) and RSS no bigger after the soak than after the
 * warm-up, within the stated margins. Prints a report; exits 1 if any check failed.
 *
 * <p>Usage: {@code Soak PORT [--quick] [--tls STORE.p12]}: 10,000 connections for 60 s (warm-up 15 s), or 1,000
 * for 10 s (warm-up 3 s); with {@code --tls}, over {@code wss://}, trusting the certificate in that store.
 * {@code -Dsoak.connections}, {@code -Dsoak.seconds}, {@code -Dsoak.rate} (messages/s in all),
 * {@code -Dsoak.hostileRate} (hostile connections/s), {@code -Dsoak.maxConnecting} (well-behaved handshakes in
 * flight) and {@code -Dsoak.seed} override. Loopback only.
 */
public final class Soak {
    private static final long MIB = 1 << 20;
    /** How much more the server may hold after the soak than after the warm-up; see docs/RELIABILITY.md. */
    private static final long HEAP_MARGIN = 16 * MIB;
    /**
     * The event loop's frame pool (io.pado.runtime.FramePool) keeps up to 2,344 idle direct buffers, about 4.3 MiB,
     * and fills up to the most it ever had in use at once: a busier moment in the soak round than in the warm-up
     * leaves more of them, and that is not a leak. A direct buffer leaked per connection (about 11,000 cycle through
     * the soak round) still breaks the count margin several times over.
     */
    private static final long DIRECT_COUNT_MARGIN = 2_344 + 16;
    private static final long DIRECT_BYTES_MARGIN = 9 * MIB;
    private static final long NMT_MARGIN = 32 * MIB;
    private static final long RSS_MARGIN = 64 * MIB;
    private static final long QUIET_DEADLINE_NANOS = 30_000_000_000L;
    /**
     * Well-behaved TLS handshakes in flight at most (ws:// opens 256 at once). One client thread runs every TLS
     * handshake's client side, and the server's clock starts at accept: with many in flight, each waits for the
     * others' key exchanges on both sides, and on a loaded machine that wait, not the peer, is what reaches the
     * handshake timeout. See docs/RELIABILITY.md.
     */
    static final int MAX_CONNECTING_TLS = 32;

    private final int port;
    private final SoakTls tls;
    private final List<String> failed = new ArrayList<>();

    private Soak(int port, SoakTls tls) {
        this.port = port;
        this.tls = tls;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<String> flags = List.of(args).subList(1, args.length);
        boolean quick = flags.contains("--quick");
        int tlsAt = flags.indexOf("--tls");
        SoakTls tls = tlsAt >= 0 ? SoakTls.load(java.nio.file.Path.of(flags.get(tlsAt + 1))) : null;
        int connections = Integer.getInteger("soak.connections", quick ? 1000 : 10_000);
        double seconds = Double.parseDouble(System.getProperty("soak.seconds", quick ? "10" : "60"));
        double warmup = Double.parseDouble(System.getProperty("soak.warmup", quick ? "3" : "15"));
        double rate = Double.parseDouble(System.getProperty("soak.rate", quick ? "2000" : "10000"));
        double hostileRate = Double.parseDouble(System.getProperty("soak.hostileRate", quick ? "20" : "40"));
        long seed = Long.getLong("soak.seed", 7);
        int maxConnecting = Integer.getInteger("soak.maxConnecting", tls == null ? 256 : MAX_CONNECTING_TLS);
        System.exit(new Soak(port, tls).run(connections, seconds, warmup, rate, hostileRate, seed, maxConnecting)
                ? 0 : 1);
    }

    private boolean run(int connections, double seconds, double warmup, double rate, double hostileRate, long seed,
            int maxConnecting) throws Exception {
        System.out.printf("soak (%s): %d connections (at most %d opening at once), %.0f s (warm-up %.0f s), %.0f "
                + "messages/s, %.0f hostile/s, seed %d, handshake timeout %d ms%n", tls == null ? "ws" : "wss",
                connections, maxConnecting, seconds, warmup, rate, hostileRate, seed,
                SoakServer.handshakeTimeout(tls != null).toMillis());
        var tally = new Tally();
        var messages = new Messages(seed);
        Map<String, Long> fresh = stats(true);
        var warm = new Round(port, tls, maxConnecting, tally, messages, seed);
        long t0 = System.nanoTime();
        warm.run(connections, warmup, rate, hostileRate);
        System.out.printf("warm-up: ramp %.1f s, round %.1f s%n", warm.rampSeconds, (System.nanoTime() - t0) / 1e9);
        long warmFailures = tally.failures;
        Map<String, Long> afterWarmup = awaitQuiet();
        var soak = new Round(port, tls, maxConnecting, tally, messages, seed + 1);
        t0 = System.nanoTime();
        soak.run(connections, seconds, rate, hostileRate);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        System.out.printf("soak: ramp %.1f s, round %.1f s%n", soak.rampSeconds, elapsed);
        Map<String, Long> afterSoak = awaitQuiet();

        report(tally, connections, fresh, afterWarmup, afterSoak);
        check("no client-side failure", tally.failures == 0, tally.failures + " (" + warmFailures + " in warm-up)");
        check("well-behaved connections opened", tally.wellBehavedOpened == 2L * connections,
                tally.wellBehavedOpened + " of " + 2L * connections);
        check("well-behaved connections closed 1000/1000", tally.wellBehavedClosedCleanly == tally.wellBehavedOpened,
                tally.wellBehavedClosedCleanly + " of " + tally.wellBehavedOpened);
        check("every message echoed once, in order, intact", tally.messagesEchoed == tally.messagesSent
                && tally.lost + tally.duplicated + tally.reordered + tally.corrupted == 0,
                String.format("sent %d, echoed %d, lost %d, duplicated %d, reordered %d, corrupted %d",
                        tally.messagesSent, tally.messagesEchoed, tally.lost, tally.duplicated, tally.reordered,
                        tally.corrupted));
        check("every ping answered in order", tally.badPongs == 0, tally.badPongs + " bad pongs");
        for (Hostile.Kind kind : Hostile.Kind.values()) {
            long started = tally.hostileStarted(kind);
            check("hostile " + kind + " got its answer", started > 0 && tally.hostilePassed(kind) == started,
                    tally.hostilePassed(kind) + " of " + started);
            if (kind.serverCloseCode != 0) {
                long reported = afterSoak.getOrDefault("closed." + kind.serverCloseCode, 0L);
                check("server reported " + kind + " as " + kind.serverCloseCode, reported == started,
                        reported + " of " + started);
            }
        }
        long cleanCloses = afterSoak.getOrDefault("closed.1000", 0L);
        check("server reported well-behaved closes as 1000", cleanCloses == tally.wellBehavedOpened,
                cleanCloses + " of " + tally.wellBehavedOpened);
        check("server: no connection left but /stats", afterSoak.get("connections") == 1,
                afterSoak.get("connections") + " connections");
        check("server: no WebSocket session left", afterSoak.get("sessions") == 0, afterSoak.get("sessions") + "");
        grew("heap used after GC", afterWarmup, afterSoak, "heapUsed", HEAP_MARGIN);
        grew("direct buffers (count)", afterWarmup, afterSoak, "directCount", DIRECT_COUNT_MARGIN);
        grew("direct buffers (bytes)", afterWarmup, afterSoak, "directBytes", DIRECT_BYTES_MARGIN);
        if (afterSoak.get("nmtCommitted") >= 0) {
            grew("native memory committed (NMT)", afterWarmup, afterSoak, "nmtCommitted", NMT_MARGIN);
        }
        grew("RSS", afterWarmup, afterSoak, "rssTrimmed", RSS_MARGIN);
        grew("file descriptors", afterWarmup, afterSoak, "fds", 2);
        grew("platform threads", afterWarmup, afterSoak, "threads", 2);

        for (String kept : tally.kept) {
            System.out.println("  failure: " + kept);
        }
        System.out.println(failed.isEmpty() ? "SOAK PASSED" : "SOAK FAILED: " + String.join("; ", failed));
        messages.end();
        return failed.isEmpty();
    }

    private void report(Tally t, int connections, Map<String, Long> fresh, Map<String, Long> warm,
            Map<String, Long> soak) {
        System.out.printf("well-behaved: %d connections per round (%d with permessage-deflate in all), %d messages "
                + "(%.1f MiB of frames), %d pings, %d pongs, %d turns skipped (in flight ≥ %d)%n", connections,
                t.deflateConnections, t.messagesSent, t.bytesSent / (double) MIB, t.pingsSent, t.pongsReceived,
                t.skippedBusy, WellBehaved.MAX_IN_FLIGHT);
        var hostile = new StringBuilder();
        for (Hostile.Kind kind : Hostile.Kind.values()) {
            hostile.append(' ').append(kind).append(' ').append(t.hostilePassed(kind)).append('/')
                    .append(t.hostileStarted(kind));
        }
        System.out.println("hostile (passed/started):" + hostile + "; " + t.hostileSkipped
                + " starts skipped (all busy)");
        System.out.printf("well-behaved opening handshakes (connect() to 101): median %.0f ms, 99th percentile %.0f ms,"
                + " longest %.0f ms (the server's handshake timeout: %d ms)%n", t.openingMillis(0.5),
                t.openingMillis(0.99), t.openingMillis(1), SoakServer.handshakeTimeout(tls != null).toMillis());
        System.out.println("server closes by code: " + closes(soak) + ", onError " + soak.get("errors"));
        System.out.println("| server | fresh | after warm-up | after soak | growth |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String name : List.of("connections", "sessions", "heapUsed", "directCount", "directBytes",
                "nmtCommitted", "rss", "rssTrimmed", "fds", "threads")) {
            boolean bytes = name.equals("heapUsed") || name.equals("directBytes") || name.equals("nmtCommitted")
                    || name.startsWith("rss");
            long w = warm.get(name);
            long s = soak.get(name);
            System.out.printf("| %s | %s | %s | %s | %s |%n", name + (bytes ? " (MiB)" : ""),
                    format(fresh.get(name), bytes), format(w, bytes), format(s, bytes), format(s - w, bytes));
        }
    }

    private static String format(long value, boolean bytes) {
        return bytes ? String.format("%.1f", value / (double) MIB) : Long.toString(value);
    }

    private static String closes(Map<String, Long> stats) {
        var out = new StringBuilder();
        stats.forEach((k, v) -> {
            if (k.startsWith("closed.")) {
                out.append(out.isEmpty() ? "" : ", ").append(k.substring(7)).append(": ").append(v);
            }
        });
        return out.toString();
    }

    private void grew(String what, Map<String, Long> before, Map<String, Long> after, String name, long margin) {
        long growth = after.get(name) - before.get(name);
        check(what + " back (growth ≤ " + margin + ")", growth <= margin, "grew by " + growth);
    }

    private void check(String what, boolean ok, String detail) {
        System.out.printf("%s  %s: %s%n", ok ? "PASS" : "FAIL", what, detail);
        if (!ok) {
            failed.add(what);
        }
    }

    /** Waits until the server holds only the stats request and no session, then reads its stats after a GC. */
    private Map<String, Long> awaitQuiet() throws IOException {
        long deadline = System.nanoTime() + QUIET_DEADLINE_NANOS;
        Map<String, Long> s = stats(false);
        while (s.get("connections") != 1 || s.get("sessions") != 0) {
            if (System.nanoTime() > deadline) {
                System.out.println("server not quiet after " + QUIET_DEADLINE_NANOS / 1_000_000_000 + " s: " + s);
                break;
            }
            try {
                Thread.sleep(200); // polling a server in another process: there is nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            s = stats(false);
        }
        return stats(true);
    }

    /** {@code GET /stats} (with a GC first if {@code gc}), as name → value. */
    private Map<String, Long> stats(boolean gc) throws IOException {
        try (Socket socket = tls == null ? new Socket("127.0.0.1", port)
                : tls.clientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /stats" + (gc ? "?gc" : "") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            if (!response.startsWith("HTTP/1.1 200")) {
                throw new IOException("stats: " + response);
            }
            var stats = new TreeMap<String, Long>();
            for (String line : response.substring(response.indexOf("\r\n\r\n") + 4).split("\n")) {
                String[] kv = line.trim().split(" ");
                if (kv.length == 2) {
                    stats.put(kv[0], Long.parseLong(kv[1]));
                }
            }
            return stats;
        }
    }
}
