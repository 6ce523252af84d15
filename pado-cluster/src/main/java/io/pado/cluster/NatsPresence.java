package io.pado.cluster;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;

/**
 * {@link NatsBroker}'s presence: a key-value bucket ({@code PADO_PRESENCE}, key {@code T.NAME}, value
 * {@code NODE|DEADLINE_MILLIS}, T and NAME as {@link NatsBroker#token} makes them), changed by compare-and-set on
 * revisions; a core subject {@code pado.presence.<T>} only nudges followers to read it. Deadlines use the nodes'
 * clocks, which must agree within a fraction of the presence TTL. Thread-safe.
 */
final class NatsPresence {
    private static final String BUCKET = "PADO_PRESENCE";
    /** A compare-and-set on a key-value revision lost a race. */
    private static final int WRONG_LAST_SEQUENCE = 10071;

    private final Connection nats;
    private final KeyValue presence;
    /** Presence keys each topic's last roster found, looked up again if a listing misses them. */
    private final java.util.Map<String, java.util.Set<String>> listed = new java.util.concurrent.ConcurrentHashMap<>();

    private NatsPresence(Connection nats, KeyValue presence) {
        this.nats = nats;
        this.presence = presence;
    }

    /** The bucket on {@code nats}, made when no node made it yet. */
    static NatsPresence open(Connection nats) throws IOException, JetStreamApiException {
        var kvm = nats.keyValueManagement();
        if (!kvm.getBucketNames().contains(BUCKET)) {
            try {
                kvm.create(KeyValueConfiguration.builder().name(BUCKET).storageType(StorageType.File)
                        .maxHistoryPerKey(1).build());
            } catch (JetStreamApiException e) {
                if (!kvm.getBucketNames().contains(BUCKET)) { // another node made it meanwhile: fine
                    throw e;
                }
            }
        }
        return new NatsPresence(nats, nats.keyValue(BUCKET));
    }

    /** The subject on which a change of {@code topic}'s presence is announced (no payload). */
    static String nudgeSubject(String topic) {
        return "pado.presence." + NatsBroker.token(topic);
    }

    private static String key(String topic, String name) {
        return NatsBroker.token(topic) + "." + NatsBroker.token(name);
    }

    private void nudge(String topic) {
        nats.publish(nudgeSubject(topic), null);
    }

    boolean claim(String topic, String name, String node, Duration ttl) throws IOException {
        String key = key(topic, name);
        byte[] value = (node + "|" + (System.currentTimeMillis() + ttl.toMillis())).getBytes(StandardCharsets.UTF_8);
        try {
            KeyValueEntry held = presence.get(key);
            if (held == null || held.getOperation() != KeyValueOperation.PUT) {
                try {
                    presence.create(key, value);
                } catch (JetStreamApiException e) {
                    return false; // created by someone else just now
                }
                nudge(topic);
                return true;
            }
            String[] v = held.getValueAsString().split("\\|");
            if (!v[0].equals(node) && Long.parseLong(v[1]) > System.currentTimeMillis()) {
                return false;
            }
            try {
                presence.update(key, value, held.getRevision());
            } catch (JetStreamApiException e) {
                return false; // someone else took it first
            }
            nudge(topic);
            return true;
        } catch (JetStreamApiException | RuntimeException e) {
            throw NatsBroker.failure("claiming a name in " + topic, e);
        }
    }

    void release(String topic, String name, String node) throws IOException {
        String key = key(topic, name);
        try {
            // A refresh of this node's roster may update the entry between our read and our delete: read again.
            for (int attempt = 0; attempt < 5; attempt++) {
                KeyValueEntry held = presence.get(key);
                if (held == null || held.getOperation() != KeyValueOperation.PUT
                        || !held.getValueAsString().startsWith(node + "|")) {
                    return;
                }
                try {
                    presence.delete(key, held.getRevision());
                    nudge(topic);
                    return;
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                        throw e;
                    }
                }
            }
        } catch (JetStreamApiException | RuntimeException e) {
            throw NatsBroker.failure("releasing a name in " + topic, e);
        }
    }

    List<Presence> roster(String topic, String node, Collection<String> mine, Duration ttl)
            throws IOException {
        String prefix = NatsBroker.token(topic) + ".";
        long now = System.currentTimeMillis();
        byte[] fresh = (node + "|" + (now + ttl.toMillis())).getBytes(StandardCharsets.UTF_8);
        var wanted = new HashSet<String>();
        mine.forEach(name -> wanted.add(key(topic, name)));
        var names = new java.util.HashMap<String, String>();
        mine.forEach(name -> names.put(key(topic, name), name));
        var out = new ArrayList<Presence>();
        boolean changed = false;
        try {
            // A listing can miss keys (it is read through a consumer that may stop early under load): a key listed
            // before is looked up before it counts as gone.
            var keys = new java.util.LinkedHashSet<>(presence.keys(prefix + ">"));
            keys.addAll(listed.getOrDefault(topic, java.util.Set.of()));
            keys.addAll(wanted);
            var present = new HashSet<String>();
            for (String key : keys) {
                KeyValueEntry e = presence.get(key);
                if (e == null || e.getOperation() != KeyValueOperation.PUT) {
                    continue;
                }
                present.add(key);
                String[] v = e.getValueAsString().split("\\|");
                String name = names.getOrDefault(key, NatsBroker.decodeName(key.substring(prefix.length())));
                boolean expired = Long.parseLong(v[1]) <= now;
                try {
                    if (v[0].equals(node) && wanted.remove(key)) {
                        presence.update(key, fresh, e.getRevision());
                        out.add(new Presence(name, node));
                    } else if (v[0].equals(node) || expired) {
                        presence.delete(key, e.getRevision());
                        changed = true;
                    } else {
                        wanted.remove(key); // another live node holds it
                        out.add(new Presence(name, v[0]));
                    }
                } catch (JetStreamApiException raced) {
                    // changed under us: the next beat reads it again
                }
            }
            for (String key : wanted) {
                try {
                    presence.create(key, fresh);
                    out.add(new Presence(names.get(key), node));
                    changed = true;
                } catch (JetStreamApiException raced) {
                    // someone else holds it now
                }
            }
            if (changed) {
                nudge(topic);
            }
            listed.put(topic, present);
            return out;
        } catch (JetStreamApiException | RuntimeException e) {
            throw NatsBroker.failure("reading who is in " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NatsBroker.failure("reading who is in " + topic, e);
        }
    }
}
