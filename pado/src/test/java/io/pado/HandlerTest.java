package io.pado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How handlers are called: in order, one at a time, on either dispatch, and what a throwing handler causes. */
class HandlerTest {

    static Server server(Dispatch dispatch, Handler handler) throws Exception {
        return Server.create(ServerOptions.builder().eventLoops(1).connection(c -> c.dispatch(dispatch)).build())
                .endpoint("/ws", handler).start();
    }

    static Client client(Dispatch dispatch) {
        return Client.create(ClientOptions.builder().connection(c -> c.dispatch(dispatch)).build());
    }

    static URI uri(Server server) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws");
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void callbacksOfOneConnectionRunOneAtATimeInOrder(Dispatch dispatch) throws Exception {
        var order = Collections.synchronizedList(new ArrayList<String>());
        var running = new AtomicInteger();
        var overlaps = new AtomicInteger();
        var closed = new CountDownLatch(1);
        Handler handler = new Handler() {
            void enter(String what) {
                if (running.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                order.add(what);
                running.decrementAndGet();
            }

            @Override
            public void onOpen(WebSocket ws) {
                enter("open");
            }

            @Override
            public void onText(WebSocket ws, String text) {
                enter(text);
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                enter("close " + code);
                closed.countDown();
            }
        };
        try (var server = server(dispatch, handler); var client = client(dispatch)) {
            WebSocket ws = client.connect(uri(server), new Handler() { }).join();
            List<String> expected = new ArrayList<>(List.of("open"));
            for (int i = 0; i < 500; i++) {
                ws.sendText("t" + i);
                expected.add("t" + i);
            }
            ws.close(1000, "");
            expected.add("close 1000");
            assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactlyElementsOf(expected);
            assertThat(overlaps.get()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void echoWorksOnEitherDispatch(Dispatch dispatch) throws Exception {
        Handler echo = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                // On the event loop the buffer dies when we return: copy before sending it back.
                ws.sendBinary(ByteBuffer.allocate(data.remaining()).put(data).flip());
            }
        };
        var recorder = new Recorder();
        try (var server = server(dispatch, echo); var client = client(dispatch)) {
            WebSocket ws = client.connect(uri(server), recorder).join();
            recorder.awaitOpen();
            ws.sendText("hi");
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertThat(recorder.nextText()).isEqualTo("hi");
            assertThat(recorder.next(Recorder.Binary.class).data()).containsExactly(1, 2, 3);
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void throwingHandlerClosesThatConnectionWith1011(Dispatch dispatch) throws Exception {
        Handler bad = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                if (text.equals("boom")) {
                    throw new IllegalStateException("handler bug (expected by the test)");
                }
                ws.sendText(text);
            }
        };
        try (var server = server(dispatch, bad); var client = client(Dispatch.VIRTUAL_THREADS)) {
            var victim = new Recorder();
            var bystander = new Recorder();
            WebSocket v = client.connect(uri(server), victim).join();
            WebSocket b = client.connect(uri(server), bystander).join();
            v.sendText("boom");
            var close = victim.awaitClose();
            assertThat(close.code()).isEqualTo(1011);
            assertThat(close.reason()).doesNotContain("handler bug");
            b.sendText("still fine");
            assertThat(bystander.await(Recorder.Text.class).text()).isEqualTo("still fine");
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void afterAThrowOnlyOnCloseFollows(Dispatch dispatch) throws Exception {
        var calls = new CopyOnWriteArrayList<String>();
        var closed = new CountDownLatch(1);
        var serverRef = new java.util.concurrent.atomic.AtomicReference<Server>();
        Handler bad = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                calls.add(text);
                if (text.equals("boom")) {
                    // On virtual threads the messages behind it are handed over already: they must not be called.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (dispatch == Dispatch.VIRTUAL_THREADS && serverRef.get().metrics().messagesReceived() < 3
                            && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    throw new IllegalStateException("handler bug (expected by the test)");
                }
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                calls.add("close");
                closed.countDown();
            }
        };
        try (var server = server(dispatch, bad); var client = client(Dispatch.VIRTUAL_THREADS)) {
            serverRef.set(server);
            var recorder = new Recorder();
            WebSocket ws = client.connect(uri(server), recorder).join();
            ws.sendText("boom");
            ws.sendText("after 1");
            ws.sendText("after 2");
            assertThat(recorder.awaitClose().code()).isEqualTo(1011);
            assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(calls).containsExactly("boom", "close");
        }
    }

    @Test
    void blockingHandlersDoNotHoldUpOtherConnections() throws Exception {
        var blocked = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Handler handler = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                if (text.equals("block")) {
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                ws.sendText(text);
            }
        };
        try (var server = server(Dispatch.VIRTUAL_THREADS, handler); var client = client(Dispatch.VIRTUAL_THREADS)) {
            var first = new Recorder();
            var second = new Recorder();
            WebSocket a = client.connect(uri(server), first).join();
            WebSocket b = client.connect(uri(server), second).join();
            a.sendText("block");
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            b.sendText("free");
            assertThat(second.await(Recorder.Text.class).text()).isEqualTo("free");
            release.countDown();
            assertThat(first.await(Recorder.Text.class).text()).isEqualTo("block");
        }
    }

    @Test
    void underLoadAHundredBlockedHandlersHoldUpNoOtherConnection() throws Exception {
        var release = new CountDownLatch(1);
        var blocked = new AtomicInteger();
        Handler handler = new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                if (text.equals("block")) {
                    blocked.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                ws.sendText(text);
            }
        };
        int blockers = 100;
        int busy = 20;
        int messages = 500;
        try (var server = server(Dispatch.VIRTUAL_THREADS, handler); var client = client(Dispatch.EVENT_LOOP)) {
            var waiting = new ArrayList<AtomicInteger>();
            for (int i = 0; i < blockers; i++) {
                var echoes = new AtomicInteger();
                waiting.add(echoes);
                client.connect(uri(server), counting(echoes)).join().sendText("block");
            }
            Await.until("every blocker's handler blocked", () -> blocked.get() == blockers);
            // Meanwhile, other connections echo many messages each, pipelined
            var counts = new ArrayList<AtomicInteger>();
            for (int i = 0; i < busy; i++) {
                var echoes = new AtomicInteger();
                counts.add(echoes);
                WebSocket ws = client.connect(uri(server), counting(echoes)).join();
                for (int m = 0; m < messages; m++) {
                    ws.sendText("m" + m);
                }
            }
            Await.until("every busy connection's echoes", () -> counts.stream().allMatch(c -> c.get() == messages));
            assertThat(waiting).as("the blocked handlers have answered nothing yet").allMatch(c -> c.get() == 0);
            release.countDown();
            Await.until("the blocked handlers' answers", () -> waiting.stream().allMatch(c -> c.get() == 1));
        }
    }

