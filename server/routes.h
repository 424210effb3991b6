/* routes.h — the handlers listed in routes.c; each lives in route_<resource>.c.
 * A handler runs after http.c has checked method, token, parameters, media
 * type, body size and rate limit, and always queues exactly one reply. */
#ifndef PAYBAND_SERVER_ROUTES_H
#define PAYBAND_SERVER_ROUTES_H

#include "server.h"

enum MHD_Result srv_route_bands(struct srv_req *r);
enum MHD_Result srv_route_levels(struct srv_req *r);
enum MHD_Result srv_route_gap(struct srv_req *r);
enum MHD_Result srv_route_stale(struct srv_req *r);
enum MHD_Result srv_route_sources(struct srv_req *r);
enum MHD_Result srv_route_convert(struct srv_req *r);
enum MHD_Result srv_route_rates_add(struct srv_req *r);
enum MHD_Result srv_route_offer(struct srv_req *r);
enum MHD_Result srv_route_compare(struct srv_req *r);
enum MHD_Result srv_route_plan(struct srv_req *r);
enum MHD_Result srv_route_check(struct srv_req *r);
enum MHD_Result srv_route_import(struct srv_req *r);
enum MHD_Result srv_route_facts(struct srv_req *r);
enum MHD_Result srv_route_report_percentiles(struct srv_req *r);
enum MHD_Result srv_route_report_summary(struct srv_req *r);
enum MHD_Result srv_route_report_import(struct srv_req *r);
enum MHD_Result srv_route_healthz(struct srv_req *r);
enum MHD_Result srv_route_metrics(struct srv_req *r);
enum MHD_Result srv_route_openapi(struct srv_req *r);
enum MHD_Result srv_route_static(struct srv_req *r);

/* The valuation settings compare and plan take as query parameters, with
 * their limits (route_compare.c). */
extern const char *const srv_valuation_params[];

#endif
