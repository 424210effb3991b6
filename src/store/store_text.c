/* store_text.c — imports from memory rather than from a file: a facts
 * document received as text (the server's request bodies). */
#include "core/alloc.h"
#include "store/dataset.h"
#include "store/store_internal.h"

pb_status pb_store_import_facts_text(pb_store *store, const char *name, const char *text,
                                     size_t len)
{
    pb__facts *facts = NULL;
    pb_status rc = pb__dataset_parse(name, text, len, &facts, pb__store_diag(store));
    if (rc == PB_OK)
        rc = pb__store_replace_facts(store, facts);
    pb__facts_free(facts);
    return rc;
}
