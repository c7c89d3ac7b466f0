/*
 * customers.c: `mtl customers` — value, grade, relationship and
 * decision-chain coverage of every customer (library: grading.h; method:
 * docs/methods/customers.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "report.h"
#include "util.h"

static const cli_option customers_opts[] = {
    CLI_REPORT_OPTIONS,
    { "grade-by", 0, "HOW", "quantiles (default) or thresholds" },
    { "quantiles", 0, "A,B,C", "cumulative shares graded strategic, partner, commercial "
                               "(default 0.05,0.20,0.50)" },
    { "thresholds", 0, "A,B,C", "minimum values for strategic, partner, commercial, "
                                "major units (implies --grade-by thresholds)" },
    { "top", 0, "N", "only the first N customers by value" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum {
    OPT_GRADE_BY = CLI_REPORT_OPTION_COUNT, OPT_QUANTILES, OPT_THRESHOLDS, OPT_TOP,
    OPT_HELP
};
#define CUSTOMERS_OPT_COUNT (sizeof customers_opts / sizeof customers_opts[0])

static void customers_help(FILE *out)
{
    fputs("Usage: mtl customers SNAPSHOT [[--kind KIND] FILE.csv ...]\n"
          "                     [--format table|csv|json] [--top N]\n"
          "                     [--grade-by quantiles|thresholds]\n"
          "                     [--quantiles A,B,C] [--thresholds A,B,C]\n"
          "\n"
          "Every customer by value (revenue + expected investment x the chance\n"
          "that we take part), with its grade (strategic, partner, commercial,\n"
          "general) and why, the grade recorded on the customer, the relationship\n"
          "score (0-100, six dimensions rated 1-5), the decision-chain coverage\n"
          "(the share of the seven roles held by a supporter), the coaches, the\n"
          "roles without a supporter and the customer's own pain index.  The\n"
          "input is a snapshot and/or CSV files, each of the --kind before it\n"
          "(relationships, contacts, pains).  Method: docs/methods/customers.md.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, customers_opts, CUSTOMERS_OPT_COUNT);
    fputs("\n"
          "CSV: one row per customer: rank,id,name,segment,value,grade,\n"
          "recorded_grade,relationship,coverage,contacts,coaches,missing_roles,\n"
          "opposed_roles,pain_index,reason (value in major units; roles separated\n"
          "by ';'; empty where unknown).  JSON: {\"grade_by\": ..., \"customers\":\n"
          "[{rank, id, name, segment, value, grade, recorded_grade, reason,\n"
          "relationship, coverage, contacts, coaches, supported_roles,\n"
          "missing_roles, opposed_roles, pain_index}]} where every score is\n"
          "{\"value\": v, \"terms\": [{factor, weight, value, contribution}]} (value\n"
          "in major units).\n"
          "\n"
          "Exit status: 0 on success, 1 on bad input or a library error, 2 on\n"
          "a usage error.\n", out);
}

static const char *const grade_names[] = {
    "", "strategic", "partner", "commercial", "general",
};
#define GRADE(g) cli_name_of(grade_names, sizeof grade_names / sizeof grade_names[0], g)

/* Short role names for the table (MTL_ROLE_*). */
static const char *const role_short[MTL_ROLE_COUNT] = {
    "", "init", "user", "infl", "dec", "appr", "buy", "gate",
};

/* The role names of the bits (short names when brief), separated by sep
 * ("" when none). */
static const char *roles_text(char *buf, size_t cap, uint32_t bits, const char *sep,
                              int brief)
{
    int32_t r;
    size_t len = 0;

    buf[0] = '\0';
    for (r = 1; r < MTL_ROLE_COUNT; r++)
        if ((bits >> r) & 1u) {
            int n = snprintf(buf + len, cap - len, "%s%s", len ? sep : "",
                             brief ? role_short[r] : mtl_role_name(r));
            if (n < 0 || (size_t)n >= cap - len)
                break;
            len += (size_t)n;
        }
    return buf;
}

