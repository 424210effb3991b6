/* offer_cli.h — helpers shared by the offer, compare and plan commands:
 * loading offer files with their messages, and naming a conversion's route. */
#ifndef PAYBAND_OFFER_CLI_H
#define PAYBAND_OFFER_CLI_H

#include "cli.h"
#include "payband/offer.h"

/* Load an offer file; prints "payband: error: file:line: why" and returns
 * NULL on failure. */
pb_offer *offer_cli_load(const char *path);

/* For a quote of the JSON results whose route has more than one rate, print
 * " via GBP→USD→EUR, rates of 2026-03-02 and 2026-03-01" (nothing else). */
void offer_cli_print_route(json_t *fx);

#endif
