/*
 * util.c: option parsing, messages, number formatting, display width and
 * aligned tables for the mtl subcommands.
 */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

/* ---- messages ------------------------------------------------------- */

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", command);
    return CLI_EXIT_USAGE;
}

int cli_library_error(const char *what)
{
    const char *message = mtl_last_error_message();

    if (message == NULL || message[0] == '\0')
        message = mtl_status_string(mtl_last_error_status());
    fprintf(stderr, "mtl: %s: %s\n", what, message);
    return CLI_EXIT_ERROR;
}

int cli_finish_output(int status)
{
    int failed = fflush(stdout) != 0 || ferror(stdout);

    if (failed) {
        int err = errno;
        fprintf(stderr, "mtl: writing output: %s\n",
                err != 0 ? strerror(err) : "write error");
        if (status == CLI_EXIT_OK)
            status = CLI_EXIT_ERROR;
    }
    return status;
}

/* ---- options -------------------------------------------------------- */

void cli_parser_init(cli_parser *parser, const char *command, int argc,
                     char **argv)
{
    memset(parser, 0, sizeof *parser);
    parser->command = command;
    parser->argc = argc;
    parser->argv = argv;
    parser->index = 1;
}

static int take_value(cli_parser *parser, const char *inline_value,
                      const char *spelled)
{
    const cli_option *opt = parser->option;

    if (opt->arg == NULL) {
        if (inline_value != NULL) {
            cli_usage_error(parser->command, "option '%s' takes no value",
                            spelled);
            return CLI_OPT_ERROR;
        }
        parser->value = NULL;
        return 0;
    }
    if (inline_value != NULL) {
        parser->value = inline_value;
        return 0;
    }
    if (parser->index >= parser->argc) {
        cli_usage_error(parser->command, "option '%s' needs a value (%s)",
                        spelled, opt->arg);
        return CLI_OPT_ERROR;
    }
    parser->value = parser->argv[parser->index++];
    return 0;
}

int cli_parser_next(cli_parser *parser, const cli_option *options,
                    size_t count)
{
    const char *arg;
    size_t i;

    parser->value = NULL;
    parser->option = NULL;
    if (parser->index >= parser->argc)
        return CLI_OPT_END;
    arg = parser->argv[parser->index++];

    if (parser->options_done || arg[0] != '-' || arg[1] == '\0') {
        parser->value = arg; /* "-" alone is a positional (stdin) */
        return CLI_OPT_POSITIONAL;
    }
    if (arg[1] == '-') {
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);

        if (len == 0 && eq == NULL) { /* "--" */
            parser->options_done = 1;
            return cli_parser_next(parser, options, count);
        }
        for (i = 0; i < count; i++) {
            if (strlen(options[i].name) == len &&
                memcmp(options[i].name, name, len) == 0) {
                char spelled[80];
                snprintf(spelled, sizeof spelled, "--%s", options[i].name);
                parser->option = &options[i];
                if (take_value(parser, eq != NULL ? eq + 1 : NULL, spelled) != 0)
                    return CLI_OPT_ERROR;
                return (int)i;
            }
        }
        if (eq != NULL)
            cli_usage_error(parser->command, "unknown option '--%.*s'",
                            (int)len, name);
        else
            cli_usage_error(parser->command, "unknown option '%s'", arg);
        return CLI_OPT_ERROR;
    }
    /* A short option: "-h", or "-s VALUE" / "-sVALUE" for one with a value. */
    for (i = 0; i < count; i++) {
        if (options[i].short_name != 0 && options[i].short_name == arg[1]) {
            char spelled[3] = { '-', arg[1], '\0' };
            parser->option = &options[i];
            if (take_value(parser, arg[2] != '\0' ? arg + 2 : NULL,
                           spelled) != 0)
                return CLI_OPT_ERROR;
            return (int)i;
        }
    }
    cli_usage_error(parser->command, "unknown option '%s'", arg);
    return CLI_OPT_ERROR;
}

/* Digits only, no sign, no blanks; 0 on success, -1 on junk or overflow. */
static int parse_digits(const char *text, uint64_t max, uint64_t *out)
{
    uint64_t n = 0;

    if (text == NULL || *text == '\0')
        return -1;
    for (; *text != '\0'; text++) {
        unsigned d;
        if (*text < '0' || *text > '9')
            return -1;
        d = (unsigned)(*text - '0');
        if (n > (max - d) / 10)
            return -1;
        n = n * 10 + d;
    }
    *out = n;
    return 0;
}

