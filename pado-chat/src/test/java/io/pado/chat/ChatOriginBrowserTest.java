package io.pado.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.pado.HttpResponse;
import io.pado.Server;
import io.pado.ServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Forged writes, in a real headless Chromium: a page of another origin (another port on 127.0.0.1) tries every way a
 * page can make a browser write to the chat without asking (a GET through an image, a no-cors fetch POST, a form
 * POST) and none of them posts or starts a comparison; the chat's own page still posts. Screenshots go to
 * {@code target/}.
 */
class ChatOriginBrowserTest {
    static final Path SCREENSHOTS = Path.of("target", "browser");

    @BeforeAll
    static void needsChromium() {
        Browser.checkInstalled();
    }

    @Test
    void aPageOfAnotherOriginCannotPostAndTheChatsOwnPageCan() throws Exception {
        try (var chat = ChatServer.start(ChatOptions.builder().port(0).build());
                var other = Server.create(ServerOptions.builder().port(0).build());
                var b = new Browser()) {
            String target = "http://127.0.0.1:" + chat.port();
            other.http(request -> HttpResponse.ok("text/html; charset=utf-8",
                    forgingPage(target).getBytes(StandardCharsets.UTF_8))).start();

            b.open("http://127.0.0.1:" + other.port() + "/");
            // Each attempt reports once the chat answered it (or the browser gave up): the server had its say
            String outcome = b.await("every forged request answered",
                    d -> d.getTitle().startsWith("done:") ? d.getTitle() : null);
            b.screenshot(SCREENSHOTS.resolve("cross-origin.png"));
            assertThat(outcome).isEqualTo("done: answered answered answered answered");
            assertThat(get(target + "/poll/messages?room=csrf")).doesNotContain("by-get", "by-fetch", "by-form");
            assertThat(get(target + "/compare/status")).contains("\"running\":false");

            b.open(target + "/");
            Object status = ((JavascriptExecutor) b.driver).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch("/poll/send", {method: "POST",
                            body: new URLSearchParams({room: "csrf", nick: "ana", text: "by-the-page"})})
                        .then(r => done(r.status), e => done(String(e)));
                    """);
            assertThat(status).isEqualTo(200L);
            assertThat(get(target + "/poll/messages?room=csrf")).contains("by-the-page")
                    .doesNotContain("by-get", "by-fetch", "by-form");
        }
    }

    /** What a hostile site would serve: it writes to the chat at {@code target} as soon as it loads. */
    private static String forgingPage(String target) {
        return """
                <!doctype html>
                <title>loading</title>
                <form id="form" method="POST" action="TARGET/poll/send" target="sink">
                  <input name="room" value="csrf"><input name="nick" value="mallory"><input name="text" value="by-form">
                </form>
                <iframe name="sink" id="sink"></iframe>
                <script>
                  const t = "TARGET";
                  const form = (o) => new URLSearchParams(o);
                  const answered = (p) => p.then(() => "answered", (e) => "failed");
                  const tries = [
                    new Promise((done) => {
                      const img = new Image();
                      img.onload = img.onerror = () => done("answered");
                      img.src = t + "/poll/send?room=csrf&nick=mallory&text=by-get";
                    }),
                    answered(fetch(t + "/poll/send", {method: "POST", mode: "no-cors",
                        body: form({room: "csrf", nick: "mallory", text: "by-fetch"})})),
                    answered(fetch(t + "/compare/run", {method: "POST", mode: "no-cors",
                        body: form({clients: "1", seconds: "1"})})),
                    new Promise((done) => {
                      document.getElementById("sink").onload = () => done("answered");
                      document.getElementById("form").submit();
                    }),
                  ];
                  Promise.all(tries).then((r) => { document.title = "done: " + r.join(" "); });
                </script>
                """.replace("TARGET", target);
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
