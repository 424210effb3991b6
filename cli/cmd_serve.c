/* cmd_serve.c — `payband serve`: the HTTP JSON API and the web page
 * (server/), with its limits taken from the command line. The database is
 * created and migrated here, before any worker thread opens it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "payband/number.h"
#include "serve.h"

enum {
    O_LISTEN = CLI_OPT_FIRST_FREE, O_TOKEN, O_THREADS, O_PRIVATE, O_MAX_BODY, O_MAX_CONN,
    O_MAX_PER_IP, O_TIMEOUT, O_REQ_TIMEOUT, O_MAX_SIM, O_RATE, O_BURST, O_NO_CACHE, O_LOG
};

/* "127.0.0.1:8080", "[::1]:8080": the host into buf, the port into *port. */
static bool parse_listen(const char *text, char *buf, size_t cap, unsigned *port)
{
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text)
        return false;
    const char *host = text;
    size_t n = (size_t)(colon - text);
    if (text[0] == '[') {
        if (colon[-1] != ']' || n < 3)
            return false;
        host++;
        n -= 2;
    }
    int64_t p;
    if (n >= cap || !pb_integer_parse_str(colon + 1, 0, 65535, &p))
        return false;
    memcpy(buf, host, n);
    buf[n] = '\0';
    *port = (unsigned)p;
    return true;
}

const struct option cli_serve_options[] = {
    {"listen", required_argument, 0, O_LISTEN},
    {"token-file", required_argument, 0, O_TOKEN},
    {"threads", required_argument, 0, O_THREADS},
    {"private", no_argument, 0, O_PRIVATE},
    {"max-body", required_argument, 0, O_MAX_BODY},
    {"max-connections", required_argument, 0, O_MAX_CONN},
    {"max-connections-per-ip", required_argument, 0, O_MAX_PER_IP},
    {"timeout", required_argument, 0, O_TIMEOUT},
    {"request-timeout", required_argument, 0, O_REQ_TIMEOUT},
    {"max-simulation", required_argument, 0, O_MAX_SIM},
    {"rate-limit", required_argument, 0, O_RATE},
    {"rate-burst", required_argument, 0, O_BURST},
    {"no-cache", no_argument, 0, O_NO_CACHE},
    {"access-log", no_argument, 0, O_LOG},
    {"db", required_argument, 0, CLI_OPT_DB},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

/* A whole number option in [min, max]; false after the usage message. */
static bool whole(const char *flag, const char *arg, int64_t min, int64_t max, int64_t *out)
{
    char name[48];
    snprintf(name, sizeof name, "--%s", flag);
    return cli_flag_whole("serve", name, arg, min, max, out) == 0;
}

int cmd_serve(int argc, char **argv)
{
    struct srv_options opt;
    srv_options_default(&opt);
    struct cli_common common = {0};
    char host[256];
    int64_t x;
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_serve_options)) != -1) {
        switch (c) {
        case O_LISTEN:
            if (!parse_listen(optarg, host, sizeof host, &opt.port))
                return cli_usage_error("serve", "--listen needs ADDRESS:PORT such as "
                                                "127.0.0.1:8080 or [::1]:8080, not '%s'",
                                       optarg);
            opt.host = host;
            break;
        case O_TOKEN: opt.token_file = optarg; break;
        case O_PRIVATE: opt.private_reads = true; break;
        case O_NO_CACHE: opt.cache = false; break;
        case O_LOG: opt.access_log = true; break;
        case O_THREADS:
            if (!whole("threads", optarg, 1, 64, &x))
                return CLI_EXIT_USAGE;
            opt.threads = (int)x;
            break;
        case O_MAX_BODY:
            if (!whole("max-body", optarg, 1024, 256 << 20, &x))
                return CLI_EXIT_USAGE;
            opt.max_body = (size_t)x;
            break;
        case O_MAX_CONN:
            if (!whole("max-connections", optarg, 1, 100000, &x))
                return CLI_EXIT_USAGE;
            opt.max_connections = (unsigned)x;
            break;
        case O_MAX_PER_IP:
            if (!whole("max-connections-per-ip", optarg, 1, 100000, &x))
                return CLI_EXIT_USAGE;
            opt.max_per_ip = (unsigned)x;
            break;
        case O_TIMEOUT:
            if (!whole("timeout", optarg, 1, 3600, &x))
                return CLI_EXIT_USAGE;
            opt.idle_timeout = (unsigned)x;
            break;
        case O_REQ_TIMEOUT:
            if (!whole("request-timeout", optarg, 0, 3600, &x))
                return CLI_EXIT_USAGE;
            opt.request_timeout = (unsigned)x;
            break;
        case O_MAX_SIM:
            if (!whole("max-simulation", optarg, 1, 10000000000LL, &x))
                return CLI_EXIT_USAGE;
            opt.max_simulation = (double)x;
            break;
        case O_RATE:
            if (!whole("rate-limit", optarg, 0, 1000000, &x))
                return CLI_EXIT_USAGE;
            opt.rate_limit = (unsigned)x;
            break;
        case O_BURST:
            if (!whole("rate-burst", optarg, 1, 1000000, &x))
                return CLI_EXIT_USAGE;
            opt.rate_burst = (unsigned)x;
            break;
        default:
            if ((rc = cli_common_option("serve", c, optarg, &common)) != 0)
                return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (opt.private_reads && !opt.token_file)
        return cli_usage_error("serve", "--private needs --token-file (reads then need its token)");
    /* PAYBAND_TODAY (read by main into cli_today) fixes the day for the
     * server's life; without it each request takes the clock's day. */
    const char *fixed = getenv("PAYBAND_TODAY");
    opt.today = fixed && *fixed ? cli_today : PB_DATE_NONE;
    char path[4096];
    opt.db = cli_db_path(common.db, path, sizeof path);
    if (!opt.db)
        return CLI_EXIT_FAIL;
    pb_store *store = cli_open_store(opt.db);
    if (!store)
        return CLI_EXIT_FAIL;
    pb_store_close(store);
    return srv_run(&opt) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
