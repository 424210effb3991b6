/* jsonrows.c — items of a JSON array or lines of JSON Lines, read in chunks:
 * a scanner finds where each item ends (strings, escapes and nesting
 * tracked), jansson parses the item. */
#include "reports/jsonrows.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

#define CHUNK (1u << 18)

enum mode { BEFORE, EXPECT_ITEM, IN_ITEM, AFTER_ITEM, DONE };

struct pb__jsonrows {
    FILE *file;
    const char *data;
    char *chunk;
    size_t pos, end;
    uint64_t consumed;
    bool eof, array;
    enum mode mode;
    long line;
    char *item;
    size_t len, cap;
    bool too_long;
    char why[200];
};

static pb__jsonrows *make(bool array)
{
    pb__jsonrows *j = pb__calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->array = array;
    j->line = 1;
    j->mode = array ? BEFORE : EXPECT_ITEM;
    return j;
}

pb__jsonrows *pb__jsonrows_open_file(FILE *f, bool array)
{
    pb__jsonrows *j = make(array);
    if (j && !(j->chunk = pb__malloc(CHUNK))) {
        pb__free(j);
        return NULL;
    }
    if (j) {
        j->file = f;
        j->data = j->chunk;
    }
    return j;
}

pb__jsonrows *pb__jsonrows_open_mem(const char *data, size_t len, bool array)
{
    pb__jsonrows *j = make(array);
    if (j) {
        j->data = data;
        j->end = len;
        j->eof = true;
    }
    return j;
}

void pb__jsonrows_close(pb__jsonrows *j)
{
    if (!j)
        return;
    pb__free(j->chunk);
    pb__free(j->item);
    pb__free(j);
}

uint64_t pb__jsonrows_offset(const pb__jsonrows *j)
{
    return j->consumed + j->pos;
}

static bool fill(pb__jsonrows *j)
{
    if (j->pos < j->end)
        return true;
    if (j->eof)
        return false;
    j->consumed += j->end;
    j->pos = 0;
    j->end = fread(j->chunk, 1, CHUNK, j->file);
    if (j->end == 0)
        j->eof = true;
    return j->end > 0;
}

static void keep(pb__jsonrows *j, char c)
{
    if (j->len + 2 > PB__JSONROWS_MAX_ITEM) {
        j->too_long = true;
        return;
    }
    if (j->len + 2 > j->cap) {
        size_t cap = j->cap ? j->cap * 2 : 4096;
        char *grown = pb__realloc(j->item, cap);
        if (!grown) {
            j->too_long = true;
            return;
        }
        j->item = grown;
        j->cap = cap;
    }
    j->item[j->len++] = c;
}

static bool space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Parse the collected item into *obj, or say why not. */
static int parse_item(pb__jsonrows *j, json_t **obj, const char **why)
{
    json_error_t err;
    *obj = NULL;
    if (j->too_long) {
        *why = "item longer than 1 MiB";
        return 1;
    }
    json_t *v = json_loadb(j->item ? j->item : "", j->len, JSON_DECODE_ANY, &err);
    if (!v) {
        snprintf(j->why, sizeof j->why, "not JSON: %s", err.text);
        *why = j->why;
    } else if (!json_is_object(v)) {
        *why = "not a JSON object";
        json_decref(v);
    } else {
        *obj = v;
    }
    return 1;
}

/* One line of JSON Lines; blank lines are skipped. */
static int next_line(pb__jsonrows *j, json_t **obj, long *line, const char **why)
{
    for (;;) {
        j->len = 0;
        j->too_long = false;
        *line = j->line;
        bool got = false;
        while (fill(j)) {
            char c = j->data[j->pos++];
            got = true;
            if (c == '\n') {
                j->line++;
                break;
            }
            keep(j, c);
        }
        if (!got) {
            if (j->file && ferror(j->file)) {
                *why = "read error";
                return -1;
            }
            return 0;
        }
        size_t start = 0;
        if (*line == 1 && j->len >= 3 && memcmp(j->item, "\xEF\xBB\xBF", 3) == 0)
            start = 3; /* a byte order mark */
        bool blank = true;
        for (size_t i = start; i < j->len && blank; i++)
            blank = space(j->item[i]);
        if (blank && !j->too_long)
            continue;
        if (start) {
            memmove(j->item, j->item + start, j->len - start);
            j->len -= start;
        }
        return parse_item(j, obj, why);
    }
}

int pb__jsonrows_next(pb__jsonrows *j, json_t **obj, long *line, const char **why)
{
    if (!j->array)
        return next_line(j, obj, line, why);
    int depth = 0;
    bool in_string = false, escape = false;
    *obj = NULL;
    while (j->mode != DONE) {
        if (!fill(j)) {
            if (j->file && ferror(j->file)) {
                *why = "read error";
                return -1;
            }
            *why = j->mode == BEFORE ? "not a JSON array" : "the array is not closed";
            j->mode = DONE;
            return -1;
        }
        char c = j->data[j->pos];
        switch (j->mode) {
        case BEFORE:
            j->pos++;
            if (c == '\n')
                j->line++;
            if (space(c) || (j->consumed + j->pos <= 3 && (unsigned char)c >= 0xBB))
                break;
            if (c != '[') {
                j->mode = DONE;
                *why = "not a JSON array";
                return -1;
            }
            j->mode = EXPECT_ITEM;
            break;
        case EXPECT_ITEM:
            if (space(c)) {
                j->line += c == '\n';
                j->pos++;
                break;
            }
            if (c == ']') {
                j->pos++;
                j->mode = DONE;
                break;
            }
            j->mode = IN_ITEM;
            j->len = 0;
            j->too_long = false;
            *line = j->line;
            break;
        case IN_ITEM:
            if (!in_string && depth == 0 && j->len > 0 && (c == ',' || c == ']' || space(c))) {
                j->mode = AFTER_ITEM;
                return parse_item(j, obj, why);
            }
            j->pos++;
            j->line += c == '\n';
            keep(j, c);
            if (in_string) {
                if (escape)
                    escape = false;
                else if (c == '\\')
                    escape = true;
                else if (c == '"')
                    in_string = false;
            } else if (c == '"') {
                in_string = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                j->mode = AFTER_ITEM;
                return parse_item(j, obj, why);
            } else if (depth < 0) {
                j->mode = DONE;
                *why = "unbalanced brackets";
                return -1;
            }
            break;
        case AFTER_ITEM:
            j->pos++;
            if (space(c)) {
                j->line += c == '\n';
                break;
            }
            if (c == ',') {
                j->mode = EXPECT_ITEM;
                break;
            }
            if (c == ']') {
                j->mode = DONE;
                break;
            }
            j->mode = DONE;
            snprintf(j->why, sizeof j->why, "line %ld: expected ',' or ']' between items", j->line);
            *why = j->why;
            return -1;
        case DONE:
            break;
        }
    }
    /* after the array: only spaces */
    while (fill(j)) {
        char c = j->data[j->pos++];
        if (c == '\n')
            j->line++;
        else if (!space(c)) {
            *why = "text after the end of the array";
            j->pos = j->end;
            j->eof = true;
            return -1;
        }
    }
    return 0;
}
