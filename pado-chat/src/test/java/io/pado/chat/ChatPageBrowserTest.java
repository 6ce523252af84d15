package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat page in a real headless Chromium: two browsers join a room, talk both ways, see presence, history and
 * typing, and both come back by themselves after the server restarts. Takes the screenshots chat.png and
 * compare.png into target/screenshots/, from where scripts/screenshots.sh copies them to docs/.
 */
class ChatPageBrowserTest {
    static final Path SCREENSHOTS = Path.of("target", "screenshots"); // surefire runs in the module's directory

    @BeforeAll
    static void needsChromium() {
        Browser.checkInstalled();
    }

    static void join(Browser b, String nick, String room) {
        b.await("join button enabled", d -> b.find("join").isEnabled());
        b.find("nick").clear();
        b.find("nick").sendKeys(nick);
        b.find("room").clear();
        b.find("room").sendKeys(room);
        b.find("join").click();
        b.await(nick + " in the member list", d -> b.text("members").contains(nick));
    }

    static void say(Browser b, String text) {
        b.await("composer enabled", d -> b.find("text").isEnabled());
        b.find("text").sendKeys(text);
        b.find("send").click();
    }

    static void sees(Browser b, String text) {
        b.await("'" + text + "' shown", d -> b.text("messages").contains(text));
    }

    @Test
    void twoPeopleChatAndSurviveAServerRestart() throws Exception {
        ChatServer server = ChatServer.start(ChatOptions.builder().port(0).build());
        int port = server.port();
        String url = server.url().toString();
        try (var ana = new Browser(); var bo = new Browser()) {
            ana.open(url);
            join(ana, "ana", "tea");
            say(ana, "the kettle is on");
            sees(ana, "the kettle is on");

            bo.open(url);
            join(bo, "bo", "tea");
            sees(bo, "the kettle is on"); // history on join
            bo.await("presence of both", d -> bo.text("members").contains("ana"));
            ana.await("ana sees bo arrive", d -> ana.text("members").contains("bo"));

            say(bo, "hello ana");
            sees(ana, "hello ana");
            bo.find("text").sendKeys("typing");
            ana.await("typing notice", d -> ana.text("typing").contains("bo is typing"));
            bo.find("text").clear();
            say(ana, "hello bo, tea?");
            sees(bo, "hello bo, tea?");
            ana.screenshot(SCREENSHOTS.resolve("chat.png"));

            server.stop();
            for (Browser b : new Browser[] {ana, bo}) {
                b.await("disconnected shown", d -> b.text("status").startsWith("disconnected"));
                b.await("members cleared", d -> b.text("members").isEmpty());
                assertThat(b.find("text").isEnabled()).isFalse();
            }
            server = restart(port);
            for (Browser b : new Browser[] {ana, bo}) {
                b.await("reconnected", d -> b.text("status").equals("connected"));
                b.await("rejoined with both", d -> b.text("members").contains("ana") && b.text("members")
                        .contains("bo"));
            }
            say(bo, "back again");
            sees(ana, "back again");
        } finally {
            server.stop();
        }
    }

    @Test
    void comparisonPageCountersMove() throws Exception {
        try (var server = ChatServer.start(ChatOptions.builder().port(0).build()); var b = new Browser()) {
            b.open(server.url() + "compare");
            b.find("clients").clear();
            b.find("clients").sendKeys("3");
            b.find("seconds").clear();
            b.find("seconds").sendKeys("3");
            b.find("run").click();
            for (String t : new String[] {"SHORT_POLLING", "SHORT_POLLING_KEEP_ALIVE", "LONG_POLLING",
                    "LONG_POLLING_KEEP_ALIVE", "WEBSOCKET"}) {
                b.await(t + " receives messages", d -> {
                    var rows = d.findElements(org.openqa.selenium.By.cssSelector("tr[data-transport=" + t + "] td"));
                    return rows.size() == 9 && Long.parseLong(rows.get(5).getText()) > 0;
                });
            }
            b.await("run done", d -> b.text("state").equals("done"));
            b.screenshot(SCREENSHOTS.resolve("compare.png"));
        }
    }

    /** The same port again; the old socket may linger briefly, so binding is retried until a deadline. */
    static ChatServer restart(int port) throws IOException {
        long deadline = System.nanoTime() + Browser.TIMEOUT.toNanos();
        while (true) {
            try {
                return ChatServer.start(ChatOptions.builder().port(port).build());
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }
}
