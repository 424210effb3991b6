/* status.c — names for the status codes of status.h. */
#include "payband/status.h"

const char *pb_strerror(pb_status status)
{
    switch (status) {
    case PB_OK: return "ok";
    case PB_ERR_NOMEM: return "out of memory";
    case PB_ERR_USAGE: return "invalid argument";
    case PB_ERR_PARSE: return "malformed input";
    case PB_ERR_IO: return "input/output error";
    case PB_ERR_DB: return "database error";
    case PB_ERR_NOT_FOUND: return "not found";
    case PB_ERR_CURRENCY: return "currency error";
    case PB_ERR_NO_RATE: return "no exchange rate";
    case PB_ERR_AMBIGUOUS: return "ambiguous";
    case PB_ERR_RANGE: return "out of range";
    case PB_ERR_SCHEMA: return "database schema is newer than this payband";
    }
    return "unknown status";
}
