/*
 * util.h: helpers shared by the mtl subcommands: option parsing, error and
 * usage messages, number formatting, terminal display width and aligned
 * tables.  Built on the C library and <mtl.h> only.
 */
#ifndef MTL_CLI_UTIL_H
#define MTL_CLI_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#  define CLI_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#  define CLI_PRINTF(fmt, first)
#endif

/* Exit statuses of every subcommand (SPEC 10). */
enum {
    CLI_EXIT_OK = 0,    /* success */
    CLI_EXIT_ERROR = 1, /* bad input or a library error */
    CLI_EXIT_USAGE = 2  /* unknown subcommand or option, bad option value */
};

/* ---- messages ------------------------------------------------------- */

/*
 * Print "<command>: <message>" and the one-line hint
 * "Try '<command> --help' for more information." on stderr.
 * Returns CLI_EXIT_USAGE.
 */
int cli_usage_error(const char *command, const char *fmt, ...) CLI_PRINTF(2, 3);

/*
 * Print "mtl: <what>: <mtl_last_error_message()>" on stderr (the status
 * name when the library left no message).  Returns CLI_EXIT_ERROR.
 */
int cli_library_error(const char *what);

/* Flush stdout and report a write error (a full disk, a closed pipe) as
 * "mtl: writing output: ...".  Returns status, or CLI_EXIT_ERROR when the
 * output could not be written and status was CLI_EXIT_OK. */
int cli_finish_output(int status);

/* ---- options -------------------------------------------------------- */

/* One option of a subcommand. */
typedef struct cli_option {
    const char *name;  /* long name without the dashes: "seed" */
    int short_name;    /* single letter ('h') or 0 */
    const char *arg;   /* placeholder of its value ("N"), NULL for a flag */
    const char *help;  /* one line for --help */
} cli_option;

/* Values returned by cli_parser_next besides an option index. */
enum {
    CLI_OPT_END = -1,        /* no more arguments */
    CLI_OPT_POSITIONAL = -2, /* a non-option argument, in parser->value */
    CLI_OPT_ERROR = -3       /* a usage error, already reported */
};

/*
 * Parser over argv[1..argc-1] (argv[0] is the subcommand name).  Accepts
 * "--name value", "--name=value", "-x", "-x value", and "--" to end the
 * options.  Long names must be spelled out in full.
 */
typedef struct cli_parser {
    const char *command; /* "mtl demo", for messages */
    int argc;
    char **argv;
    int index;           /* next argument to look at */
    int options_done;    /* "--" seen */
    const char *value;   /* value of the last option or positional */
    const cli_option *option; /* the option last returned */
} cli_parser;

void cli_parser_init(cli_parser *parser, const char *command, int argc,
                     char **argv);

/*
 * The next option: its index in options, CLI_OPT_POSITIONAL,
 * CLI_OPT_END, or CLI_OPT_ERROR after printing a usage error.
 */
int cli_parser_next(cli_parser *parser, const cli_option *options,
                    size_t count);

/*
 * Parse the current option value as a decimal integer in [min, max]
 * (digits only, an optional leading '-' when min < 0).  On failure prints
 * a usage error naming the option and returns CLI_EXIT_USAGE; 0 on success.
 */
int cli_parser_int64(const cli_parser *parser, int64_t min, int64_t max,
                     int64_t *out);
/* The same for unsigned 64-bit values in [0, max]. */
int cli_parser_uint64(const cli_parser *parser, uint64_t max, uint64_t *out);

/* Print the aligned option list for --help. */
void cli_print_options(FILE *out, const cli_option *options, size_t count);

/* ---- numbers -------------------------------------------------------- */

/* n with thousands separators: "-1,234,567".  Returns buf. */
const char *cli_format_int(char *buf, size_t capacity, int64_t n);

/*
 * An amount in minor units as whole major units with thousands
 * separators, rounded half away from zero with integer arithmetic only:
 * 123456789 minor at 100 per major is "1,234,568".  Returns buf.
 */
const char *cli_format_major(char *buf, size_t capacity, int64_t minor,
                             int64_t minor_per_major);

/* ---- display width -------------------------------------------------- */

/*
 * Terminal columns taken by a UTF-8 string: East Asian wide characters
 * count 2, combining marks 0, everything else (invalid bytes too) 1.
 */
size_t cli_display_width(const char *text);

/* ---- aligned tables ------------------------------------------------- */

enum { CLI_ALIGN_LEFT = 0, CLI_ALIGN_RIGHT = 1 };

typedef struct cli_table cli_table;

/*
 * A table of columns headers and alignments (CLI_ALIGN_*), or NULL when
 * memory runs out.  Cells are copied.
 */
cli_table *cli_table_new(size_t columns, const char *const *headers,
                         const int *aligns);
void cli_table_free(cli_table *table);

/*
 * Append the next cell of the current row; a row ends by itself after the
 * last column.  Errors (out of memory) are sticky and reported by
 * cli_table_print, so callers need not check every cell.
 */
void cli_table_add(cli_table *table, const char *text);
void cli_table_addf(cli_table *table, const char *fmt, ...) CLI_PRINTF(2, 3);
/* Append a horizontal rule (for example before a total row). */
void cli_table_rule(cli_table *table);

/*
 * Print the header, a rule and the rows, columns separated by two spaces
 * and aligned by display width.  Returns 0, or -1 when an earlier add ran
 * out of memory (nothing is printed then).
 */
int cli_table_print(const cli_table *table, FILE *out);

/* ---- pointer index -------------------------------------------------- */

/*
 * A read-only map from record handles (segments, customers...) to
 * positions 0..count-1, built once and searched in O(log n).
 */
typedef struct cli_ptr_index {
    struct cli_ptr_entry *entries;
    size_t count, capacity;
} cli_ptr_index;

/*
 * Prepare an empty index for up to capacity pointers; 0 or -1 (out of
 * memory).  Add them with cli_ptr_index_add (positions 0, 1, ... in the
 * order of the calls), then call cli_ptr_index_sort once before searching.
 */
int cli_ptr_index_init(cli_ptr_index *index, size_t capacity);
void cli_ptr_index_add(cli_ptr_index *index, const void *pointer);
void cli_ptr_index_sort(cli_ptr_index *index);
/* The position of pointer, or (size_t)-1 when it is not in the index. */
size_t cli_ptr_index_find(const cli_ptr_index *index, const void *pointer);
void cli_ptr_index_free(cli_ptr_index *index);

#endif /* MTL_CLI_UTIL_H */
