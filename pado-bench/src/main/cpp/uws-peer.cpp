// uWebSockets as a peer in pado's benchmark matrix: the same protocol as EchoServers (every message echoed as it
// came; a text "broadcast K S" sends K text messages of S bytes to every connection), no compression, no idle
// timeout. Built by pado-bench/build-uws.sh against a local uWebSockets checkout (UWS_HOME), never committed with it.
//   uws-peer PORT      prints "ready" once it listens on 127.0.0.1:PORT
#include "App.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
struct PerSocket {};
constexpr std::string_view BROADCAST = "broadcast ";
}

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: uws-peer PORT\n");
        return 2;
    }
    int port = std::atoi(argv[1]);
    uWS::App app;
    uWS::App *appRef = &app;
    app.ws<PerSocket>("/*", {
        .compression = uWS::DISABLED,
        .maxPayloadLength = 64 * 1024 * 1024,
        .idleTimeout = 0,
        .maxBackpressure = 64 * 1024 * 1024,
        .closeOnBackpressureLimit = false,
        .sendPingsAutomatically = false,
        .open = [](auto *ws) { ws->subscribe("all"); },
        .message = [appRef](auto *ws, std::string_view message, uWS::OpCode op) {
            if (op == uWS::OpCode::TEXT && message.substr(0, BROADCAST.size()) == BROADCAST) {
                std::string order(message.substr(BROADCAST.size()));
                long count = std::strtol(order.c_str(), nullptr, 10);
                long bytes = std::strtol(order.c_str() + order.find(' ') + 1, nullptr, 10);
                std::string payload(static_cast<size_t>(bytes), 'x');
                for (long i = 0; i < count; i++) {
                    appRef->publish("all", payload, uWS::OpCode::TEXT, false);
                }
                return;
            }
            ws->send(message, op, false);
        },
    }).listen("127.0.0.1", port, [port](auto *listening) {
        if (!listening) {
            std::fprintf(stderr, "uws-peer: cannot listen on 127.0.0.1:%d\n", port);
            std::exit(1);
        }
        std::printf("ready\n");
        std::fflush(stdout);
    }).run();
    return 0;
}
