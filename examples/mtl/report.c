/*
 * report.c: inputs, --format and score output shared by the strategy
 * commands (see report.h).
 */
#include "report.h"

#include <math.h>
#include <string.h>

int cli_report_init(cli_report *report, int argc)
{
    report->format = CLI_FORMAT_TABLE;
    return cli_inputs_init(&report->inputs, argc);
}

void cli_report_free(cli_report *report)
{
    cli_inputs_free(&report->inputs);
}

int cli_report_option(cli_report *report, const cli_parser *parser, int opt)
{
    if (opt == CLI_OPT_POSITIONAL) {
        cli_inputs_add(&report->inputs, parser->value);
        return CLI_EXIT_OK;
    }
    if (opt >= 0 && opt < CLI_FILES_OPTION_COUNT)
        return cli_inputs_option(&report->inputs, parser, opt);
    if (opt == CLI_FILES_OPTION_COUNT)
        return cli_parse_format(parser, &report->format);
    if (opt == CLI_OPT_ERROR)
        return CLI_EXIT_USAGE;
    return CLI_REPORT_NOT_MINE;
}

int cli_report_open(cli_report *report, const char *command, mtl_market **out)
{
    int status = cli_inputs_check(&report->inputs, command);

    *out = NULL;
    if (status != CLI_EXIT_OK)
        return status;
    return cli_inputs_open(out, &report->inputs);
}

int cli_report_print(const cli_report *report, const void *view, cli_report_fn table,
                     cli_report_fn csv, cli_report_fn json)
{
    cli_report_fn print = report->format == CLI_FORMAT_JSON  ? json
                          : report->format == CLI_FORMAT_CSV ? csv
                                                             : table;
    return cli_finish_output(print(view));
}

int cli_report_limit(const cli_parser *parser, size_t *limit)
{
    int64_t n;
    if (cli_parser_int64(parser, 0, INT64_MAX, &n) != 0)
        return CLI_EXIT_USAGE;
    *limit = (size_t)n;
    return CLI_EXIT_OK;
}

mtl_status cli_json_open_array(mtl_json *w, mtl_status st, const char *key)
{
    if (st == MTL_OK)
        st = mtl_json_key(w, key);
    return st == MTL_OK ? mtl_json_begin_array(w) : st;
}

mtl_status cli_json_open_object(mtl_json *w, mtl_status st)
{
    return st == MTL_OK ? mtl_json_begin_object(w) : st;
}

mtl_status cli_json_close_array(mtl_json *w, mtl_status st)
{
    return st == MTL_OK ? mtl_json_end_array(w) : st;
}

mtl_status cli_json_close_object(mtl_json *w, mtl_status st)
{
    return st == MTL_OK ? mtl_json_end_object(w) : st;
}

int cli_json_list(const char *key, size_t count, cli_json_item_fn head,
                  cli_json_item_fn item, const void *view)
{
    mtl_json *w = cli_json_stdout();
    mtl_status st;
    size_t i;

    if (w == NULL)
        return CLI_EXIT_ERROR;
    st = mtl_json_begin_object(w);
    if (head != NULL && st == MTL_OK)
        st = head(w, view, 0);
    st = cli_json_open_array(w, st, key);
    for (i = 0; i < count && st == MTL_OK; i++)
        st = item(w, view, i);
    st = cli_json_close_array(w, st);
    st = cli_json_close_object(w, st);
    return cli_json_done(w, st);
}

mtl_status cli_json_score(mtl_json *w, mtl_status st, const char *key,
                          const mtl_score *score, double scale)
{
    size_t i;

    double value = score->value * scale;

    /* scaled, the value is again the sum of the contributions left to
     * right, so that the terms of every score add up to it exactly */
    if (scale != 1 && score->term_count > 0) {
        value = 0;
        for (i = 0; i < score->term_count; i++)
            value += score->terms[i].contribution * scale;
    }
    if (st == MTL_OK)
        st = mtl_json_key(w, key);
    st = cli_json_open_object(w, st);
    st = cli_json_double(w, st, "value", value);
    st = cli_json_open_array(w, st, "terms");
    for (i = 0; i < score->term_count && st == MTL_OK; i++) {
        const mtl_term *t = &score->terms[i];
        st = mtl_json_begin_object(w);
        st = cli_json_string(w, st, "factor", t->factor != NULL ? t->factor : "");
        st = cli_json_double(w, st, "weight", t->weight);
        st = cli_json_double(w, st, "value", t->value * scale);
        st = cli_json_double(w, st, "contribution", t->contribution * scale);
        st = cli_json_close_object(w, st);
    }
    st = cli_json_close_array(w, st);
    return cli_json_close_object(w, st);
}

const char *cli_format_number(char *buf, size_t capacity, double v, int decimals)
{
    double scale = pow(10, decimals);

    if (isnan(v))
        snprintf(buf, capacity, "-");
    else /* halves away from zero, as the library's reasons round */
        snprintf(buf, capacity, "%.*f", decimals, round(v * scale) / scale);
    return buf;
}

const char *cli_name_of(const char *const *names, size_t count, int32_t value)
{
    return value >= 0 && (size_t)value < count ? names[value] : "?";
}
