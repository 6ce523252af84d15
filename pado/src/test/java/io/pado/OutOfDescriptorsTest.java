package io.pado;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A server out of file descriptors: the sockets it cannot accept wait in the backlog and keep the port ready. It must
 * not spin on them (that would starve the connections it has), and it must accept again once descriptors free up.
 * The server runs in a child JVM started under {@code ulimit -n 128}.
 */
class OutOfDescriptorsTest {
    private static final int CLIENTS = 200;

    @Test
    void aServerOutOfDescriptorsDoesNotSpinAndAcceptsAgainLater() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs Linux's /proc to read the server's CPU time");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String command = "ulimit -n 128 && exec '" + java + "' -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " -cp '" + System.getProperty("java.class.path") + "' " + FdLimitServer.class.getName();
        Path log = Path.of("target", "out-of-descriptors-server.log");
        Files.createDirectories(log.getParent());
        Process server = new ProcessBuilder("bash", "-c", command).redirectError(log.toFile()).start();
        List<Socket> clients = new ArrayList<>();
        try {
            var out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("the server's first line (its log: " + log + ")").startsWith("port ");
            int port = Integer.parseInt(line.substring(5));
            for (int i = 0; i < CLIENTS; i++) { // far more than 128 descriptors: most wait in the backlog
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                clients.add(s);
            }
            // With the backlog full of sockets it cannot take, the server must sit still: measure its CPU time
            long before = cpuTicks(server.pid());
            long start = System.nanoTime();
            Thread.sleep(2000); // a measuring window, not a synchronisation: nothing is awaited here
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuShare = (cpuTicks(server.pid()) - before) / 100.0 / seconds;
            assertThat(cpuShare).as("share of a core the server used while out of descriptors").isLessThan(0.3);

            for (Socket s : clients) {
                s.close();
            }
            clients.clear();
            // Descriptors free again: a new WebSocket gets through and is served
            Await.until("a WebSocket served after descriptors freed up (the server's log: " + log + ")",
                    () -> echoes(port));
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** Whether a raw WebSocket to the server gets its upgrade and an echo. */
    private static boolean echoes(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // A masked text frame "hi" with key 0
            s.getOutputStream().write(new byte[] {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, 'h', 'i'});
            var got = new StringBuilder();
            while (!got.toString().contains("\r\n\r\n") || !got.toString().endsWith("hi")) {
                int b = s.getInputStream().read();
                if (b < 0) {
                    return false;
                }
                got.append((char) b);
            }
            return got.toString().startsWith("HTTP/1.1 101");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** User plus system CPU time of a process, in clock ticks (100 a second on Linux). */
    private static long cpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
