/* lines.h — line numbers of positions in a text (internal): a sorted table
 * of where each line starts, searched by halves. Lines end at LF only, in
 * every line number payband prints. Positions are bytes for the document
 * readers (md4c's offsets) or characters for YAML (libyaml's marks). */
#ifndef PB_LINES_H
#define PB_LINES_H

#include <stddef.h>

#include "payband/status.h"

typedef struct pb__lines {
    size_t *starts; /* position where each line starts; starts[0] is 0 */
    size_t count;
} pb__lines;

/* Positions in bytes. */
pb_status pb__lines_build(pb__lines *lines, const char *text, size_t len);
/* Positions in characters as libyaml counts them: UTF-8 sequences, a
 * leading byte-order mark not counted. */
pb_status pb__lines_build_chars(pb__lines *lines, const char *text, size_t len);
/* 1-based line of a position. */
long pb__lines_at(const pb__lines *lines, size_t position);
void pb__lines_release(pb__lines *lines);

#endif
