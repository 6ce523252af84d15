/*
 * A WebSocket echo load generator in C, for when the Java one (LoadGenerator) is what limits the rate: one thread,
 * epoll, non-blocking sockets, no allocation after start-up. It does what LoadGenerator does and prints the same line:
 * each connection keeps IN_FLIGHT binary messages of PAYLOAD_BYTES outstanding, answering every echo with a new
 * message; the first eight payload bytes carry the send time, so each echo gives a round-trip latency. Frames are
 * masked with the key 0 (RFC 6455 §5.3 allows any key; this one costs nothing to apply).
 *
 *   loadgen PORT CONNECTIONS IN_FLIGHT PAYLOAD_BYTES SECONDS [WARMUP_SECONDS [RATE]]
 *
 * prints "messages/s p50_us p99_us p999_us busy_percent", busy being the CPU this process used while measuring, in %
 * of one core. With RATE > 0 it sends RATE messages per second in all on a fixed schedule (open loop) instead.
 *
 *   loadgen --handshakes PORT CONCURRENT SECONDS [WARMUP_SECONDS]
 *
 * does what HandshakeLoad does: CONCURRENT connections at a time each connect, upgrade, send a masked Close 1000, read
 * the server's Close, wait for the server to close TCP first (RFC 6455 §7.1.1) and start over; prints
 * "cycles/s busy_percent". Loopback only; bounded by SECONDS. Build: cc -O2 -o loadgen loadgen.c
 *
 *   loadgen --alternate PORT_A PORT_B CONNECTIONS IN_FLIGHT PAYLOAD_BYTES SECONDS WARMUP SLICE_MS
 *   loadgen --alternate --handshakes PORT_A PORT_B CONCURRENT SECONDS WARMUP SLICE_MS
 *
 * load two servers in turns of SLICE_MS (see struct turns), to compare them on a machine whose speed drifts.
 *
 * With --tls first (the first two modes) it speaks wss://: TLS 1.3 through OpenSSL, built in with
 * cc -O2 -DPADO_TLS -o loadgen loadgen.c -lssl -lcrypto (Debian's libssl-dev). The server's certificate is not
 * checked: the generator measures the server's cost, and checking would only add to its own. --tls-resume (handshake
 * mode) offers each new connection the latest session ticket the server sent (RFC 8446 §2.2), so that the servers
 * that accept it skip the certificate and its signature; the line printed then has a third number, the % of
 * handshakes that were resumptions.
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
#include <fcntl.h>

/* Latencies are counted per microsecond up to this bound; longer ones go in the last slot. */
#define MAX_LATENCY_US 4000000
#define OUT_BYTES (256 * 1024)

struct conn {
    int fd;
    struct ssl_st *ssl;  /* NULL for ws:// (tls_io.h) */
    unsigned char *in;   /* bytes read and not yet parsed: in[0..in_len) */
    size_t in_len;
    size_t in_cap;
    unsigned char *out;  /* frames to write: out[out_pos..out_len) */
    size_t out_pos;
    size_t out_len;
    long owed;           /* messages due and not yet put into out */
    long outstanding;    /* messages put into out and not yet echoed */
    int side;            /* --alternate: 0 for the first server, 1 for the second */
    int want_write;
};

static uint32_t *latency_us;
static long latency_count;
static long echoes;
static int measuring_stamps;
static unsigned char *frame;
static size_t frame_len;
static size_t header_len;
static int payload_bytes;
static int epoll_fd;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (int64_t) t.tv_sec * 1000000000 + t.tv_nsec;
}

