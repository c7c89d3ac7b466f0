/*
 * input.c: CSV import with progress and error reports, snapshot detection
 * and stream output, shared by `mtl import`, `mtl export` and `mtl info`.
 */
#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* ---- option values ---------------------------------------------------- */

/* The --kind names by MTL_KIND_* value (the first is what messages use),
 * each also accepted without its final 's' and with '-' for '_'. */
static const char *const kind_names[CLI_KIND_COUNT] = {
    "leads", "customers", "segments", "looks", "factors", "appeals",
    "control_points", "pains", "contacts", "relationships", "answers",
};

int cli_parse_kind(const char *text, int32_t *out)
{
    char name[32];
    size_t len = strlen(text), i, k;

    if (len == 0 || len >= sizeof name)
        return -1;
    for (i = 0; i <= len; i++)
        name[i] = text[i] == '-' ? '_' : text[i];
    for (k = 0; k < CLI_KIND_COUNT; k++) {
        size_t n = strlen(kind_names[k]);
        if (strcmp(name, kind_names[k]) == 0 ||
            (len == n - 1 && strncmp(name, kind_names[k], len) == 0)) {
            *out = (int32_t)k;
            return 0;
        }
    }
    return -1;
}

const char *cli_kind_name(int32_t kind)
{
    return kind >= 0 && kind < CLI_KIND_COUNT ? kind_names[kind] : "?";
}

int cli_parse_separator(const char *text, int32_t *out)
{
    if (strcmp(text, ",") == 0)
        *out = ',';
    else if (strcmp(text, ";") == 0)
        *out = ';';
    else if (strcmp(text, "tab") == 0 || strcmp(text, "TAB") == 0 ||
             strcmp(text, "\t") == 0 || strcmp(text, "\\t") == 0)
        *out = '\t';
    else
        return -1;
    return 0;
}

int cli_check_pairs(const char *text)
{
    const char *p = text;

    if (*p == '\0')
        return -1;
    for (;;) {
        const char *end = strchr(p, ',');
        const char *eq;
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

        eq = memchr(p, '=', len);
        if (eq == NULL || eq == p || eq == p + len - 1)
            return -1;
        if (end == NULL)
            return 0;
        p = end + 1;
    }
}

const char *cli_display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* ---- files ------------------------------------------------------------ */

int cli_read_all(const char *path, char **out, size_t *out_len)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    char *data = NULL;
    size_t len = 0, cap = 0;
    int err = 0;

    *out = NULL;
    *out_len = 0;
    if (fp == NULL) {
        fprintf(stderr, "mtl: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        size_t n;
        if (cap - len < 65536) {
            size_t ncap = cap == 0 ? 65536 : cap * 2;
            char *p = ncap > cap ? realloc(data, ncap) : NULL;
            if (p == NULL) {
                err = ENOMEM;
                break;
            }
            data = p;
            cap = ncap;
        }
        n = fread(data + len, 1, cap - len, fp);
        len += n;
        if (n == 0) {
            if (ferror(fp))
                err = errno != 0 ? errno : EIO;
            break;
        }
    }
    if (!is_stdin)
        fclose(fp);
    if (err != 0) {
        fprintf(stderr, "mtl: %s: %s\n", cli_display_name(path), strerror(err));
        free(data);
        return -1;
    }
    *out = data;
    *out_len = len;
    return 0;
}

int cli_bytes_are_snapshot(const char *data, size_t len)
{
    return len >= CLI_SNAPSHOT_MAGIC_LEN &&
           memcmp(data, CLI_SNAPSHOT_MAGIC, CLI_SNAPSHOT_MAGIC_LEN) == 0;
}

int cli_file_is_snapshot(const char *path)
{
    char head[CLI_SNAPSHOT_MAGIC_LEN];
    size_t n;
    FILE *fp = fopen(path, "rb");
    int err;

    if (fp == NULL)
        return -1;
    n = fread(head, 1, sizeof head, fp);
    err = ferror(fp) ? (errno != 0 ? errno : EIO) : 0;
    fclose(fp);
    if (err != 0) {
        errno = err;
        return -1;
    }
    return cli_bytes_are_snapshot(head, n);
}