static const char *option_spelling(const cli_parser *parser, char *buf,
                                    size_t capacity)
{
    snprintf(buf, capacity, "--%s", parser->option->name);
    return buf;
}

int cli_parser_uint64(const cli_parser *parser, uint64_t max, uint64_t *out)
{
    char name[80];

    if (parse_digits(parser->value, max, out) != 0)
        return cli_usage_error(parser->command,
                               "%s: '%s' is not a whole number from 0 to %llu",
                               option_spelling(parser, name, sizeof name),
                               parser->value, (unsigned long long)max);
    return 0;
}

int cli_parser_int64(const cli_parser *parser, int64_t min, int64_t max,
                     int64_t *out)
{
    const char *text = parser->value != NULL ? parser->value : "";
    int negative = text[0] == '-';
    uint64_t magnitude;
    int64_t value;
    char name[80];

    if (parse_digits(text + negative, (uint64_t)INT64_MAX + 1u, &magnitude) != 0)
        goto bad;
    if (negative)
        value = magnitude == 0 ? 0 : -(int64_t)(magnitude - 1u) - 1;
    else if (magnitude > (uint64_t)INT64_MAX)
        goto bad;
    else
        value = (int64_t)magnitude;
    if (value < min || value > max)
        goto bad;
    *out = value;
    return 0;
bad:
    return cli_usage_error(parser->command,
                           "%s: '%s' is not a whole number from %lld to %lld",
                           option_spelling(parser, name, sizeof name), text,
                           (long long)min, (long long)max);
}

void cli_print_options(FILE *out, const cli_option *options, size_t count)
{
    size_t widest = 0, i;
    char spelled[128];

    for (i = 0; i < count; i++) {
        size_t w;
        snprintf(spelled, sizeof spelled, "--%s%s%s", options[i].name,
                 options[i].arg != NULL ? " " : "",
                 options[i].arg != NULL ? options[i].arg : "");
        w = strlen(spelled);
        if (w > widest)
            widest = w;
    }
    for (i = 0; i < count; i++) {
        snprintf(spelled, sizeof spelled, "--%s%s%s", options[i].name,
                 options[i].arg != NULL ? " " : "",
                 options[i].arg != NULL ? options[i].arg : "");
        if (options[i].short_name != 0)
            fprintf(out, "  -%c, ", options[i].short_name);
        else
            fputs("      ", out);
        fprintf(out, "%-*s  %s\n", (int)widest, spelled, options[i].help);
    }
}

/* ---- numbers -------------------------------------------------------- */

