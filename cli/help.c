/* help.c — everything payband says about itself, made from one source, the
 * command table (commands.c): `payband help`, `payband CMD --help`, the
 * manual page (docs/payband.1) and the bash completion script
 * (completion/payband.bash). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

enum { HELP_WIDTH = 79, FLAG_COLUMN = 26 };

const struct cli_command *cli_find_command(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* Print `text` from column `col`, wrapped at HELP_WIDTH, continuation lines
 * indented by `indent`; ends the line. */
static void wrap(FILE *out, const char *text, size_t col, size_t indent)
{
    const char *p = text;
    bool first = true;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, " ");
        size_t w = cli_display_width_n(p, len);
        if (!first && col + 1 + w > HELP_WIDTH) {
            fprintf(out, "\n%*s", (int)indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, len, out);
        col += w;
        first = false;
        p += len;
    }
    fputc('\n', out);
}

/* "the meaning (default: X)" into buf. */
static void flag_text(const struct cli_flag *f, char *buf, size_t cap)
{
    if (f->def)
        snprintf(buf, cap, "%s (default: %s)", f->meaning, f->def);
    else
        snprintf(buf, cap, "%s", f->meaning);
}

void cli_print_command_help(const struct cli_command *c, FILE *out)
{
    fprintf(out, "usage: payband %s%s%s\n\n", c->name, c->usage[0] ? " " : "", c->usage);
    wrap(out, c->summary, 0, 0);
    if (c->flags && c->flags[0].flag) {
        fprintf(out, "\noptions:\n");
        for (const struct cli_flag *f = c->flags; f->flag; f++) {
            char text[1024];
            size_t w = 2 + cli_display_width(f->flag);
            fprintf(out, "  %s", f->flag);
            if (w + 2 > FLAG_COLUMN) {
                fprintf(out, "\n%*s", FLAG_COLUMN, "");
            } else {
                fprintf(out, "%*s", (int)(FLAG_COLUMN - w), "");
            }
            flag_text(f, text, sizeof text);
            wrap(out, text, FLAG_COLUMN, FLAG_COLUMN);
        }
    }
    if (c->example)
        fprintf(out, "\nexample:\n  payband %s\n", c->example);
    if (c->doc)
        fprintf(out, "\nread more: %s (and `man payband`)\n", c->doc);
}

static const struct cli_flag GLOBAL_FLAGS[] = {
    {"--db PATH",
     "the database for the command that follows; a command's own --db wins",
     "$PAYBAND_DB, else $XDG_DATA_HOME/payband/payband.db, else "
     "~/.local/share/payband/payband.db"},
    {"--help, -h", "this list", NULL},
    {"--version", "print payband's version", NULL},
    {NULL, NULL, NULL},
};

void cli_print_main_help(FILE *out)
{
    fprintf(out, "usage: payband [--db PATH] COMMAND [ARGS]\n"
                 "       payband --help | --version\n\ncommands:\n");
    for (const struct cli_command *c = cli_commands; c->name; c++) {
        fprintf(out, "  %-13s ", c->name);
        wrap(out, c->summary, 16, 16);
    }
    fprintf(out, "\nglobal options:\n");
    for (const struct cli_flag *f = GLOBAL_FLAGS; f->flag; f++) {
        char text[512];
        fprintf(out, "  %-13s ", f->flag);
        flag_text(f, text, sizeof text);
        wrap(out, text, 16, 16);
    }
    fprintf(out, "\n`payband COMMAND --help` (or `payband help COMMAND`) shows a command's flags,\n"
                 "their defaults and an example. The user guide is docs/guide.md; the manual\n"
                 "is `man payband`.\n");
}

/* ---- the manual page ----------------------------------------------------- */

/* Text for roff: backslashes and hyphens escaped, a leading dot or quote
 * made harmless. */
static void roff(FILE *out, const char *text)
{
    if (*text == '.' || *text == '\'')
        fputs("\\&", out);
    for (const char *p = text; *p; p++) {
        if (*p == '\\')
            fputs("\\e", out);
        else if (*p == '-')
            fputs("\\-", out);
        else
            fputc(*p, out);
    }
}