static void fail(const char *what) {
    fprintf(stderr, "loadgen: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

#include "tls_io.h"

/* A masked (key 0) binary frame of payload_bytes: 'a'..'z' repeated, the send time to be stamped in bytes 0-7. */
static void build_frame(void) {
    int n = payload_bytes;
    int length_bytes = n <= 125 ? 0 : n <= 0xFFFF ? 2 : 8;
    header_len = 2 + length_bytes + 4;
    frame_len = header_len + n;
    frame = malloc(frame_len);
    frame[0] = 0x82;
    if (length_bytes == 0) {
        frame[1] = 0x80 | n;
    } else if (length_bytes == 2) {
        frame[1] = 0x80 | 126;
        frame[2] = (n >> 8) & 0xFF;
        frame[3] = n & 0xFF;
    } else {
        frame[1] = 0x80 | 127;
        for (int i = 0; i < 8; i++) {
            frame[2 + i] = (unsigned char) (((uint64_t) n >> (56 - 8 * i)) & 0xFF);
        }
    }
    memset(frame + 2 + length_bytes, 0, 4); /* the mask key */
    for (int i = 0; i < n; i++) {
        frame[header_len + i] = (unsigned char) ('a' + i % 26);
    }
}

static void set_interest(struct conn *c, int want_write) {
    if (c->want_write == want_write) {
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | (want_write ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) < 0) {
        fail("epoll_ctl");
    }
    c->want_write = want_write;
}

/* Writes what is pending, then the frames owed, batched, each stamped with the time now. */
static void flush(struct conn *c) {
    for (;;) {
        if (c->out_pos < c->out_len) {
            ssize_t n = io_write(c->fd, c->ssl, c->out + c->out_pos, c->out_len - c->out_pos);
            if (n < 0) {
                if (errno == EAGAIN) {
                    set_interest(c, 1);
                    return;
                }
                fail("write");
            }
            c->out_pos += (size_t) n;
            if (c->out_pos < c->out_len) {
                set_interest(c, 1);
                return;
            }
        }
        if (c->owed == 0) {
            set_interest(c, 0);
            return;
        }
        c->out_pos = 0;
        c->out_len = 0;
        int64_t stamp = now_ns();
        while (c->owed > 0 && c->out_len + frame_len <= OUT_BYTES) {
            memcpy(c->out + c->out_len, frame, frame_len);
            if (payload_bytes >= 8) {
                memcpy(c->out + c->out_len + header_len, &stamp, 8);
            }
            c->out_len += frame_len;
            c->owed--;
            c->outstanding++;
        }
    }
}

/* Reads what the socket has and takes every whole frame; returns the binary messages received. */
static long take_input(struct conn *c, int closed_loop) {
    for (;;) {
        if (c->in_len == c->in_cap) {
            c->in_cap *= 2;
            c->in = realloc(c->in, c->in_cap);
        }
        size_t space = c->in_cap - c->in_len;
        ssize_t n = io_read(c->fd, c->ssl, c->in + c->in_len, space);
        if (n == 0) {
            errno = 0;
            fail("server closed a connection");
        }
        if (n < 0) {
            if (errno == EAGAIN) {
                break;
            }
            fail("read");
        }
        c->in_len += (size_t) n;
        if ((size_t) n < space && c->ssl == NULL) {
            break; /* the socket had no more (a TLS read gives a record at a time: read on until EAGAIN) */
        }
    }
    int64_t now = now_ns();
    long messages = 0;
    size_t p = 0;
    while (c->in_len - p >= 2) {
        int len7 = c->in[p + 1] & 0x7F;
        size_t head = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
        if (c->in_len - p < head) {
            break;
        }
        uint64_t length = len7;
        if (len7 == 126) {
            length = ((uint64_t) c->in[p + 2] << 8) | c->in[p + 3];
        } else if (len7 == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | c->in[p + 2 + i];
            }
        }
        if (c->in_len - p < head + length) {
            break;
        }
        if ((c->in[p] & 0x0F) == 0x2) {
            if (measuring_stamps && length >= 8) {
                int64_t sent;
                memcpy(&sent, c->in + p + head, 8);
                int64_t us = (now - sent) / 1000;
                latency_us[us < 0 ? 0 : us >= MAX_LATENCY_US ? MAX_LATENCY_US - 1 : us]++;
                latency_count++;
            }
            messages++;
        }
        p += head + length;
    }
    memmove(c->in, c->in + p, c->in_len - p);
    c->in_len -= p;
    c->outstanding -= messages;
    if (closed_loop) {
        c->owed += messages;
    }
    return messages;
}

static void handshake(struct conn *c, int port) {
    char request[512];
    int n = snprintf(request, sizeof request,
                     "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: cGFkby1sb2FkLWtleS0xNg==\r\nSec-WebSocket-Version: 13\r\n\r\n", port);
    if (c->ssl != NULL) {
        while (!tls_handshake(c->ssl)) {
            /* blocking socket: SSL_connect returns when done or failed */
        }
    }
    if (io_write(c->fd, c->ssl, request, (size_t) n) != n) {
        fail("handshake write");
    }
    char *end = NULL;
    while (end == NULL) {
        ssize_t r = io_read(c->fd, c->ssl, c->in + c->in_len, c->in_cap - c->in_len - 1);
        if (r <= 0) {
            fail("handshake read");
        }
        c->in_len += (size_t) r;
        c->in[c->in_len] = 0;
        end = strstr((char *) c->in, "\r\n\r\n");
        if (end == NULL && c->in_len + 1 >= c->in_cap) {
            errno = 0;
            fail("handshake response too long");
        }
    }
    if (strncmp((char *) c->in, "HTTP/1.1 101", 12) != 0) {
        errno = 0;
        fail("not upgraded");
    }
    size_t head = (size_t) (end + 4 - (char *) c->in);
    memmove(c->in, c->in + head, c->in_len - head); /* frames that followed the head, if any */
    c->in_len -= head;
}

/* Connects to 127.0.0.1:PORT, upgrades, and adds the socket, now non-blocking, to the epoll set (reads only). */
static void open_conn(struct conn *c, int port) {
    struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *) &server, sizeof server) < 0) {
        fail("connect");
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->in_cap = 2 * frame_len + 4096;
    c->in = malloc(c->in_cap);
    c->out = malloc(OUT_BYTES);
    c->ssl = tls ? tls_new(c->fd) : NULL;
    handshake(c, port);
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        fail("epoll_ctl add");
    }
}

