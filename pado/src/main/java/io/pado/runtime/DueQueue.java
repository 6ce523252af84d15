package io.pado.runtime;

import java.util.Arrays;

/**
 * The members of one loop that have a deadline, earliest first: a binary heap in two arrays (due times and members),
 * each member knowing its place ({@link LoopMember#dueIndex}), so that adding, moving and removing one costs
 * O(log n) and allocates nothing. The loop looks only at the members whose time has come, so timeouts and pings
 * cost in proportion to how many fall due, not to how many connections the loop holds. Loop thread only.
 *
 * <p>A member is kept at one time only. The loop moves it earlier when its deadline comes closer; a deadline that
 * moved later (a read pushes the next Ping back) is left where it was: the member is asked when that time comes, says
 * its real next deadline, and is put there.
 */
final class DueQueue {
    static final long NEVER = Long.MAX_VALUE;

    private long[] due = new long[16];
    private LoopMember[] members = new LoopMember[16];
    private int size;

    int size() {
        return size;
    }

    /** When the first member is due, or {@link #NEVER}. */
    long firstDue() {
        return size == 0 ? NEVER : due[0];
    }

    /** When {@code member} is due, or {@link #NEVER} if it is not in the queue. */
    long dueOf(LoopMember member) {
        int i = member.dueIndex;
        return i < 0 ? NEVER : due[i];
    }

    /** Puts {@code member} at {@code dueNanos}, wherever it was. */
    void schedule(LoopMember member, long dueNanos) {
        int i = member.dueIndex;
        if (i < 0) {
            if (size == due.length) {
                due = Arrays.copyOf(due, size * 2);
                members = Arrays.copyOf(members, size * 2);
            }
            i = size++;
            place(i, member, dueNanos);
            up(i);
        } else if (dueNanos < due[i]) {
            due[i] = dueNanos;
            up(i);
        } else {
            due[i] = dueNanos;
            down(i);
        }
    }

    /** Takes {@code member} out, if it is in. */
    void remove(LoopMember member) {
        int i = member.dueIndex;
        if (i < 0) {
            return;
        }
        member.dueIndex = -1;
        int last = --size;
        if (i != last) {
            long lastDue = due[last];
            place(i, members[last], lastDue);
            members[last] = null;
            down(i);
            up(i);
        } else {
            members[last] = null;
        }
    }

    /** Takes out and returns the first member if it is due at {@code nowNanos}; null otherwise. */
    LoopMember pollDue(long nowNanos) {
        if (size == 0 || due[0] > nowNanos) {
            return null;
        }
        LoopMember first = members[0];
        remove(first);
        return first;
    }

    private void place(int i, LoopMember member, long dueNanos) {
        due[i] = dueNanos;
        members[i] = member;
        member.dueIndex = i;
    }

    private void up(int i) {
        LoopMember member = members[i];
        long d = due[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (due[parent] <= d) {
                break;
            }
            place(i, members[parent], due[parent]);
            i = parent;
        }
        place(i, member, d);
    }

    private void down(int i) {
        LoopMember member = members[i];
        long d = due[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && due[right] < due[child]) {
                child = right;
            }
            if (d <= due[child]) {
                break;
            }
            place(i, members[child], due[child]);
            i = child;
        }
        place(i, member, d);
    }
}
