package io.pado.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pado.Handler;
import io.pado.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The {@code /chat} endpoint: speaks {@code superchat} (JSON) and {@code chat} (lines), as docs/CHAT-PROTOCOL.md
 * describes. Peer mistakes (bad JSON, unknown types, too long, too fast) get an error message and leave the
 * connection open; only flooding past the strike limit closes it, with 1008. Thread-safe: each connection's calls
 * come one at a time, connections share only {@link Rooms}.
 */
final class ChatHandler implements Handler {
    private static final System.Logger LOG = System.getLogger(ChatHandler.class.getName());
    static final String LOBBY = "lobby";
    /** How long a sender's handler waits for its message to be taken and delivered here before it goes on. */
    private static final long SAY_TIMEOUT_SECONDS = 5;

    private final Rooms rooms;
    private final ChatOptions options;
    private final LongSupplier nanoTime;
    private final Map<WebSocket, Peer> peers = new ConcurrentHashMap<>();
    private final AtomicLong guests = new AtomicLong();

    ChatHandler(Rooms rooms, ChatOptions options, LongSupplier nanoTime) {
        this.rooms = rooms;
        this.options = options;
        this.nanoTime = nanoTime;
    }

    int connections() {
        return peers.size();
    }

    @Override
    public void onOpen(WebSocket ws) {
        Peer.Protocol protocol = switch (ws.subprotocol().orElse("")) {
            case "superchat" -> Peer.Protocol.SUPERCHAT;
            case "chat" -> Peer.Protocol.CHAT;
            default -> null;
        };
        if (protocol == null) {
            // The endpoint requires a subprotocol, so this is not expected; the chat cannot talk without one.
            LOG.log(System.Logger.Level.DEBUG, "chat: refused {0}: no known subprotocol", ws.remoteAddress());
            ws.close(1008, "no subprotocol: offer superchat or chat");
            return;
        }
        var peer = new Peer(ws, protocol, new RateLimit(options.messagesPerSecond(), options.burst(),
                options.floodStrikes(), nanoTime.getAsLong()));
        peers.put(ws, peer);
        if (protocol == Peer.Protocol.SUPERCHAT) {
            ObjectNode hello = Wire.object("hello").put("protocol", "superchat")
                    .put("maxTextChars", options.maxTextChars());
            ObjectNode list = hello.putObject("rooms");
            rooms.census().forEach(list::put);
            ws.sendText(Wire.text(hello));
        } else {
            ws.sendText("* welcome to pado chat; commands: /nick NAME, /join ROOM, /who, /help");
            Room lobby = rooms.open(LOBBY).orElseThrow();
            while (!lobby.join(peer, "guest-" + guests.incrementAndGet())) {
                // that guest name is taken (someone chose it): try the next
            }
        }
    }

