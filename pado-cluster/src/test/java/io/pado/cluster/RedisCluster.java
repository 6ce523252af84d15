package io.pado.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three redis-server masters in cluster mode on loopback ports, joined by {@code redis-cli --cluster create}, their
 * files under target/. {@link #moveSlot} migrates one slot, key by key, from its master to another while clients
 * keep working: the way a resharding moves it. Every process is killed on close.
 */
final class RedisCluster implements AutoCloseable {
    final List<BrokerProcess> masters = new ArrayList<>();

    static RedisCluster start() throws IOException, InterruptedException {
        Tools.require("redis-server");
        Tools.require("redis-cli");
        var cluster = new RedisCluster();
        try {
            Path base = Tools.dir("redis-cluster");
            for (int i = 0; i < 3; i++) {
                Path dir = base.resolve("node" + i);
                java.nio.file.Files.createDirectories(dir);
                cluster.masters.add(BrokerProcess.redisClusterNode(dir));
            }
            var create = new ArrayList<>(List.of("--cluster", "create"));
            cluster.masters.forEach(m -> create.add("127.0.0.1:" + m.port));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            cli(cluster.masters.getFirst().port, create.toArray(String[]::new));
            for (BrokerProcess m : cluster.masters) {
                Tools.await("cluster_state:ok on " + m.port, () -> cliQuietly(m.port, "cluster", "info")
                        .contains("cluster_state:ok"));
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    URI uri() {
        return masters.getFirst().uri();
    }

    static String cli(int port, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(Tools.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("redis-cli " + String.join(" ", args) + " did not end");
        }
        if (p.exitValue() != 0 || out.startsWith("ERR") || out.contains("[ERR]")) {
            throw new IOException("redis-cli " + String.join(" ", args) + ": " + out);
        }
        return out.trim();
    }

    private static String cliQuietly(int port, String... args) {
        try {
            return cli(port, args);
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    int slot(String key) throws IOException, InterruptedException {
        return Integer.parseInt(cli(masters.getFirst().port, "cluster", "keyslot", key));
    }

    /** The master that serves the slot now. */
    BrokerProcess owner(int slot) throws IOException, InterruptedException {
        for (String line : cli(masters.getFirst().port, "cluster", "nodes").split("\n")) {
            String[] f = line.split(" ");
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                    return masters.stream().filter(m -> m.port == port).findFirst().orElseThrow();
                }
            }
        }
        throw new IOException("no master serves slot " + slot);
    }

    /**
     * Moves the slot from its master to {@code target} (CLUSTER SETSLOT IMPORTING/MIGRATING, MIGRATE key by key,
     * SETSLOT NODE on every master), while traffic goes on.
     */
    void moveSlot(int slot, BrokerProcess target) throws IOException, InterruptedException {
        BrokerProcess source = owner(slot);
        String sourceId = cli(source.port, "cluster", "myid");
        String targetId = cli(target.port, "cluster", "myid");
        cli(target.port, "cluster", "setslot", Integer.toString(slot), "importing", sourceId);
        cli(source.port, "cluster", "setslot", Integer.toString(slot), "migrating", targetId);
        while (true) {
            String keys = cli(source.port, "cluster", "getkeysinslot", Integer.toString(slot), "10");
            if (keys.isBlank()) {
                break;
            }
            for (String key : keys.split("\n")) {
                cli(source.port, "migrate", "127.0.0.1", Integer.toString(target.port), key.trim(), "0", "5000");
            }
        }
        for (BrokerProcess m : masters) {
            cli(m.port, "cluster", "setslot", Integer.toString(slot), "node", targetId);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (BrokerProcess m : masters) {
            m.close();
        }
    }
}