/* Digits of magnitude with a ',' every three, behind an optional '-'. */
static const char *format_grouped(char *buf, size_t capacity, int negative,
                                  uint64_t magnitude)
{
    char tmp[40];
    size_t n = 0, digits = 0, i;

    do {
        if (digits > 0 && digits % 3 == 0)
            tmp[n++] = ',';
        tmp[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
        digits++;
    } while (magnitude != 0);
    if (negative)
        tmp[n++] = '-';
    if (capacity == 0)
        return buf;
    if (n >= capacity)
        n = capacity - 1; /* truncated; callers pass 32 bytes, enough */
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return buf;
}

const char *cli_format_int(char *buf, size_t capacity, int64_t n)
{
    /* The magnitude of INT64_MIN does not fit int64_t: go through uint64_t. */
    uint64_t magnitude = n < 0 ? 0u - (uint64_t)n : (uint64_t)n;
    return format_grouped(buf, capacity, n < 0, magnitude);
}

const char *cli_format_major(char *buf, size_t capacity, int64_t minor,
                             int64_t minor_per_major)
{
    uint64_t magnitude = minor < 0 ? 0u - (uint64_t)minor : (uint64_t)minor;
    uint64_t per = minor_per_major > 0 ? (uint64_t)minor_per_major : 1u;
    uint64_t major = magnitude / per;

    if ((magnitude % per) * 2u >= per) /* half away from zero */
        major++;
    return format_grouped(buf, capacity, minor < 0 && major != 0, major);
}

/* ---- display width -------------------------------------------------- */

/* Decode one UTF-8 sequence; returns its length (1 for an invalid byte,
 * with *cp = 0xFFFD). */
static size_t decode_utf8(const unsigned char *s, uint32_t *cp)
{
    uint32_t c = s[0];
    size_t len, i;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        c &= 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    *cp = c;
    return len;
}

/* The usual East Asian Wide / Fullwidth blocks; a simple range check is
 * enough for the tool's tables (CJK text, Hangul, fullwidth forms). */
static int is_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

static int is_zero_width(uint32_t c)
{
    return (c >= 0x0300 && c <= 0x036F) || c == 0x200B || c == 0x200D ||
           (c >= 0xFE00 && c <= 0xFE0F);
}

size_t cli_display_width(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t width = 0;

    while (*s != '\0') {
        uint32_t cp;
        s += decode_utf8(s, &cp);
        if (is_zero_width(cp))
            continue;
        width += is_wide(cp) ? 2 : 1;
    }
    return width;
}

/* ---- aligned tables ------------------------------------------------- */

struct cli_table {
    size_t columns;
    char **headers;
    int *aligns;
    char **cells;   /* rows * columns cells; a rule row holds NULLs */
    unsigned char *rule; /* per row: 1 for a rule */
    size_t rows;    /* complete or started rows */
    size_t capacity;/* rows allocated */
    size_t filled;  /* cells filled in the last row */
    int failed;     /* an allocation failed */
};

static char *copy_string(const char *text)
{
    size_t len = strlen(text);
    char *copy = malloc(len + 1);

    if (copy != NULL)
        memcpy(copy, text, len + 1);
    return copy;
}

cli_table *cli_table_new(size_t columns, const char *const *headers,
                         const int *aligns)
{
    cli_table *t = calloc(1, sizeof *t);
    size_t i;

    if (t == NULL)
        return NULL;
    t->columns = columns;
    t->headers = calloc(columns, sizeof *t->headers);
    t->aligns = calloc(columns, sizeof *t->aligns);
    if (t->headers == NULL || t->aligns == NULL) {
        cli_table_free(t);
        return NULL;
    }
    for (i = 0; i < columns; i++) {
        t->headers[i] = copy_string(headers[i]);
        if (t->headers[i] == NULL) {
            cli_table_free(t);
            return NULL;
        }
        t->aligns[i] = aligns != NULL ? aligns[i] : CLI_ALIGN_LEFT;
    }
    t->filled = columns; /* no row started yet */
    return t;
}

void cli_table_free(cli_table *t)
{
    size_t i;

    if (t == NULL)
        return;
    if (t->headers != NULL)
        for (i = 0; i < t->columns; i++)
            free(t->headers[i]);
    if (t->cells != NULL)
        for (i = 0; i < t->rows * t->columns; i++)
            free(t->cells[i]);
    free(t->headers);
    free(t->aligns);
    free(t->cells);
    free(t->rule);
    free(t);
}

/* Start a new row; 0 or -1 (out of memory, recorded in t->failed). */
static int start_row(cli_table *t, int rule)
{
    if (t->rows == t->capacity) {
        size_t cap = t->capacity == 0 ? 16 : t->capacity * 2;
        char **cells = realloc(t->cells, cap * t->columns * sizeof *cells);
        unsigned char *rules;

        if (cells == NULL) {
            t->failed = 1;
            return -1;
        }
        t->cells = cells;
        rules = realloc(t->rule, cap);
        if (rules == NULL) {
            t->failed = 1;
            return -1;
        }
        t->rule = rules;
        t->capacity = cap;
    }
    memset(t->cells + t->rows * t->columns, 0,
           t->columns * sizeof *t->cells);
    t->rule[t->rows] = (unsigned char)rule;
    t->rows++;
    t->filled = rule ? t->columns : 0;
    return 0;
}

void cli_table_add(cli_table *t, const char *text)
{
    char *copy;

    if (t == NULL || t->failed)
        return;
    if (t->filled == t->columns && start_row(t, 0) != 0)
        return;
    copy = copy_string(text != NULL ? text : "");
    if (copy == NULL) {
        t->failed = 1;
        return;
    }
    t->cells[(t->rows - 1) * t->columns + t->filled++] = copy;
}

void cli_table_addf(cli_table *t, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cli_table_add(t, buf);
}

void cli_table_rule(cli_table *t)
{
    if (t == NULL || t->failed)
        return;
    start_row(t, 1);
}

static void put_spaces(FILE *out, size_t n)
{
    while (n-- > 0)
        fputc(' ', out);
}

static void put_dashes(FILE *out, size_t n)
{
    while (n-- > 0)
        fputc('-', out);
}

/* Print one line of cells (NULL cells print as empty). */
static void print_line(const cli_table *t, FILE *out, char *const *cells,
                       const size_t *widths)
{
    size_t c, last = t->columns;

    /* Trailing empty left-aligned cells must not leave trailing blanks. */
    while (last > 0 && (cells[last - 1] == NULL || cells[last - 1][0] == '\0'))
        last--;
    for (c = 0; c < last; c++) {
        const char *text = cells[c] != NULL ? cells[c] : "";
        size_t pad = widths[c] - cli_display_width(text);

        if (c > 0)
            fputs("  ", out);
        if (t->aligns[c] == CLI_ALIGN_RIGHT) {
            put_spaces(out, pad);
            fputs(text, out);
        } else {
            fputs(text, out);
            if (c + 1 < last)
                put_spaces(out, pad);
        }
    }
    fputc('\n', out);
}

static void print_rule(const cli_table *t, FILE *out, const size_t *widths)
{
    size_t c;

    for (c = 0; c < t->columns; c++) {
        if (c > 0)
            fputs("  ", out);
        put_dashes(out, widths[c]);
    }
    fputc('\n', out);
}

int cli_table_print(const cli_table *t, FILE *out)
{
    size_t *widths;
    size_t r, c;

    if (t == NULL || t->failed)
        return -1;
    widths = calloc(t->columns, sizeof *widths);
    if (widths == NULL)
        return -1;
    for (c = 0; c < t->columns; c++)
        widths[c] = cli_display_width(t->headers[c]);
    for (r = 0; r < t->rows; r++) {
        if (t->rule[r])
            continue;
        for (c = 0; c < t->columns; c++) {
            const char *cell = t->cells[r * t->columns + c];
            size_t w = cell != NULL ? cli_display_width(cell) : 0;
            if (w > widths[c])
                widths[c] = w;
        }
    }
    print_line(t, out, t->headers, widths);
    print_rule(t, out, widths);
    for (r = 0; r < t->rows; r++) {
        if (t->rule[r])
            print_rule(t, out, widths);
        else
            print_line(t, out, t->cells + r * t->columns, widths);
    }
    free(widths);
    return 0;
}

/* ---- pointer index -------------------------------------------------- */

struct cli_ptr_entry {
    uintptr_t key; /* compared as integers: '<' on unrelated pointers is UB */
    size_t position;
};

static int compare_entries(const void *a, const void *b)
{
    uintptr_t x = ((const struct cli_ptr_entry *)a)->key;
    uintptr_t y = ((const struct cli_ptr_entry *)b)->key;
    return (x > y) - (x < y);
}

int cli_ptr_index_init(cli_ptr_index *index, size_t capacity)
{
    index->count = 0;
    index->capacity = capacity;
    index->entries = malloc((capacity > 0 ? capacity : 1) * sizeof *index->entries);
    return index->entries != NULL ? 0 : -1;
}

void cli_ptr_index_add(cli_ptr_index *index, const void *pointer)
{
    if (index->count < index->capacity) {
        index->entries[index->count].key = (uintptr_t)pointer;
        index->entries[index->count].position = index->count;
        index->count++;
    }
}

void cli_ptr_index_sort(cli_ptr_index *index)
{
    if (index->count > 1)
        qsort(index->entries, index->count, sizeof *index->entries,
              compare_entries);
}

size_t cli_ptr_index_find(const cli_ptr_index *index, const void *pointer)
{
    struct cli_ptr_entry key, *hit;

    if (index->count == 0 || pointer == NULL)
        return (size_t)-1;
    key.key = (uintptr_t)pointer;
    key.position = 0;
    hit = bsearch(&key, index->entries, index->count, sizeof key,
                  compare_entries);
    return hit != NULL ? hit->position : (size_t)-1;
}

void cli_ptr_index_free(cli_ptr_index *index)
{
    free(index->entries);
    index->entries = NULL;
    index->count = 0;
    index->capacity = 0;
}
