/* jsonrows.h — the objects of a JSON array or of JSON Lines, one at a time
 * (internal). The array is split into its items by a small scanner that
 * tracks strings and nesting, so a file of any size is read in bounded
 * memory (one item at most PB__JSONROWS_MAX_ITEM bytes) and every item
 * knows its line; each item is then parsed by jansson. */
#ifndef PB_JSONROWS_H
#define PB_JSONROWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PB__JSONROWS_MAX_ITEM (1u << 20)

typedef struct pb__jsonrows pb__jsonrows;

/* `array`: the input is one JSON array of objects; else JSON Lines. The
 * file or memory is borrowed. NULL when out of memory. */
pb__jsonrows *pb__jsonrows_open_file(FILE *f, bool array);
pb__jsonrows *pb__jsonrows_open_mem(const char *data, size_t len, bool array);
void pb__jsonrows_close(pb__jsonrows *j);

/* The next item: 1 with *obj (the caller's, json_decref it) or, when the
 * item is not a readable object, *obj NULL and *why; 0 at the end; -1 when
 * the input cannot be read on (a read error, or an array that is broken
 * between items), with *why. *line is where the item starts. */
int pb__jsonrows_next(pb__jsonrows *j, json_t **obj, long *line, const char **why);
uint64_t pb__jsonrows_offset(const pb__jsonrows *j);

#endif
