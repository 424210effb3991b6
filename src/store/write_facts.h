/* write_facts.h — writing one document's facts inside the store's write
 * transaction (internal to src/store/). */
#ifndef PB_STORE_WRITE_FACTS_H
#define PB_STORE_WRITE_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "payband/date.h"
#include "store/db.h"
#include "store/facts.h"

/* Every fact of one document, inside an open write transaction: first the
 * source with the same key is deleted (cascading to its facts) unless it is
 * a built-in source, which a user's document (`builtin` false) may not
 * replace (PB_ERR_USAGE). */
pb_status pb__store_write_facts(pb__db *db, const pb__facts *facts, bool builtin);

/* A user source row of kind `dataset` (replacing a user source of the same
 * key), inside an open write transaction; its id in *id. */
pb_status pb__store_write_source_row(pb__db *db, const char *key, const char *title,
                                     const char *file, pb_date as_of, int64_t *id);

/* Store exchange rates: the statement's head (before the rows) and tail
 * (after them). A rate of the same pair, day and source replaces the one
 * stored before. */
#define PB__STORE_RATE_HEAD                                                                       \
    "INSERT INTO fx_rate(date, base, quote, rate, source_id, line, note) VALUES "
#define PB__STORE_RATE_TAIL                                                                       \
    " ON CONFLICT (base, quote, date, source_id) DO UPDATE SET "                                  \
    "rate = excluded.rate, line = excluded.line, note = excluded.note"

/* Store one exchange rate: parameters date, base, quote, rate, source id,
 * line, note. */
#define PB__STORE_PUT_RATE PB__STORE_RATE_HEAD "(?,?,?,?,?,?,?)" PB__STORE_RATE_TAIL

#endif
