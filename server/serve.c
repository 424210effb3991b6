/* serve.c — `payband serve` from start to SIGTERM: libmicrohttpd in its
 * thread-pool mode (a fixed number of workers, each with its own epoll set
 * and its own store handle, so that a thousand open connections cost file
 * descriptors and a little memory, not threads), the limits, the metrics and
 * the cache set up around it, and a shutdown that stops accepting, lets the
 * requests in flight finish, then stops. */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "server.h"

enum { SHUTDOWN_GRACE_SECONDS = 30, CACHE_SLOTS = 256 };

void srv_options_default(struct srv_options *opt)
{
    *opt = (struct srv_options){
        .host = "127.0.0.1",
        .port = 8080,
        .threads = 2,
        .max_body = 1024 * 1024,
        .max_connections = 1024,
        .max_per_ip = 64,
        .idle_timeout = 15,
        .request_timeout = 30,
        .max_simulation = 8e6,
        .rate_limit = 60,
        .rate_burst = 10,
        .cache = true,
        .today = INT32_MIN,
    };
}

/* ---- one store handle per worker thread ----------------------------------------- */

static void close_thread_store(void *store)
{
    pb_store_close(store);
}

pb_store *srv_store(struct srv_req *r)
{
    pb_store *store = pthread_getspecific(r->srv->store_key);
    if (store)
        return store;
    pb_status st = pb_store_open(r->srv->opt.db, PB_STORE_NO_BUILTIN, &store);
    if (st != PB_OK || pthread_setspecific(r->srv->store_key, store) != 0) {
        fprintf(stderr, "payband: error: a worker cannot open the database: %s\n",
                pb_store_errmsg(store));
        pb_store_close(store);
        return NULL;
    }
    return store;
}

void srv_data_changed(struct srv *s)
{
    atomic_fetch_add(&s->generation, 1);
}

/* ---- starting and stopping -------------------------------------------------------- */

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    fprintf(stderr, "payband: http: %s\n", line);
}

/* Decode %XX in the path and the query as MHD does, but a path that
 * decodes to a NUL ("/app.js%00.html") becomes "", which no route takes:
 * the rest of the server sees C strings and must not see a cut one. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *uri)
{
    (void)cls;
    (void)conn;
    size_t n = MHD_http_unescape(uri);
    if (strlen(uri) != n) {
        uri[0] = '\0';
        return 0;
    }
    return n;
}

/* Room for every connection plus the database and the listening socket. */
static void raise_fd_limit(unsigned connections)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)connections + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static struct MHD_Daemon *start_daemon(struct srv *s, const struct sockaddr *addr)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_TURBO | MHD_USE_ERROR_LOG;
    if (addr->sa_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    const struct srv_options *o = &s->opt;
    return MHD_start_daemon(
        flags, (uint16_t)o->port, NULL, NULL, srv_access, s, MHD_OPTION_EXTERNAL_LOGGER, log_mhd,
        NULL, MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 1 ? o->threads : 0),
        MHD_OPTION_CONNECTION_LIMIT, o->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        o->max_per_ip, MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        srv_completed, s, MHD_OPTION_NOTIFY_CONNECTION, srv_conns_notify, s,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_STRICT_FOR_CLIENT, 1,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
}

static void release(struct srv *s)
{
    srv_conns_stop_reaper(s->conns);
    srv_conns_free(s->conns);
    srv_cache_free(s->cache);
    srv_limiter_free(s->limiter);
    srv_metrics_free(s->metrics);
    pb__free(s->token);
}

int srv_run(const struct srv_options *opt)
{
    struct srv s = {.opt = *opt};
    atomic_init(&s.generation, 0);
    atomic_init(&s.in_flight, 0);
    int rc = 1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
    struct addrinfo *ai = NULL;
    char port[16];
    snprintf(port, sizeof port, "%u", opt->port);
    int gai = getaddrinfo(opt->host, port, &hints, &ai);
    if (gai != 0) {
        fprintf(stderr, "payband: error: cannot listen on '%s': %s\n", opt->host,
                gai_strerror(gai));
        return 1;
    }
    if (opt->token_file && srv_token_load(&s, opt->token_file) != 0)
        goto done;
    s.metrics = srv_metrics_new();
    s.conns = srv_conns_new(opt->max_connections + 16, opt->request_timeout);
    s.cache = opt->cache ? srv_cache_new(CACHE_SLOTS) : NULL;
    s.limiter = opt->rate_limit ? srv_limiter_new(opt->rate_limit, opt->rate_burst) : NULL;
    if (!s.metrics || !s.conns || (opt->cache && !s.cache) || (opt->rate_limit && !s.limiter)) {
        fprintf(stderr, "payband: error: out of memory\n");
        goto done;
    }
    if (pthread_key_create(&s.store_key, close_thread_store) != 0) {
        fprintf(stderr, "payband: error: cannot make thread storage\n");
        goto done;
    }
    /* SIGTERM and SIGINT are taken by sigwait below; every thread started
     * from here inherits the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit(opt->max_connections);
    s.daemon = start_daemon(&s, ai->ai_addr);
    if (!s.daemon) {
        fprintf(stderr, "payband: error: cannot listen on %s port %u: %s\n", opt->host,
                opt->port, strerror(errno));
        goto done_key;
    }
    if (srv_conns_start_reaper(s.conns) != 0) {
        fprintf(stderr, "payband: error: cannot start the deadline thread\n");
        MHD_stop_daemon(s.daemon);
        goto done_key;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s.daemon, MHD_DAEMON_INFO_BIND_PORT);
    char db_shown[1024];
    pb_store_target_shown(opt->db, db_shown, sizeof db_shown);
    fprintf(stderr, "payband: serving http://%s%s%s:%u/ with %d threads, database %s%s\n",
            ai->ai_family == AF_INET6 ? "[" : "", opt->host,
            ai->ai_family == AF_INET6 ? "]" : "", info ? info->port : opt->port,
            opt->threads, db_shown,
            s.token ? "" : " (writes off: no --token-file)");
    fflush(stderr);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    /* Stop taking connections, let the requests in flight finish. */
    MHD_socket listener = MHD_quiesce_daemon(s.daemon);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    int waiting = atomic_load(&s.in_flight);
    fprintf(stderr, "payband: %s: stopping after %d request%s in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT", waiting, waiting == 1 ? "" : "s");
    for (int i = 0; i < SHUTDOWN_GRACE_SECONDS * 100 && atomic_load(&s.in_flight) > 0; i++) {
        struct timespec ten_ms = {0, 10 * 1000000L};
        nanosleep(&ten_ms, NULL);
    }
    MHD_stop_daemon(s.daemon);
    fprintf(stderr, "payband: stopped\n");
    rc = 0;
done_key:
    pthread_key_delete(s.store_key);
done:
    release(&s);
    freeaddrinfo(ai);
    return rc;
}
