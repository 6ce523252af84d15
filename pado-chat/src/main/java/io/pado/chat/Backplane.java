package io.pado.chat;

import java.util.List;
import java.util.Map;

/**
 * Where a room's messages are numbered and from where they reach the room's members on every node, and where the
 * node says who is in its rooms. The default, {@link #LOCAL}, is this process alone: a message goes straight to the
 * room that said it, which numbers it. The Redis one ({@link RedisBackplane}) numbers it in Redis, keeps it in a
 * per-room stream and publishes it on a per-room channel, so every node sharing that Redis delivers the same
 * messages in the same order; it also keeps each room's members with the node that holds them, and tells the rooms
 * when it is down ({@link Receiver#degraded}). Implementations are thread-safe.
 */
interface Backplane extends AutoCloseable {
    /** The node's rooms, as the backplane sees them. Calls for one room come in the order the backplane saw them. */
    interface Receiver {
        /** Takes a numbered message to the local room of that name, if this node has it. */
        void deliver(ChatMessage message);

        /** Someone joined the room on another node. */
        void joinedElsewhere(String room, String nick);

        /** Someone left the room on another node (or that node stopped answering). */
        void leftElsewhere(String room, String nick);

        /** Everyone in the room on other nodes, now (replaces what the joins and leaves said). */
        void elsewhere(String room, List<String> nicks);

        /** The backplane went down (true) or came back and caught up (false). */
        void degraded(boolean down);

        /** The rooms this node has open, each with its local members' nicknames. */
        Map<String, List<String>> localMembers();
    }

    /** What a sender hears about its message. Called at most once with pending, then at most once with numbered. */
    interface Ack {
        /** Shown to this node's members, queued until the backplane takes it; not numbered yet. */
        void pending(ChatMessage message);

        /** Taken by the backplane: numbered and kept; it reaches every node. */
        void numbered(ChatMessage message);

        /** Not taken, e.g. the backplane is down and the queue is full. */
        void refused(String reason);
    }

    /** This process only: {@link Room#deliver} numbers and delivers its own messages. */
    Backplane LOCAL = new Backplane() {
        @Override
        public String node() {
            return "local";
        }

        @Override
        public void listen(Receiver receiver) {
        }

        @Override
        public void publish(ChatMessage draft, Room room, Ack ack) {
            ack.numbered(room.deliver(draft));
        }

        @Override
        public List<ChatMessage> history(String room, int max) {
            return List.of();
        }

        @Override
        public boolean claim(String room, String nick) {
            return true;
        }

        @Override
        public void release(String room, String nick) {
        }

        @Override
        public List<String> elsewhere(String room, List<String> here) {
            return List.of();
        }

        @Override
        public boolean isDegraded() {
            return false;
        }

        @Override
        public void depart() {
        }

        @Override
        public void close() {
        }
    };

    /** This node's name, unique among the nodes sharing the backplane; it prefixes message ids. */
    String node();

    /** Starts taking other nodes' messages to the receiver; returns once none published after it can be missed. */
    void listen(Receiver receiver) throws java.io.IOException;

    /**
     * Says a message ({@code draft.seq()} is 0) in a room on every node and tells {@code ack} what became of it. The
     * local backplane delivers it to {@code room} and acks it before returning; a shared one acks it numbered once
     * it has taken it and delivers it later, through the {@link Receiver}, like a message from another node. While a
     * shared one is down it shows the draft to {@code room} ({@link Room#deliverPending}), acks it as pending and
     * queues it (bounded) to publish when it comes back.
     */
    void publish(ChatMessage draft, Room room, Ack ack);

    /** The room's last {@code max} messages kept outside this process, oldest first (none if none or down). */
    List<ChatMessage> history(String room, int max);

    /** Says that a member of this node has the nickname in the room; false if a live node already has it. */
    boolean claim(String room, String nick);

    /** Says that this node's member with that nickname left the room. */
    void release(String room, String nick);

    /**
     * Says that this node's members in the room are exactly {@code here}, and returns those on other live nodes
     * (none if down).
     */
    List<String> elsewhere(String room, List<String> here);

    /** Whether messages now stay on this node (pending) because the shared backplane is down. */
    boolean isDegraded();

    /** Withdraws this node's members from every room at once, before the node stops. */
    void depart();

    @Override
    void close();
}
