/*
 * wss:// for the C load generators (loadgen.c, connections.c): TLS 1.3 client connections through OpenSSL whose reads
 * and writes act like read(2) and write(2) on a non-blocking socket. Compiled in with -DPADO_TLS (and -lssl -lcrypto);
 * without it every connection is plain and its SSL pointer NULL. The includer defines fail(const char *) first.
 * The server's certificate is not checked: the generators measure the server's cost, and checking only adds to theirs.
 */
#ifndef PADO_TLS_IO_H
#define PADO_TLS_IO_H
#ifdef PADO_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#else
typedef struct ssl_st SSL; /* without OpenSSL, every connection is plain and its SSL pointer NULL */
#endif

/* ---- TLS (wss://): reads and writes that act like read(2) and write(2) on a non-blocking socket */

static int tls;          /* --tls: every connection speaks TLS */
static int tls_resume;   /* --tls-resume: offer the latest session ticket */
static long resumed;     /* handshakes that were resumptions, while measuring */

#ifdef PADO_TLS
static SSL_CTX *tls_ctx;
static SSL_SESSION *latest_session;

/* OpenSSL hands over each session ticket the server sends; keep the latest (we own it: return 1). */
static int keep_session(SSL *ssl, SSL_SESSION *session) {
    (void) ssl;
    if (latest_session != NULL) {
        SSL_SESSION_free(latest_session);
    }
    latest_session = session;
    return 1;
}

static void tls_init(void) {
    (void) resumed; /* counted by the generators that measure resumption */
    tls_ctx = SSL_CTX_new(TLS_client_method());
    if (tls_ctx == NULL) {
        errno = 0;
        fail("SSL_CTX_new");
    }
    SSL_CTX_set_min_proto_version(tls_ctx, TLS1_3_VERSION);
    SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_NONE, NULL);
    /* Partial writes, like write(2); a retried write may come from a buffer that moved (our out[] is compacted) */
    SSL_CTX_set_mode(tls_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
            | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_read_ahead(tls_ctx, 1); /* read records in big reads, not a header and a body at a time */
    SSL_CTX_set_session_cache_mode(tls_ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(tls_ctx, keep_session);
}

static SSL *tls_new(int fd) {
    SSL *ssl = SSL_new(tls_ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
        errno = 0;
        fail("SSL_new");
    }
    if (tls_resume && latest_session != NULL) {
        SSL_set_session(ssl, latest_session);
    }
    return ssl;
}

/* -1 with errno EAGAIN when the TLS engine waits for the socket (either way), like a non-blocking socket. */
static ssize_t tls_result(SSL *ssl, int n, const char *what) {
    if (n > 0) {
        return n;
    }
    int error = SSL_get_error(ssl, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        errno = EAGAIN;
        return -1;
    }
    if (error == SSL_ERROR_ZERO_RETURN || (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0)) {
        return 0; /* close_notify, or the end of the socket */
    }
    if (error == SSL_ERROR_SYSCALL && errno != 0) {
        return -1;
    }
    fprintf(stderr, "loadgen: %s: TLS error %d\n", what, error);
    ERR_print_errors_fp(stderr);
    exit(1);
}

/* Drives the TLS handshake: 1 when done, 0 when it waits for the socket. */
static int tls_handshake(SSL *ssl) {
    errno = 0;
    ssize_t r = tls_result(ssl, SSL_connect(ssl), "handshake");
    if (r > 0) {
        return 1;
    }
    if (r < 0 && errno == EAGAIN) {
        return 0;
    }
    errno = 0;
    fail("TLS handshake: the server closed the connection");
    return 0;
}
#else
static void tls_init(void) {
    errno = 0;
    fail("--tls: built without OpenSSL (cc -DPADO_TLS ... -lssl -lcrypto)");
}

static SSL *tls_new(int fd) {
    (void) fd;
    (void) tls_resume;
    (void) resumed;
    return NULL;
}

static int tls_handshake(SSL *ssl) {
    (void) ssl;
    return 1;
}
#endif

static ssize_t io_read(int fd, SSL *ssl, void *buf, size_t n) {
#ifdef PADO_TLS
    if (ssl != NULL) {
        errno = 0;
        return tls_result(ssl, SSL_read(ssl, buf, (int) (n > INT32_MAX ? INT32_MAX : n)), "read");
    }
#endif
    (void) ssl;
    return read(fd, buf, n);
}

static ssize_t io_write(int fd, SSL *ssl, const void *buf, size_t n) {
#ifdef PADO_TLS
    if (ssl != NULL) {
        errno = 0;
        ssize_t r = tls_result(ssl, SSL_write(ssl, buf, (int) (n > INT32_MAX ? INT32_MAX : n)), "write");
        if (r == 0) {
            errno = EPIPE;
            return -1;
        }
        return r;
    }
#endif
    (void) ssl;
    return write(fd, buf, n);
}

#endif