/* A flag in bold, its placeholder in italics: \fB\-\-years\fR \fIN\fR. */
static void roff_flag(FILE *out, const char *flag)
{
    size_t n = strcspn(flag, " ,");
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)n, flag);
    fputs("\\fB", out);
    roff(out, name);
    fputs("\\fR", out);
    if (flag[n]) {
        const char *rest = flag + n;
        if (*rest == ',') {
            fputs(",", out);
            rest++;
        }
        while (*rest == ' ')
            rest++;
        fputs(" \\fI", out);
        roff(out, rest);
        fputs("\\fR", out);
    }
}

static void roff_usage(FILE *out, const char *usage)
{
    /* the usage's own line breaks become roff's: fill it as one paragraph */
    for (const char *p = usage; *p;) {
        size_t n = strcspn(p, "\n");
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        const char *l = line;
        while (*l == ' ')
            l++;
        fputc(' ', out);
        roff(out, l);
        p += n;
        if (*p == '\n')
            p++;
    }
}

void cli_print_man_page(FILE *out)
{
    fputs(".\\\" payband.1 \\(em made by `payband help --man` from the command table\n"
          ".\\\" (cli/commands.c); edit the table, then run `make man`.\n",
          out);
    fputs(".TH PAYBAND 1 \"\" \"payband " CLI_VERSION "\" \"User Commands\"\n.nh\n.ad l\n", out);
    fputs(".SH NAME\npayband \\- compensation intelligence and offer negotiation\n", out);
    fputs(".SH SYNOPSIS\n.B payband\n[\\fB\\-\\-db\\fR \\fIPATH\\fR] \\fICOMMAND\\fR "
          "[\\fIARGS\\fR]\n.br\n.B payband\n\\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n",
          out);
    fputs(".SH DESCRIPTION\n"
          "payband answers questions about pay with figures you can trace: every band names "
          "the document and line it came from, its as\\-of date and its review date; every "
          "total comp is recomputed from its parts; every conversion names its rate and the "
          "rate's date.\n.PP\n"
          "Results go to standard output, as a table for people, or with \\fB\\-\\-format "
          "json\\fR or \\fBcsv\\fR for programs. Errors go to standard error as "
          "\\fIpayband: error: ...\\fR, with \\fIfile:line:\\fR in front when a file is at "
          "fault. Progress of long work is shown on standard error only when it is a "
          "terminal and the output is a table.\n",
          out);
    fputs(".SH COMMANDS\n", out);
    for (const struct cli_command *c = cli_commands; c->name; c++) {
        fputs(".SS \"", out);
        roff(out, c->name);
        fputs("\"\n\\fBpayband ", out);
        roff(out, c->name);
        fputs("\\fR", out);
        roff_usage(out, c->usage);
        fputs("\n.PP\n", out);
        roff(out, c->summary);
        fputs(".\n", out);
        for (const struct cli_flag *f = c->flags; f && f->flag; f++) {
            char text[1024];
            fputs(".TP\n", out);
            roff_flag(out, f->flag);
            fputc('\n', out);
            flag_text(f, text, sizeof text);
            roff(out, text);
            fputc('\n', out);
        }
        if (c->example) {
            fputs(".PP\nExample:\n.PP\n.RS\n.nf\npayband ", out);
            roff(out, c->example);
            fputs("\n.fi\n.RE\n", out);
        }
        if (c->doc) {
            fputs(".PP\nSee ", out);
            roff(out, c->doc);
            fputs(".\n", out);
        }
    }
    fputs(".SH GLOBAL OPTIONS\n", out);
    for (const struct cli_flag *f = GLOBAL_FLAGS; f->flag; f++) {
        char text[512];
        fputs(".TP\n", out);
        roff_flag(out, f->flag);
        fputc('\n', out);
        flag_text(f, text, sizeof text);
        roff(out, text);
        fputc('\n', out);
    }
    fputs(".SH ENVIRONMENT\n"
          ".TP\n.B PAYBAND_DB\nThe database, when no \\fB\\-\\-db\\fR is given.\n"
          ".TP\n.B XDG_DATA_HOME\nThe default database is "
          "\\fI$XDG_DATA_HOME/payband/payband.db\\fR when it is set, else "
          "\\fI~/.local/share/payband/payband.db\\fR (its directory is created on first "
          "use; a \\fB\\-\\-db\\fR in a directory that does not exist is an error).\n"
          ".TP\n.B COLUMNS\nThe width tables are fitted to (else the terminal's, else 100); "
          "\\fB\\-\\-wide\\fR shows every cell in full.\n"
          ".TP\n.B PAYBAND_TODAY\nThe date taken as today (YYYY\\-MM\\-DD), for reproducible "
          "runs.\n",
          out);
    fputs(".SH EXIT STATUS\n"
          ".TP\n.B 0\nSuccess. A listing that matches nothing says so and exits 0.\n"
          ".TP\n.B 1\nFailure: bad input, a lookup that finds nothing, no rate, a database "
          "that cannot be opened; \\fBcheck\\fR exits 1 when a claim is wrong.\n"
          ".TP\n.B 2\nUsage error: an unknown command or flag, a missing or bad value; the "
          "usage is printed.\n",
          out);
    fputs(".SH FILES\n"
          "The user guide is docs/guide.md; the JSON fields of every command are in "
          "docs/json.md.\n",
          out);
}