static double percentile(double pct) {
    long rank = (long) (pct / 100.0 * (double) latency_count);
    if (rank >= latency_count) {
        rank = latency_count - 1;
    }
    long seen = 0;
    for (int us = 0; us < MAX_LATENCY_US; us++) {
        seen += latency_us[us];
        if (seen > rank) {
            return us;
        }
    }
    return MAX_LATENCY_US;
}

/* ---- --alternate: two servers loaded in turns */

/*
 * The turns of an --alternate run: which server (side 0 or 1) is loaded now, and each measured slice's rate. Only the
 * active side's connections start new work; the other side's finish what they had. A machine whose speed drifts
 * over seconds then slows both servers alike.
 */
static struct {
    int on;              /* an --alternate run */
    int active;          /* the side loaded now */
    int measuring;       /* whether this slice counts (the warm-up's do not) */
    long done;           /* messages or cycles the active side finished in this slice */
    int64_t slice_ns, warmup_end, end, slice_start, slice_end;
    double *rates;       /* each measured slice's rate, in order; the sides alternate */
    long slices, max_slices;
    int first_side;
    long side_done[2];
    int64_t side_ns[2];
} turns;

static void turns_init(double seconds, double warmup, double slice_ms) {
    turns.on = 1;
    turns.active = 1; /* the first slice goes to side 0 */
    turns.slice_ns = (int64_t) (slice_ms * 1e6);
    turns.warmup_end = now_ns() + (int64_t) (warmup * 1e9);
    turns.end = turns.warmup_end + (int64_t) (seconds * 1e9);
    turns.max_slices = (long) (seconds * 1e9 / (double) turns.slice_ns) + 2;
    turns.rates = calloc((size_t) turns.max_slices, sizeof *turns.rates);
    turns.first_side = -1;
}

