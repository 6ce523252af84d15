package io.pado.chat;

/**
 * One message said in a room. {@code seq} numbers a room's messages from 1 without gaps; pollers ask for what came
 * after the last one they saw.
 */
record ChatMessage(long seq, String room, String nick, String text, long timeMillis) {
}
