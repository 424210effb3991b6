/* yamlutil.c — libyaml document loading and type-checked node access. */
#include "core/yamlutil.h"
#include "payband/number.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The parser's error as "file:line: invalid yaml: problem context". */
static pb_status load_error(const pb__yaml *y, const yaml_parser_t *parser, const char *file,
                            pb__diag *diag)
{
    long line = pb__lines_at(&y->lines, parser->problem_mark.index) + y->line_offset;
    pb_status st = parser->error == YAML_MEMORY_ERROR ? PB_ERR_NOMEM : PB_ERR_PARSE;
    return pb__diag_set(diag, st, file, line, "invalid yaml: %s%s%s",
                        parser->problem ? parser->problem : "unknown problem",
                        parser->context ? " " : "", parser->context ? parser->context : "");
}

pb_status pb__yaml_load(pb__yaml *y, const char *file, const char *text, size_t len,
                        long line_offset, pb__diag *diag)
{
    yaml_parser_t parser;
    memset(y, 0, sizeof *y);
    y->file = file;
    y->line_offset = line_offset;
    if (pb__lines_build_chars(&y->lines, text, len) != PB_OK)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    if (!yaml_parser_initialize(&parser)) {
        pb__yaml_release(y);
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &y->doc)) {
        pb_status st = load_error(y, &parser, file, diag);
        yaml_parser_delete(&parser);
        pb__yaml_release(y);
        return st;
    }
    /* A second document ("---") would otherwise be dropped unseen. */
    if (yaml_document_get_root_node(&y->doc)) {
        yaml_document_t next;
        pb_status st = PB_OK;
        if (!yaml_parser_load(&parser, &next)) {
            st = load_error(y, &parser, file, diag);
        } else {
            yaml_node_t *root = yaml_document_get_root_node(&next);
            if (root)
                st = pb__diag_set(diag, PB_ERR_PARSE, file, pb__yaml_line(y, root),
                                  "more than one yaml document");
            yaml_document_delete(&next);
        }
        if (st != PB_OK) {
            yaml_document_delete(&y->doc);
            yaml_parser_delete(&parser);
            pb__yaml_release(y);
            return st;
        }
    }
    yaml_parser_delete(&parser);
    y->loaded = true;
    return PB_OK;
}

void pb__yaml_release(pb__yaml *y)
{
    if (y->loaded)
        yaml_document_delete(&y->doc);
    y->loaded = false;
    pb__lines_release(&y->lines);
}

yaml_node_t *pb__yaml_root(pb__yaml *y)
{
    return yaml_document_get_root_node(&y->doc);
}

/* libyaml's marks count characters and its lines end at any YAML line
 * break (a lone CR, NEL, LS, PS as well as LF); lines here end at LF only,
 * so a mark's line comes from its character index (`mark.index`) in the
 * text's line table, never from `mark.line`. */
long pb__yaml_line(const pb__yaml *y, const yaml_node_t *node)
{
    return node ? pb__lines_at(&y->lines, node->start_mark.index) + y->line_offset : 0;
}

bool pb__yaml_is_null(const yaml_node_t *node)
{
    if (!node)
        return true;
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)node->data.scalar.value;
    return strcmp(v, "") == 0 || strcmp(v, "null") == 0 || strcmp(v, "~") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

const char *pb__yaml_text(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

yaml_node_t *pb__yaml_get(pb__yaml *y, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(&y->doc, p->key);
        const char *t = pb__yaml_text(k);
        if (t && strcmp(t, key) == 0)
            return yaml_document_get_node(&y->doc, p->value);
    }
    return NULL;
}

size_t pb__yaml_seq_len(const yaml_node_t *seq)
{
    if (!seq || seq->type != YAML_SEQUENCE_NODE)
        return 0;
    return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *pb__yaml_seq_at(pb__yaml *y, yaml_node_t *seq, size_t i)
{
    if (i >= pb__yaml_seq_len(seq))
        return NULL;
    return yaml_document_get_node(&y->doc, seq->data.sequence.items.start[i]);
}

static const char *type_name(yaml_node_type_t t)
{
    switch (t) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

pb_status pb__yaml_check_keys(pb__yaml *y, yaml_node_t *map, const char *const *allowed,
                              pb__diag *diag)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return PB_OK;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(&y->doc, p->key);
        const char *t = pb__yaml_text(k);
        bool ok = false;
        for (size_t i = 0; t && allowed[i]; i++)
            if (strcmp(allowed[i], t) == 0)
                ok = true;
        if (!ok)
            return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, k),
                                "unknown key '%s'", t ? t : "?");
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            const char *u = pb__yaml_text(yaml_document_get_node(&y->doc, q->key));
            if (u && strcmp(u, t) == 0)
                return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, k),
                                    "duplicate key '%s'", t);
        }
    }
    return PB_OK;
}

pb_status pb__yaml_expect(pb__yaml *y, yaml_node_t *node, yaml_node_type_t type,
                          const char *what, pb__diag *diag)
{
    if (!node)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, 0, "missing %s", what);
    if (node->type != type)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                            "%s must be %s", what, type_name(type));
    return PB_OK;
}

pb_status pb__yaml_string(pb__yaml *y, yaml_node_t *node, const char *what, const char **out,
                          pb__diag *diag)
{
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SCALAR_NODE, what, diag);
    if (st == PB_OK)
        *out = pb__yaml_text(node);
    return st;
}

pb_status pb__yaml_number(pb__yaml *y, yaml_node_t *node, const char *what, double *out,
                          pb__diag *diag)
{
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SCALAR_NODE, what, diag);
    if (st != PB_OK)
        return st;
    const char *t = pb__yaml_text(node);
    double v = 0;
    if (!pb_decimal_parse_str(t, &v))
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                            "%s must be a number, not '%s'", what, t);
    *out = v;
    return PB_OK;
}

pb_status pb__yaml_int(pb__yaml *y, yaml_node_t *node, const char *what, int64_t *out,
                       pb__diag *diag)
{
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SCALAR_NODE, what, diag);
    if (st != PB_OK)
        return st;
    const char *t = pb__yaml_text(node);
    int64_t v = 0;
    if (!pb_integer_parse_str(t, INT64_MIN, INT64_MAX, &v))
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                            "%s must be a whole number, not '%s'", what, t);
    *out = v;
    return PB_OK;
}

pb_status pb__yaml_date(pb__yaml *y, yaml_node_t *node, const char *what, pb_date *out,
                        pb__diag *diag)
{
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SCALAR_NODE, what, diag);
    if (st != PB_OK)
        return st;
    if (pb_date_parse(pb__yaml_text(node), out) != PB_OK)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                            "%s must be a date YYYY-MM-DD, not '%s'", what, pb__yaml_text(node));
    return PB_OK;
}

pb_status pb__yaml_bool(pb__yaml *y, yaml_node_t *node, const char *what, bool *out,
                        pb__diag *diag)
{
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SCALAR_NODE, what, diag);
    if (st != PB_OK)
        return st;
    const char *t = pb__yaml_text(node);
    if (strcmp(t, "true") == 0 || strcmp(t, "yes") == 0) {
        *out = true;
        return PB_OK;
    }
    if (strcmp(t, "false") == 0 || strcmp(t, "no") == 0) {
        *out = false;
        return PB_OK;
    }
    return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                        "%s must be true or false, not '%s'", what, t);
}