    private static Handler counting(AtomicInteger echoes) {
        return new Handler() {
            @Override
            public void onText(WebSocket ws, String text) {
                echoes.incrementAndGet();
            }
        };
    }

    @Test
    void broadcastReachesEveryConnection() throws Exception {
        var sockets = new CopyOnWriteArrayList<WebSocket>();
        var opened = new CountDownLatch(5);
        Handler collect = new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                sockets.add(ws);
                opened.countDown();
            }
        };
        try (var server = server(Dispatch.VIRTUAL_THREADS, collect); var client = client(Dispatch.VIRTUAL_THREADS)) {
            var recorders = new ArrayList<Recorder>();
            for (int i = 0; i < 5; i++) {
                var r = new Recorder();
                recorders.add(r);
                client.connect(uri(server), r).join();
            }
            assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(server.broadcast(sockets, "to all")).isEqualTo(5);
            assertThat(server.broadcast(sockets, ByteBuffer.wrap(new byte[] {5}))).isEqualTo(5);
            for (var r : recorders) {
                assertThat(r.await(Recorder.Text.class).text()).isEqualTo("to all");
                assertThat(r.next(Recorder.Binary.class).data()).containsExactly(5);
            }
        }
    }

    @Test
    void sendArgumentsAreCheckedAtOnce() throws Exception {
        var recorder = new Recorder();
        try (var server = server(Dispatch.VIRTUAL_THREADS, new Echo()); var client = client(Dispatch.VIRTUAL_THREADS)) {
            WebSocket ws = client.connect(uri(server), recorder).join();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ws.sendPing(ByteBuffer.allocate(126)))
                    .isInstanceOf(IllegalArgumentException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ws.close(1006, ""))
                    .isInstanceOf(IllegalArgumentException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ws.close(1000, "é".repeat(62)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(ws.isOpen()).isTrue();
            ws.close(1000, "").join();
            assertThat(ws.close(1000, "again")).isCompleted();
        }
    }
}
