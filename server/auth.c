/* auth.c — the bearer token: read once from --token-file, and compared with
 * what a request carries in time that does not depend on how much of it
 * matches. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "server.h"

enum { TOKEN_MIN = 16, TOKEN_MAX = 4096 };

int srv_token_load(struct srv *s, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "payband: error: %s: cannot open the token file: %s\n", path,
                strerror(errno));
        return -1;
    }
    char buf[TOKEN_MAX + 2];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    bool bad = ferror(f) != 0;
    struct stat st;
    bool shared = fstat(fileno(f), &st) == 0 && (st.st_mode & 077) != 0;
    fclose(f);
    if (bad) {
        fprintf(stderr, "payband: error: %s: cannot read the token file\n", path);
        return -1;
    }
    if (n > TOKEN_MAX) {
        fprintf(stderr, "payband: error: %s: the token is longer than %d bytes\n", path,
                TOKEN_MAX);
        return -1;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' ||
                     buf[n - 1] == '\t'))
        n--;
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)buf[i] <= ' ' || (unsigned char)buf[i] >= 0x7f) {
            fprintf(stderr,
                    "payband: error: %s: the token must be one line of printable ASCII "
                    "without spaces\n",
                    path);
            return -1;
        }
    if (n < TOKEN_MIN) {
        fprintf(stderr, "payband: error: %s: the token must have at least %d characters\n", path,
                TOKEN_MIN);
        return -1;
    }
    if (shared)
        fprintf(stderr, "payband: warning: %s can be read by other users (chmod 600 it)\n",
                path);
    s->token = pb__strndup(buf, n);
    if (!s->token) {
        fprintf(stderr, "payband: error: out of memory\n");
        return -1;
    }
    s->token_len = n;
    return 0;
}

bool srv_token_equal(const char *token, size_t token_len, const char *given, size_t given_len)
{
    /* Every byte of the token is looked at whatever `given` holds; a
     * shorter or longer candidate differs through the length term. */
    volatile unsigned char diff = (unsigned char)(token_len != given_len);
    for (size_t i = 0; i < token_len; i++) {
        unsigned char g = i < given_len ? (unsigned char)given[i] : 0;
        diff |= (unsigned char)(token[i] ^ g);
    }
    return diff == 0;
}

bool srv_token_ok(struct srv *s, struct MHD_Connection *conn)
{
    if (!s->token)
        return false;
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return false;
    const char *given = h + 7;
    while (*given == ' ')
        given++;
    return srv_token_equal(s->token, s->token_len, given, strlen(given));
}
