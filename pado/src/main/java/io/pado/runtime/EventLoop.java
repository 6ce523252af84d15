package io.pado.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One thread with one {@link Selector}: it owns the sockets of the {@link Link}s registered with it, their engines
 * and buffers. Other threads reach it only through {@link #execute(Runnable)}. It drives its members through the
 * {@link LoopMember} interface: readiness, the flush at the end of an iteration, timeouts, the drain at the end.
 *
 * <p>An iteration selects (with a timeout that is the earliest deadline), handles ready keys, runs queued commands,
 * then flushes each link that has output once ("cork": one gathering write per link per iteration), then applies
 * the timeouts that are due: only the links whose deadline has come are asked ({@link DueQueue}), so a loop with
 * hundreds of thousands of idle connections spends on timers what their pings cost, not a scan of them all.
 */
public final class EventLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
    /** Read size; also the largest piece of input the engine sees at once. */
    private static final int READ_BUFFER_BYTES = 256 << 10;
    /** At most this many buffers go into one gathering write. */
    static final int MAX_GATHER = 64;
    /** Idle pending-send nodes kept for reuse: enough for the sends of many links in flight at once. */
    private static final int MAX_FREE_PENDING_SENDS = 4096;
    /** A link asked about its timeouts is asked again no sooner than this. */
    private static final long MIN_SCAN_INTERVAL_NANOS = 5_000_000;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** True while the loop is awake or a wakeup is pending: producers then need not call selector.wakeup(). */
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Set by any thread (stop); read by the loop thread. */
    private volatile boolean running = true;
    /** Set by the loop thread when it has closed every link and its selector; read by any thread (execute). */
    private volatile boolean ended;
    /** Set by the loop thread as it starts to end: from then on nothing new may register with its selector. */
    private boolean ending;
    /** Runs commands that arrive after the end one at a time, on the threads that bring them. */
    private final ReentrantLock afterEnd = new ReentrantLock();

    // Loop thread only.
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private final FramePool framePool = new FramePool();
    private final PacketPool packetPool = new PacketPool();
    private final Consumer<SelectionKey> onReady = this::ready;
    private PendingSend freePendingSends;
    private int freePendingSendCount;
    /** The links this loop owns, in {@code links[0..owned)}; each knows its place ({@link LoopMember#ownedIndex}). */
    private LoopMember[] links = new LoopMember[16];
    private int owned;
    private final List<LoopMember> dirty = new ArrayList<>();
    /** The links with a deadline, earliest first. */
    private final DueQueue due = new DueQueue();
    /** When the first of {@link #timers} is due. */
    private long nextTimerNanos = Long.MAX_VALUE;
    private CountDownLatch drained;
    /** Tasks waiting for their time, earliest first; {@code seq} keeps equal times in order. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::dueNanos).thenComparingLong(Timer::seq));
    private long timerSeq;

    private record Timer(long dueNanos, long seq, Runnable task) {
    }
    /** How many links this loop owns: written by the loop thread only, read by any thread (statistics). */
    private volatile int linkCount;

    EventLoop(String name, boolean daemon) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = Thread.ofPlatform().name(name).daemon(daemon).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Whether the caller runs on this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Whether the caller may act on the loop's links at once instead of through {@link #execute}: it runs on the loop
     * thread and no command is waiting, so nothing that happened before it can be overtaken.
     */
    public boolean mayRunNow() {
        return inLoop() && commands.isEmpty();
    }

    /**
     * Runs {@code command} on the loop thread, after what was queued before it. Safe from any thread; wakes the
     * selector only if the loop is asleep in {@code select} and nobody has woken it yet.
     */
    public void execute(Runnable command) {
        commands.add(command);
        if (ended) {
            runAfterEnd();
            return;
        }
        if (!inLoop() && awake.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * Runs {@code task} on the loop thread once {@code delayNanos} have passed (a little later: timeouts are scanned at
     * most every few milliseconds). Safe from any thread; a task still waiting when the loop ends never runs.
     */
    public void schedule(long delayNanos, Runnable task) {
        long due = System.nanoTime() + delayNanos;
        execute(() -> {
            timers.add(new Timer(due, timerSeq++, task));
            nextTimerNanos = Math.min(nextTimerNanos, due);
        });
    }

    /** Asks the loop to end after closing every link it still owns. Safe from any thread. */
    void shutdown() {
        execute(() -> running = false);
    }

    /** Waits until the loop thread has ended. */
    boolean awaitTermination(long millis) throws InterruptedException {
        return terminated.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    // ---- for links, loop thread only

    SelectionKey register(SelectableChannel channel, int ops, Object attachment) throws IOException {
        if (ending) {
            // A connect queued while the loop aborted its links would otherwise be owned by nobody, its future pending
            throw new IOException("event loop " + thread.getName() + " has ended");
        }
        return channel.register(selector, ops, attachment);
    }

    void add(LoopMember link) {
        if (owned == links.length) {
            links = Arrays.copyOf(links, owned * 2);
        }
        link.ownedIndex = owned;
        links[owned++] = link;
        linkCount = owned;
    }

    void remove(LoopMember link) {
        int index = link.ownedIndex;
        if (index >= 0) { // the last takes the removed one's place
            LoopMember last = links[--owned];
            links[index] = last;
            last.ownedIndex = index;
            links[owned] = null;
            link.ownedIndex = -1;
            linkCount = owned;
        }
        due.remove(link);
        if (drained != null && owned == 0) {
            drained.countDown();
            drained = null;
        }
    }

    /**
     * Starts the closing handshake (1001) on every link and counts {@code latch} down once this loop owns none.
     * Safe from any thread.
     */
    void drain(CountDownLatch latch) {
        execute(() -> {
            drained = latch;
            for (LoopMember link : links()) {
                link.goAway();
            }
            if (owned == 0) {
                latch.countDown();
                drained = null;
            }
        });
    }

    /** How many connections this loop owns now, in any phase. Safe from any thread. */
    int linkCount() {
        return linkCount;
    }

    /** The links this loop owns; a copy, so that callers may close them while iterating. */
    List<LoopMember> links() {
        return Arrays.asList(Arrays.copyOf(links, owned));
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    ByteBuffer[] gather() {
        return gather;
    }

    public FramePool framePool() {
        return framePool;
    }

    /** The TLS record buffers the loop's connections borrow while bytes move. */
    public PacketPool packetPool() {
        return packetPool;
    }

    /** A cleared pending-send node, reused if one is free. */
    PendingSend takePendingSend() {
        PendingSend p = freePendingSends;
        if (p == null) {
            return new PendingSend();
        }
        freePendingSends = p.next;
        freePendingSendCount--;
        p.next = null;
        return p;
    }

    /** Takes back a node its link is done with. */
    void givePendingSend(PendingSend p) {
        p.future = null;
        p.callback = null;
        if (freePendingSendCount < MAX_FREE_PENDING_SENDS) {
            p.next = freePendingSends;
            freePendingSends = p;
            freePendingSendCount++;
        } else {
            p.next = null;
        }
    }

    /** Flush {@code link} at the end of this iteration. */
    void markDirty(LoopMember link) {
        dirty.add(link);
    }

    /**
     * Make sure {@code link}'s timeouts are checked no later than {@code deadlineNanos} ({@link Long#MAX_VALUE}: no
     * deadline). A deadline later than the one the link has is taken up when that one comes.
     */
    void deadline(LoopMember link, long deadlineNanos) {
        if (deadlineNanos < due.dueOf(link)) {
            due.schedule(link, deadlineNanos);
        }
    }

    /** How many links have a deadline (for tests). */
    int dueCount() {
        return due.size();
    }

    @Override
    public void run() {
        try {
            while (running) {
                iterate();
            }
        } catch (ClosedSelectorException e) {
            LOG.log(System.Logger.Level.DEBUG, "selector closed");
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "event loop " + thread.getName() + " failed", e);
        } finally {
            ending = true;
            for (LoopMember link : links()) {
                link.abort(null);
            }
            runCommands();
            flushDirty();
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing selector", e);
            }
            ended = true;
            runAfterEnd(); // commands that raced with the end
            terminated.countDown();
        }
    }

    /**
     * Runs what was queued after the loop ended: a send from a handler thread that checked the WebSocket open just
     * before it closed, say. Every link is closed by then, so such a command only fails its future; run nowhere, it
     * would leave that future pending forever.
     */
    private void runAfterEnd() {
        afterEnd.lock();
        try {
            Runnable command;
            while ((command = commands.poll()) != null) {
                try {
                    command.run();
                } catch (Throwable e) {
                    LOG.log(System.Logger.Level.ERROR, "command after the end of " + thread.getName() + " failed", e);
                }
            }
        } finally {
            afterEnd.unlock();
        }
    }

    private void iterate() throws IOException {
        awake.set(false);
        // select(action) hands each ready key over as it is found: no selected-key set to fill and clear
        if (!commands.isEmpty()) {
            selector.selectNow(onReady);
        } else {
            long now = System.nanoTime();
            long nextScanNanos = Math.min(due.firstDue(), nextTimerNanos);
            long wait = nextScanNanos == Long.MAX_VALUE ? 0 : Math.max(1, (nextScanNanos - now + 999_999) / 1_000_000);
            if (nextScanNanos != Long.MAX_VALUE && nextScanNanos <= now) {
                selector.selectNow(onReady);
            } else {
                selector.select(onReady, wait);
            }
        }
        awake.set(true);
        runCommands();
        flushDirty();
        long now = System.nanoTime();
        if (now >= due.firstDue() || now >= nextTimerNanos) {
            scanTimeouts(now);
            flushDirty();
        }
    }

    private void ready(SelectionKey key) {
        var member = (LoopMember) key.attachment();
        try {
            member.ready(key);
        } catch (RuntimeException | LinkageError e) {
            failed(member, e);
        }
    }

    /**
     * What a member throws ends that member, not the loop: a bug, application code run inline that threw, or a class
     * that could not be loaded (out of file descriptors, a class file cannot be opened).
     */
    private void failed(LoopMember member, Throwable e) {
        LOG.log(System.Logger.Level.ERROR, member + " failed; closing it", e);
        try {
            member.abort(e);
        } catch (RuntimeException | LinkageError again) {
            LOG.log(System.Logger.Level.ERROR, "closing " + member + " failed too", again);
        }
    }

    private void runCommands() {
        // Bounded: commands queued by these commands run in the next iteration, after I/O.
        for (int n = commands.size(); n > 0; n--) {
            Runnable command = commands.poll();
            if (command == null) {
                break;
            }
            try {
                command.run();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, "event loop command failed", e);
            }
        }
    }

    private void flushDirty() {
        // A flush may mark other links dirty (never itself); index loop tolerates growth.
        for (int i = 0; i < dirty.size(); i++) {
            LoopMember member = dirty.get(i);
            try {
                member.flushIfDirty();
            } catch (RuntimeException | LinkageError e) {
                failed(member, e);
            }
        }
        dirty.clear();
    }

    /**
     * Asks each link whose deadline has come what is due, and puts it at its next deadline; bounded: a link asked
     * here is asked again no sooner than {@link #MIN_SCAN_INTERVAL_NANOS} later.
     */
    private void scanTimeouts(long now) {
        for (LoopMember link; (link = due.pollDue(now)) != null; ) {
            long next;
            try {
                next = link.checkTimeouts(now);
            } catch (RuntimeException | LinkageError e) {
                failed(link, e);
                continue;
            }
            if (next != Long.MAX_VALUE && link.ownedIndex >= 0) {
                due.schedule(link, Math.max(next, now + MIN_SCAN_INTERVAL_NANOS));
            }
        }
        runTimers(now);
    }

    /** Runs the timers due at {@code now}; bounded: those a task adds run in a later scan. */
    private void runTimers(long now) {
        for (int n = timers.size(); n > 0 && timers.peek().dueNanos() <= now; n--) {
            Runnable task = timers.poll().task();
            try {
                task.run();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, "event loop timer failed", e);
            }
        }
        Timer first = timers.peek();
        nextTimerNanos = first == null ? Long.MAX_VALUE : Math.max(first.dueNanos(), now + MIN_SCAN_INTERVAL_NANOS);
    }
}
