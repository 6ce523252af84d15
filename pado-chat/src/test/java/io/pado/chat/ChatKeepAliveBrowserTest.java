package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The chat over persistent HTTP connections in a real headless Chromium, through a relay that notes which requests
 * went over which TCP connection: the page loads with fewer connections than requests (seen: the page, its
 * stylesheet and its script over two), and the page and its assets fetched one after another all go over one
 * connection (with a connection per answer, each request would need its own).
 */
class ChatKeepAliveBrowserTest {
    @BeforeAll
    static void needsChromium() {
        Browser.checkInstalled();
    }

    @Test
    void chromiumFetchesThePageAndItsAssetsOverOneConnection() throws Exception {
        try (var chat = ChatServer.start(ChatOptions.builder().port(0).build());
                var proxy = new RecordingProxy(chat.port());
                var b = new Browser()) {
            b.open("http://127.0.0.1:" + proxy.port() + "/");
            b.await("the page's WebSocket is connected", d -> b.text("status").equals("connected"));
            // Loading the page, Chromium asks for its stylesheet and script at once, so it may open a second
            // connection; but the page's own connection, idle once the page has come, serves another request too
            assertThat(proxy.connections()).as("requests per connection while the page loads")
                    .anySatisfy(c -> assertThat(c).contains("GET /").hasSizeGreaterThan(1));

            Object statuses = ((JavascriptExecutor) b.driver).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    (async () => {
                      const statuses = [];
                      for (const path of ["/", "/chat.css", "/chat.js", "/compare", "/compare.js"]) {
                        const r = await fetch(path + "?fetch=1", {cache: "no-store"});
                        await r.text();
                        statuses.push(r.status);
                      }
                      return statuses;
                    })().then(done, (e) => done(String(e)));
                    """);
            assertThat(statuses).isEqualTo(List.of(200L, 200L, 200L, 200L, 200L));

            List<String> fetched = List.of("GET /?fetch=1", "GET /chat.css?fetch=1", "GET /chat.js?fetch=1",
                    "GET /compare?fetch=1", "GET /compare.js?fetch=1");
            List<List<String>> carriers = proxy.connections().stream()
                    .filter(c -> c.stream().anyMatch(fetched::contains)).toList();
            assertThat(carriers).as("the connections that carried the fetches, of " + proxy.connections())
                    .singleElement().satisfies(c -> assertThat(c).containsSubsequence(fetched));
        }
    }
}