/* ---- bash completion ----------------------------------------------------- */

/* The long option of a flag entry ("--years N" -> "--years"). */
static void flag_name(const struct cli_flag *f, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.*s", (int)strcspn(f->flag, " ,"), f->flag);
}

/* The placeholder of a flag's value; "" for a switch. */
static const char *flag_value(const struct cli_flag *f)
{
    const char *v = f->flag + strcspn(f->flag, " ");
    while (*v == ' ')
        v++;
    return v;
}

static bool names_files(const char *placeholder)
{
    return strcmp(placeholder, "FILE") == 0 || strcmp(placeholder, "PATH") == 0 ||
           strcmp(placeholder, "DIR") == 0;
}

/* The bash case arm of one command. */
static void completion_arm(FILE *out, const struct cli_command *c)
{
    char name[128];
    fprintf(out, "        %s)\n            flags='", c->name);
    for (const struct cli_flag *f = c->flags; f && f->flag; f++) {
        flag_name(f, name, sizeof name);
        fprintf(out, "%s%s", f == c->flags ? "" : " ", name);
    }
    fputs("'\n            case $prev in\n", out);
    bool any_free = false;
    for (const struct cli_flag *f = c->flags; f && f->flag; f++) {
        const char *v = flag_value(f);
        flag_name(f, name, sizeof name);
        if (strchr(v, '|')) {
            fprintf(out, "                %s) COMPREPLY=($(compgen -W '", name);
            for (const char *p = v; *p; p++)
                fputc(*p == '|' ? ' ' : *p, out);
            fputs("' -- \"$cur\")); return ;;\n", out);
        } else if (names_files(v)) {
            fprintf(out, "                %s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n",
                    name);
        } else if (*v) {
            any_free = true;
        }
    }
    if (any_free) {
        /* values payband cannot guess: offer nothing */
        fputs("                ", out);
        bool first = true;
        for (const struct cli_flag *f = c->flags; f && f->flag; f++) {
            const char *v = flag_value(f);
            if (!*v || strchr(v, '|') || names_files(v))
                continue;
            flag_name(f, name, sizeof name);
            fprintf(out, "%s%s", first ? "" : "|", name);
            first = false;
        }
        fputs(") return ;;\n", out);
    }
    fputs("            esac\n", out);
    fputs("            operands='", out);
    if (c->operands && strcmp(c->operands, "COMMAND") == 0) {
        for (const struct cli_command *k = cli_commands; k->name; k++)
            fprintf(out, "%s%s", k == cli_commands ? "" : " ", k->name);
    } else if (c->operands) {
        fputs(c->operands, out);
    }
    fputs("'\n            ;;\n", out);
}

