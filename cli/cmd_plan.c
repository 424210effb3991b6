/* cmd_plan.c — `payband plan`: a negotiation plan (ask, accept-at floor,
 * levers, additional asks, scripts) for one company, role and region, from
 * the store, the offer in hand, competing offers and a profile; Markdown in
 * the shape of the guides payband reads, or JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "offer_cli.h"
#include "payband/json.h"
#include "payband/plan.h"

#define MAX_COMPETING PB_COMPETING_MAX

enum { O_COMPANY = CLI_OPT_FIRST_FREE, O_ROLE, O_REGION, O_OFFER, O_COMPETING, O_PROFILE,
       O_CURRENCY, O_YEARS, O_SEED, O_SIMS, O_ASOF, O_OUTPUT, O_FORMAT, O_LEVEL };

const struct option cli_plan_options[] = {
    {"company", required_argument, 0, O_COMPANY},
    {"role", required_argument, 0, O_ROLE},
    {"region", required_argument, 0, O_REGION},
    {"level", required_argument, 0, O_LEVEL},
    {"offer", required_argument, 0, O_OFFER},
    {"competing", required_argument, 0, O_COMPETING},
    {"profile", required_argument, 0, O_PROFILE},
    {"currency", required_argument, 0, O_CURRENCY},
    {"years", required_argument, 0, O_YEARS},
    {"seed", required_argument, 0, O_SEED},
    {"simulations", required_argument, 0, O_SIMS},
    {"as-of", required_argument, 0, O_ASOF},
    {"output", required_argument, 0, O_OUTPUT},
    {"format", required_argument, 0, O_FORMAT},
    {"db", required_argument, 0, CLI_OPT_DB},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

/* Write `text` to `path` through a temporary file renamed into place, so a
 * failure never leaves half a plan behind. */
static int write_file(const char *path, const char *text)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return cli_fail("out of memory");
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int rc = CLI_EXIT_OK;
    if (!f) {
        rc = cli_fail("%s: cannot write: %s", path, strerror(errno));
    } else {
        size_t len = strlen(text);
        bool ok = fwrite(text, 1, len, f) == len;
        ok = (fclose(f) == 0) && ok;
        if (!ok || rename(tmp, path) != 0) {
            rc = cli_fail("%s: cannot write: %s", path, strerror(errno));
            remove(tmp);
        }
    }
    free(tmp);
    return rc;
}

