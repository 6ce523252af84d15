package io.pado.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Rooms shared by every chat node on one Redis. Saying a message runs one Lua script, so that Redis does three
 * things atomically: {@code INCR pado:{ROOM}:seq} numbers it, {@code XADD pado:{ROOM}:messages MAXLEN ~ N} keeps it
 * (history survives restarts of every node), {@code PUBLISH pado:room:ROOM} sends it once to every node. Because
 * the three happen together, the channel carries a room's messages in {@code seq} order, and every node (this one
 * too) delivers them in that order from its one subscriber connection ({@code PSUBSCRIBE pado:room:*}) to its local
 * members, encoded once per subprotocol by {@link Room#deliver}. The sender's ack comes after the script returned,
 * so an acked message is in the stream.
 *
 * <p>Presence: each node refreshes {@code pado:node:NODE} (expiring after {@code presenceTtl}) every third of that
 * time, and keeps its members in {@code pado:{ROOM}:members} (nickname → node). Joins and leaves are published on
 * the room's channel; each beat every node also sweeps its rooms, dropping members of nodes whose key expired (a
 * killed node's members vanish within the TTL and one beat) and reading who is where.
 *
 * <p>Faults: when a command or the subscription fails, the node is degraded: rooms are told, messages are shown to
 * local members as pending and queued (at most {@link #MAX_PENDING}); the subscriber reconnects with backoff (50 ms
 * doubling to 2 s). Once subscribed again it publishes the queue in order, reads each open room's stream to deliver
 * what it missed, and only then leaves the degraded state. Thread-safe: commands go through a connection pool; the
 * subscriber thread ({@code pado-redis}) delivers messages and catches up; the beat thread ({@code pado-redis-beat})
 * refreshes presence and tells rooms about the state.
 */
final class RedisBackplane implements Backplane {
    private static final System.Logger LOG = System.getLogger(RedisBackplane.class.getName());
    static final String CHANNELS = "pado:room:*";
    /** Messages a degraded node queues before it refuses more. */
    static final int MAX_PENDING = 1000;
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;
    /** KEYS: seq, stream, channel; ARGV: the message as JSON without its seq, the stream's length. */
    private static final String POST = """
            local seq = redis.call('INCR', KEYS[1])
            local payload = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'm', payload)
            redis.call('PUBLISH', KEYS[3], payload)
            return seq
            """;
    /** Builds a presence event; room names, nicknames and node names need no JSON escaping. */
    private static final String EVENT = """
            local function event(change, nick, node)
              return '{"presence":"' .. change .. '","room":"' .. ARGV[2] .. '","nick":"' .. nick
                .. '","node":"' .. node .. '"}'
            end
            """;
    /** KEYS: members, channel; ARGV: nick, room, node. A nickname held by a node that stopped beating is free. */
    private static final String CLAIM = EVENT + """
            local holder = redis.call('HGET', KEYS[1], ARGV[1])
            if holder == ARGV[3] then return 1 end
            if holder and redis.call('EXISTS', 'pado:node:' .. holder) == 1 then return 0 end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            if holder then redis.call('PUBLISH', KEYS[2], event('left', ARGV[1], holder)) end
            redis.call('PUBLISH', KEYS[2], event('joined', ARGV[1], ARGV[3]))
            return 1
            """;
    /** KEYS: members, channel; ARGV: nick, room, node. */
    private static final String RELEASE = EVENT + """
            if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[3] then
              redis.call('HDEL', KEYS[1], ARGV[1])
              redis.call('PUBLISH', KEYS[2], event('left', ARGV[1], ARGV[3]))
            end
            return 1
            """;
    /**
     * KEYS: members, channel; ARGV: (unused), room, node, this node's members. Makes this node's entries exactly
     * those members, drops entries of nodes whose key expired, and returns the nicknames other nodes hold.
     */
    private static final String ROSTER = EVENT + """
            local mine = {}
            for i = 4, #ARGV do mine[ARGV[i]] = true end
            local all = redis.call('HGETALL', KEYS[1])
            local held = {}
            local others = {}
            for i = 1, #all, 2 do
              local nick, holder = all[i], all[i + 1]
              if holder == ARGV[3] then
                if mine[nick] then held[nick] = true else
                  redis.call('HDEL', KEYS[1], nick)
                  redis.call('PUBLISH', KEYS[2], event('left', nick, holder))
                end
              elseif redis.call('EXISTS', 'pado:node:' .. holder) == 0 then
                redis.call('HDEL', KEYS[1], nick)
                redis.call('PUBLISH', KEYS[2], event('left', nick, holder))
              else
                others[#others + 1] = nick
              end
            end
            for i = 4, #ARGV do
              local nick = ARGV[i]
              if not held[nick] and redis.call('HSETNX', KEYS[1], nick, ARGV[3]) == 1 then
                redis.call('PUBLISH', KEYS[2], event('joined', nick, ARGV[3]))
              end
            end
            return others
            """;

    private record Pending(ChatMessage draft, Ack ack) {
    }

    private final URI uri;
    private final int historySize;
    private final long ttlMillis;
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final JedisPooled commands;
    private final ReentrantLock pendingLock = new ReentrantLock();
    /** Messages said while degraded, oldest first; guarded by pendingLock. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Set by any thread that sees Redis fail; cleared by the subscriber thread once it caught up. */
    private final AtomicBoolean down = new AtomicBoolean();
    /** Wakes the beat thread when the state changes. */
    private final Semaphore changed = new Semaphore(0);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    /** Set once by listen, before the threads start (which makes it visible to them). */
    private Receiver receiver;
    /** Written by close or depart (any thread), read by the subscriber and beat threads. */
    private volatile boolean closing;
    private volatile boolean departed;
    /** The subscriber thread's current subscription, read by close and the beat thread to end it. */
    private volatile Subscription subscription;
    private volatile Thread subscriber;
    private volatile Thread beat;

    private RedisBackplane(URI uri, int historySize, long ttlMillis, JedisPooled commands) {
        this.uri = uri;
        this.historySize = historySize;
        this.ttlMillis = ttlMillis;
        this.commands = commands;
    }

    /**
     * Connects, keeping {@code historySize} messages per room in Redis and telling other nodes this one is alive for
     * {@code presenceTtlMillis} at a time; fails if Redis does not answer a PING.
     */
    static RedisBackplane connect(URI uri, int historySize, long presenceTtlMillis) throws IOException {
        var pool = new GenericObjectPoolConfig<Connection>();
        pool.setMaxTotal(32); // every sender's virtual thread may run a script at once
        pool.setMaxIdle(32);
        var commands = new JedisPooled(pool, uri);
        try {
            commands.ping();
            return new RedisBackplane(uri, historySize, presenceTtlMillis, commands);
        } catch (RuntimeException e) {
            commands.close();
            throw new IOException("cannot reach Redis at " + uri + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String node() {
        return node;
    }

    /** Subscribes and starts beating; returns once the first subscription is in place (or fails after 10 s). */
    @Override
    public void listen(Receiver receiver) throws IOException {
        this.receiver = receiver;
        subscriber = Thread.ofPlatform().name("pado-redis").daemon().start(this::subscribeLoop);
        try {
            if (!firstSubscription.await(10, TimeUnit.SECONDS)) {
                throw new IOException("could not subscribe to " + CHANNELS + " on " + uri);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while subscribing on " + uri, e);
        }
        beat = Thread.ofPlatform().name("pado-redis-beat").daemon().start(this::beatLoop);
        LOG.log(System.Logger.Level.INFO, "chat: node {0} shares rooms through Redis at {1}", node, uri);
    }

    @Override
    public void publish(ChatMessage draft, Room room, Ack ack) {
        pendingLock.lock();
        try {
            // Behind a queue, a message waits its turn so that one sender's messages keep their order.
            if (down.get() || !pending.isEmpty()) {
                queueLocked(draft, room, ack);
                return;
            }
        } finally {
            pendingLock.unlock();
        }
        ChatMessage numbered;
        try {
            numbered = post(draft);
        } catch (JedisException e) {
            markDown("saying a message", e);
            pendingLock.lock();
            try {
                queueLocked(draft, room, ack);
            } finally {
                pendingLock.unlock();
            }
            return;
        }
        ack.numbered(numbered);
    }

    private void queueLocked(ChatMessage draft, Room room, Ack ack) {
        if (pending.size() >= MAX_PENDING) {
            ack.refused("the chat backplane is down and " + MAX_PENDING + " messages wait on this server; try later");
            return;
        }
        pending.add(new Pending(draft, ack));
        room.deliverPending(draft);
        ack.pending(draft);
    }

    /** Runs the script that numbers, keeps and publishes a message; throws if Redis fails. */
    private ChatMessage post(ChatMessage draft) {
        String json = Wire.text(Wire.JSON.createObjectNode().put("id", draft.id()).put("room", draft.room())
                .put("nick", draft.nick()).put("text", draft.text()).put("time", draft.timeMillis()));
        String r = draft.room();
        Object seq = commands.eval(POST, List.of("pado:{" + r + "}:seq", "pado:{" + r + "}:messages", "pado:room:" + r),
                List.of(json, Integer.toString(historySize)));
        return draft.numbered((Long) seq);
    }

    @Override
    public List<ChatMessage> history(String room, int max) {
        try {
            return read(room, max);
        } catch (JedisException e) {
            markDown("reading history", e);
            return List.of(); // the catch-up delivers it when Redis is back
        }
    }

    private List<ChatMessage> read(String room, int max) {
        List<StreamEntry> newestFirst = commands.xrevrange("pado:{" + room + "}:messages", "+", "-", max);
        var out = new ArrayList<ChatMessage>(newestFirst.size());
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            out.add(parse(newestFirst.get(i).getFields().get("m")));
        }
        return out;
    }

    @Override
    public boolean claim(String room, String nick) {
        try {
            return (Long) presence(CLAIM, room, nick) == 1;
        } catch (JedisException e) {
            markDown("claiming a nickname", e);
            return true; // unique on this node only until Redis is back; the roster then claims it there
        }
    }

    @Override
    public void release(String room, String nick) {
        try {
            presence(RELEASE, room, nick);
        } catch (JedisException e) {
            markDown("releasing a nickname", e); // the roster drops it when Redis is back
        }
    }

    private Object presence(String script, String room, String nick) {
        return commands.eval(script, List.of("pado:{" + room + "}:members", "pado:room:" + room),
                List.of(nick, room, node));
    }

    @Override
    public List<String> elsewhere(String room, List<String> here) {
        try {
            return roster(room, here);
        } catch (JedisException e) {
            markDown("reading who is in " + room, e);
            return List.of();
        }
    }

    /** This node's entries in the room become exactly {@code mine}; returns who is there on other nodes. */
    @SuppressWarnings("unchecked")
    private List<String> roster(String room, List<String> mine) {
        var args = new ArrayList<String>(mine.size() + 3);
        args.addAll(List.of("", room, node));
        args.addAll(mine);
        return (List<String>) commands.eval(ROSTER, List.of("pado:{" + room + "}:members", "pado:room:" + room),
                args);
    }

    @Override
    public boolean isDegraded() {
        return down.get();
    }

    /** Removes this node's heartbeat and members at once, so other nodes need not wait for the TTL. */
    @Override
    public void depart() {
        if (closing || departed) {
            return;
        }
        departed = true;
        try {
            commands.del("pado:node:" + node);
            for (String room : receiver.localMembers().keySet()) {
                roster(room, List.of());
            }
        } catch (JedisException e) {
            LOG.log(System.Logger.Level.WARNING, "chat: could not withdraw node {0} from Redis at {1}: {2}; its"
                    + " members vanish when its key expires", node, uri, e.getMessage());
        }
    }

    /** Called by whichever thread saw Redis fail; the beat thread tells the rooms. */
    private void markDown(String doing, RuntimeException e) {
        if (!closing && down.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "chat: Redis at {0} failed while {1} ({2}): degraded, messages stay"
                    + " on this node until it is back", uri, doing, e.getMessage());
            changed.release();
        }
    }

    /** Subscribes again and again (with backoff) until closed; each time, first catches up ({@link #recover}). */
    private void subscribeLoop() {
        long backoffMillis = FIRST_BACKOFF_MILLIS;
        while (!closing) {
            var sub = new Subscription();
            subscription = sub;
            try (var jedis = new Jedis(uri)) {
                jedis.psubscribe(sub, CHANNELS); // returns when unsubscribed: by close, or to catch up again
            } catch (JedisException e) {
                markDown("subscribed", e);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "chat: the Redis subscriber failed", e);
                markDown("subscribed", e);
            }
            if (sub.caughtUp) {
                backoffMillis = FIRST_BACKOFF_MILLIS;
            }
            try {
                if (closed.await(backoffMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        }
    }

    /**
     * On the subscriber thread, before it reads any message of the new subscription: publishes the queue in order,
     * then delivers from each open room's stream what this node missed. Deliveries the subscription brings later
     * are dropped by the rooms as already seen. Leaves the degraded state only if all of it worked.
     */
    private boolean recover() {
        pendingLock.lock();
        try {
            commands.set("pado:node:" + node, "1", SetParams.setParams().px(ttlMillis));
            while (!pending.isEmpty()) {
                Pending p = pending.peek();
                ChatMessage numbered = post(p.draft());
                pending.poll();
                p.ack().numbered(numbered);
            }
            for (String room : receiver.localMembers().keySet()) {
                read(room, historySize).forEach(receiver::deliver);
            }
            if (down.compareAndSet(true, false)) {
                LOG.log(System.Logger.Level.WARNING, "chat: Redis at {0} is back; caught up", uri);
                changed.release();
            }
            return true;
        } catch (JedisException e) {
            markDown("catching up", e);
            return false;
        } finally {
            pendingLock.unlock();
        }
    }

    /** Refreshes presence every third of the TTL and tells the rooms when the state changes. */
    private void beatLoop() {
        boolean announced = false;
        long beatMillis = Math.max(100, ttlMillis / 3);
        long nextBeat = System.nanoTime();
        while (!closing) {
            boolean isDown = down.get();
            if (isDown != announced) {
                announced = isDown;
                receiver.degraded(isDown);
                nextBeat = System.nanoTime(); // back: say who is here at once
            }
            long now = System.nanoTime();
            if (now - nextBeat >= 0 && !departed) {
                nextBeat = now + TimeUnit.MILLISECONDS.toNanos(beatMillis);
                if (isDown) {
                    retry();
                } else {
                    beat();
                }
            }
            try {
                if (changed.tryAcquire(Math.max(1, nextBeat - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    changed.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void beat() {
        try {
            commands.set("pado:node:" + node, "1", SetParams.setParams().px(ttlMillis));
            receiver.localMembers().forEach((room, mine) -> receiver.elsewhere(room, roster(room, mine)));
        } catch (JedisException e) {
            markDown("refreshing presence", e);
        }
    }

    /** Down but maybe still subscribed (a command failed, not the subscription): resubscribe to catch up. */
    private void retry() {
        Subscription sub = subscription;
        try {
            commands.ping();
            if (sub != null && sub.isSubscribed()) {
                sub.punsubscribe();
            }
        } catch (JedisException e) {
            // still down: the subscriber is reconnecting on its own
        }
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        closed.countDown();
        changed.release();
        try {
            Subscription sub = subscription;
            if (sub != null && sub.isSubscribed()) {
                sub.punsubscribe();
            }
        } catch (JedisException e) {
            LOG.log(System.Logger.Level.DEBUG, "chat: Redis subscription already gone: {0}", e.getMessage());
        }
        try {
            for (Thread t : new Thread[] {subscriber, beat}) {
                if (t != null) {
                    t.join(5_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            commands.close();
        }
        LOG.log(System.Logger.Level.INFO, "chat: node {0} left Redis at {1}", node, uri);
    }

    static ChatMessage parse(String json) {
        try {
            JsonNode n = Wire.JSON.readTree(json);
            return new ChatMessage(n.get("seq").asLong(), n.path("id").asText(""), n.get("room").asText(),
                    n.get("nick").asText(), n.get("text").asText(), n.get("time").asLong());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("not a chat message from Redis (" + json.length() + " chars)", e);
        }
    }

    /** The subscriber's callbacks, all on the {@code pado-redis} thread, in the order Redis sent them. */
    private final class Subscription extends JedisPubSub {
        /** Whether this subscription caught up; only the subscriber thread touches it. */
        boolean caughtUp;

        @Override
        public void onPSubscribe(String pattern, int subscribedChannels) {
            caughtUp = recover();
            firstSubscription.countDown();
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            try {
                JsonNode n = Wire.JSON.readTree(message);
                JsonNode change = n.get("presence");
                if (change == null) {
                    receiver.deliver(parse(message));
                } else if (!node.equals(n.path("node").asText())) {
                    String room = n.path("room").asText();
                    String nick = n.path("nick").asText();
                    if (change.asText().equals("joined")) {
                        receiver.joinedElsewhere(room, nick);
                    } else {
                        receiver.leftElsewhere(room, nick);
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "chat: could not take an event from " + channel, e);
            }
        }
    }
}
