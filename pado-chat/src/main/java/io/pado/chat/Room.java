package io.pado.chat;

import io.pado.WebSocket;
import io.pado.cluster.JoinOptions;
import io.pado.cluster.Joined;
import io.pado.cluster.NameTakenException;
import io.pado.cluster.Position;
import io.pado.cluster.Presence;
import io.pado.cluster.TopicMessage;
import io.pado.cluster.Topics;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chat room: a pado-cluster topic of the same name, its members on this node by nickname, the nicknames other
 * nodes hold (all unique, through the topic's presence), and the last messages kept for pollers. The topic numbers
 * messages (seq = offset) and sends them to members, one frame per subprotocol per node
 * ({@link ChatFormats}); joins are greeted by it with the history or what a resuming client missed. The room sends
 * what is only its own: presence notices, typing, degraded status, and pending messages while the broker is down.
 * Its state is under one lock, held across broker calls only while the room first reads its history and presence.
 * Long pollers wait on the lock's condition. Thread-safe.
 */
final class Room {
    private static final System.Logger LOG = System.getLogger(Room.class.getName());

    /** Where a room's own notices go out: {@code Server::broadcast} in the server. */
    interface Broadcaster {
        int send(Collection<WebSocket> members, String text);
    }

    /** What a sender hears about its message: pending at most once, then numbered or refused at most once. */
    interface Ack {
        /** The broker is down: shown to this node's members, queued until the broker takes it; no seq yet. */
        void pending(ChatMessage message);

        /** Taken by the broker (acknowledged): numbered and kept; it reaches every node. */
        void numbered(ChatMessage message);

        /** Not taken, e.g. the broker is down and this node's queue is full. */
        void refused(String reason);
    }

    final String name;
    private final int historySize;
    private final Broadcaster broadcaster;
    private final Topics topics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition posted = lock.newCondition();
    /** Guarded by lock. */
    private final Map<String, Peer> members = new LinkedHashMap<>();
    /** Nicknames held on other nodes; guarded by lock. */
    private final Set<String> elsewhere = new LinkedHashSet<>();
    /**
     * Counts the changes of {@link #members} and {@link #elsewhere}; guarded by lock. Every member list sent carries
     * it: a greeting goes out on the topic's catch-up thread and presence notices straight away, so a member may get
     * them out of order and must keep the list with the highest count.
     */
    private long membersRev;
    private final AtomicLong said = new AtomicLong();
    /** The last messages delivered here, for pollers; guarded by lock, with their epoch. */
    private final ArrayDeque<ChatMessage> history;
    private String epoch;
    private long lastSeq;
    /** Whether the history and presence have been read in; guarded by lock. */
    private boolean loaded;
    /** Whether the broker is down, as last told to the members; guarded by lock. */
    private boolean degraded;

    Room(String name, int historySize, Broadcaster broadcaster, Topics topics) {
        this.name = name;
        this.historySize = historySize;
        this.history = new ArrayDeque<>(historySize);
        this.broadcaster = broadcaster;
        this.topics = topics;
        this.degraded = !topics.isBrokerUp();
        topics.listen(name, this::delivered); // the room lives as long as the server: never unlistened
    }

    /** Adds the peer under the nickname, greeted with the members and history; false if the name is taken. */
    boolean join(Peer peer, String nick) {
        return join(peer, nick, 0, null);
    }

    /**
     * Adds the peer under the nickname (false if it is taken here or on another node) and has the topic greet it
     * with the members and the messages after {@code sinceSeq} of {@code sinceEpoch} (the room's epoch if null):
     * all of them, however many, or, if they cannot be had, a fresh greeting without {@code since} (the client
     * starts over). With {@code sinceSeq} 0, or above the room's last seq when no epoch is given (the numbering
     * started over), the greeting has the last {@code historySize} messages.
     */
    boolean join(Peer peer, String nick, long sinceSeq, String sinceEpoch) {
        JoinOptions options = JoinOptions.DEFAULT.withPresence(nick).withFormat(ChatFormats.of(peer.protocol));
        boolean resuming;
        lock.lock();
        try {
            loadLocked();
            if (members.containsKey(nick) || elsewhere.contains(nick)) {
                return false;
            }
            String resumeEpoch = sinceEpoch != null ? sinceEpoch : epoch;
            resuming = sinceSeq > 0 && resumeEpoch != null && (sinceEpoch != null || sinceSeq <= lastSeq);
            members.put(nick, peer);
            membersRev++;
            peer.room = this;
            peer.nick = nick;
            options = resuming ? options.resumeAfter(new Position(resumeEpoch, sinceSeq), historySize)
                    : options.replayLast(historySize);
        } finally {
            lock.unlock();
        }
        boolean asked = resuming;
        options = options.withGreeting(joined -> greeting(peer, nick, joined, asked ? sinceSeq : 0));
        try {
            topics.join(peer.ws, name, options);
        } catch (IOException e) { // NameTakenException: someone holds it on another node
            if (!(e instanceof NameTakenException)) {
                LOG.log(System.Logger.Level.DEBUG, "chat: join of {0} failed: {1}", name, e.getMessage());
            }
            lock.lock();
            try {
                if (members.get(nick) == peer) {
                    members.remove(nick);
                    membersRev++;
                    peer.room = null;
                }
            } finally {
                lock.unlock();
            }
            return false;
        }
        lock.lock();
        try {
            fanOut(peer, Wire.presence(name, membersLocked(), membersRev, "joined", nick),
                    "* " + nick + " joined #" + name);
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** The first texts a member gets, on its catch-up thread, before any message of the topic. */
    private List<String> greeting(Peer peer, String nick, Joined joined, long sinceSeq) {
        var replay = new ArrayList<ChatMessage>(joined.replay().size());
        joined.replay().forEach(m -> replay.add(Wire.chatMessage(m)));
        var out = new ArrayList<String>();
        lock.lock();
        try {
            List<String> all = membersLocked();
            if (peer.protocol == Peer.Protocol.SUPERCHAT) {
                long since = sinceSeq > 0 && joined.resumed() ? sinceSeq : 0;
                out.add(Wire.joined(name, nick, all, membersRev, replay, since, joined.position().epoch()));
                if (degraded) {
                    out.add(Wire.status(name, true));
                }
            } else {
                out.add("* history of #" + name + ": " + replay.size() + " messages");
                replay.forEach(m -> out.add(Wire.line(m)));
                var others = new ArrayList<>(all);
                others.remove(nick);
                out.add("* you are " + nick + " in #" + name + (others.isEmpty() ? ", alone"
                        : " with " + String.join(", ", others)));
                if (degraded) {
                    out.add(Wire.statusLine(name, true));
                }
            }
        } finally {
            lock.unlock();
        }
        return out;
    }

    void leave(Peer peer) {
        String nick;
        lock.lock();
        try {
            nick = peer.nick;
            if (peer.room != this || members.get(nick) != peer) {
                return;
            }
            members.remove(nick);
            membersRev++;
            peer.room = null;
            fanOut(peer, Wire.presence(name, membersLocked(), membersRev, "left", nick),
                    "* " + nick + " left #" + name);
        } finally {
            lock.unlock();
        }
        topics.leave(peer.ws, name); // its name is released on every node at once
    }

    /** Whether a nickname is in use here or on another node (pollers may not post under a member's name). */
    boolean hasMember(String nick) {
        lock.lock();
        try {
            return members.containsKey(nick) || elsewhere.contains(nick);
        } finally {
            lock.unlock();
        }
    }

    /** Everyone in the room: this node's members, then those on other nodes. */
    List<String> members() {
        lock.lock();
        try {
            return membersLocked();
        } finally {
            lock.unlock();
        }
    }

    /** This node's members only. */
    List<String> localMembers() {
        lock.lock();
        try {
            return List.copyOf(members.keySet());
        } finally {
            lock.unlock();
        }
    }

    private List<String> membersLocked() {
        var all = new LinkedHashSet<>(members.keySet());
        all.addAll(elsewhere);
        return List.copyOf(all);
    }

    /**
     * Says a message in the room: the topic numbers it and brings it to every member on every node. The ack says
     * {@code numbered} once the broker holds it; while the broker is down the message is first shown to this node's
     * members as pending and acked as such, and numbered when the broker takes it from this node's queue.
     */
    void post(String nick, String text, long timeMillis, Ack ack) {
        var draft = new ChatMessage(0, topics.node() + "-" + said.incrementAndGet(), name, nick, text, timeMillis);
        boolean down = !topics.isBrokerUp();
        CompletableFuture<Position> taken = topics.publish(name, Wire.data(draft));
        if (down && !taken.isDone()) {
            deliverPending(draft);
            ack.pending(draft);
        }
        taken.whenComplete((position, failure) -> {
            if (failure == null) {
                ack.numbered(draft.numbered(position.offset()));
            } else {
                ack.refused(failure.getMessage());
            }
        });
    }

    /** {@link #post} for senders that wait for nothing (the comparison's publisher). */
    void post(String nick, String text, long timeMillis) {
        post(nick, text, timeMillis, new Ack() {
            @Override
            public void pending(ChatMessage message) {
            }

            @Override
            public void numbered(ChatMessage message) {
            }

            @Override
            public void refused(String reason) {
            }
        });
    }

    /**
     * Shows a message that the broker could not take yet to this node's members, marked pending. It is not kept:
     * its numbered copy, with the same id, comes through the topic once the broker takes it.
     */
    private void deliverPending(ChatMessage draft) {
        lock.lock();
        try {
            fanOut(null, Wire.text(Wire.message(draft)), Wire.line(draft));
        } finally {
            lock.unlock();
        }
    }

    /** Someone joined on another node. */
    void joinedElsewhere(String nick) {
        lock.lock();
        try {
            if (!members.containsKey(nick) && elsewhere.add(nick)) {
                membersRev++;
                fanOut(null, Wire.presence(name, membersLocked(), membersRev, "joined", nick),
                        "* " + nick + " joined #" + name);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Someone left on another node, or their node stopped answering. */
    void leftElsewhere(String nick) {
        lock.lock();
        try {
            if (elsewhere.remove(nick) && !members.containsKey(nick)) {
                membersRev++;
                fanOut(null, Wire.presence(name, membersLocked(), membersRev, "left", nick),
                        "* " + nick + " left #" + name);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Tells every member that messages now stay on this node (true), or that the room is whole again. */
    void degraded(boolean down) {
        lock.lock();
        try {
            if (degraded != down) {
                degraded = down;
                fanOut(null, Wire.status(name, down), Wire.statusLine(name, down));
            }
        } finally {
            lock.unlock();
        }
    }

    /** A message of the topic, delivered on this node (its members already have it): kept for pollers. */
    private void delivered(TopicMessage m) {
        ChatMessage message = Wire.chatMessage(m);
        lock.lock();
        try {
            keepLocked(m.position().epoch(), message);
            posted.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Keeps a numbered message; a new epoch (the broker lost the history) starts the kept ones over. */
    private void keepLocked(String messageEpoch, ChatMessage message) {
        if (!messageEpoch.equals(epoch)) {
            history.clear();
            lastSeq = 0;
            epoch = messageEpoch;
        }
        if (message.seq() <= lastSeq) {
            return;
        }
        if (history.size() == historySize) {
            history.removeFirst();
        }
        history.addLast(message);
        lastSeq = message.seq();
    }

    /** Reads the history and who is elsewhere the first time the room is used (retried if that fails). */
    private void loadLocked() {
        if (loaded) {
            return;
        }
        try {
            for (Presence p : topics.presence(name)) {
                if (!p.node().equals(topics.node()) && !members.containsKey(p.name()) && elsewhere.add(p.name())) {
                    membersRev++;
                }
            }
            Position head = topics.position(name);
            for (TopicMessage m : topics.history(name, Math.max(0, head.offset() - historySize), historySize)) {
                keepLocked(m.position().epoch(), Wire.chatMessage(m));
            }
            if (epoch == null) {
                epoch = head.epoch();
            }
            loaded = true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "chat: room {0} not loaded yet: {1}", name, e.getMessage());
        }
    }

    /** Tells the other superchat members that someone is typing ({@code chat} clients don't get these). */
    void typing(Peer peer) {
        lock.lock();
        try {
            var targets = new ArrayList<WebSocket>(members.size());
            members.values().forEach(p -> {
                if (p != peer && p.protocol == Peer.Protocol.SUPERCHAT) {
                    targets.add(p.ws);
                }
            });
            if (!targets.isEmpty()) {
                broadcaster.send(targets, Wire.typing(name, peer.nick));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The kept messages numbered above {@code afterSeq}, oldest first; empty if there are none. */
    List<ChatMessage> since(long afterSeq) {
        lock.lock();
        try {
            loadLocked();
            return sinceLocked(afterSeq);
        } finally {
            lock.unlock();
        }
    }

    /** Like {@link #since} but waits up to the timeout for a message if there is none yet (long polling). */
    List<ChatMessage> await(long afterSeq, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            loadLocked();
            long left = timeoutNanos;
            while (lastSeq <= afterSeq && left > 0) {
                left = posted.awaitNanos(left);
            }
            return sinceLocked(afterSeq);
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to the timeout until the message numbered {@code seq} was delivered on this node. */
    void awaitDelivered(long seq, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (lastSeq < seq && left > 0) {
                left = posted.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    long lastSeq() {
        lock.lock();
        try {
            loadLocked();
            return lastSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every long poller, e.g. when the server stops. */
    void wakeAll() {
        lock.lock();
        try {
            posted.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private List<ChatMessage> sinceLocked(long afterSeq) {
        if (afterSeq >= lastSeq) {
            return List.of();
        }
        var out = new ArrayList<ChatMessage>();
        for (ChatMessage m : history) {
            if (m.seq() > afterSeq) {
                out.add(m);
            }
        }
        return out;
    }

    /** Sends one notice to every member but {@code except}: one encoding per subprotocol. Holds the lock. */
    private void fanOut(Peer except, String json, String line) {
        var superchat = new ArrayList<WebSocket>(members.size());
        var chat = new ArrayList<WebSocket>();
        for (Peer p : members.values()) {
            if (p != except) {
                (p.protocol == Peer.Protocol.SUPERCHAT ? superchat : chat).add(p.ws);
            }
        }
        if (!superchat.isEmpty()) {
            broadcaster.send(superchat, json);
        }
        if (!chat.isEmpty()) {
            broadcaster.send(chat, line);
        }
    }
}
