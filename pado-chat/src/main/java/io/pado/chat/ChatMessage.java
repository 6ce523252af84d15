package io.pado.chat;

/**
 * One message said in a room. {@code seq} numbers a room's messages from 1 without gaps; pollers ask for what came
 * after the last one they saw. It is 0 while the message is pending: said on a node whose backplane is down, shown
 * to that node's members and not yet numbered. {@code id} names the message from the moment it is said, so that
 * the numbered copy can replace the pending one.
 */
record ChatMessage(long seq, String id, String room, String nick, String text, long timeMillis) {
    ChatMessage numbered(long seq) {
        return new ChatMessage(seq, id, room, nick, text, timeMillis);
    }

    boolean pending() {
        return seq == 0;
    }
}
