/*
 * commands.h: the subcommands of the mtl tool, one file each.
 *
 * Each takes argv[0] = its own name and argv[1..argc-1] = its arguments,
 * prints its own --help, and returns an exit status (CLI_EXIT_*).
 */
#ifndef MTL_CLI_COMMANDS_H
#define MTL_CLI_COMMANDS_H

/* demo.c: generate the sample market and summarise it. */
int mtl_cmd_demo(int argc, char **argv);

/* import.c: CSV files into a snapshot. */
int mtl_cmd_import(int argc, char **argv);

/* export.c: one record kind of a snapshot as CSV. */
int mtl_cmd_export(int argc, char **argv);

/* info.c: counts of a snapshot or CSV file, as a table or JSON. */
int mtl_cmd_info(int argc, char **argv);

/* funnel.c: the funnel by stage, grouped, with indicators and plan. */
int mtl_cmd_funnel(int argc, char **argv);

/* forecast.c: the period revenue forecast and its distribution. */
int mtl_cmd_forecast(int argc, char **argv);

/* targets.c: targets set top-down, broken down, reconciled and evaluated. */
int mtl_cmd_targets(int argc, char **argv);

/* segments.c: five looks, SPAN, decisions and priority per segment. */
int mtl_cmd_segments(int argc, char **argv);

/* pains.c: the BON pain index per segment and customer. */
int mtl_cmd_pains(int argc, char **argv);

/* customers.c: customer value, grade, relationship, decision chain. */
int mtl_cmd_customers(int argc, char **argv);

/* leads.c: lead verification and the weekly review order. */
int mtl_cmd_leads(int argc, char **argv);

#endif /* MTL_CLI_COMMANDS_H */
