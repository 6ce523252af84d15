package io.pado.cluster;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * {@link Broker#redis}: a topic is a Redis stream read by id; see {@link RedisScripts} for its keys. Appends run one
 * script that numbers and adds a batch atomically, so offsets are dense and a topic has one order. Followers are
 * virtual threads that block in {@code XREAD} on the topic's stream and its presence stream (one slot, so this works
 * on a Redis Cluster too), resume from the last id they delivered after any failure, and compare the epoch after
 * every quiet second and every failure, so a Redis that lost its data is noticed, never read past. Nothing is
 * published with {@code PUBLISH} or {@code SPUBLISH}: no message travels outside a stream, so none is lost when a
 * subscription silently ends. Thread-safe: commands go through Jedis' pools (one per cluster master); each follower
 * holds one connection while it waits.
 */
final class RedisBroker implements Broker {
    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());
    private static final int BLOCK_MILLIS = 1000;
    private static final int READ_COUNT = 256;

    private final URI uri;
    private final UnifiedJedis redis;
    private final int historyPerTopic;
    private final boolean cluster;
    private volatile boolean closed;

    private RedisBroker(URI uri, UnifiedJedis redis, int historyPerTopic, boolean cluster) {
        this.uri = uri;
        this.redis = redis;
        this.historyPerTopic = historyPerTopic;
        this.cluster = cluster;
    }

    static RedisBroker connect(URI uri, int historyPerTopic) throws IOException {
        if (historyPerTopic < 1) {
            throw new IllegalArgumentException("historyPerTopic must be positive: " + historyPerTopic);
        }
        if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not a redis://host:port address: " + uri);
        }
        var config = DefaultJedisClientConfig.builder().connectionTimeoutMillis(2000).socketTimeoutMillis(3000)
                .blockingSocketTimeoutMillis(BLOCK_MILLIS + 3000).build();
        var pool = new GenericObjectPoolConfig<Connection>();
        pool.setMaxTotal(512); // every follower holds one while it waits in XREAD; publishers and catch-ups share
        pool.setMaxIdle(64);
        pool.setMaxWait(Duration.ofSeconds(3));
        var host = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        UnifiedJedis probe = null;
        try {
            probe = RedisClient.builder().hostAndPort(host).clientConfig(config).poolConfig(pool).build();
            boolean cluster = probe.info("cluster").contains("cluster_enabled:1");
            if (!cluster) {
                return new RedisBroker(uri, probe, historyPerTopic, false);
            }
            probe.close();
            probe = RedisClusterClient.builder().nodes(java.util.Set.of(host)).clientConfig(config).poolConfig(pool)
                    .maxAttempts(10).maxTotalRetriesDuration(Duration.ofSeconds(5)).build();
            probe.ping();
            return new RedisBroker(uri, probe, historyPerTopic, true);
        } catch (JedisException e) {
            if (probe != null) {
                probe.close();
            }
            throw new IOException("cannot reach Redis at " + uri + ": " + e.getMessage(), e);
        }
    }

    private static String key(String topic, String part) {
        return "pado:{" + topic + "}:" + part;
    }

    private static IOException failure(String doing, RuntimeException e) {
        return new IOException("Redis failed while " + doing + ": " + e.getMessage(), e);
    }

    @Override
    public List<Position> append(String topic, List<Draft> drafts, Attempt attempt) throws IOException {
        var args = new ArrayList<String>(3 + 2 * drafts.size());
        args.add(Epochs.next());
        args.add(Integer.toString(historyPerTopic));
        args.add(attempt == Attempt.RETRY ? "1" : "0");
        for (Draft d : drafts) {
            args.add(d.id());
            args.add(d.data());
        }
        try {
            List<?> out = (List<?>) redis.eval(RedisScripts.APPEND, List.of(key(topic, "meta"), key(topic, "log")),
                    args);
            String epoch = out.get(0).toString();
            var positions = new ArrayList<Position>(drafts.size());
            for (int i = 1; i < out.size(); i++) {
                positions.add(new Position(epoch, Long.parseLong(out.get(i).toString())));
            }
            return positions;
        } catch (JedisException | ClassCastException e) {
            throw failure("appending to " + topic, e);
        }
    }

    @Override
    public Head head(String topic) throws IOException {
        try {
            List<?> out = (List<?>) redis.eval(RedisScripts.HEAD, List.of(key(topic, "meta"), key(topic, "log")),
                    List.of(Epochs.next()));
            return new Head(out.get(0).toString(), Long.parseLong(out.get(1).toString()),
                    Long.parseLong(out.get(2).toString()));
        } catch (JedisException | ClassCastException e) {
            throw failure("reading the head of " + topic, e);
        }
    }

    @Override
    public List<TopicMessage> read(String topic, long afterOffset, int max) throws IOException {
        try {
            List<StreamEntry> entries = redis.xrange(key(topic, "log"), new StreamEntryID(afterOffset + 1, 0),
                    StreamEntryID.MAXIMUM_ID, max);
            var out = new ArrayList<TopicMessage>(entries.size());
            entries.forEach(e -> out.add(message(topic, e)));
            return out;
        } catch (JedisException e) {
            throw failure("reading " + topic, e);
        }
    }

    private static TopicMessage message(String topic, StreamEntry e) {
        Map<String, String> f = e.getFields();
        return new TopicMessage(topic, new Position(f.get("e"), e.getID().getTime()), f.get("i"), f.get("d"));
    }

    @Override
    public Follower follow(String topic, Sink sink) {
        var follower = new RedisFollower(topic, sink);
        follower.thread = Thread.ofVirtual().name("pado-cluster-redis-" + topic).start(follower::run);
        return follower;
    }

    /** One topic followed by {@code XREAD}, from the last id delivered. */
    private final class RedisFollower implements Follower {
        private final String topic;
        private final Sink sink;
        private volatile boolean stopped;
        volatile Thread thread;

        RedisFollower(String topic, Sink sink) {
            this.topic = topic;
            this.sink = sink;
        }

        void run() {
            var backoff = new Backoff();
            String epoch = null;
            long last = 0;
            StreamEntryID presenceSeen = StreamEntryID.XREAD_NEW_ENTRY;
            boolean check = true;
            while (!stopped && !closed) {
                try {
                    if (check) {
                        Head head = head(topic);
                        if (epoch == null || !epoch.equals(head.epoch())) {
                            last = epoch == null ? head.lastOffset() : 0; // a new epoch is followed from its start
                            epoch = head.epoch();
                            sink.started(epoch, last);
                        }
                        check = false;
                    }
                    var streams = new LinkedHashMap<String, StreamEntryID>();
                    streams.put(key(topic, "log"), new StreamEntryID(last, 0));
                    streams.put(key(topic, "presence"), presenceSeen);
                    List<Map.Entry<String, List<StreamEntry>>> got = redis.xread(
                            XReadParams.xReadParams().block(BLOCK_MILLIS).count(READ_COUNT), streams);
                    backoff.reset();
                    if (got == null || got.isEmpty()) {
                        check = true; // a quiet second: make sure the history is still the one followed
                        continue;
                    }
                    for (Map.Entry<String, List<StreamEntry>> stream : got) {
                        if (stream.getKey().endsWith(":presence")) {
                            if (!stream.getValue().isEmpty()) {
                                presenceSeen = stream.getValue().getLast().getID();
                                sink.presence();
                            }
                            continue;
                        }
                        for (StreamEntry e : stream.getValue()) {
                            TopicMessage m = message(topic, e);
                            if (!m.position().epoch().equals(epoch)) {
                                check = true; // another history: the head says which, and it starts over
                                break;
                            }
                            if (stopped) {
                                return;
                            }
                            sink.message(m);
                            last = m.offset();
                        }
                    }
                } catch (IOException | JedisException e) {
                    if (stopped || closed) {
                        return;
                    }
                    sink.failed(e);
                    check = true;
                    try {
                        Thread.sleep(backoff.nextMillis());
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "cluster: following " + topic + " on Redis failed", e);
                    sink.failed(e);
                    check = true;
                    try {
                        Thread.sleep(Backoff.MAX_MILLIS);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            stopped = true;
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(Duration.ofMillis(BLOCK_MILLIS * 3L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public boolean claim(String topic, String name, String node, Duration ttl) throws IOException {
        try {
            Object out = redis.eval(RedisScripts.CLAIM, List.of(key(topic, "members"), key(topic, "presence")),
                    List.of(name, node, Long.toString(ttl.toMillis())));
            return ((Long) out) == 1;
        } catch (JedisException | ClassCastException e) {
            throw failure("claiming a name in " + topic, e);
        }
    }

    @Override
    public void release(String topic, String name, String node) throws IOException {
        try {
            redis.eval(RedisScripts.RELEASE, List.of(key(topic, "members"), key(topic, "presence")),
                    List.of(name, node));
        } catch (JedisException e) {
            throw failure("releasing a name in " + topic, e);
        }
    }

    @Override
    public List<Presence> roster(String topic, String node, Collection<String> mine, Duration ttl)
            throws IOException {
        var args = new ArrayList<String>(2 + mine.size());
        args.add(node);
        args.add(Long.toString(ttl.toMillis()));
        args.addAll(mine);
        try {
            List<?> out = (List<?>) redis.eval(RedisScripts.ROSTER, List.of(key(topic, "members"),
                    key(topic, "presence")), args);
            var present = new ArrayList<Presence>(out.size() / 2);
            for (int i = 0; i + 1 < out.size(); i += 2) {
                present.add(new Presence(out.get(i).toString(), out.get(i + 1).toString()));
            }
            return present;
        } catch (JedisException | ClassCastException e) {
            throw failure("reading who is in " + topic, e);
        }
    }

    @Override
    public void ping() throws IOException {
        try {
            redis.ping();
        } catch (JedisException e) {
            throw failure("pinging", e);
        }
    }

    @Override
    public String describe() {
        return (cluster ? "Redis Cluster at " : "Redis at ") + uri;
    }

    @Override
    public void close() {
        closed = true;
        redis.close();
    }
}