/* What the printers show. */
typedef struct customers_view {
    const mtl_market *market;
    const mtl_grading *grading;
    const mtl_grading_options *options;
    size_t limit; /* rows shown */
} customers_view;

static mtl_customer_grading customer_at(const mtl_grading *g, size_t i)
{
    mtl_customer_grading r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    mtl_grading_at(g, i, &r);
    return r;
}

/* ---- table -------------------------------------------------------------- */

static int print_table(const void *view)
{
    static const char *const head[] = {
        "rank", "customer", "name", "segment", "value", "grade", "recorded",
        "relation.", "coverage", "coaches", "no supporter", "pain",
        "reason",
    };
    static const int align[] = {
        CLI_ALIGN_RIGHT, CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_LEFT,
    };
    const customers_view *v = view;
    const mtl_grading *g = v->grading;
    int64_t per = mtl_market_minor_per_major(v->market);
    size_t i, n = mtl_grading_count(g), counts[5] = { 0, 0, 0, 0, 0 }, limit = v->limit;
    cli_table *t = cli_table_new(13, head, align);
    char b[128];
    int rc;

    for (i = 0; i < n; i++) {
        mtl_customer_grading r = customer_at(g, i);
        if (r.grade >= 0 && r.grade < 5)
            counts[r.grade]++;
        if (i >= limit)
            continue;
        cli_table_addf(t, "%zu", r.rank);
        cli_table_add(t, r.id);
        cli_table_add(t, r.name);
        cli_table_add(t, r.segment_id);
        cli_table_add(t, cli_format_major(b, sizeof b, llround(r.value.value), per));
        cli_table_add(t, GRADE(r.grade));
        cli_table_add(t, r.recorded_grade == r.grade ? "same" : r.recorded_grade
                             ? GRADE(r.recorded_grade) : "-");
        cli_table_add(t, cli_format_number(b, sizeof b, r.relationship.value, 0));
        cli_table_add(t, isnan(r.coverage.value) ? "-" : (snprintf(b, sizeof b, "%.0f%%",
                                                                   100 * r.coverage.value), b));
        cli_table_addf(t, "%zu", r.coach_count);
        cli_table_add(t, r.contact_count ? roles_text(b, sizeof b, r.missing_roles, ",", 1)
                                         : "(no contacts)");
        cli_table_add(t, cli_format_number(b, sizeof b, r.pain_index.value, 1));
        cli_table_add(t, r.grade_reason);
    }
    printf("Customers by value: %zu customers graded by %s: %zu strategic, %zu partner, "
           "%zu commercial, %zu general%s\n"
           "(no supporter: the decision-chain roles without one -- init initiator, "
           "user, infl influencer, dec decider, appr approver, buy buyer, gate "
           "gatekeeper)\n\n", n,
           v->options->grade_by == MTL_GRADE_BY_THRESHOLDS ? "thresholds"
                                                            : "value quantiles",
           counts[1], counts[2], counts[3], counts[4],
           limit < n ? "; the first shown" : "");
    rc = cli_table_print(t, stdout);
    cli_table_free(t);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

/* ---- CSV ---------------------------------------------------------------- */

static int print_csv(const void *view)
{
    const customers_view *v = view;
    const mtl_grading *g = v->grading;
    double per = (double)mtl_market_minor_per_major(v->market);
    size_t i, n = mtl_grading_count(g), limit = v->limit;
    char b[128];

    fputs("rank,id,name,segment,value,grade,recorded_grade,relationship,coverage,"
          "contacts,coaches,missing_roles,opposed_roles,pain_index,reason\n", stdout);
    for (i = 0; i < n && i < limit; i++) {
        mtl_customer_grading r = customer_at(g, i);
        printf("%zu,", r.rank);
        cli_csv_field(stdout, r.id, 0);
        cli_csv_field(stdout, r.name, 0);
        cli_csv_field(stdout, r.segment_id, 0);
        cli_csv_number(stdout, r.value.value / per, 0);
        cli_csv_field(stdout, GRADE(r.grade), 0);
        cli_csv_field(stdout, GRADE(r.recorded_grade), 0);
        cli_csv_number(stdout, r.relationship.value, 0);
        cli_csv_number(stdout, r.coverage.value, 0);
        printf("%zu,%zu,", r.contact_count, r.coach_count);
        cli_csv_field(stdout, r.contact_count ? roles_text(b, sizeof b, r.missing_roles, ";", 0)
                                              : "", 0);
        cli_csv_field(stdout, roles_text(b, sizeof b, r.opposed_roles, ";", 0), 0);
        cli_csv_number(stdout, r.pain_index.value, 0);
        cli_csv_field(stdout, r.grade_reason, 1);
    }
    return CLI_EXIT_OK;
}

/* ---- JSON --------------------------------------------------------------- */

static mtl_status json_roles(mtl_json *w, mtl_status st, const char *key, uint32_t bits)
{
    int32_t r;
    st = cli_json_open_array(w, st, key);
    for (r = 1; r < MTL_ROLE_COUNT && st == MTL_OK; r++)
        if ((bits >> r) & 1u)
            st = mtl_json_string(w, mtl_role_name(r));
    return cli_json_close_array(w, st);
}

static mtl_status json_head(mtl_json *w, const void *view, size_t i)
{
    const customers_view *v = view;
    (void)i;
    return cli_json_string(w, MTL_OK, "grade_by",
                           v->options->grade_by == MTL_GRADE_BY_THRESHOLDS ? "thresholds"
                                                                           : "quantiles");
}

static mtl_status json_customer(mtl_json *w, const void *view, size_t i)
{
    const customers_view *v = view;
    double per = (double)mtl_market_minor_per_major(v->market);
    mtl_customer_grading r = customer_at(v->grading, i);
    mtl_status st = mtl_json_begin_object(w);

    st = cli_json_int(w, st, "rank", (int64_t)r.rank);
    st = cli_json_string(w, st, "id", r.id);
    st = cli_json_string(w, st, "name", r.name);
    st = cli_json_string(w, st, "segment", r.segment_id);
    st = cli_json_score(w, st, "value", &r.value, 1 / per);
    st = cli_json_string(w, st, "grade", GRADE(r.grade));
    st = cli_json_string(w, st, "recorded_grade", GRADE(r.recorded_grade));
    st = cli_json_string(w, st, "reason", r.grade_reason);
    st = cli_json_score(w, st, "relationship", &r.relationship, 1);
    st = cli_json_score(w, st, "coverage", &r.coverage, 1);
    st = cli_json_int(w, st, "contacts", (int64_t)r.contact_count);
    st = cli_json_int(w, st, "coaches", (int64_t)r.coach_count);
    st = json_roles(w, st, "supported_roles", r.supported_roles);
    st = json_roles(w, st, "missing_roles", r.contact_count ? r.missing_roles : 0);
    st = json_roles(w, st, "opposed_roles", r.opposed_roles);
    st = cli_json_score(w, st, "pain_index", &r.pain_index, 1);
    return cli_json_close_object(w, st);
}

static int print_json(const void *view)
{
    const customers_view *v = view;
    size_t n = mtl_grading_count(v->grading);
    return cli_json_list("customers", n < v->limit ? n : v->limit, json_head, json_customer,
                         view);
}

/* ---- the command -------------------------------------------------------- */

/* "A,B,C": three amounts in major units, non-increasing -> minor units;
 * 0 or -1. */
static int parse_thresholds(const char *text, int64_t per, int64_t out[3])
{
    int k;

    for (k = 0; k < 3; k++) {
        char one[64];
        size_t len = strcspn(text, ",");
        if (len >= sizeof one || text[len] != (k < 2 ? ',' : '\0'))
            return -1;
        memcpy(one, text, len);
        one[len] = '\0';
        if (cli_amount_to_minor(one, per, &out[k]) != 0 || (k > 0 && out[k] > out[k - 1]))
            return -1;
        text += len + 1;
    }
    return 0;
}

int mtl_cmd_customers(int argc, char **argv)
{
    static const char *const grade_by_names[] = { "quantiles", "thresholds" };
    static const int32_t grade_by_values[] = { MTL_GRADE_BY_QUANTILES,
                                               MTL_GRADE_BY_THRESHOLDS };
    cli_parser parser;
    cli_report report;
    mtl_grading_options o;
    const char *thresholds = NULL;
    mtl_market *market = NULL;
    mtl_grading *g = NULL;
    customers_view view;
    int opt, status, grade_by_given = 0;

    mtl_grading_options_init(&o, sizeof o);
    view.limit = (size_t)-1;
    if (cli_report_init(&report, argc) != CLI_EXIT_OK)
        return CLI_EXIT_ERROR;
    cli_parser_init(&parser, "mtl customers", argc, argv);
    while ((opt = cli_parser_next(&parser, customers_opts, CUSTOMERS_OPT_COUNT)) != CLI_OPT_END) {
        status = cli_report_option(&report, &parser, opt);
        if (status == CLI_REPORT_NOT_MINE) {
            status = CLI_EXIT_OK;
            switch (opt) {
            case OPT_GRADE_BY:
                status = cli_parse_choice(&parser, "quantiles or thresholds", grade_by_names,
                                          grade_by_values, 2, &o.grade_by);
                grade_by_given = 1;
                break;
            case OPT_QUANTILES:
                status = cli_parse_numbers(&parser, o.quantiles, 3);
                if (status == CLI_EXIT_OK &&
                    !(o.quantiles[0] >= 0 && o.quantiles[0] <= o.quantiles[1] &&
                      o.quantiles[1] <= o.quantiles[2] && o.quantiles[2] <= 1))
                    status = cli_usage_error(parser.command, "--quantiles: '%s' is not "
                                             "three shares 0 <= A <= B <= C <= 1",
                                             parser.value);
                break;
            case OPT_THRESHOLDS: thresholds = parser.value; break;
            case OPT_TOP: status = cli_report_limit(&parser, &view.limit); break;
            case OPT_HELP:
                customers_help(stdout);
                cli_report_free(&report);
                return CLI_EXIT_OK;
            default: status = CLI_EXIT_USAGE;
            }
        }
        if (status != CLI_EXIT_OK)
            goto done;
    }
    if (!grade_by_given && thresholds != NULL)
        o.grade_by = MTL_GRADE_BY_THRESHOLDS;
    if (o.grade_by == MTL_GRADE_BY_THRESHOLDS && thresholds == NULL) {
        status = cli_usage_error(parser.command, "--grade-by thresholds needs "
                                 "--thresholds A,B,C");
        goto done;
    }
    if ((status = cli_report_open(&report, parser.command, &market)) != CLI_EXIT_OK)
        goto done;
    if (thresholds != NULL &&
        parse_thresholds(thresholds, mtl_market_minor_per_major(market), o.thresholds) != 0) {
        status = cli_usage_error(parser.command, "--thresholds: '%s' is not three amounts "
                                 "A >= B >= C (major units)", thresholds);
        goto done;
    }
    if (mtl_grading_compute(&g, market, &o) != MTL_OK) {
        status = cli_library_error("customers");
        goto done;
    }
    view.market = market;
    view.grading = g;
    view.options = &o;
    status = cli_report_print(&report, &view, print_table, print_csv, print_json);
done:
    mtl_grading_destroy(g);
    mtl_market_unref(market);
    cli_report_free(&report);
    return status;
}
