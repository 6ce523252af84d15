package io.pado.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pado.HttpResponse;
import io.pado.Headers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chat over plain HTTP, for the comparison with WebSocket: short polling (ask every interval) and long polling
 * (the server holds the request until a message comes or the timeout passes). Reads are GETs with query parameters;
 * a send is a POST with a form body, which {@link ChatServer} has checked (method, origin, type) before it gets here.
 * <ul>
 * <li>{@code POST /poll/send} with {@code room=R&nick=N&text=T} says T in R: {@code {"seq":n}}
 * <li>{@code GET /poll/messages?room=R&after=S} the messages after S: {@code {"last":L,"messages":[…]}}
 * <li>{@code GET /poll/messages?room=R&after=S&wait=1} the same, held until there is one (long polling)
 * </ul>
 * Long polls block their request's virtual thread (pado runs HTTP handlers where it runs WebSocket handlers).
 */
final class Polling {
    /** Pollers remembered for rate limiting; the least recently seen are forgotten past this, to bound memory. */
    private static final int MAX_SENDERS = 10_000;
    /** How long a poller's send waits for the broker's answer before it is told "unavailable". */
    private static final long POST_TIMEOUT_SECONDS = 5;

    private final Rooms rooms;
    private final ChatOptions options;
    /** A rate limit per room and nickname, as a WebSocket member has per connection; guarded by itself. */
    private final Map<String, RateLimit> senders = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RateLimit> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    Polling(Rooms rooms, ChatOptions options) {
        this.rooms = rooms;
        this.options = options;
    }

    /** Answers {@code path} with {@code query}: the form of a POST, or the query string of a GET. */
    HttpResponse handle(String path, Query query) throws InterruptedException {
        String roomName = query.get("room", ChatHandler.LOBBY);
        if (!Rooms.ROOM.matcher(roomName).matches()) {
            return error(400, "bad-room", "a room name is 1 to 32 letters, digits, '_', '.' or '-'");
        }
        return switch (path) {
            case "/poll/send" -> send(roomName, query);
            case "/poll/messages" -> messages(roomName, query);
            default -> HttpResponse.notFound();
        };
    }

    private HttpResponse send(String roomName, Query query) throws InterruptedException {
        String nick = query.get("nick", "");
        String text = query.get("text", "");
        if (!Rooms.NICK.matcher(nick).matches()) {
            return error(400, "bad-nick", "a nickname is 1 to 24 letters, digits, '_', '.' or '-'");
        }
        if (text.isBlank() || text.length() > options.maxTextChars()) {
            return error(400, "too-big", "a message is 1 to " + options.maxTextChars() + " characters");
        }
        var room = rooms.open(roomName);
        if (room.isEmpty()) {
            return error(503, "too-many-rooms", "the server has too many rooms");
        }
        if (room.get().hasMember(nick)) {
            return error(409, "nick-taken", "the nickname " + nick + " is taken in #" + roomName);
        }
        if (!allowed(roomName + "/" + nick)) {
            return error(429, "rate-limited", "too many messages: at most " + options.messagesPerSecond()
                    + " a second");
        }
        var answer = new java.util.concurrent.CompletableFuture<HttpResponse>();
        room.get().post(nick, text, System.currentTimeMillis(), new Room.Ack() {
            @Override
            public void pending(ChatMessage m) {
                answer.complete(json(Wire.object("sent").put("id", m.id()).put("pending", true)));
            }

            @Override
            public void numbered(ChatMessage m) {
                answer.complete(json(Wire.object("sent").put("id", m.id()).put("seq", m.seq())));
            }

            @Override
            public void refused(String reason) {
                answer.complete(error(503, "unavailable", reason));
            }
        });
        // The first answer is final: numbered once the broker holds it, or pending (the broker is down), or refused.
        try {
            return answer.get(POST_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return error(503, "unavailable", "the message was not taken in time");
        }
    }

    /** The same token bucket as a WebSocket member's; a poller has no connection to close, so it is only refused. */
    private boolean allowed(String sender) {
        long now = System.nanoTime();
        synchronized (senders) {
            RateLimit limit = senders.computeIfAbsent(sender,
                    k -> new RateLimit(options.messagesPerSecond(), options.burst(), Integer.MAX_VALUE, now));
            return limit.take(now) == RateLimit.Verdict.ACCEPT;
        }
    }

    private HttpResponse messages(String roomName, Query query) throws InterruptedException {
        long after = query.number("after", 0);
        var room = rooms.find(roomName);
        List<ChatMessage> messages;
        if (room.isEmpty()) {
            messages = List.of();
        } else if (after > room.get().lastSeq()) {
            messages = room.get().since(0); // the server restarted and numbers from 1 again: start over
        } else if (query.number("wait", 0) > 0) {
            messages = room.get().await(after, options.longPollTimeout().toNanos());
        } else {
            messages = room.get().since(after);
        }
        long last = messages.isEmpty() ? room.map(Room::lastSeq).orElse(0L) : messages.getLast().seq();
        ObjectNode node = Wire.object("messages").put("room", roomName).put("last", last);
        ArrayNode list = node.putArray("messages");
        messages.forEach(m -> list.add(Wire.message(m)));
        return json(node);
    }

    private static HttpResponse json(ObjectNode node) {
        return new HttpResponse(200, Headers.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                Wire.text(node).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse error(int status, String code, String message) {
        return new HttpResponse(status, Headers.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                Wire.error(code, message).getBytes(StandardCharsets.UTF_8));
    }
}
