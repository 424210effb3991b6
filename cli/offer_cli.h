/* offer_cli.h — helpers shared by the offer and compare commands: exchange
 * quotes from the store and loading offer files with their messages. */
#ifndef PAYBAND_OFFER_CLI_H
#define PAYBAND_OFFER_CLI_H

#include "cli.h"
#include "payband/offer.h"

/* The rate from `from` to `to` as of today, from the store (opened on first
 * use into *store, which the caller closes). Prints the error and returns
 * CLI_EXIT_FAIL when the store cannot be opened or has no such rate. */
int offer_cli_quote(const char *db, pb_store **store, const char *from, const char *to,
                    pb_fx_quote *quote);

/* Load an offer file; prints "payband: error: file:line: why" and returns
 * NULL on failure. */
pb_offer *offer_cli_load(const char *path);

/* "1 EUR = 1.0812 USD (ecb, 2026-11-26)". */
void offer_cli_describe_quote(const pb_fx_quote *q, char *buf, size_t cap);
/* For a quote of the JSON results whose route has more than one rate, print
 * " via GBP→USD→EUR, rates of 2026-03-02 and 2026-03-01" (nothing else). */
void offer_cli_print_route(json_t *fx);

#endif
