package io.pado.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;

/**
 * How chat events look on the wire: JSON objects for {@code superchat}, one line of text for {@code chat}. See
 * docs/CHAT-PROTOCOL.md. Thread-safe (Jackson's mapper is, once configured).
 */
final class Wire {
    static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    static ObjectNode object(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // cannot happen for trees we build
        }
    }

    /** A numbered message, or a pending one: {@code "pending":true} and no {@code seq}. */
    static ObjectNode message(ChatMessage m) {
        ObjectNode node = object("message").put("room", m.room());
        if (m.pending()) {
            node.put("pending", true);
        } else {
            node.put("seq", m.seq());
        }
        return node.put("id", m.id()).put("nick", m.nick()).put("text", m.text()).put("time", m.timeMillis());
    }

    /** The sender's answer: {@code seq} once the backplane took the message, {@code "pending":true} before. */
    static String ack(ChatMessage m, String ref) {
        ObjectNode node = object("ack").put("room", m.room()).put("id", m.id());
        if (ref != null) {
            node.put("ref", ref);
        }
        if (m.pending()) {
            node.put("pending", true);
        } else {
            node.put("seq", m.seq());
        }
        return text(node);
    }

    /** A message as a topic carries it: everything but the seq, which is the topic's offset. */
    static String data(ChatMessage m) {
        return text(JSON.createObjectNode().put("id", m.id()).put("nick", m.nick()).put("text", m.text())
                .put("time", m.timeMillis()));
    }

    /** A topic's message back as a chat message: its room is the topic, its seq the offset. */
    static ChatMessage chatMessage(io.pado.cluster.TopicMessage m) {
        try {
            JsonNode n = JSON.readTree(m.data());
            return new ChatMessage(m.offset(), n.path("id").asText(m.id()), m.topic(), n.get("nick").asText(),
                    n.get("text").asText(), n.get("time").asLong());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("not a chat message in " + m.topic() + " at " + m.offset() + " ("
                    + m.data().length() + " chars)", e);
        }
    }

    /** Missed messages that cannot be had: the client reloads the room (joins again without "since"). */
    static String gap(io.pado.cluster.Gap gap) {
        return text(object("gap").put("room", gap.topic()).put("reason", gap.reason().toString())
                .put("epoch", gap.resumedAt().epoch()).put("since", gap.resumedAt().offset())
                .put("message", "messages were missed and cannot be recovered: reload the room"));
    }

    static String status(String room, boolean degraded) {
        return text(object("status").put("room", room).put("state", degraded ? "degraded" : "ok")
                .put("message", degraded ? "the chat backplane is down: messages reach this server's members only"
                        + " and are sent on when it returns" : "the chat backplane is back; missed messages follow"));
    }

    static String statusLine(String room, boolean degraded) {
        return degraded ? "* #" + room + " is degraded: messages reach this server's members only until the"
                + " backplane returns" : "* #" + room + " is whole again";
    }

    static ArrayNode array(Collection<String> items) {
        ArrayNode array = JSON.createArrayNode();
        items.forEach(array::add);
        return array;
    }

    static String joined(String room, String nick, Collection<String> members, long membersRev,
            List<ChatMessage> history, long sinceSeq, String epoch) {
        ObjectNode node = object("joined").put("room", room).put("nick", nick).put("epoch", epoch);
        if (sinceSeq > 0) {
            node.put("since", sinceSeq);
        }
        node.set("members", array(members));
        node.put("membersRev", membersRev);
        ArrayNode list = node.putArray("history");
        history.forEach(m -> list.add(message(m)));
        return text(node);
    }

    static String presence(String room, Collection<String> members, long membersRev, String change, String nick) {
        ObjectNode node = object("presence").put("room", room);
        node.set("members", array(members));
        node.put("membersRev", membersRev);
        node.put(change, nick);
        return text(node);
    }

    static String typing(String room, String nick) {
        return text(object("typing").put("room", room).put("nick", nick));
    }

    static String error(String code, String message) {
        return text(object("error").put("code", code).put("message", message));
    }

    /** A message as one {@code chat} line: newlines inside become spaces so that one line stays one message. */
    static String line(ChatMessage m) {
        return m.nick() + (m.pending() ? " (pending): " : ": ") + m.text().replace('\r', ' ').replace('\n', ' ');
    }
}
