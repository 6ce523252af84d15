package io.pado.chat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Every room, created on first use and kept (with its history) while the server runs, up to {@code MAX_ROOMS}.
 * Thread-safe.
 */
final class Rooms implements Backplane.Receiver {
    static final int MAX_ROOMS = 1000;
    /** Room names and nicknames: letters, digits, {@code _ . -}. */
    static final Pattern ROOM = Pattern.compile("[\\p{L}\\p{N}_.-]{1,32}");
    static final Pattern NICK = Pattern.compile("[\\p{L}\\p{N}_.-]{1,24}");

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final int historySize;
    private final Room.Broadcaster broadcaster;
    private final Backplane backplane;

    Rooms(int historySize, Room.Broadcaster broadcaster, Backplane backplane) {
        this.historySize = historySize;
        this.broadcaster = broadcaster;
        this.backplane = backplane;
    }

    /** A message from the backplane: only rooms this node has get it (others read the history when opened). */
    @Override
    public void deliver(ChatMessage message) {
        find(message.room()).ifPresent(room -> room.deliver(message));
    }

    @Override
    public void joinedElsewhere(String room, String nick) {
        find(room).ifPresent(r -> r.joinedElsewhere(nick));
    }

    @Override
    public void leftElsewhere(String room, String nick) {
        find(room).ifPresent(r -> r.leftElsewhere(nick));
    }

    @Override
    public void elsewhere(String room, List<String> nicks) {
        find(room).ifPresent(r -> r.elsewhere(nicks));
    }

    @Override
    public void degraded(boolean down) {
        rooms.values().forEach(r -> r.degraded(down));
    }

    @Override
    public Map<String, List<String>> localMembers() {
        var out = new TreeMap<String, List<String>>();
        rooms.values().forEach(r -> out.put(r.name, r.localMembers()));
        return out;
    }

    /** The room with that name, created if there is room for one more; empty when the server has too many. */
    Optional<Room> open(String name) {
        Room room = rooms.get(name);
        if (room != null) {
            return Optional.of(room);
        }
        if (rooms.size() >= MAX_ROOMS) {
            return Optional.empty();
        }
        return Optional.of(rooms.computeIfAbsent(name, n -> new Room(n, historySize, broadcaster, backplane)));
    }

    Optional<Room> find(String name) {
        return Optional.ofNullable(rooms.get(name));
    }

    /** Room names and member counts, sorted by name. */
    Map<String, Integer> census() {
        var out = new TreeMap<String, Integer>();
        rooms.values().forEach(r -> out.put(r.name, r.members().size()));
        return out;
    }

    void wakeAll() {
        rooms.values().forEach(Room::wakeAll);
    }
}
