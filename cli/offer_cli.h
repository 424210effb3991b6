/* offer_cli.h — a helper shared by the offer, compare and plan commands:
 * loading offer files with their messages. */
#ifndef PAYBAND_OFFER_CLI_H
#define PAYBAND_OFFER_CLI_H

#include "cli.h"
#include "payband/offer.h"

/* Load an offer file; prints "payband: error: file:line: why" and returns
 * NULL on failure. */
pb_offer *offer_cli_load(const char *path);

#endif
