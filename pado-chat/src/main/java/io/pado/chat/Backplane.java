package io.pado.chat;

import java.util.List;

/**
 * Where a room's messages are numbered and from where they reach the room's members on every node. The default,
 * {@link #LOCAL}, is this process alone: a message goes straight to the room that said it, which numbers it. The
 * Redis one ({@link RedisBackplane}) numbers it in Redis, keeps it in a per-room stream and publishes it on a per-room
 * channel, so every node sharing that Redis delivers the same messages in the same order. Implementations are
 * thread-safe.
 */
interface Backplane extends AutoCloseable {
    /** Takes a numbered message to the local room of that name, if this node has it. */
    interface Receiver {
        void deliver(ChatMessage message);
    }

    /** This process only: {@link Room#post} numbers and delivers its own messages. */
    Backplane LOCAL = new Backplane() {
        @Override
        public void listen(Receiver receiver) {
        }

        @Override
        public ChatMessage publish(ChatMessage draft, Room room) {
            return room.deliver(draft);
        }

        @Override
        public List<ChatMessage> history(String room, int max) {
            return List.of();
        }

        @Override
        public void close() {
        }
    };

    /** Starts taking other nodes' messages to the receiver; returns once none published after it can be missed. */
    void listen(Receiver receiver) throws java.io.IOException;

    /**
     * Says a message ({@code draft.seq()} is 0) in a room on every node and returns it numbered. The local
     * backplane delivers it to {@code room} before returning; a shared one delivers it later, through the
     * {@link Receiver}, like a message from another node.
     */
    ChatMessage publish(ChatMessage draft, Room room);

    /** The room's last {@code max} messages kept outside this process, oldest first (none for the local one). */
    List<ChatMessage> history(String room, int max);

    @Override
    void close();
}
