/* offer_template.c — a commented offer file to start from: every key of the
 * offer format with a value that reads back as a valid offer, and what each
 * key means (`payband offer --template`). */
#include "payband/offer.h"

static const char TEMPLATE[] =
    "# An offer for payband: `payband offer FILE` prints its year-by-year value,\n"
    "# `payband compare FILE FILE...` values it beside others. Replace the values\n"
    "# with your offer's and delete the lines you do not need; docs/offers.md\n"
    "# describes every key. Amounts are plain numbers in `currency`, or written\n"
    "# amounts such as \"\xE2\x82\xAC" "105K\" in the same currency.\n"
    "name: my-offer              # how payband names it (default: the file name)\n"
    "company: example-co         # required; offers at one company share one\n"
    "                            # simulated stock price\n"
    "role: software-engineer     # optional\n"
    "level: L4                   # optional\n"
    "region: Paris               # optional\n"
    "currency: EUR               # required, ISO 4217\n"
    "base: 100000                # required, per year\n"
    "raise_pct: 3                # yearly raise from year 2, -50 to 100 (default 0)\n"
    "bonus_target_pct: 10        # percent of that year's base (default 0)\n"
    "bonus_payout_pct: 100       # expected payout, percent of target (default 100)\n"
    "sign_on: {amount: 10000, clawback_months: 12}\n"
    "                            # or one amount (paid in year 1), or a list with one\n"
    "                            # amount per year: [6000, 4000]\n"
    "equity:                     # zero or more grants (delete the block for none)\n"
    "  - kind: private_rsu       # public_rsu | private_rsu | option\n"
    "    name: initial grant     # optional (default: grant 1, grant 2, ...)\n"
    "    value: 80000            # its value at the stated price; or shares: and price:\n"
    "    vesting: {years: 4, cliff_months: 12, period: monthly, shape: even}\n"
    "                            # period: monthly | quarterly | half-yearly | yearly;\n"
    "                            # shape: even, or one percentage per year [10, 20, 30, 40]\n"
    "    start_year: 1           # the year it starts vesting (default 1)\n"
    "  # - kind: option          # an option grant: shares and strike, valued at the\n"
    "  #   shares: 20000         # 409A common price (common_price) over the strike\n"
    "  #   strike: 4.00\n"
    "  #   common_price: 6.00\n"
    "  #   vesting: {years: 4, cliff_months: 12}\n"
    "# refresh:                  # a new grant every year from start_year (optional)\n"
    "#   kind: public_rsu\n"
    "#   value: 20000\n"
    "#   start_year: 2\n"
    "#   vesting: {years: 4}\n"
    "valuation:                  # company facts and assumptions (optional; a flag of\n"
    "                            # `compare` beats them, they beat the store's facts)\n"
    "  stage: series_c           # seed | series_a | series_b | series_c | series_d |\n"
    "                            # late | public: picks the default assumptions\n"
    "  valuation: 2000000000     # last-round post-money valuation, in currency\n"
    "  # volatility_pct: 60      # and liquidity_pct, failure_pct, dilution_pct,\n"
    "  # liquidity_pct: 7        # exit_multiple_median, exit_multiple_sigma, ...\n"
    "notes: free text, ignored\n";

const char *pb_offer_template(void)
{
    return TEMPLATE;
}
