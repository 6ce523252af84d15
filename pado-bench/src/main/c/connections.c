/*
 * Many concurrent WebSocket connections to one server, kept alive with pings: the client side of run-connections.sh.
 * One thread, epoll, non-blocking sockets. Connection i leaves from loopback address 127.0.0.(2 + i % SOURCES) with
 * IP_BIND_ADDRESS_NO_PORT, so that the kernel picks its port per (source, destination) pair and each source address
 * has the whole ephemeral range (net.ipv4.ip_local_port_range) to the one server port.
 *
 *   connections [--tls] PORT CONNECTIONS SOURCES SETTLE_SECONDS HOLD_SECONDS PING_SECONDS ACTIVE
 *
 * 1. Opens CONNECTIONS (at most OPENING at a time: connect, TLS when --tls, upgrade) and prints
 *    "open CONNECTIONS SECONDS" (the time to open them all); gives up after OPEN_LIMIT_SECONDS.
 * 2. Waits SETTLE_SECONDS (the script measures the server's memory then), prints "hold-start".
 * 3. For HOLD_SECONDS, the first ACTIVE connections also send a 512-byte binary message each second and read its
 *    echo. Throughout, from the first connection on, every open connection sends a masked Ping of 8 bytes (its send
 *    time) every PING_SECONDS, the connections taking turns evenly over the interval, and answers the server's Pings.
 * 4. Prints "hold SECONDS pings N pongs N rtt_us P50 P99 P999 MAX echoes N echo_us P50 P99 server_pings N lost N"
 *    (round trips of the hold only, -1 when there were none; lost: the open connections the server closed or reset,
 *    at any time) and exits.
 *
 * Frames are masked with the key 0 (RFC 6455 §5.3 allows any key). Loopback only; bounded in count and time.
 * Build: cc -O2 -o connections connections.c (with -DPADO_TLS ... -lssl -lcrypto for --tls, see tls_io.h).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define OPENING 256             /* connections in their opening handshake at once */
#define OPEN_LIMIT_SECONDS 600  /* the opening phase ends here, done or not */
#define MESSAGE_BYTES 512
#define IN_BYTES 1024           /* a connection's read buffer: pongs, echoes and the 101 response fit */
#define MAX_US 10000000         /* round trips are counted per microsecond up to 10 s */