void cli_print_bash_completion(FILE *out)
{
    fputs("# payband bash completion: commands, each command's flags, and the values\n"
          "# of flags that take a fixed set or a file. Made by `payband completion bash`\n"
          "# from the command table (cli/commands.c); edit the table, then run\n"
          "# `make completion`. Install: source it, or copy it to\n"
          "# $PREFIX/share/bash-completion/completions/payband (`make install`).\n"
          "_payband()\n{\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    local cmd='' i flags='' operands='' w\n"
          "    COMPREPLY=()\n"
          "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
          "        case ${COMP_WORDS[i]} in\n"
          "            --db) ((i++)) ;;\n"
          "            -*) ;;\n"
          "            *) cmd=${COMP_WORDS[i]}; break ;;\n"
          "        esac\n"
          "    done\n"
          "    if [[ -z $cmd ]]; then\n"
          "        if [[ $prev == --db ]]; then\n"
          "            COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "        elif [[ $cur == -* ]]; then\n"
          "            COMPREPLY=($(compgen -W '--db --help --version' -- \"$cur\"))\n"
          "        else\n"
          "            COMPREPLY=($(compgen -W '",
          out);
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(out, "%s%s", c == cli_commands ? "" : " ", c->name);
    fputs("' -- \"$cur\"))\n"
          "        fi\n"
          "        return\n"
          "    fi\n"
          "    case $cmd in\n",
          out);
    for (const struct cli_command *c = cli_commands; c->name; c++)
        completion_arm(out, c);
    fputs("        *) return ;;\n"
          "    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
          "    elif [[ $operands == FILE ]]; then\n"
          "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "    elif [[ -n $operands ]]; then\n"
          "        # a word of the list, once; files after it (`rates import FILE`)\n"
          "        for ((w = i + 1; w < COMP_CWORD; w++)); do\n"
          "            if [[ \" $operands \" == *\" ${COMP_WORDS[w]} \"* ]]; then\n"
          "                COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "                return\n"
          "            fi\n"
          "        done\n"
          "        COMPREPLY=($(compgen -W \"$operands\" -- \"$cur\"))\n"
          "    fi\n"
          "}\n"
          "complete -o filenames -F _payband payband\n",
          out);
}

/* ---- the commands ------------------------------------------------------- */

const struct option cli_help_options[] = {
    {"man", no_argument, 0, 'm'},
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

const struct option cli_completion_options[] = {
    {"help", no_argument, 0, CLI_OPT_HELP},
    {0, 0, 0, 0},
};

int cmd_help(int argc, char **argv)
{
    bool man = false;
    int c;
    while ((c = cli_getopt(argc, argv, cli_help_options)) != -1) {
        if (c == 'm') {
            man = true;
        } else if (c == CLI_OPT_HELP) {
            cli_print_command_help(cli_find_command("help"), stdout);
            return CLI_EXIT_OK;
        } else {
            struct cli_common common = {0};
            return cli_common_option("help", c, optarg, &common);
        }
    }
    if (man) {
        if (optind < argc)
            return cli_usage_error("help", "--man takes no command");
        cli_print_man_page(stdout);
        return CLI_EXIT_OK;
    }
    if (optind == argc) {
        cli_print_main_help(stdout);
        return CLI_EXIT_OK;
    }
    if (optind + 1 < argc)
        return cli_usage_error("help", "unexpected argument '%s'", argv[optind + 1]);
    const struct cli_command *cmd = cli_find_command(argv[optind]);
    if (!cmd)
        return cli_usage_error("help", "unknown command '%s'", argv[optind]);
    cli_print_command_help(cmd, stdout);
    return CLI_EXIT_OK;
}

int cmd_completion(int argc, char **argv)
{
    int c;
    while ((c = cli_getopt(argc, argv, cli_completion_options)) != -1) {
        struct cli_common common = {0};
        int rc = cli_common_option("completion", c, optarg, &common);
        return rc < 0 ? CLI_EXIT_OK : rc;
    }
    if (optind == argc)
        return cli_usage_error("completion", "which shell? (bash)");
    if (optind + 1 != argc || strcmp(argv[optind], "bash") != 0)
        return cli_usage_error("completion", "payband completes bash only, not '%s'",
                               argv[optind]);
    cli_print_bash_completion(stdout);
    return CLI_EXIT_OK;
}
