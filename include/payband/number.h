/* number.h — the one reader of plain decimal numbers in payband.
 *
 * Every number payband reads from a file, a flag or a request goes through
 * pb_decimal_parse: "1.1684", "-3", "105000", "0.5", "2.5e3". It is
 * independent of the process locale and accepts decimal notation only: no
 * hex floats ("0x1p3"), no "nan" or "inf", no leading or trailing spaces,
 * and the result is always finite. */
#ifndef PAYBAND_NUMBER_H
#define PAYBAND_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse `len` bytes of `text` (NUL not required) as
 *   [+-] digits [ . digits ] [ (e|E) [+-] digits ]   or   [+-] . digits ...
 * Returns false, leaving *out alone, for anything else or a value that is
 * not finite as a double. */
bool pb_decimal_parse(const char *text, size_t len, double *out);
/* The same for a NUL-terminated string. */
bool pb_decimal_parse_str(const char *text, double *out);
/* A whole number in [min, max], written in plain decimal digits with an
 * optional sign ("12", "-3"; not "1e3", not "12.0"). */
bool pb_integer_parse_str(const char *text, int64_t min, int64_t max, int64_t *out);
/* A whole number in [0, max] written in plain decimal digits, no sign, the
 * whole 64-bit range ("18446744073709551615"): seeds and other counts that
 * may use every bit. */
bool pb_unsigned_parse_str(const char *text, uint64_t max, uint64_t *out);

#endif