static void fail(const char *what) {
    fprintf(stderr, "connections: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

#include "tls_io.h"

enum state { CONNECTING, TLS_OPENING, UPGRADING, OPEN, LOST };

struct conn {
    int fd;
    enum state state;
    struct ssl_st *ssl;
    uint16_t in_len;
    unsigned char in[IN_BYTES];
};

static struct conn *conns;
static int conn_count;
static int epoll_fd;
static struct sockaddr_in server;
static char request[256];
static int request_len;
static uint32_t *rtt_hist, *echo_hist;
static long pings_sent, pongs, echoes, server_pings, lost, opened;
static int holding;
static int64_t pings_from;   /* pings run from the first connection on, at conn_count / ping_ns per ns */
static int64_t ping_ns;
static long next_ping;       /* pings due so far in all: connection (k % conn_count) sends the k-th */

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000 + t.tv_nsec;
}

static void record(uint32_t *hist, const unsigned char *stamp) {
    int64_t sent;
    memcpy(&sent, stamp, 8);
    int64_t us = (now_ns() - sent) / 1000;
    hist[us < 0 ? 0 : us >= MAX_US ? MAX_US - 1 : us]++;
}

static double percentile(const uint32_t *hist, long count, double pct) {
    if (count == 0) {
        return -1;
    }
    long rank = (long) (count * pct / 100.0), seen = 0;
    for (int us = 0; us < MAX_US; us++) {
        seen += hist[us];
        if (seen > rank) {
            return us;
        }
    }
    return MAX_US;
}

static long max_of(const uint32_t *hist) {
    for (long us = MAX_US - 1; us >= 0; us--) {
        if (hist[us]) {
            return us;
        }
    }
    return 0;
}

static void lose(struct conn *c) {
    if (c->state == LOST) {
        return;
    }
    if (c->state == OPEN) {
        lost++;
    }
    c->state = LOST;
    close(c->fd);
}

/* A whole small frame goes out or the connection is lost: frames here are tiny and the socket buffer has room. */
static void send_frame(struct conn *c, int opcode, const unsigned char *payload, int n) {
    unsigned char frame[8 + MESSAGE_BYTES];
    int h = 0;
    frame[h++] = (unsigned char) (0x80 | opcode);
    if (n < 126) {
        frame[h++] = (unsigned char) (0x80 | n);
    } else {
        frame[h++] = 0x80 | 126;
        frame[h++] = (unsigned char) (n >> 8);
        frame[h++] = (unsigned char) n;
    }
    memset(frame + h, 0, 4); /* mask key 0: the payload goes as it is */
    h += 4;
    memcpy(frame + h, payload, (size_t) n);
    if (io_write(c->fd, c->ssl, frame, (size_t) (h + n)) != h + n) {
        lose(c);
    }
}

static void send_stamped(struct conn *c, int opcode, int n) {
    unsigned char payload[MESSAGE_BYTES] = {0};
    int64_t now = now_ns();
    memcpy(payload, &now, 8);
    send_frame(c, opcode, payload, n);
}

/* Parses the server's frames in c->in: Pongs and echoes give round trips, Pings get Pongs. */
static void take_frames(struct conn *c) {
    size_t at = 0;
    while (c->in_len - at >= 2) {
        int opcode = c->in[at] & 0x0F;
        size_t n = c->in[at + 1] & 0x7F, h = 2;
        if (n == 126) {
            if (c->in_len - at < 4) {
                break;
            }
            n = (size_t) c->in[at + 2] << 8 | c->in[at + 3];
            h = 4;
        } else if (n == 127 || (c->in[at + 1] & 0x80)) {
            errno = 0;
            fail("a frame this client never asked for (64-bit length or masked)");
        }
        if (c->in_len - at < h + n) {
            break;
        }
        const unsigned char *payload = c->in + at + h;
        if (opcode == 0xA && n == 8 && holding) {
            pongs++;
            record(rtt_hist, payload);
        } else if (opcode == 0x2 && n == MESSAGE_BYTES && holding) {
            echoes++;
            record(echo_hist, payload);
        } else if (opcode == 0x9) {
            server_pings++;
            send_frame(c, 0xA, payload, (int) n);
        } else if (opcode == 0x8) {
            lose(c);
            return;
        }
        at += h + n;
    }
    memmove(c->in, c->in + at, c->in_len - at);
    c->in_len = (uint16_t) (c->in_len - at);
}

static void start(struct conn *c, int i, int sources) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
        fail("socket (raise ulimit -n: see run-connections.sh)");
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    struct sockaddr_in from = {.sin_family = AF_INET, .sin_port = 0};
    from.sin_addr.s_addr = htonl(0x7F000002u + (uint32_t) (i % sources));
    if (bind(c->fd, (struct sockaddr *) &from, sizeof from) < 0) {
        fail("bind to a loopback source address");
    }
    c->state = CONNECTING;
    c->in_len = 0;
    c->ssl = tls ? tls_new(c->fd) : NULL;
    if (connect(c->fd, (struct sockaddr *) &server, sizeof server) < 0 && errno != EINPROGRESS) {
        fail("connect");
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        fail("epoll_ctl add");
    }
}

/* Reads what the socket has; returns 0 when the connection was lost. */
static int read_in(struct conn *c) {
    for (;;) {
        size_t room = IN_BYTES - c->in_len;
        if (room == 0) {
            errno = 0;
            fail("a connection's read buffer is full");
        }
        ssize_t n = io_read(c->fd, c->ssl, c->in + c->in_len, room);
        if (n < 0 && errno == EAGAIN) {
            return 1;
        }
        if (n <= 0) {
            lose(c);
            return 0;
        }
        c->in_len = (uint16_t) (c->in_len + n);
        if (c->state == UPGRADING) {
            return 1; /* the caller looks for the end of the response */
        }
        take_frames(c);
        if (c->state == LOST) {
            return 0;
        }
    }
}

/* One epoll event for a connection: the opening steps, then frames. */
static void step(struct conn *c, uint32_t events) {
    if (c->state == LOST) {
        return;
    }
    if (c->state == CONNECTING) {
        if (events & (EPOLLERR | EPOLLHUP)) {
            errno = 0;
            fail("connect refused or reset (the server's backlog, or its descriptor limit?)");
        }
        if (!(events & EPOLLOUT)) {
            return;
        }
        c->state = tls ? TLS_OPENING : UPGRADING;
        if (!tls && io_write(c->fd, NULL, request, (size_t) request_len) != request_len) {
            fail("upgrade request");
        }
    }
    if (c->state == TLS_OPENING) {
        if (!tls_handshake(c->ssl)) {
            return;
        }
        c->state = UPGRADING;
        if (io_write(c->fd, c->ssl, request, (size_t) request_len) != request_len) {
            fail("upgrade request");
        }
    }
    if (c->state == UPGRADING) {
        if (!read_in(c)) {
            errno = 0;
            fail("the server closed a connection while opening");
        }
        unsigned char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
        if (end == NULL) {
            return;
        }
        if (memcmp(c->in, "HTTP/1.1 101", 12) != 0) {
            errno = 0;
            fail("the server did not answer 101");
        }
        size_t head = (size_t) (end + 4 - c->in);
        memmove(c->in, end + 4, c->in_len - head);
        c->in_len = (uint16_t) (c->in_len - head);
        c->state = OPEN;
        opened++;
    }
    if (c->state == OPEN && (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))) {
        read_in(c);
    }
}