int cmd_plan(int argc, char **argv)
{
    struct cli_common common = {0};
    const char *company = NULL, *role = NULL, *region = NULL, *offer_path = NULL;
    const char *profile_path = NULL, *currency = NULL, *output = NULL, *level = NULL;
    const char *competing[MAX_COMPETING];
    size_t ncompeting = 0;
    int64_t years = PB_YEARS_DEFAULT, sims = 0;
    uint64_t seed = 1;
    bool json = false;
    pb_date as_of = PB_DATE_NONE;
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_plan_options)) != -1) {
        switch (c) {
        case O_COMPANY: company = optarg; break;
        case O_ROLE: role = optarg; break;
        case O_REGION: region = optarg; break;
        case O_LEVEL: level = optarg; break;
        case O_OFFER: offer_path = optarg; break;
        case O_PROFILE: profile_path = optarg; break;
        case O_CURRENCY: currency = optarg; break;
        case O_OUTPUT: output = optarg; break;
        case O_COMPETING:
            if (ncompeting == MAX_COMPETING)
                return cli_usage_error("plan", "at most %d --competing offers", MAX_COMPETING);
            competing[ncompeting++] = optarg;
            break;
        case O_YEARS:
            if ((rc = cli_flag_whole("plan", "--years", optarg, PB_YEARS_MIN, PB_YEARS_MAX,
                                     &years)) != 0)
                return rc;
            break;
        case O_SIMS:
            if ((rc = cli_flag_whole("plan", "--simulations", optarg, PB_SIMULATIONS_MIN,
                                     PB_SIMULATIONS_MAX, &sims)) != 0)
                return rc;
            break;
        case O_SEED:
            if ((rc = cli_flag_seed("plan", optarg, &seed)) != 0)
                return rc;
            break;
        case O_ASOF:
            if ((rc = cli_flag_date("plan", "--as-of", optarg, &as_of)) != 0)
                return rc;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
                json = false;
            else if (strcmp(optarg, "json") == 0)
                json = true;
            else
                return cli_usage_error("plan", "unknown format '%s' (md or json)", optarg);
            break;
        default:
            if ((rc = cli_common_option("plan", c, optarg, &common)) != 0)
                return rc < 0 ? CLI_EXIT_OK : rc;
        }
    }
    if (optind < argc)
        return cli_usage_error("plan", "unexpected argument '%s'", argv[optind]);
    if (!company || !role || !region)
        return cli_usage_error("plan", "--company, --role and --region are required");

    pb_profile *profile = NULL;
    pb_offer *offer = NULL;
    pb_offer *comp[MAX_COMPETING] = {0};
    pb_store *store = NULL;
    pb_plan *plan = NULL;
    json_t *result = NULL;
    char *md = NULL;
    rc = CLI_EXIT_FAIL;
    if (profile_path) {
        pb_status st = pb_profile_load(profile_path, &profile);
        if (st != PB_OK) {
            cli_fail("%s", profile ? pb_profile_errmsg(profile) : pb_strerror(st));
            goto done;
        }
    }
    if (offer_path && !(offer = offer_cli_load(offer_path)))
        goto done;
    for (size_t i = 0; i < ncompeting; i++)
        if (!(comp[i] = offer_cli_load(competing[i])))
            goto done;
    store = cli_open_store(common.db);
    if (!store)
        goto done;
    plan = pb_plan_new();
    if (!plan) {
        cli_fail("out of memory");
        goto done;
    }
    pb_status st = pb_plan_set_target(plan, company, role, region);
    if (st == PB_OK && level)
        st = pb_plan_set_level(plan, level);
    if (st == PB_OK && currency)
        st = pb_plan_set_currency(plan, currency);
    if (st == PB_OK)
        st = pb_plan_set_years(plan, (int)years);
    if (st == PB_OK)
        st = pb_plan_set_seed(plan, seed);
    if (st == PB_OK && sims)
        st = pb_plan_set_simulations(plan, (int)sims);
    if (st == PB_OK)
        st = pb_plan_set_today(plan, cli_today);
    if (st == PB_OK && as_of != PB_DATE_NONE)
        st = pb_plan_set_as_of(plan, as_of);
    if (st == PB_OK && profile)
        st = pb_plan_set_profile(plan, profile);
    if (st == PB_OK && offer)
        st = pb_plan_set_offer(plan, offer);
    for (size_t i = 0; st == PB_OK && i < ncompeting; i++)
        st = pb_plan_add_competing(plan, comp[i]);
    if (st == PB_OK)
        st = pb_plan_build(plan, store, &result);
    if (st != PB_OK) {
        cli_fail("%s", pb_plan_errmsg(plan));
        goto done;
    }
    if (json) {
        md = pb_json_dumps(result, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        st = md ? PB_OK : PB_ERR_NOMEM;
    } else {
        st = pb_plan_markdown(result, &md);
    }
    if (st != PB_OK) {
        cli_fail("cannot write the plan: %s", pb_strerror(st));
        goto done;
    }
    if (output) {
        rc = write_file(output, md);
        if (rc == CLI_EXIT_OK)
            cli_note("wrote %s", output);
    } else {
        fputs(md, stdout);
        if (json)
            fputc('\n', stdout);
        rc = CLI_EXIT_OK;
    }
done:
    free(md);
    json_decref(result);
    pb_plan_free(plan);
    pb_store_close(store);
    for (size_t i = 0; i < ncompeting; i++)
        pb_offer_free(comp[i]);
    pb_offer_free(offer);
    pb_profile_free(profile);
    return rc;
}
