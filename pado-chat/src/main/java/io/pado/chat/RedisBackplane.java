package io.pado.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Rooms shared by every chat node on one Redis. Saying a message runs one Lua script, so that Redis does three
 * things atomically: {@code INCR pado:{ROOM}:seq} numbers it, {@code XADD pado:{ROOM}:messages MAXLEN ~ N} keeps it
 * (history survives restarts of every node), {@code PUBLISH pado:room:ROOM} sends it once to every node. Because
 * the three happen together, the channel carries a room's messages in {@code seq} order, and every node (this one
 * too) delivers them in that order from its one subscriber connection ({@code PSUBSCRIBE pado:room:*}) to its local
 * members, encoded once per subprotocol by {@link Room#deliver}.
 *
 * <p>Not done yet: presence and nicknames are per node; a lost subscription is logged, not re-established, and
 * messages missed meanwhile are not fetched again. Thread-safe: commands go through a connection pool, the
 * subscriber thread ({@code pado-redis}) only calls the {@link Backplane.Receiver}.
 */
final class RedisBackplane implements Backplane {
    private static final System.Logger LOG = System.getLogger(RedisBackplane.class.getName());
    static final String CHANNELS = "pado:room:*";
    /** KEYS: seq, stream, channel; ARGV: the message as JSON without its seq, the stream's length. */
    private static final String POST = """
            local seq = redis.call('INCR', KEYS[1])
            local payload = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'm', payload)
            redis.call('PUBLISH', KEYS[3], payload)
            return seq
            """;

    private final URI uri;
    private final int historySize;
    private final JedisPooled commands;
    private final Jedis subscriber;
    private final Subscription subscription = new Subscription();
    /** The subscriber thread: written by {@link #listen}, read by {@link #close} (different threads). */
    private volatile Thread thread;

    private RedisBackplane(URI uri, int historySize, JedisPooled commands, Jedis subscriber) {
        this.uri = uri;
        this.historySize = historySize;
        this.commands = commands;
        this.subscriber = subscriber;
    }

    /** Connects, keeping {@code historySize} messages per room in Redis; fails if Redis does not answer a PING. */
    static RedisBackplane connect(URI uri, int historySize) throws IOException {
        var commands = new JedisPooled(uri);
        try {
            commands.ping();
            return new RedisBackplane(uri, historySize, commands, new Jedis(uri));
        } catch (RuntimeException e) {
            commands.close();
            throw new IOException("cannot reach Redis at " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Subscribes; returns once the subscription is in place (or fails after 10 s). */
    @Override
    public void listen(Backplane.Receiver receiver) throws IOException {
        subscription.receiver = receiver;
        thread = Thread.ofPlatform().name("pado-redis").daemon().start(() -> {
            try {
                subscriber.psubscribe(subscription, CHANNELS);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "chat: Redis subscription at " + uri + " lost", e);
            } finally {
                subscription.subscribed.countDown();
            }
        });
        try {
            if (!subscription.subscribed.await(10, TimeUnit.SECONDS) || !subscription.isSubscribed()) {
                throw new IOException("could not subscribe to " + CHANNELS + " on " + uri);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while subscribing on " + uri, e);
        }
        LOG.log(System.Logger.Level.INFO, "chat: rooms shared through Redis at {0}", uri);
    }

    @Override
    public ChatMessage publish(ChatMessage draft, Room room) {
        String json = Wire.text(Wire.JSON.createObjectNode().put("room", draft.room()).put("nick", draft.nick())
                .put("text", draft.text()).put("time", draft.timeMillis()));
        String r = draft.room();
        Object seq = commands.eval(POST, List.of("pado:{" + r + "}:seq", "pado:{" + r + "}:messages", "pado:room:" + r),
                List.of(json, Integer.toString(historySize)));
        return new ChatMessage((Long) seq, r, draft.nick(), draft.text(), draft.timeMillis());
    }

    @Override
    public List<ChatMessage> history(String room, int max) {
        List<StreamEntry> newestFirst = commands.xrevrange("pado:{" + room + "}:messages", "+", "-", max);
        var out = new ArrayList<ChatMessage>(newestFirst.size());
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            out.add(parse(newestFirst.get(i).getFields().get("m")));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            if (subscription.isSubscribed()) {
                subscription.punsubscribe();
            }
            Thread t = thread;
            if (t != null) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            subscriber.close();
            commands.close();
        }
        LOG.log(System.Logger.Level.INFO, "chat: left Redis at {0}", uri);
    }

    static ChatMessage parse(String json) {
        try {
            JsonNode n = Wire.JSON.readTree(json);
            return new ChatMessage(n.get("seq").asLong(), n.get("room").asText(), n.get("nick").asText(),
                    n.get("text").asText(), n.get("time").asLong());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("not a chat message from Redis (" + json.length() + " chars)", e);
        }
    }

    /** The subscriber's callbacks, all on the {@code pado-redis} thread, in the order Redis sent them. */
    private static final class Subscription extends JedisPubSub {
        final CountDownLatch subscribed = new CountDownLatch(1);
        /** Set by listen before the subscriber thread starts (which makes it visible there). */
        Backplane.Receiver receiver;

        @Override
        public void onPSubscribe(String pattern, int subscribedChannels) {
            subscribed.countDown();
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            try {
                receiver.deliver(parse(message));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "chat: could not deliver a message from " + channel, e);
            }
        }
    }
}
