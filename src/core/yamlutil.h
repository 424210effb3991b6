/* yamlutil.h — reading YAML documents through libyaml (internal).
 *
 * Every YAML input payband reads (the built-in dataset, offer and profile
 * files, guide front matter) is loaded into a libyaml document and walked with
 * these helpers, which check keys and types and report `file:line:` errors. */
#ifndef PB_YAMLUTIL_H
#define PB_YAMLUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "core/diag.h"
#include "core/lines.h"
#include "payband/date.h"

typedef struct pb__yaml {
    yaml_document_t doc;
    const char *file;   /* borrowed, for messages */
    long line_offset;   /* added to the text's own line numbers (front matter) */
    pb__lines lines;    /* in characters, as libyaml's marks count: see pb__yaml_line */
    bool loaded;
} pb__yaml;

/* Parse one YAML document from memory. An empty input gives a document with
 * no root. Errors land in `diag` as "file:line: ...". */
pb_status pb__yaml_load(pb__yaml *y, const char *file, const char *text, size_t len,
                        long line_offset, pb__diag *diag);
void pb__yaml_release(pb__yaml *y);

yaml_node_t *pb__yaml_root(pb__yaml *y);
/* The node's line in the file: lines end at LF only, as in every other
 * line number payband prints, whatever else YAML takes for a line break
 * (a lone CR, NEL, LS, PS), so that it never points past the text. */
long pb__yaml_line(const pb__yaml *y, const yaml_node_t *node);
bool pb__yaml_is_null(const yaml_node_t *node);
/* The scalar's text, or NULL if the node is not a scalar. */
const char *pb__yaml_text(const yaml_node_t *node);

/* Value under `key` in a mapping, or NULL. */
yaml_node_t *pb__yaml_get(pb__yaml *y, yaml_node_t *map, const char *key);
/* Number of items of a sequence node and the i-th item. */
size_t pb__yaml_seq_len(const yaml_node_t *seq);
yaml_node_t *pb__yaml_seq_at(pb__yaml *y, yaml_node_t *seq, size_t i);

/* Fail on a key that is not in the NULL-terminated `allowed` list. */
pb_status pb__yaml_check_keys(pb__yaml *y, yaml_node_t *map, const char *const *allowed,
                              pb__diag *diag);
/* Type-checked reads. `what` names the field in messages. A missing node is
 * an error for the *_req forms; the others leave *out untouched and return
 * PB_OK when the node is NULL or null. */
pb_status pb__yaml_expect(pb__yaml *y, yaml_node_t *node, yaml_node_type_t type,
                          const char *what, pb__diag *diag);
pb_status pb__yaml_string(pb__yaml *y, yaml_node_t *node, const char *what, const char **out,
                          pb__diag *diag);
pb_status pb__yaml_int(pb__yaml *y, yaml_node_t *node, const char *what, int64_t *out,
                       pb__diag *diag);
pb_status pb__yaml_number(pb__yaml *y, yaml_node_t *node, const char *what, double *out,
                          pb__diag *diag);
pb_status pb__yaml_date(pb__yaml *y, yaml_node_t *node, const char *what, pb_date *out,
                        pb__diag *diag);
pb_status pb__yaml_bool(pb__yaml *y, yaml_node_t *node, const char *what, bool *out,
                        pb__diag *diag);

#endif