    @Override
    public void onText(WebSocket ws, String text) {
        Peer peer = peers.get(ws);
        if (peer == null || !admitted(peer)) {
            return;
        }
        if (peer.protocol == Peer.Protocol.SUPERCHAT) {
            superchat(peer, text);
        } else {
            chat(peer, text);
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        Peer peer = peers.get(ws);
        if (peer != null && admitted(peer)) {
            error(peer, "binary", "binary messages are not part of the chat protocols; send text");
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
        Peer peer = peers.remove(ws);
        if (peer != null && peer.room != null) {
            peer.room.leave(peer);
        }
    }

    /** Applies the rate limit: false if this message must be dropped. */
    private boolean admitted(Peer peer) {
        return switch (peer.rate.take(nanoTime.getAsLong())) {
            case ACCEPT -> true;
            case REFUSE -> {
                error(peer, "rate-limited", "too many messages: at most " + options.burst() + " at once and "
                        + options.messagesPerSecond() + " per second");
                yield false;
            }
            case CLOSE -> {
                LOG.log(System.Logger.Level.DEBUG, "chat: closing flooding client {0}", peer.ws.remoteAddress());
                error(peer, "flooding", "too many messages over the rate limit: closing");
                peer.ws.close(1008, "flooding");
                yield false;
            }
        };
    }

    private void superchat(Peer peer, String text) {
        JsonNode node;
        try {
            node = Wire.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            error(peer, "bad-json", "not valid JSON: " + e.getOriginalMessage());
            return;
        }
        if (node == null || !node.isObject() || !node.path("type").isTextual()) {
            error(peer, "bad-message", "expected a JSON object with a string \"type\"");
            return;
        }
        switch (node.get("type").asText()) {
            case "join" -> {
                JsonNode since = node.path("since");
                JsonNode epoch = node.path("epoch");
                if (!since.isMissingNode() && !since.isNull() && !(since.canConvertToLong() && since.asLong() >= 0)) {
                    error(peer, "bad-message", "\"since\" is the last seq seen, a number from 0");
                } else if (!epoch.isMissingNode() && !epoch.isNull() && !(epoch.isTextual()
                        && !epoch.asText().isBlank() && epoch.asText().length() <= 64)) {
                    error(peer, "bad-message", "\"epoch\" is the epoch of that seq, as \"joined\" gave it");
                } else {
                    join(peer, node.path("room").asText(""), node.path("nick").asText(""), since.asLong(0),
                            epoch.isTextual() ? epoch.asText() : null);
                }
            }
            case "leave" -> {
                Room room = peer.room;
                if (room == null) {
                    error(peer, "not-joined", "join a room first");
                } else {
                    room.leave(peer);
                    peer.ws.sendText(Wire.text(Wire.object("left").put("room", room.name)));
                }
            }
            case "message" -> {
                JsonNode body = node.get("text");
                JsonNode ref = node.get("ref");
                if (body == null || !body.isTextual()) {
                    error(peer, "bad-message", "\"message\" needs a string \"text\"");
                } else if (ref != null && !(ref.isTextual() && ref.asText().length() <= 64)) {
                    error(peer, "bad-message", "\"ref\" is a string of at most 64 characters");
                } else {
                    say(peer, body.asText(), ref == null ? null : ref.asText());
                }
            }
            case "typing" -> {
                Room room = peer.room;
                if (room == null) {
                    error(peer, "not-joined", "join a room first");
                } else {
                    room.typing(peer);
                }
            }
            case "rooms" -> {
                ObjectNode answer = Wire.object("rooms");
                ObjectNode list = answer.putObject("rooms");
                rooms.census().forEach(list::put);
                peer.ws.sendText(Wire.text(answer));
            }
            default -> error(peer, "unknown-type", "unknown message type: " + cut(node.get("type").asText()));
        }
    }

    private void chat(Peer peer, String line) {
        if (line.startsWith("/nick ")) {
            Room room = peer.room;
            join(peer, room == null ? LOBBY : room.name, line.substring(6).trim(), 0, null);
        } else if (line.startsWith("/join ")) {
            join(peer, line.substring(6).trim(), peer.nick, 0, null);
        } else if (line.equals("/who")) {
            Room room = peer.room;
            peer.ws.sendText(room == null ? "* not in a room"
                    : "* in #" + room.name + ": " + String.join(", ", room.members()));
        } else if (line.equals("/help")) {
            peer.ws.sendText("* commands: /nick NAME, /join ROOM, /who, /help; anything else is said to the room");
        } else if (line.startsWith("/")) {
            error(peer, "unknown-type", "unknown command: " + cut(line));
        } else {
            say(peer, line, null);
        }
    }

    /**
     * Moves the peer to the room under the nickname, replaying what came after {@code sinceSeq} (of
     * {@code sinceEpoch}, if given); on failure it stays where it was.
     */
    private void join(Peer peer, String roomName, String nick, long sinceSeq, String sinceEpoch) {
        if (!Rooms.ROOM.matcher(roomName).matches()) {
            error(peer, "bad-room", "a room name is 1 to 32 letters, digits, '_', '.' or '-'");
            return;
        }
        if (!Rooms.NICK.matcher(nick).matches()) {
            error(peer, "bad-nick", "a nickname is 1 to 24 letters, digits, '_', '.' or '-'");
            return;
        }
        Room current = peer.room;
        if (current != null && current.name.equals(roomName) && nick.equals(peer.nick)) {
            return;
        }
        var target = rooms.open(roomName);
        if (target.isEmpty()) {
            error(peer, "too-many-rooms", "the server has too many rooms; join an existing one");
            return;
        }
        if (target.get().hasMember(nick)) {
            error(peer, "nick-taken", "the nickname " + nick + " is taken in #" + roomName);
            return;
        }
        if (current != null) {
            current.leave(peer);
        }
        if (!target.get().join(peer, nick, sinceSeq, sinceEpoch)) { // someone took it in between, maybe on another node
            error(peer, "nick-taken", "the nickname " + nick + " is taken in #" + roomName);
        }
    }

    /** Says the text in the peer's room; a superchat sender gets acks carrying its {@code ref}. */
    private void say(Peer peer, String text, String ref) {
        Room room = peer.room;
        if (room == null) {
            error(peer, "not-joined", "join a room first");
        } else if (text.isBlank()) {
            error(peer, "empty", "empty message");
        } else if (text.length() > options.maxTextChars()) {
            error(peer, "too-big", "message of " + text.length() + " characters; the limit is "
                    + options.maxTextChars());
        } else {
            var first = new CompletableFuture<ChatMessage>(); // numbered, or null: pending or refused
            room.post(peer.nick, text, System.currentTimeMillis(), new Room.Ack() {
                @Override
                public void pending(ChatMessage message) {
                    if (peer.protocol == Peer.Protocol.SUPERCHAT) {
                        peer.ws.sendText(Wire.ack(message, ref));
                    }
                    first.complete(null);
                }

                @Override
                public void numbered(ChatMessage message) {
                    if (peer.protocol == Peer.Protocol.SUPERCHAT) {
                        peer.ws.sendText(Wire.ack(message, ref));
                    }
                    first.complete(message);
                }

                @Override
                public void refused(String reason) {
                    error(peer, "unavailable", reason);
                    first.complete(null);
                }
            });
            // The sender's next message (or its close) is handled once this one reached the room here, as it was
            // when rooms numbered messages themselves: its own copy comes before the answer to what it says next.
            try {
                ChatMessage numbered = first.get(SAY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (numbered != null) {
                    room.awaitDelivered(numbered.seq(), TimeUnit.SECONDS.toNanos(SAY_TIMEOUT_SECONDS));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(System.Logger.Level.DEBUG, "chat: no answer from the broker in {0} s", SAY_TIMEOUT_SECONDS);
            }
        }
    }

    private static void error(Peer peer, String code, String message) {
        peer.ws.sendText(peer.protocol == Peer.Protocol.SUPERCHAT ? Wire.error(code, message)
                : "! " + code + ": " + message);
    }

    /** Peer text echoed in an error, kept short. */
    private static String cut(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