/* At NOW: 1 if a new slice began (the caller restarts the active side's work), -1 if the run is over, else 0. */
static int turns_tick(int64_t now) {
    if (now < turns.slice_end) {
        return 0;
    }
    if (turns.measuring) {
        if (turns.first_side < 0) {
            turns.first_side = turns.active;
        }
        turns.rates[turns.slices++] = (double) turns.done / ((double) (now - turns.slice_start) / 1e9);
        turns.side_done[turns.active] += turns.done;
        turns.side_ns[turns.active] += now - turns.slice_start;
    }
    if (now >= turns.end || turns.slices == turns.max_slices) {
        return -1;
    }
    turns.active = 1 - turns.active;
    turns.measuring = now >= turns.warmup_end;
    turns.slice_start = now;
    turns.slice_end = now + turns.slice_ns;
    turns.done = 0;
    return 1;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/*
 * Prints "rate_0 rate_1 ratio slices": each side's rate over its own measured slices, and the median, over every two
 * adjacent slices, of side 1's rate over side 0's.
 */
static void turns_report(void) {
    double *ratios = calloc((size_t) turns.max_slices, sizeof *ratios);
    long pairs = 0;
    for (long k = 1; k < turns.slices; k++) {
        int side = turns.first_side ^ (int) (k & 1); /* the side of slice k; slice k - 1 had the other */
        double a = side == 0 ? turns.rates[k] : turns.rates[k - 1];
        double b = side == 0 ? turns.rates[k - 1] : turns.rates[k];
        if (a > 0) {
            ratios[pairs++] = b / a;
        }
    }
    qsort(ratios, (size_t) pairs, sizeof *ratios, compare_doubles);
    double median = pairs == 0 ? 0 : pairs % 2 ? ratios[pairs / 2] : (ratios[pairs / 2 - 1] + ratios[pairs / 2]) / 2;
    double rate[2];
    for (int side = 0; side < 2; side++) {
        rate[side] = turns.side_ns[side] > 0 ? (double) turns.side_done[side] / ((double) turns.side_ns[side] / 1e9) : 0;
    }
    printf("%.0f %.0f %.4f %ld\n", rate[0], rate[1], median, turns.slices);
}

/* ---- handshake + close cycles */

enum step { CONNECTING, TLS_HANDSHAKE, READING_HEAD, READING_CLOSE, AWAITING_EOF };

struct cycle {
    int fd;
    struct ssl_st *ssl;
    enum step step;
    char in[1024];
    size_t in_len;
    int side;            /* --alternate: which server */
    int parked;          /* --alternate: done, and its server not the one loaded now */
};

static struct sockaddr_in cycle_server[2];
static char cycle_request[2][512];
static size_t cycle_request_len[2];
static long cycles_done;
static int measuring_cycles;

static void cycle_write(struct cycle *c, const void *bytes, size_t n) {
    if (io_write(c->fd, c->ssl, bytes, n) != (ssize_t) n) {
        fail("handshake-sized write");
    }
}

/* The TLS handshake goes on; once it is done, the upgrade request goes out. */
static void cycle_tls(struct cycle *c) {
    if (!tls_handshake(c->ssl)) {
        return; /* the next edge brings what it waits for */
    }
#ifdef PADO_TLS
    if (measuring_cycles && SSL_session_reused(c->ssl)) {
        resumed++;
    }
#endif
    cycle_write(c, cycle_request[c->side], cycle_request_len[c->side]);
    c->step = READING_HEAD;
}

/* TCP is connected: TLS starts, or the upgrade request goes out. */
static void cycle_connected(struct cycle *c) {
    if (tls) {
        c->ssl = tls_new(c->fd);
        c->step = TLS_HANDSHAKE;
        cycle_tls(c);
    } else {
        cycle_write(c, cycle_request[c->side], cycle_request_len[c->side]);
        c->step = READING_HEAD;
    }
}

static void cycle_close(struct cycle *c) {
#ifdef PADO_TLS
    if (c->ssl != NULL) {
        /* Marked as shut down without sending anything, so that OpenSSL keeps the session resumable */
        SSL_set_quiet_shutdown(c->ssl, 1);
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
#endif
    close(c->fd); /* also leaves the epoll set */
}

/*
 * Each cycle's socket is registered once, edge-triggered for both directions, and stays so until close() removes it:
 * no epoll_ctl to switch from "connected" to "readable", and no getsockopt for the connect result (a failed connect
 * shows as EPOLLERR or EPOLLHUP). Fewer system calls per cycle leave more of the generator's core for the server.
 */
static void cycle_start(struct cycle *c) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
        fail("socket");
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->in_len = 0;
    c->step = CONNECTING;
    int connected = connect(c->fd, (struct sockaddr *) &cycle_server[c->side], sizeof cycle_server[c->side]) == 0;
    if (!connected && errno != EINPROGRESS) {
        fail("connect");
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        fail("epoll_ctl add");
    }
    if (connected) {
        cycle_connected(c);
    }
}

/*
 * Reads what has arrived, all of it (edge-triggered): 1 if the peer closed, 0 otherwise. A short read took all there
 * was, and EPOLLRDHUP says whether the peer's FIN came with it, so no read is spent on EAGAIN.
 */
static int cycle_read(struct cycle *c, uint32_t events) {
    for (;;) {
        size_t room = sizeof c->in - c->in_len - 1;
        ssize_t n = io_read(c->fd, c->ssl, c->in + c->in_len, room);
        if (n < 0) {
            if (errno == EAGAIN) {
                return 0;
            }
            fail("read");
        }
        if (n == 0) {
            return 1;
        }
        c->in_len += (size_t) n;
        if ((size_t) n < room && c->ssl == NULL) {
            return (events & EPOLLRDHUP) != 0;
        }
        if (c->in_len == sizeof c->in - 1) {
            errno = 0;
            fail("response longer than the read buffer");
        }
    }
}

static void cycle_step(struct cycle *c, uint32_t events) {
    static const unsigned char close_1000[] = {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8};
    if (c->step == CONNECTING) {
        if (events & (EPOLLERR | EPOLLHUP)) {
            errno = ECONNREFUSED;
            fail("connect");
        }
        if (!(events & EPOLLOUT)) {
            return;
        }
        cycle_connected(c);
        return; /* the answer comes with a later EPOLLIN edge */
    }
    if (c->step == TLS_HANDSHAKE) {
        cycle_tls(c);
        if (c->step == TLS_HANDSHAKE) {
            return;
        }
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))) {
        return; /* an EPOLLOUT edge: nothing to read */
    }
    int eof = cycle_read(c, events);
    if (c->step == READING_HEAD) {
        c->in[c->in_len] = 0;
        char *end = strstr(c->in, "\r\n\r\n");
        if (end != NULL) {
            if (strncmp(c->in, "HTTP/1.1 101", 12) != 0) {
                errno = 0;
                fail("not upgraded");
            }
            size_t head = (size_t) (end + 4 - c->in);
            memmove(c->in, c->in + head, c->in_len - head); /* nothing should follow the head before our Close */
            c->in_len -= head;
            cycle_write(c, close_1000, sizeof close_1000);
            c->step = READING_CLOSE;
        }
    }
    if (c->step == READING_CLOSE && c->in_len >= 2) {
        size_t length = c->in[1] & 0x7F;
        if ((c->in[0] & 0x0F) != 0x8) {
            errno = 0;
            fail("expected a Close");
        }
        if (c->in_len == 2 + length) {
            c->step = AWAITING_EOF;
        } else if (c->in_len > 2 + length) {
            errno = 0;
            fail("data after the Close");
        }
    }
    if (eof) {
        if (c->step != AWAITING_EOF) {
            errno = 0;
            fail("server closed the connection before its Close");
        }
        cycle_close(c);
        cycles_done++;
        if (turns.on && c->side != turns.active) {
            c->parked = 1; /* its server rests this slice */
        } else {
            turns.done++;
            cycle_start(c);
        }
    }
}

