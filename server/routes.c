/* routes.c — the table of the server's routes: one row per resource, with
 * its method, what guards it, the query parameters and body types it takes,
 * and the handler in route_<resource>.c. http.c finds the row for a request
 * and applies the guards; the first row that matches wins. */
#include "routes.h"

#define P(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const *)0)

static const char *const JSON_TYPES[] = {"application/json", NULL};
static const char *const OFFER_TYPES[] = {"application/yaml", "application/json", "text/yaml",
                                          "application/x-yaml", "text/plain", NULL};
static const char *const TEXT_TYPES[] = {"text/markdown", "text/plain", NULL};
static const char *const REPORT_TYPES[] = {"text/csv", "application/json", "application/x-ndjson",
                                           "application/jsonl", "text/plain", NULL};
static const char *const FACTS_TYPES[] = {"application/yaml", "text/yaml", "application/x-yaml",
                                          "text/plain", NULL};

const char *const srv_valuation_params[] = {
    "years",          "simulations",   "seed",           "risk_aversion",
    "wealth",         "currency",      "scenarios",      "black_scholes",
    "volatility_pct", "drift_pct",     "liquidity_pct",  "failure_pct",
    "dilution_pct",   "exit_multiple_median", "exit_multiple_sigma", "risk_free_pct",
    "option_term_years", "histogram", NULL};

const struct srv_route srv_routes[] = {
    {"GET", "/api/v1/bands", SRV_READ | SRV_CACHED,
     P("company", "role", "region", "level", "source", "currency", "as_of"), NONE, "bands",
     srv_route_bands},
    {"GET", "/api/v1/levels", SRV_READ | SRV_CACHED, P("company", "role"), NONE, "levels",
     srv_route_levels},
    {"GET", "/api/v1/gap", SRV_READ | SRV_CACHED, P("a", "b", "component", "currency", "as_of"),
     NONE, "gap", srv_route_gap},
    {"GET", "/api/v1/stale", SRV_READ | SRV_CACHED, P("as_of"), NONE, "stale", srv_route_stale},
    {"GET", "/api/v1/sources", SRV_READ | SRV_CACHED, P("as_of"), NONE, "sources",
     srv_route_sources},
    {"GET", "/api/v1/rates/convert", SRV_READ | SRV_CACHED, P("amount", "to", "date"), NONE,
     "rates_convert", srv_route_convert},
    {"POST", "/api/v1/rates", SRV_WRITE | SRV_BODY, NONE, JSON_TYPES, "rates_add",
     srv_route_rates_add},
    {"POST", "/api/v1/offer", SRV_READ | SRV_EXPENSIVE | SRV_BODY,
     P("years", "currency", "events", "file"), OFFER_TYPES, "offer", srv_route_offer},
    {"POST", "/api/v1/compare", SRV_READ | SRV_EXPENSIVE | SRV_BODY, srv_valuation_params,
     JSON_TYPES, "compare", srv_route_compare},
    {"POST", "/api/v1/plan", SRV_READ | SRV_EXPENSIVE | SRV_BODY, P("format"), JSON_TYPES, "plan",
     srv_route_plan},
    {"POST", "/api/v1/check", SRV_READ | SRV_EXPENSIVE | SRV_BODY, P("type", "file", "store"),
     TEXT_TYPES, "check", srv_route_check},
    {"POST", "/api/v1/import", SRV_WRITE | SRV_BODY, P("type", "file", "as_of"), TEXT_TYPES,
     "import", srv_route_import},
    {"POST", "/api/v1/facts", SRV_WRITE | SRV_BODY, P("file"), FACTS_TYPES, "facts",
     srv_route_facts},
    {"GET", "/api/v1/reports/percentiles", SRV_READ | SRV_CACHED,
     P("company", "role", "level", "region", "years_min", "years_max", "since", "component",
       "by", "currency", "k"),
     NONE, "reports_percentiles", srv_route_report_percentiles},
    {"GET", "/api/v1/reports/summary", SRV_READ | SRV_CACHED, NONE, NONE, "reports_summary",
     srv_route_report_summary},
    {"POST", "/api/v1/reports/import", SRV_WRITE | SRV_BODY,
     P("file", "source", "currency", "as_of", "strict", "map"), REPORT_TYPES, "reports_import",
     srv_route_report_import},
    {"GET", "/api/v1/openapi.json", SRV_PUBLIC, NONE, NONE, "openapi", srv_route_openapi},
    {"GET", "/healthz", SRV_PUBLIC, NONE, NONE, "healthz", srv_route_healthz},
    {"GET", "/metrics", SRV_READ, NONE, NONE, "metrics", srv_route_metrics},
    {"GET", "/", SRV_PUBLIC | SRV_PREFIX, NONE, NONE, "static", srv_route_static},
};

const size_t srv_nroutes = sizeof srv_routes / sizeof srv_routes[0];
