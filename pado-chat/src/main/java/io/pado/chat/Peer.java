package io.pado.chat;

import io.pado.WebSocket;

/**
 * One WebSocket in the chat: the subprotocol it speaks, the room and nickname it has, and its rate limit. The
 * connection's handler calls (one at a time) write {@code room} and {@code nick}; rooms read them under their lock,
 * hence volatile.
 */
final class Peer {
    enum Protocol { CHAT, SUPERCHAT }

    final WebSocket ws;
    final Protocol protocol;
    final RateLimit rate;
    volatile Room room;
    volatile String nick;

    Peer(WebSocket ws, Protocol protocol, RateLimit rate) {
        this.ws = ws;
        this.protocol = protocol;
        this.rate = rate;
    }
}