int32_t cli_write_stream(const void *data, size_t len, void *user_data)
{
    FILE *fp = user_data;
    return fwrite(data, 1, len, fp) == len ? 0 : -1;
}

int cli_file_error(const char *path)
{
    const char *message = mtl_last_error_message();

    if (message == NULL || message[0] == '\0')
        message = mtl_status_string(mtl_last_error_status());
    fprintf(stderr, "mtl: %s: %s\n", cli_display_name(path), message);
    return CLI_EXIT_ERROR;
}

/* ---- import ----------------------------------------------------------- */

typedef struct progress_state {
    const char *name;
    int last;    /* last percentage shown, -1 before the first */
    int shown;   /* a line is on the terminal */
} progress_state;

static void show_progress(uint64_t done, uint64_t total, void *user_data)
{
    progress_state *ps = user_data;
    int pct = total > 0 ? (int)(done >= total ? 100 : done * 100 / total) : 100;

    if (pct == ps->last)
        return;
    ps->last = pct;
    ps->shown = 1;
    fprintf(stderr, "\r%s: %3d%%", ps->name, pct);
    fflush(stderr);
}

static void clear_progress(const progress_state *ps)
{
    if (ps->shown) {
        /* blank the line so what follows starts clean */
        fprintf(stderr, "\r%*s\r", (int)(cli_display_width(ps->name) + 6), "");
        fflush(stderr);
    }
}

/*
 * Library messages about text input may begin with their own position
 * ("line 12, column 3: ..."); the CLI prints FILE:LINE:COLUMN in front, so
 * that prefix would only repeat it.
 */
