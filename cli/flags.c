/* flags.c — reading the values of flags: whole numbers within payband's
 * limits, decimal numbers, 64-bit seeds and dates, each through the library's
 * one reader (payband/number.h, payband/date.h), each refusal a usage error
 * that names the flag and what it takes. */
#include <stdint.h>

#include "cli.h"
#include "payband/number.h"

int cli_flag_whole(const char *command, const char *flag, const char *text, int64_t min,
                   int64_t max, int64_t *out)
{
    if (pb_integer_parse_str(text, min, max, out))
        return 0;
    return cli_usage_error(command, "%s must be a whole number from %lld to %lld, not '%s'", flag,
                           (long long)min, (long long)max, text);
}

int cli_flag_number(const char *command, const char *flag, const char *text, double *out)
{
    if (pb_decimal_parse_str(text, out))
        return 0;
    return cli_usage_error(command, "%s must be a number, not '%s'", flag, text);
}

int cli_flag_seed(const char *command, const char *text, uint64_t *out)
{
    if (pb_unsigned_parse_str(text, UINT64_MAX, out))
        return 0;
    return cli_usage_error(command, "--seed must be a whole number from 0 to %llu, not '%s'",
                           (unsigned long long)UINT64_MAX, text);
}

int cli_flag_date(const char *command, const char *flag, const char *text, pb_date *out)
{
    if (pb_date_parse(text, out) == PB_OK)
        return 0;
    return cli_usage_error(command, "%s needs a date YYYY-MM-DD, not '%s'", flag, text);
}
