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

    static ObjectNode message(ChatMessage m) {
        return object("message").put("room", m.room()).put("seq", m.seq()).put("nick", m.nick())
                .put("text", m.text()).put("time", m.timeMillis());
    }

    static ArrayNode array(Collection<String> items) {
        ArrayNode array = JSON.createArrayNode();
        items.forEach(array::add);
        return array;
    }

    static String joined(String room, String nick, Collection<String> members, List<ChatMessage> history) {
        ObjectNode node = object("joined").put("room", room).put("nick", nick);
        node.set("members", array(members));
        ArrayNode list = node.putArray("history");
        history.forEach(m -> list.add(message(m)));
        return text(node);
    }

    static String presence(String room, Collection<String> members, String change, String nick) {
        ObjectNode node = object("presence").put("room", room);
        node.set("members", array(members));
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
        return m.nick() + ": " + m.text().replace('\r', ' ').replace('\n', ' ');
    }
}