static const char *strip_position(const char *message)
{
    const char *p = message;

    if (strncmp(p, "line ", 5) != 0)
        return message;
    p += 5;
    if (*p < '0' || *p > '9')
        return message;
    while (*p >= '0' && *p <= '9')
        p++;
    if (strncmp(p, ", column ", 9) == 0) {
        p += 9;
        if (*p < '0' || *p > '9')
            return message;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (strncmp(p, ": ", 2) != 0)
        return message;
    return p + 2;
}

static void print_located(const char *name, int64_t line, int64_t column,
                          mtl_status status, const char *message)
{
    if (message == NULL || message[0] == '\0')
        message = mtl_status_string(status);
    message = strip_position(message);
    if (line > 0 && column > 0)
        fprintf(stderr, "%s:%lld:%lld: %s\n", name, (long long)line,
                (long long)column, message);
    else if (line > 0)
        fprintf(stderr, "%s:%lld: %s\n", name, (long long)line, message);
    else
        fprintf(stderr, "mtl: %s: %s\n", name, message);
}

/* Import data (or the file path when data is NULL). */
static int run_import(mtl_market *market, const char *path, const char *data,
                      size_t len, int32_t kind,
                      const cli_import_settings *settings,
                      mtl_csv_result *result)
{
    const char *name = cli_display_name(path);
    mtl_csv_options options;
    progress_state ps;
    mtl_status st;
    int32_t i;

    if (mtl_csv_options_init(&options, sizeof options) != MTL_OK ||
        mtl_csv_result_init(result, sizeof *result) != MTL_OK)
        return cli_library_error("import");
    options.kind = kind;
    options.separator = settings->separator;
    options.field_map = settings->field_map;
    options.stage_map = settings->stage_map;
    options.skip_bad_rows = settings->skip_bad ? 1 : 0;
    options.strict = settings->strict ? 1 : 0;
    ps.name = name;
    ps.last = -1;
    ps.shown = 0;
    if (isatty(STDERR_FILENO)) {
        options.progress = show_progress;
        options.progress_user_data = &ps;
    }

    if (data != NULL)
        st = mtl_csv_import(market, data, len, &options, result);
    else
        st = mtl_csv_import_file(market, path, &options, result);
    clear_progress(&ps);

    if (st != MTL_OK) {
        if (result->error_count > 0)
            print_located(name, result->errors[0].line, result->errors[0].column,
                          result->errors[0].status, result->errors[0].message);
        else
            print_located(name, mtl_last_error_line(), mtl_last_error_column(),
                          st, mtl_last_error_message());
        return CLI_EXIT_ERROR;
    }
    if (result->skipped > 0) {
        for (i = 0; i < result->error_count && i < MTL_CSV_ERRORS_MAX; i++)
            print_located(name, result->errors[i].line, result->errors[i].column,
                          result->errors[i].status, result->errors[i].message);
        if (result->skipped > (uint64_t)result->error_count)
            fprintf(stderr, "mtl: %s: %llu bad rows skipped (the first %d shown)\n",
                    name, (unsigned long long)result->skipped,
                    (int)result->error_count);
        else
            fprintf(stderr, "mtl: %s: %llu bad row%s skipped\n", name,
                    (unsigned long long)result->skipped,
                    result->skipped == 1 ? "" : "s");
    }
    return CLI_EXIT_OK;
}

int cli_import_csv(mtl_market *market, const char *path, int32_t kind,
                   const cli_import_settings *settings,
                   mtl_csv_result *result)
{
    char *data;
    size_t len;
    int status;

    if (strcmp(path, "-") != 0)
        return run_import(market, path, NULL, 0, kind, settings, result);
    if (cli_read_all(path, &data, &len) != 0)
        return CLI_EXIT_ERROR;
    /* a non-NULL pointer even for empty input: data == NULL means "a file" */
    status = run_import(market, path, data != NULL ? data : "", len, kind,
                        settings, result);
    free(data);
    return status;
}

static int new_market(mtl_market **out)
{
    if (mtl_market_create(out, NULL) != MTL_OK)
        return cli_library_error("creating a market");
    return CLI_EXIT_OK;
}

int cli_open_market(mtl_market **out, const char *path, int32_t kind,
                    const cli_import_settings *settings, int *out_is_snapshot)
{
    mtl_csv_result result;
    int snapshot, status;

    *out = NULL;
    if (out_is_snapshot != NULL)
        *out_is_snapshot = 0;
    if (strcmp(path, "-") == 0) {
        char *data;
        size_t len;

        if (cli_read_all(path, &data, &len) != 0)
            return CLI_EXIT_ERROR;
        snapshot = cli_bytes_are_snapshot(data != NULL ? data : "", len);
        if (snapshot) {
            status = mtl_market_read(out, data, len, NULL) == MTL_OK
                         ? CLI_EXIT_OK
                         : cli_file_error(path);
        } else {
            status = new_market(out);
            if (status == CLI_EXIT_OK)
                status = run_import(*out, path, data != NULL ? data : "", len,
                                    kind, settings, &result);
        }
        free(data);
    } else {
        snapshot = cli_file_is_snapshot(path);
        if (snapshot < 0) {
            fprintf(stderr, "mtl: %s: %s\n", path, strerror(errno));
            return CLI_EXIT_ERROR;
        }
        if (snapshot) {
            status = mtl_market_load(out, path, NULL) == MTL_OK
                         ? CLI_EXIT_OK
                         : cli_file_error(path);
        } else {
            status = new_market(out);
            if (status == CLI_EXIT_OK)
                status = run_import(*out, path, NULL, 0, kind, settings, &result);
        }
    }
    if (status != CLI_EXIT_OK) {
        mtl_market_unref(*out);
        *out = NULL;
        return status;
    }
    if (out_is_snapshot != NULL)
        *out_is_snapshot = snapshot;
    return CLI_EXIT_OK;
}

/* ---- options shared by the analysis commands ------------------------- */

int cli_input_option(const cli_parser *parser, int index,
                     cli_import_settings *settings)
{
    switch (index) {
    case 0: /* --map */
    case 1: /* --stages */
        if (cli_check_pairs(parser->value) != 0)
            return cli_usage_error(parser->command,
                                   "--%s: '%s' is not a list of NAME=NAME pairs "
                                   "separated by commas",
                                   parser->option->name, parser->value);
        if (index == 0)
            settings->field_map = parser->value;
        else
            settings->stage_map = parser->value;
        return CLI_EXIT_OK;
    case 2:
        if (cli_parse_separator(parser->value, &settings->separator) != 0)
            return cli_usage_error(parser->command,
                                   "--sep: '%s' is not ',', ';' or 'tab'",
                                   parser->value);
        return CLI_EXIT_OK;
    case 3:
        settings->skip_bad = 1;
        return CLI_EXIT_OK;
    default:
        settings->strict = 1;
        return CLI_EXIT_OK;
    }
}

/* ---- several input files, each of a kind ---------------------------- */

int cli_inputs_init(cli_inputs *inputs, int argc)
{
    memset(inputs, 0, sizeof *inputs);
    inputs->kind = MTL_KIND_LEADS;
    /* at most one file per argument */
    inputs->files = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *inputs->files);
    if (inputs->files == NULL) {
        fputs("mtl: out of memory\n", stderr);
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

void cli_inputs_free(cli_inputs *inputs)
{
    free(inputs->files);
    inputs->files = NULL;
}

int cli_inputs_option(cli_inputs *inputs, const cli_parser *parser, int index)
{
    cli_import_settings pairs;
    int status;

    if (index == 0) { /* --kind */
        if (cli_parse_kind(parser->value, &inputs->kind) != 0)
            return cli_usage_error(parser->command, "--kind: '%s' is not %s",
                                   parser->value, CLI_KIND_NAMES);
        inputs->kind_pending = 1;
        return CLI_EXIT_OK;
    }
    if (index > 1) /* the options of CLI_INPUT_OPTIONS after --map */
        return cli_input_option(parser, index - 1, &inputs->settings);
    /* --map, for the kind in effect */
    memset(&pairs, 0, sizeof pairs);
    if ((status = cli_input_option(parser, 0, &pairs)) != CLI_EXIT_OK)
        return status;
    if (inputs->maps[inputs->kind] != NULL)
        return cli_usage_error(parser->command, "--map given twice for %s files",
                               cli_kind_name(inputs->kind));
    inputs->maps[inputs->kind] = parser->value;
    return CLI_EXIT_OK;
}

void cli_inputs_add(cli_inputs *inputs, const char *path)
{
    inputs->files[inputs->count].path = path;
    inputs->files[inputs->count].kind = inputs->kind;
    inputs->counts[inputs->kind]++;
    inputs->count++;
    inputs->kind_pending = 0;
}

int cli_inputs_check(const cli_inputs *inputs, const char *command)
{
    int32_t k;

    if (inputs->count == 0)
        return cli_usage_error(command, "no input file");
    if (inputs->kind_pending)
        return cli_usage_error(command, "the last --kind applies to no file: put "
                                        "it before the files it is for");
    for (k = 0; k < CLI_KIND_COUNT; k++)
        if (inputs->maps[k] != NULL && inputs->counts[k] == 0)
            return cli_usage_error(command, "--map '%s' is for %s files and there "
                                            "are none: put it after the --kind it "
                                            "is for",
                                   inputs->maps[k], cli_kind_name(k));
    return CLI_EXIT_OK;
}

int cli_inputs_import(mtl_market *market, const cli_inputs *inputs, size_t first,
                      const char *hint, mtl_csv_result *results)
{
    size_t i;

    for (i = first; i < inputs->count; i++) {
        const cli_input_file *file = &inputs->files[i];
        cli_import_settings settings = inputs->settings;
        mtl_csv_result result;
        int status;

        if (strcmp(file->path, "-") != 0 && cli_file_is_snapshot(file->path) > 0) {
            fprintf(stderr, "mtl: %s: an mtl snapshot, not a CSV file (%s)\n",
                    file->path, hint);
            return CLI_EXIT_ERROR;
        }
        settings.field_map = inputs->maps[file->kind];
        status = cli_import_csv(market, file->path, file->kind, &settings,
                                results != NULL ? &results[i] : &result);
        if (status != CLI_EXIT_OK)
            return status;
    }
    return CLI_EXIT_OK;
}

int cli_inputs_open(mtl_market **out, const cli_inputs *inputs)
{
    cli_import_settings settings = inputs->settings;
    int status;

    *out = NULL;
    settings.field_map = inputs->maps[inputs->files[0].kind];
    status = cli_open_market(out, inputs->files[0].path, inputs->files[0].kind,
                             &settings, NULL);
    if (status == CLI_EXIT_OK)
        status = cli_inputs_import(*out, inputs, 1,
                                   "only the first input may be a snapshot", NULL);
    if (status != CLI_EXIT_OK) {
        mtl_market_unref(*out);
        *out = NULL;
    }
    return status;
}

int cli_parse_numbers(const cli_parser *parser, double *out, size_t count)
{
    const char *p = parser->value;
    size_t i;

    for (i = 0; i < count; i++) {
        char *end;
        out[i] = strtod(p, &end);
        if (end == p || !isfinite(out[i]) || *end != (i + 1 < count ? ',' : '\0'))
            return cli_usage_error(parser->command,
                                   "--%s: '%s' is not %u numbers separated by commas",
                                   parser->option->name, parser->value,
                                   (unsigned)count);
        p = end + 1;
    }
    return CLI_EXIT_OK;
}

int cli_parse_choice(const cli_parser *parser, const char *choices,
                     const char *const *names, const int32_t *values, size_t count,
                     int32_t *out)
{
    size_t i;
    for (i = 0; i < count; i++)
        if (strcmp(parser->value, names[i]) == 0) {
            *out = values[i];
            return CLI_EXIT_OK;
        }
    return cli_usage_error(parser->command, "--%s: '%s' is not %s",
                           parser->option->name, parser->value, choices);
}

int cli_parse_format(const cli_parser *parser, int *out)
{
    static const char *const names[] = { "table", "csv", "json" };
    static const int32_t values[] = { CLI_FORMAT_TABLE, CLI_FORMAT_CSV, CLI_FORMAT_JSON };
    int32_t v = CLI_FORMAT_TABLE;
    int status = cli_parse_choice(parser, "table, csv or json", names, values, 3, &v);
    *out = (int)v;
    return status;
}

int cli_parse_source(const cli_parser *parser, int32_t *out)
{
    static const char *const names[] = { "stage", "calibrated" };
    static const int32_t values[] = { MTL_PROBABILITY_SOURCE_STAGE,
                                      MTL_PROBABILITY_SOURCE_CALIBRATED };
    return cli_parse_choice(parser, "stage or calibrated", names, values, 2, out);
}

int cli_period(const char *command, int32_t from, int32_t to, int required,
               int32_t *out_end)
{
    if (from == MTL_DATE_NONE && to == MTL_DATE_NONE && !required)
        return CLI_EXIT_OK;
    if (from == MTL_DATE_NONE || to == MTL_DATE_NONE)
        return cli_usage_error(command, required ? "--from and --to are required"
                                                 : "give both --from and --to");
    if (to < from)
        return cli_usage_error(command, "--to is before --from");
    *out_end = to + 1;
    return CLI_EXIT_OK;
}

int cli_parse_day(const cli_parser *parser, int32_t *out)
{
    if (mtl_date_parse(out, parser->value, strlen(parser->value)) != MTL_OK)
        return cli_usage_error(parser->command, "--%s: '%s' is not a date YYYY-MM-DD",
                               parser->option->name, parser->value);
    return CLI_EXIT_OK;
}

int cli_parse_rate(const char *text, double *out)
{
    char *end;
    double v;
    while (isspace((unsigned char)*text))
        text++;
    if (*text == '\0')
        return -1;
    v = strtod(text, &end);
    if (end == text)
        return -1;
    if (*end == '%') {
        v /= 100.0;
        end++;
    }
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cli_amount_to_minor(const char *text, int64_t minor_per_major, int64_t *out)
{
    int64_t whole = 0, frac = 0, scale = 1;
    const char *p = text;
    int digits = 0;
    if (minor_per_major <= 0)
        return -1;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > (INT64_MAX - 9) / 10)
            return -1;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            if (scale >= minor_per_major)
                return -1; /* more decimals than the minor unit has */
            frac = frac * 10 + (*p - '0');
            scale *= 10;
        }
    }
    if (*p || !digits || whole > INT64_MAX / minor_per_major)
        return -1;
    *out = whole * minor_per_major + frac * (minor_per_major / scale);
    return 0;
}

