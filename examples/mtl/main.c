/*
 * main.c: the `mtl` command-line tool — dispatch to the subcommands.
 *
 * Built on the public API only (<mtl.h>); one file per subcommand.  Exit
 * status: 0 success, 1 bad input or library error, 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "util.h"

#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)
/* The tool carries the version of the headers it was built with. */
#define MTL_CLI_VERSION                                                    \
    CLI_STR(MTL_VERSION_MAJOR) "." CLI_STR(MTL_VERSION_MINOR) "."          \
    CLI_STR(MTL_VERSION_PATCH)

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

static const cli_command commands[] = {
    { "import", "import CSV files (leads, customers, segments, strategy inputs) into a snapshot",
      mtl_cmd_import },
    { "export", "write one kind of record of a snapshot as CSV",
      mtl_cmd_export },
    { "info", "show the counts of a snapshot or CSV file (table or JSON)",
      mtl_cmd_info },
    { "funnel", "the funnel by stage: conversion, win rates, indicators, plan",
      mtl_cmd_funnel },
    { "forecast", "period revenue forecast: categories, distribution, P(target)",
      mtl_cmd_forecast },
    { "targets", "targets by region, owner and quarter: derivation, gaps, attainment",
      mtl_cmd_targets },
    { "segments", "five looks, SPAN and priority per segment: strategy, target, control points",
      mtl_cmd_segments },
    { "pains", "BON pain index per segment and customer, with the ranked pains",
      mtl_cmd_pains },
    { "customers", "customer value, grade, relationship and decision-chain coverage",
      mtl_cmd_customers },
    { "leads", "lead verification for the weekly review: verdict, class, priority",
      mtl_cmd_leads },
    { "demo", "generate a sample B2B market and summarise it by stage and segment",
      mtl_cmd_demo },
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void main_help(FILE *out)
{
    size_t widest = 0, i;

    for (i = 0; i < COMMAND_COUNT; i++)
        if (strlen(commands[i].name) > widest)
            widest = strlen(commands[i].name);
    fputs("Usage: mtl <command> [options]\n"
          "       mtl --help | --version\n"
          "\n"
          "The command-line tool of libmtl, the Market to Lead / Lead to Cash\n"
          "sales-methods library.\n"
          "\n"
          "Commands:\n", out);
    for (i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-*s  %s\n", (int)widest, commands[i].name,
                commands[i].summary);
    fputs("\n"
          "Options:\n"
          "  -h, --help     show this help and exit\n"
          "  -V, --version  show the versions of mtl and libmtl and exit\n"
          "\n"
          "Run 'mtl <command> --help' for the options of a command.\n"
          "Exit status: 0 on success, 1 on bad input or a library error,\n"
          "2 on a usage error.\n", out);
}

static int main_version(void)
{
    int32_t running = mtl_version_number();

    printf("mtl %s (libmtl %s)\n", MTL_CLI_VERSION, mtl_version_string());
    if (running != MTL_VERSION_NUMBER)
        fprintf(stderr,
                "mtl: warning: built with libmtl %s headers (%d) but running "
                "libmtl %s (%ld)\n",
                MTL_CLI_VERSION, MTL_VERSION_NUMBER, mtl_version_string(),
                (long)running);
    return CLI_EXIT_OK;
}

static const cli_command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int run(int argc, char **argv)
{
    const char *first;
    const cli_command *command;

    if (argc < 2)
        return cli_usage_error("mtl", "missing command");
    first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        main_help(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0)
        return main_version();
    if (strcmp(first, "help") == 0) { /* "mtl help [command]" */
        static char help_flag[] = "--help";
        char *sub_argv[3];

        if (argc < 3) {
            main_help(stdout);
            return CLI_EXIT_OK;
        }
        command = find_command(argv[2]);
        if (command == NULL)
            return cli_usage_error("mtl", "unknown command '%s'", argv[2]);
        sub_argv[0] = argv[2];
        sub_argv[1] = help_flag;
        sub_argv[2] = NULL;
        return command->run(2, sub_argv);
    }
    if (first[0] == '-')
        return cli_usage_error("mtl", "unknown option '%s'", first);
    command = find_command(first);
    if (command == NULL)
        return cli_usage_error("mtl", "unknown command '%s'", first);
    return command->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    return cli_finish_output(run(argc, argv));
}
