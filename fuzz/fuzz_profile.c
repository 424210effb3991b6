/* fuzz_profile.c — libFuzzer target for the profile file of `payband plan`.
 *
 * Parses the input as a profile; when it parses, renders it as JSON and
 * checks what the parser promises: risk aversion within 0–10, every skill
 * named, counts either unset (null) or not negative. Everything is freed. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "payband/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pb_profile *p = NULL;
    if (pb_profile_parse("fuzz", (const char *)data, size, &p) == PB_OK) {
        double g = pb_profile_risk_aversion(p);
        if (!(g >= 0 && g <= 10))
            abort();
        json_t *j = NULL;
        if (pb_profile_json(p, &j) == PB_OK) {
            size_t i;
            json_t *s;
            json_array_foreach(json_object_get(j, "premium_skills"), i, s) {
                if (!json_is_string(json_object_get(s, "name")))
                    abort();
            }
            static const char *const counts[] = {"experience_years", "contributions",
                                                 "maintained_projects"};
            for (size_t k = 0; k < 3; k++) {
                json_t *v = json_object_get(j, counts[k]);
                if (!json_is_null(v) && json_integer_value(v) < 0)
                    abort();
            }
            json_decref(j);
        }
    }
    pb_profile_free(p);
    return 0;
}
