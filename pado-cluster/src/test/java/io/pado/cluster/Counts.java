package io.pado.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/** The three counts every test ends with: nothing acknowledged lost, nothing twice, one order per topic. */
final class Counts {
    private Counts() {
    }

    /** Offsets of one topic as a member got them, in arrival order. */
    static List<Long> offsets(List<Recorder.Got> got, String topic) {
        var out = new ArrayList<Long>();
        got.stream().filter(g -> g.topic().equals(topic)).forEach(g -> out.add(g.offset()));
        return out;
    }

    /**
     * Checks one member's messages of a topic: strictly increasing offsets (so no duplicate and the topic's order),
     * and every acknowledged offset among them.
     */
    static void check(String who, List<Recorder.Got> got, String topic, Collection<Long> acked) {
        List<Long> offsets = offsets(got, topic);
        var duplicates = offsets.size() - new TreeSet<>(offsets).size();
        assertThat(duplicates).as("%s: delivered twice", who).isZero();
        for (int i = 1; i < offsets.size(); i++) {
            assertThat(offsets.get(i)).as("%s: out of order at %d: %s", who, i, offsets.subList(Math.max(0, i - 3),
                    i + 1)).isGreaterThan(offsets.get(i - 1));
        }
        var lost = new TreeSet<>(acked);
        lost.removeAll(offsets);
        assertThat(lost).as("%s: acknowledged and lost", who).isEmpty();
    }

    /** Same data at the same offset for every member: one order on every node. */
    static void sameOrder(List<Recorder.Got> a, List<Recorder.Got> b) {
        var byOffset = new java.util.HashMap<Long, String>();
        a.forEach(g -> byOffset.put(g.offset(), g.id()));
        for (Recorder.Got g : b) {
            String other = byOffset.get(g.offset());
            if (other != null) {
                assertThat(g.id()).as("offset %d", g.offset()).isEqualTo(other);
            }
        }
    }
}
