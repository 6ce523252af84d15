package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.Endpoint;
import io.pado.Handler;
import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.ServerOptions;
import io.pado.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat page in a real headless Chromium against a scripted server that sends what the chat may send in an
 * unlucky order: a member's greeting ({@code joined}) after a presence notice that is newer than it. The page must
 * keep the newer member list.
 */
class ChatPageOrderBrowserTest {
    static final String HELLO = "{\"type\":\"hello\",\"protocol\":\"superchat\",\"maxTextChars\":2000,\"rooms\":{}}";

    @BeforeAll
    static void needsChromium() {
        Browser.checkInstalled();
    }

    static String presence(long rev, String change, String nick, String... members) {
        return "{\"type\":\"presence\",\"room\":\"tea\",\"members\":[\"" + String.join("\",\"", members)
                + "\"],\"membersRev\":" + rev + ",\"" + change + "\":\"" + nick + "\"}";
    }

    @Test
    void aGreetingOlderThanAPresenceNoticeDoesNotHideTheNewcomer() throws Exception {
        var joinedSocket = new CompletableFuture<WebSocket>();
        Handler scripted = new Handler() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.sendText(HELLO);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                if (text.contains("\"type\":\"join\"")) {
                    // bo's arrival went out at once; ana's greeting, computed before bo came, follows it
                    ws.sendText(presence(2, "joined", "bo", "ana", "bo"));
                    ws.sendText("{\"type\":\"joined\",\"room\":\"tea\",\"nick\":\"ana\",\"epoch\":\"e1\","
                            + "\"members\":[\"ana\"],\"membersRev\":1,\"history\":[]}");
                    joinedSocket.complete(ws);
                }
            }
        };
        var files = new WebFiles();
        Server server = Server.create(ServerOptions.builder().host("127.0.0.1").port(0).build())
                .endpoint(Endpoint.builder("/chat", scripted).subprotocols("superchat").build())
                .http(request -> files.get(request.path()).orElseGet(HttpResponse::notFound))
                .start();
        try (var ana = new Browser()) {
            ana.open("http://127.0.0.1:" + server.port() + "/");
            ChatPageBrowserTest.join(ana, "ana", "tea");
            WebSocket ws = joinedSocket.get(Browser.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            // The greeting has been handled once its line is shown: the page handles messages in order.
            ChatPageBrowserTest.sees(ana, "you joined #tea as ana");
            assertThat(ana.text("members")).contains("ana", "bo");

            ws.sendText(presence(3, "left", "bo", "ana")); // a newer list still replaces it
            ana.await("bo gone", d -> !ana.text("members").contains("bo"));
            assertThat(ana.text("members")).contains("ana");
        } finally {
            server.stop();
        }
    }
}
