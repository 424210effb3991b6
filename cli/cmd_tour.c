/* cmd_tour.c — `payband tour`: a short walk through the built-in dataset for
 * a new user: bands in two currencies, level equivalents, a gap between two
 * companies, and what is stale. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "payband/market.h"

struct step {
    const char *title;
    int (*run)(int, char **);
    const char *args[10];
};

const struct option cli_tour_options[] = {
    {"db", required_argument, 0, CLI_OPT_DB},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_tour(int argc, char **argv)
{
    struct cli_common common = {0};
    int c, rc;
    while ((c = cli_getopt(argc, argv, cli_tour_options)) != -1)
        if ((rc = cli_common_option("tour", c, optarg, &common)) != 0)
            return rc < 0 ? CLI_EXIT_OK : rc;
    if (optind < argc)
        return cli_usage_error("tour", "tour takes no arguments except --db PATH");
    const char *db = common.db && *common.db ? common.db : NULL;
    const char *dbflag = db ? "--db" : NULL;
    pb_store *store = cli_open_store(db);
    if (!store)
        return CLI_EXIT_FAIL;
    json_t *sources = NULL;
    pb_status st = pb_market_sources(store, cli_today, &sources);
    bool empty = st == PB_OK && json_array_size(sources) == 0;
    json_decref(sources);
    pb_store_close(store);
    if (empty)
        return cli_fail("this database holds no market data (it was made with `payband init "
                        "--empty`); the tour needs the built-in dataset: try `payband --db "
                        "/tmp/payband-tour.db tour`");
    const struct step steps[] = {
        {"Senior Software Engineer bands at Hugging Face, as published (EUR and USD rows)",
         cmd_bands, {"bands", "--company", "hugging-face", "--role", "senior-software-engineer",
                     dbflag, db}},
        {"The same bands, every figure in USD (rate and date shown)",
         cmd_bands, {"bands", "--company", "hugging-face", "--role", "senior-software-engineer",
                     "--currency", "USD", dbflag, db}},
        {"...and in EUR", cmd_bands,
         {"bands", "--company", "hugging-face", "--role", "senior-software-engineer",
          "--currency", "EUR", dbflag, db}},
        {"Levels stated equivalent to Hugging Face Senior Software Engineer", cmd_levels,
         {"levels", "hugging-face", "senior-software-engineer", dbflag, db}},
        {"Gap: Hugging Face senior ML research vs Mistral AI senior research engineer (Paris)",
         cmd_gap, {"gap", "hugging-face/senior-ml-researcher", "mistral-ai/senior-research-engineer",
                   dbflag, db}},
        {"What is stale", cmd_stale, {"stale", dbflag, db}},
    };
    int worst = CLI_EXIT_OK;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char *args[12];
        int n = 0;
        while (n < 10 && steps[i].args[n])
            n++;
        for (int j = 0; j < n; j++)
            args[j] = (char *)steps[i].args[j];
        args[n] = NULL;
        printf("%s== %s\n$ payband", i ? "\n" : "", steps[i].title);
        for (int j = 0; j < n; j++)
            printf(" %s", args[j]);
        printf("\n\n");
        fflush(stdout);
        optind = 0;
        rc = steps[i].run(n, args);
        fflush(stdout);
        if (rc > worst)
            worst = rc;
    }
    return worst;
}
