package io.pado.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chat room: its members by nickname (unique here), the last messages, and the fan-out to members of both
 * subprotocols. Everything happens under one lock so that every member sees the same order; sending only queues
 * bytes (pado's {@code broadcast} encodes each message once per subprotocol), so the lock is never held across I/O.
 * Long pollers wait on the lock's condition. Thread-safe.
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
    private final ArrayDeque<ChatMessage> history;
    private long lastSeq;
    /** Whether the backplane's history has been read in; guarded by lock. */
    private boolean loaded;

    Room(String name, int historySize, Broadcaster broadcaster, Backplane backplane) {
        this.name = name;
        this.historySize = historySize;
        this.history = new ArrayDeque<>(historySize);
        this.broadcaster = broadcaster;
        this.backplane = backplane;
    }

    /** Adds the peer under the nickname and greets it with the members and history; false if the name is taken. */
    boolean join(Peer peer, String nick) {
        lock.lock();
        try {
            loadLocked();
            if (members.containsKey(nick)) {
                return false;
            }
            List<String> others = List.copyOf(members.keySet());
            members.put(nick, peer);
            peer.room = this;
            peer.nick = nick;
            List<String> all = List.copyOf(members.keySet());
            if (peer.protocol == Peer.Protocol.SUPERCHAT) {
                peer.ws.sendText(Wire.joined(name, nick, all, List.copyOf(history)));
            } else {
                peer.ws.sendText("* history of #" + name + ": " + history.size() + " messages");
                history.forEach(m -> peer.ws.sendText(Wire.line(m)));
                peer.ws.sendText("* you are " + nick + " in #" + name + (others.isEmpty() ? ", alone"
                        : " with " + String.join(", ", others)));
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
            fanOut(peer, Wire.presence(name, List.copyOf(members.keySet()), "left", nick),
                    "* " + nick + " left #" + name);
        } finally {
            lock.unlock();
        }
    }

    /** Whether a nickname is in use here (pollers may not post under a member's name). */
    boolean hasMember(String nick) {
        lock.lock();
        try {
            return members.containsKey(nick);
        } finally {
            lock.unlock();
        }
    }

    List<String> members() {
        lock.lock();
        try {
            return List.copyOf(members.keySet());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Says a message in the room through the backplane, which numbers it; returns it numbered. With the local
     * backplane every member here has it when this returns; with a shared one it arrives through {@link #deliver}.
     */
    ChatMessage post(String nick, String text, long timeMillis) {
        return backplane.publish(new ChatMessage(0, name, nick, text, timeMillis), this);
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
                message = new ChatMessage(++lastSeq, name, draft.nick(), draft.text(), draft.timeMillis());
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