/* ---- output helpers --------------------------------------------------- */

mtl_json *cli_json_stdout(void)
{
    mtl_json *w = NULL;
    if (mtl_json_create(&w, cli_write_stream, stdout, MTL_JSON_PRETTY, NULL, NULL) !=
        MTL_OK) {
        cli_library_error("JSON output");
        return NULL;
    }
    return w;
}

mtl_status cli_json_int(mtl_json *w, mtl_status st, const char *key, int64_t v)
{
    if (st == MTL_OK)
        st = mtl_json_key(w, key);
    return st == MTL_OK ? mtl_json_int(w, v) : st;
}

mtl_status cli_json_double(mtl_json *w, mtl_status st, const char *key, double v)
{
    if (st == MTL_OK)
        st = mtl_json_key(w, key);
    if (st != MTL_OK)
        return st;
    /* JSON has no NaN or infinity: null */
    return v == v && v - v == 0 ? mtl_json_double(w, v) : mtl_json_null(w);
}

mtl_status cli_json_string(mtl_json *w, mtl_status st, const char *key,
                           const char *v)
{
    if (st == MTL_OK)
        st = mtl_json_key(w, key);
    return st == MTL_OK ? mtl_json_string(w, v) : st;
}

mtl_status cli_json_major(mtl_json *w, mtl_status st, const char *key,
                          double minor, int64_t minor_per_major)
{
    return cli_json_double(w, st, key, minor / (double)minor_per_major);
}