/*
 * Every open connection pings every ping_ns, the connections taking turns evenly, from the first connection's opening
 * on: a server that closes silent connections (Jetty's default idle timeout is 30 s) keeps them while the rest open.
 */
static void ping_due(void) {
    long due = (long) ((double) (now_ns() - pings_from) / (double) ping_ns * conn_count);
    for (; next_ping < due; next_ping++) {
        struct conn *c = &conns[next_ping % conn_count];
        if (c->state == OPEN) {
            send_stamped(c, 0x9, 8);
            pings_sent += holding;
        }
    }
}

static void poll_once(int timeout_ms) {
    struct epoll_event events[512];
    int n = epoll_wait(epoll_fd, events, 512, timeout_ms);
    if (n < 0 && errno != EINTR) {
        fail("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
        step(events[i].data.ptr, events[i].events);
    }
    ping_due();
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--tls") == 0) {
        tls = 1;
        tls_init();
        argv++;
        argc--;
    }
    if (argc != 8) {
        fprintf(stderr, "usage: connections [--tls] PORT CONNECTIONS SOURCES SETTLE_SECONDS HOLD_SECONDS "
                        "PING_SECONDS ACTIVE\n");
        return 2;
    }
    int port = atoi(argv[1]);
    conn_count = atoi(argv[2]);
    int sources = atoi(argv[3]), settle = atoi(argv[4]), hold = atoi(argv[5]), ping_s = atoi(argv[6]);
    int active = atoi(argv[7]);
    if (conn_count < 1 || sources < 1 || sources > 250 || hold < 1 || ping_s < 1 || active < 0
            || active > conn_count) {
        fprintf(stderr, "connections: bad arguments\n");
        return 2;
    }
    server.sin_family = AF_INET;
    server.sin_port = htons((uint16_t) port);
    server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    request_len = snprintf(request, sizeof request,
                           "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: cGFkby1jb25ucy1rZXktMQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", port);
    conns = calloc((size_t) conn_count, sizeof *conns);
    rtt_hist = calloc(MAX_US, sizeof *rtt_hist);
    echo_hist = calloc(MAX_US, sizeof *echo_hist);
    epoll_fd = epoll_create1(0);
    if (conns == NULL || rtt_hist == NULL || echo_hist == NULL || epoll_fd < 0) {
        fail("start-up");
    }

    ping_ns = (int64_t) ping_s * 1000000000;
    int64_t began = now_ns(), open_deadline = began + (int64_t) OPEN_LIMIT_SECONDS * 1000000000;
    int started = 0;
    pings_from = began;
    while (opened < conn_count && now_ns() < open_deadline) {
        while (started < conn_count && started - opened < OPENING) {
            start(&conns[started], started, sources);
            started++;
        }
        poll_once(10);
    }
    if (opened < conn_count) {
        fprintf(stderr, "connections: only %ld of %d open after %d s\n", opened, conn_count, OPEN_LIMIT_SECONDS);
        return 1;
    }
    printf("open %d %.2f\n", conn_count, (double) (now_ns() - began) / 1e9);
    fflush(stdout);

    for (int64_t until = now_ns() + (int64_t) settle * 1000000000; now_ns() < until; ) {
        poll_once(10); /* pings, answers the server's pings, notices losses */
    }
    printf("hold-start\n");
    fflush(stdout);

    holding = 1;
    int64_t hold_from = now_ns(), hold_end = hold_from + (int64_t) hold * 1000000000;
    long next_second = 1;
    for (int64_t now; (now = now_ns()) < hold_end; ) {
        if (now - hold_from >= next_second * 1000000000L) {
            for (int i = 0; i < active; i++) {
                if (conns[i].state == OPEN) {
                    send_stamped(&conns[i], 0x2, MESSAGE_BYTES);
                }
            }
            next_second++;
        }
        poll_once(1);
    }
    double held = (double) (now_ns() - hold_from) / 1e9;
    printf("hold %.1f pings %ld pongs %ld rtt_us %.0f %.0f %.0f %ld echoes %ld echo_us %.0f %.0f server_pings %ld "
           "lost %ld\n", held, pings_sent, pongs, percentile(rtt_hist, pongs, 50), percentile(rtt_hist, pongs, 99),
           percentile(rtt_hist, pongs, 99.9), max_of(rtt_hist), echoes, percentile(echo_hist, echoes, 50),
           percentile(echo_hist, echoes, 99), server_pings, lost);
    return 0;
}
