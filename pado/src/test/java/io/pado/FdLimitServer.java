package io.pado;

/**
 * An echo server for {@link OutOfDescriptorsTest}, run in a child JVM whose descriptor limit is low: prints its port,
 * then serves until its standard input closes.
 */
public final class FdLimitServer {
    private FdLimitServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = Server.create(ServerOptions.builder().port(0)
                .connection(c -> c.dispatch(Dispatch.EVENT_LOOP)).build())
                .endpoint("/echo", new Handler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }
                }).start();
        System.out.println("port " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the test closes our input
        }
        server.stop(java.time.Duration.ofSeconds(2));
    }
}
