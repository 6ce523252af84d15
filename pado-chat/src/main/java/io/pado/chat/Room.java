package io.pado.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chat room: its members by nickname (this node's, and the nicknames other nodes hold, all unique), the last
 * messages, and the fan-out to members of both subprotocols. Everything happens under one lock so that every member
 * sees the same order; sending only queues bytes (pado's {@code broadcast} encodes each message once per
 * subprotocol). The lock is held across backplane calls only where the room's state must not change meanwhile
 * (reading the history in, claiming a nickname). Long pollers wait on the lock's condition. Thread-safe.
 */
final class Room {
    /** Where a room's messages go out: {@code Server::broadcast} in the server, a recorder in tests. */
    interface Broadcaster {
        int send(Collection<io.pado.WebSocket> members, String text);
    }

    final String name;
    private final int historySize;
    private final Broadcaster broadcaster;
    private final Backplane backplane;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition posted = lock.newCondition();
    /** Guarded by lock. */
    private final Map<String, Peer> members = new LinkedHashMap<>();
    /** Nicknames held on other nodes; guarded by lock. */
    private final Set<String> elsewhere = new LinkedHashSet<>();
    private final AtomicLong said = new AtomicLong();
    private final ArrayDeque<ChatMessage> history;
    private long lastSeq;
    /** Whether the backplane's history has been read in; guarded by lock. */
    private boolean loaded;
    /** Whether the backplane is down, as last told to the members; guarded by lock. */
    private boolean degraded;

    Room(String name, int historySize, Broadcaster broadcaster, Backplane backplane) {
        this.name = name;
        this.historySize = historySize;
        this.history = new ArrayDeque<>(historySize);
        this.broadcaster = broadcaster;
        this.backplane = backplane;
        this.degraded = backplane.isDegraded();
    }

    /** Adds the peer under the nickname and greets it with the members and history; false if the name is taken. */
    boolean join(Peer peer, String nick) {
        return join(peer, nick, 0);
    }

    /**
     * Adds the peer under the nickname (false if it is taken here or on another node) and greets it with the
     * members and the kept messages numbered above {@code sinceSeq} (all of them if it is 0 or above the room's last
     * number, which means the numbering started over).
     */
    boolean join(Peer peer, String nick, long sinceSeq) {
        lock.lock();
        try {
            loadLocked();
            if (members.containsKey(nick) || elsewhere.contains(nick) || !backplane.claim(name, nick)) {
                return false;
            }
            List<String> others = membersLocked();
            members.put(nick, peer);
            peer.room = this;
            peer.nick = nick;
            List<String> all = membersLocked();
            // Above the last seq, the numbering started over (e.g. a restart without Redis): the client starts over.
            boolean resumed = sinceSeq > 0 && sinceSeq <= lastSeq;
            List<ChatMessage> replay = resumed ? sinceLocked(sinceSeq) : List.copyOf(history);
            if (peer.protocol == Peer.Protocol.SUPERCHAT) {
                peer.ws.sendText(Wire.joined(name, nick, all, replay, resumed ? sinceSeq : 0));
                if (degraded) {
                    peer.ws.sendText(Wire.status(name, true));
                }
            } else {
                peer.ws.sendText("* history of #" + name + ": " + replay.size() + " messages");
                replay.forEach(m -> peer.ws.sendText(Wire.line(m)));
                peer.ws.sendText("* you are " + nick + " in #" + name + (others.isEmpty() ? ", alone"
                        : " with " + String.join(", ", others)));
                if (degraded) {
                    peer.ws.sendText(Wire.statusLine(name, true));
                }
            }
            fanOut(peer, Wire.presence(name, all, "joined", nick), "* " + nick + " joined #" + name);
            return true;
        } finally {
            lock.unlock();
        }
    }

    void leave(Peer peer) {
        lock.lock();
        try {
            String nick = peer.nick;
            if (peer.room != this || members.get(nick) != peer) {
                return;
            }
            members.remove(nick);
            peer.room = null;
            backplane.release(name, nick);
            fanOut(peer, Wire.presence(name, membersLocked(), "left", nick), "* " + nick + " left #" + name);
        } finally {
            lock.unlock();
        }
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

    /** This node's members only (what it tells the backplane it holds). */
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
     * Says a message in the room through the backplane, which numbers it, and tells {@code ack} what became of it.
     * With the local backplane every member here has it when this returns; with a shared one it arrives through
     * {@link #deliver}.
     */
    void post(String nick, String text, long timeMillis, Backplane.Ack ack) {
        String id = backplane.node() + "-" + said.incrementAndGet();
        backplane.publish(new ChatMessage(0, id, name, nick, text, timeMillis), this, ack);
    }

    /** {@link #post} for senders that wait for nothing (the comparison's publisher). */
    void post(String nick, String text, long timeMillis) {
        post(nick, text, timeMillis, new Backplane.Ack() {
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
     * Shows a message that the backplane could not take yet to this node's members, marked pending. It is not kept:
     * its numbered copy, with the same id, comes through {@link #deliver} once the backplane takes it.
     */
    void deliverPending(ChatMessage draft) {
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
                fanOut(null, Wire.presence(name, membersLocked(), "joined", nick), "* " + nick + " joined #" + name);
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
                fanOut(null, Wire.presence(name, membersLocked(), "left", nick), "* " + nick + " left #" + name);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Who is in the room on other nodes now: tells members about every difference, as joins and leaves. */
    void elsewhere(List<String> nicks) {
        lock.lock();
        try {
            for (String gone : List.copyOf(elsewhere)) {
                if (!nicks.contains(gone)) {
                    leftElsewhere(gone);
                }
            }
            nicks.forEach(this::joinedElsewhere);
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

    /**
     * Records a message and sends it to every member, each encoding built once for all of them. A message with
     * {@code seq} 0 is numbered here (the local backplane); a numbered one (from a shared backplane, in its order) is
     * dropped if this room already has that number, e.g. from the history it read in.
     */
    ChatMessage deliver(ChatMessage draft) {
        lock.lock();
        try {
            loadLocked();
            ChatMessage message;
            if (draft.seq() == 0) {
                message = draft.numbered(++lastSeq);
            } else if (draft.seq() <= lastSeq) {
                return draft;
            } else {
                message = draft;
                lastSeq = draft.seq();
            }
            keepLocked(message);
            fanOut(null, Wire.text(Wire.message(message)), Wire.line(message));
            posted.signalAll();
            return message;
        } finally {
            lock.unlock();
        }
    }

    private void keepLocked(ChatMessage message) {
        if (history.size() == historySize) {
            history.removeFirst();
        }
        history.addLast(message);
    }

    /** Reads the backplane's history the first time the room is used (retried if that fails). Holds the lock. */
    private void loadLocked() {
        if (loaded) {
            return;
        }
        elsewhere.addAll(backplane.elsewhere(name, List.copyOf(members.keySet())));
        for (ChatMessage m : backplane.history(name, historySize)) {
            if (m.seq() > lastSeq) {
                keepLocked(m);
                lastSeq = m.seq();
            }
        }
        loaded = true;
    }

    /** Tells the other superchat members that someone is typing ({@code chat} clients don't get these). */
    void typing(Peer peer) {
        lock.lock();
        try {
            var targets = new ArrayList<io.pado.WebSocket>(members.size());
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

    /** Sends one event to every member but {@code except}: one encoding per subprotocol. Holds the lock. */
    private void fanOut(Peer except, String json, String line) {
        var superchat = new ArrayList<io.pado.WebSocket>(members.size());
        var chat = new ArrayList<io.pado.WebSocket>();
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