int cli_json_done(mtl_json *w, mtl_status st)
{
    if (st == MTL_OK)
        st = mtl_json_finish(w);
    mtl_json_destroy(w);
    if (st != MTL_OK)
        return cli_library_error("writing JSON");
    return CLI_EXIT_OK;
}

void cli_csv_field(FILE *out, const char *text, int last)
{
    if (strpbrk(text, ",\"\r\n") != NULL) {
        fputc('"', out);
        for (; *text; text++) {
            if (*text == '"')
                fputc('"', out);
            fputc(*text, out);
        }
        fputc('"', out);
    } else {
        fputs(text, out);
    }
    fputc(last ? '\n' : ',', out);
}

void cli_csv_number(FILE *out, double v, int last)
{
    char b[40];
    int digits;

    b[0] = '\0';
    /* the shortest form that reads back to the same double */
    for (digits = 15; !isnan(v) && digits <= 17; digits++) {
        snprintf(b, sizeof b, "%.*g", digits, v);
        if (strtod(b, NULL) == v)
            break;
    }
    cli_csv_field(out, b, last);
}

int cli_parse_group(const char *text, int32_t *out)
{
    static const struct { const char *name; int32_t group; } keys[] = {
        { "segment", MTL_GROUP_SEGMENT }, { "region", MTL_GROUP_REGION },
        { "owner", MTL_GROUP_OWNER }, { "grade", MTL_GROUP_GRADE },
        { "source", MTL_GROUP_SOURCE }, { "cohort:month", MTL_GROUP_COHORT_MONTH },
        { "cohort:quarter", MTL_GROUP_COHORT_QUARTER },
        { "cohort:year", MTL_GROUP_COHORT_YEAR }, { "cohort", MTL_GROUP_COHORT_MONTH },
    };
    size_t k;
    for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (strcmp(text, keys[k].name) == 0) {
            *out = keys[k].group;
            return 0;
        }
    return -1;
}

int cli_take_input(const cli_parser *parser, const char **path)
{
    if (*path != NULL)
        return cli_usage_error(parser->command, "unexpected argument '%s' (one input "
                               "at a time)", parser->value);
    *path = parser->value;
    return CLI_EXIT_OK;
}