/* Side SIDE's cycles go to 127.0.0.1:PORT. */
static void cycle_target(int side, int port) {
    cycle_server[side].sin_family = AF_INET;
    cycle_server[side].sin_port = htons((uint16_t) port);
    inet_pton(AF_INET, "127.0.0.1", &cycle_server[side].sin_addr);
    cycle_request_len[side] = (size_t) snprintf(cycle_request[side], sizeof cycle_request[side],
            "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: cGFkby1oYW5kc2hha2UtMQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", port);
}

static int handshakes(int argc, char **argv) {
    if (argc > 2 && (strcmp(argv[2], "--tls") == 0 || strcmp(argv[2], "--tls-resume") == 0)) {
        tls = 1;
        tls_resume = strcmp(argv[2], "--tls-resume") == 0;
        tls_init();
        argv++;
        argc--;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: loadgen --handshakes [--tls|--tls-resume] PORT CONCURRENT SECONDS [WARMUP]\n");
        return 2;
    }
    int port = atoi(argv[2]);
    int concurrent = atoi(argv[3]);
    double seconds = atof(argv[4]);
    double warmup = argc > 5 ? atof(argv[5]) : 3;
    cycle_target(0, port);
    epoll_fd = epoll_create1(0);
    struct cycle *slots = calloc((size_t) concurrent, sizeof *slots);
    for (int i = 0; i < concurrent; i++) {
        cycle_start(&slots[i]);
    }
    struct epoll_event ready[256];
    int64_t warmup_end = now_ns() + (int64_t) (warmup * 1e9);
    int64_t end = warmup_end + (int64_t) (seconds * 1e9);
    int64_t measured_from = 0, cpu_from = 0;
    int measuring = 0;
    for (;;) {
        int64_t now = now_ns();
        if (!measuring && now >= warmup_end) {
            measuring = 1;
            measuring_cycles = 1;
            measured_from = now;
            cpu_from = cpu_ns();
            cycles_done = 0;
            resumed = 0;
        }
        if (now >= end) {
            break;
        }
        int n = epoll_wait(epoll_fd, ready, 256, 100);
        if (n < 0 && errno != EINTR) {
            fail("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            cycle_step(ready[i].data.ptr, ready[i].events);
        }
    }
    double elapsed = (double) (now_ns() - measured_from) / 1e9;
    printf("%.0f %.0f", (double) cycles_done / elapsed, (double) (cpu_ns() - cpu_from) / 1e9 / elapsed * 100);
    if (tls) {
        printf(" %.0f", cycles_done > 0 ? 100.0 * (double) resumed / (double) cycles_done : 0.0);
    }
    printf("\n");
    return 0;
}

/*
 * --alternate: the echo load of main to two servers in turns, CONNECTIONS to each; for SLICE_MS only the first server's
 * connections answer their echoes with new messages (each starting again with IN_FLIGHT outstanding), then only the
 * second's, and so on. Prints what turns_report() prints.
 */
static int alternate(int argc, char **argv) {
    if (argc < 10) {
        fprintf(stderr, "usage: loadgen --alternate PORT_A PORT_B CONNECTIONS IN_FLIGHT PAYLOAD_BYTES SECONDS "
                        "WARMUP SLICE_MS\n");
        return 2;
    }
    int ports[2] = {atoi(argv[2]), atoi(argv[3])};
    int connections = atoi(argv[4]);
    int in_flight = atoi(argv[5]);
    payload_bytes = atoi(argv[6]);
    if (connections <= 0 || in_flight <= 0 || atof(argv[7]) <= 0 || atof(argv[9]) <= 0) {
        fprintf(stderr, "loadgen --alternate: connections, in-flight, seconds and slice must be positive\n");
        return 2;
    }
    build_frame();
    epoll_fd = epoll_create1(0);
    int total = 2 * connections;
    struct conn *conns = calloc((size_t) total, sizeof *conns);
    for (int i = 0; i < total; i++) {
        conns[i].side = i < connections ? 0 : 1;
        open_conn(&conns[i], ports[conns[i].side]);
    }
    turns_init(atof(argv[7]), atof(argv[8]), atof(argv[9]));
    struct epoll_event ready[256];
    int tick;
    while ((tick = turns_tick(now_ns())) >= 0) {
        for (int i = 0; tick == 1 && i < total; i++) {
            struct conn *c = &conns[i];
            if (c->side == turns.active && c->outstanding < in_flight) {
                c->owed = in_flight - c->outstanding;
                flush(c);
            }
        }
        int n = epoll_wait(epoll_fd, ready, 256, 1);
        if (n < 0 && errno != EINTR) {
            fail("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = ready[i].data.ptr;
            if (ready[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                int active = c->side == turns.active;
                long m = take_input(c, active); /* the resting side's last echoes are not answered */
                turns.done += active ? m : 0;
            }
            flush(c);
        }
    }
    turns_report();
    for (int i = 0; i < total; i++) {
        close(conns[i].fd);
    }
    return 0;
}

/*
 * --alternate --handshakes: the handshake cycles of handshakes() to two servers in turns, CONCURRENT slots each; a
 * slot whose server rests this slice waits after its cycle, and starts again when its server's slice comes.
 */
static int alternate_handshakes(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: loadgen --alternate --handshakes PORT_A PORT_B CONCURRENT SECONDS WARMUP SLICE_MS\n");
        return 2;
    }
    int concurrent = atoi(argv[4]);
    if (concurrent <= 0 || atof(argv[5]) <= 0 || atof(argv[7]) <= 0) {
        fprintf(stderr, "loadgen --alternate --handshakes: concurrent, seconds and slice must be positive\n");
        return 2;
    }
    cycle_target(0, atoi(argv[2]));
    cycle_target(1, atoi(argv[3]));
    epoll_fd = epoll_create1(0);
    int total = 2 * concurrent;
    struct cycle *slots = calloc((size_t) total, sizeof *slots);
    for (int i = 0; i < total; i++) {
        slots[i].side = i < concurrent ? 0 : 1;
        slots[i].parked = 1;
    }
    turns_init(atof(argv[5]), atof(argv[6]), atof(argv[7]));
    struct epoll_event ready[256];
    int tick;
    while ((tick = turns_tick(now_ns())) >= 0) {
        for (int i = 0; tick == 1 && i < total; i++) {
            if (slots[i].side == turns.active && slots[i].parked) {
                slots[i].parked = 0;
                cycle_start(&slots[i]);
            }
        }
        int n = epoll_wait(epoll_fd, ready, 256, 1);
        if (n < 0 && errno != EINTR) {
            fail("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            cycle_step(ready[i].data.ptr, ready[i].events);
        }
    }
    turns_report();
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "--alternate") == 0 && strcmp(argv[2], "--handshakes") == 0) {
        return alternate_handshakes(argc - 1, argv + 1);
    }
    if (argc > 1 && strcmp(argv[1], "--alternate") == 0) {
        return alternate(argc, argv);
    }
    if (argc > 1 && strcmp(argv[1], "--handshakes") == 0) {
        return handshakes(argc, argv);
    }
    if (argc > 1 && strcmp(argv[1], "--tls") == 0) {
        tls = 1;
        tls_init();
        argv++;
        argc--;
    }
    if (argc < 6) {
        fprintf(stderr, "usage: loadgen [--tls] PORT CONNECTIONS IN_FLIGHT PAYLOAD_BYTES SECONDS [WARMUP [RATE]]\n");
        return 2;
    }
    int port = atoi(argv[1]);
    int connections = atoi(argv[2]);
    int in_flight = atoi(argv[3]);
    payload_bytes = atoi(argv[4]);
    double seconds = atof(argv[5]);
    double warmup = argc > 6 ? atof(argv[6]) : 3;
    double rate = argc > 7 ? atof(argv[7]) : 0;
    build_frame();
    latency_us = calloc(MAX_LATENCY_US, sizeof *latency_us);
    epoll_fd = epoll_create1(0);
    struct conn *conns = calloc((size_t) connections, sizeof *conns);
    for (int i = 0; i < connections; i++) {
        open_conn(&conns[i], port);
    }
    int closed_loop = rate <= 0;
    int64_t start = now_ns();
    if (closed_loop) {
        for (int i = 0; i < connections; i++) {
            conns[i].owed = in_flight;
            flush(&conns[i]);
        }
    }
    int64_t warmup_end = start + (int64_t) (warmup * 1e9);
    int64_t end = warmup_end + (int64_t) (seconds * 1e9);
    int64_t measured_from = 0, cpu_from = 0;
    long scheduled = 0;
    int next = 0;
    struct epoll_event ready[256];
    for (;;) {
        int64_t now = now_ns();
        if (!measuring_stamps && now >= warmup_end) {
            measuring_stamps = 1;
            measured_from = now;
            cpu_from = cpu_ns();
            echoes = 0;
        }
        if (now >= end) {
            break;
        }
        if (!closed_loop) {
            /* Open loop: send what the schedule says is due by now, round-robin over the connections */
            long due = (long) ((double) (now - start) * rate / 1e9);
            for (; scheduled < due; scheduled++) {
                struct conn *c = &conns[next];
                next = (next + 1) % connections;
                c->owed++;
                flush(c);
            }
        }
        int n = epoll_wait(epoll_fd, ready, 256, closed_loop ? 100 : 1);
        if (n < 0 && errno != EINTR) {
            fail("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = ready[i].data.ptr;
            if (ready[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                echoes += take_input(c, closed_loop);
            }
            flush(c);
        }
    }
    double elapsed = (double) (now_ns() - measured_from) / 1e9;
    double busy = (double) (cpu_ns() - cpu_from) / 1e9 / elapsed * 100;
    printf("%.0f %.1f %.1f %.1f %.0f\n", (double) echoes / elapsed, percentile(50), percentile(99),
           percentile(99.9), busy);
    for (int i = 0; i < connections; i++) {
        close(conns[i].fd);
    }
    return 0;
}
