package io.pado.chat;

import io.pado.cluster.ClusterEvent;
import io.pado.cluster.Topics;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Every room, created on first use and kept (with its history) while the server runs, up to {@code MAX_ROOMS}; and
 * what the topics say ({@link ClusterEvent}s, on {@code pado-cluster-events}): members of other nodes joining and
 * leaving, the broker going down and coming back. Thread-safe.
 */
final class Rooms implements Consumer<ClusterEvent> {
    static final int MAX_ROOMS = 1000;
    /** Room names and nicknames: letters, digits, {@code _ . -}. */
    static final Pattern ROOM = Pattern.compile("[\\p{L}\\p{N}_.-]{1,32}");
    static final Pattern NICK = Pattern.compile("[\\p{L}\\p{N}_.-]{1,24}");

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final int historySize;
    private final Room.Broadcaster broadcaster;
    private final Topics topics;

    Rooms(int historySize, Room.Broadcaster broadcaster, Topics topics) {
        this.historySize = historySize;
        this.broadcaster = broadcaster;
        this.topics = topics;
    }

    @Override
    public void accept(ClusterEvent event) {
        switch (event) {
            case ClusterEvent.PresenceChanged p -> {
                if (!p.member().node().equals(topics.node())) { // this node's own members it tells itself
                    find(p.topic()).ifPresent(r -> {
                        if (p.change() == ClusterEvent.PresenceChanged.Change.JOINED) {
                            r.joinedElsewhere(p.member().name());
                        } else {
                            r.leftElsewhere(p.member().name());
                        }
                    });
                }
            }
            case ClusterEvent.BrokerDown down -> rooms.values().forEach(r -> r.degraded(true));
            case ClusterEvent.BrokerUp up -> rooms.values().forEach(r -> r.degraded(false));
            case ClusterEvent.HistoryLost lost -> { } // members got a gap notice; the room's kept messages start over
        }
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
        return Optional.of(rooms.computeIfAbsent(name, n -> new Room(n, historySize, broadcaster, topics)));
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
