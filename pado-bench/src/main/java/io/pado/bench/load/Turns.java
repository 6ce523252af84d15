package io.pado.bench.load;

import java.util.Arrays;

/**
 * The turns of a run that loads two servers (side 0 and side 1) in slices of a few hundred milliseconds: which side
 * is loaded now, and each measured slice's rate. Only the active side's connections start new work; the resting
 * side's finish what they had. A machine whose speed drifts over seconds then slows both servers alike. The same
 * bookkeeping as the C generator's {@code --alternate}, so that both print the same line. One thread only.
 */
final class Turns {
    private final long sliceNanos;
    private final long warmupEnd;
    private final long end;
    private final double[] rates;
    private final long[] sideDone = new long[2];
    private final long[] sideNanos = new long[2];
    private int active = 1; // the first slice goes to side 0
    private boolean measuring;
    private long done;
    private long sliceStart;
    private long sliceEnd;
    private int slices;
    private int firstSide = -1;

    Turns(double seconds, double warmupSeconds, double sliceMillis, long now) {
        sliceNanos = (long) (sliceMillis * 1e6);
        warmupEnd = now + (long) (warmupSeconds * 1e9);
        end = warmupEnd + (long) (seconds * 1e9);
        rates = new double[(int) (seconds * 1e9 / sliceNanos) + 2];
        sliceEnd = now;
    }

    /** The side loaded now. */
    int active() {
        return active;
    }

    /** Counts {@code count} messages finished by the active side in this slice. */
    void done(long count) {
        done += count;
    }

    /** At {@code now}: 1 if a new slice began (the caller restarts the active side's work), -1 if over, else 0. */
    int tick(long now) {
        if (now < sliceEnd) {
            return 0;
        }
        if (measuring) {
            if (firstSide < 0) {
                firstSide = active;
            }
            rates[slices++] = done / ((now - sliceStart) / 1e9);
            sideDone[active] += done;
            sideNanos[active] += now - sliceStart;
        }
        if (now >= end || slices == rates.length) {
            return -1;
        }
        active = 1 - active;
        measuring = now >= warmupEnd;
        sliceStart = now;
        sliceEnd = now + sliceNanos;
        done = 0;
        return 1;
    }

    /**
     * The line {@code rate_0 rate_1 ratio slices}: each side's rate over its own measured slices, and the median, over
     * every two adjacent slices, of side 1's rate over side 0's.
     */
    String report() {
        double[] ratios = new double[slices];
        int pairs = 0;
        for (int k = 1; k < slices; k++) {
            int side = firstSide ^ (k & 1); // the side of slice k; slice k - 1 had the other
            double side0 = side == 0 ? rates[k] : rates[k - 1];
            double side1 = side == 0 ? rates[k - 1] : rates[k];
            if (side0 > 0) {
                ratios[pairs++] = side1 / side0;
            }
        }
        Arrays.sort(ratios, 0, pairs);
        double median = pairs == 0 ? 0
                : pairs % 2 == 1 ? ratios[pairs / 2] : (ratios[pairs / 2 - 1] + ratios[pairs / 2]) / 2;
        return String.format("%.0f %.0f %.4f %d", rate(0), rate(1), median, slices);
    }

    private double rate(int side) {
        return sideNanos[side] > 0 ? sideDone[side] / (sideNanos[side] / 1e9) : 0;
    }
}
