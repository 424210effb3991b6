/* bands_reports.c — the note `payband bands` prints under its table for a
 * band from offer reports (the band itself comes from the library,
 * pb_reports_add_bands, so that the server gives it too). */
#include "bands_reports.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "payband/reports.h"

#define SOURCE_KEY "offer-reports"

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

void cli_bands_reports_notes(json_t *bands)
{
    json_t *b;
    size_t i;
    json_array_foreach(bands, i, b) {
        if (!str(b, "kind") || strcmp(str(b, "kind"), "reports") != 0)
            continue;
        char step[48];
        cli_format_money(json_number_value(json_object_get(b, "step")), str(b, "currency"), step,
                         sizeof step);
        printf("note: the %s band of %s%s%s%s%s%s%s is p25\xE2\x80\x93p75 of %s (total comp rounded "
               "to %s)\n",
               SOURCE_KEY, str(b, "company"), str(b, "role") ? " " : "",
               str(b, "role") ? str(b, "role") : "", str(b, "level") ? " " : "",
               str(b, "level") ? str(b, "level") : "", str(b, "region") ? " " : "",
               str(b, "region") ? str(b, "region") : "", str(b, "source_title"), step);
    }
}
