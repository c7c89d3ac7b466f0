/*
 * leads.c: `mtl leads` — lead verification and classification for the
 * weekly lead review (library: verification.h; method:
 * docs/methods/lead-verification.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "report.h"
#include "reports.h"
#include "util.h"

static const cli_option leads_opts[] = {
    CLI_REPORT_OPTIONS,
    { "all", 0, NULL, "review every lead, not only those with status new or nurture" },
    { "pass", 0, "A,B,C", "pass thresholds of questions 1, 2, 3 (default 0.6,0.5,0.5)" },
    { "hard-fail", 0, "X", "a question-1 criterion at or below X closes the lead (default 0.2)" },
    { "budget-mature", 0, "X", "budget at or above X makes the lead mature (default 0.5)" },
    { "top", 0, "N", "only the first N leads of the review order" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum {
    OPT_ALL = CLI_REPORT_OPTION_COUNT, OPT_PASS, OPT_HARD_FAIL, OPT_BUDGET_MATURE,
    OPT_TOP, OPT_HELP
};
#define LEADS_OPT_COUNT (sizeof leads_opts / sizeof leads_opts[0])

static void leads_help(FILE *out)
{
    fputs("Usage: mtl leads SNAPSHOT [[--kind KIND] FILE.csv ...]\n"
          "                 [--format table|csv|json] [--all] [--top N]\n"
          "                 [--pass A,B,C] [--hard-fail X] [--budget-mature X]\n"
          "\n"
          "The weekly lead review: the leads waiting for a decision (status new\n"
          "or nurture; --all: every lead) in review order, each verified by three\n"
          "questions -- q1 is it a lead? q2 how far are we? q3 can we win? --\n"
          "from the answers recorded (--kind answers), the pain index and the\n"
          "customer's relationship; the verdict (convert, nurture, close) with its\n"
          "reasons, the class (mature: the customer has a budget; early) and the\n"
          "priority (0-100).  A '*' marks a question that used a derived\n"
          "criterion.  Method: docs/methods/lead-verification.md.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, leads_opts, LEADS_OPT_COUNT);
    fputs("\n"
          "CSV: one row per lead: rank,id,customer,segment,amount,verdict,class,\n"
          "priority,q1,q2,q3,answered,derived,reasons (amount in major units;\n"
          "criteria separated by ';').  JSON: {\"scope\": ..., \"leads\": [{rank, id,\n"
          "customer, segment, amount, verdict, class, priority, q1, q2, q3,\n"
          "reasons, answered, derived}]} where every score is {\"value\": v,\n"
          "\"terms\": [{factor, weight, value, contribution}]}.\n"
          "\n"
          "Exit status: 0 on success, 1 on bad input or a library error, 2 on\n"
          "a usage error.\n", out);
}

static const char *const verdict_names[] = { "nurture", "convert", "close" };
static const char *const class_names[] = { "early", "mature" };
#define NAME(names, v) cli_name_of(names, sizeof names / sizeof names[0], v)

/* What the printers show. */
typedef struct leads_view {
    const mtl_market *market;
    const mtl_verification *review;
    const mtl_verification_options *options;
    size_t limit; /* rows shown */
} leads_view;

static mtl_lead_verdict verdict_at(const mtl_verification *v, size_t i)
{
    mtl_lead_verdict r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    mtl_verification_at(v, i, &r);
    return r;
}

/* Whether question q (0-2) used a derived criterion. */
static int derived_in(const mtl_lead_verdict *r, int q)
{
    int32_t c;
    for (c = 0; c < MTL_CRIT_COUNT; c++)
        if (((r->derived >> c) & 1u) && mtl_criterion_question(c) == q + 1)
            return 1;
    return 0;
}

/* ---- table -------------------------------------------------------------- */

/* The review order, the first limit leads. */
static int print_rows(const mtl_market *market, const mtl_verification *v, size_t limit)
{
    static const char *const head[] = {
        "rank", "lead", "customer", "amount", "verdict", "class", "priority", "q1", "q2",
        "q3", "reasons",
    };
    static const int align[] = {
        CLI_ALIGN_RIGHT, CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_LEFT,
        CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_LEFT,
    };
    int64_t per = mtl_market_minor_per_major(market);
    size_t i, n = mtl_verification_count(v);
    cli_table *t = cli_table_new(11, head, align);
    char b[32];
    int rc, q;

    for (i = 0; i < n && i < limit; i++) {
        mtl_lead_verdict r = verdict_at(v, i);
        cli_table_addf(t, "%zu", r.rank);
        cli_table_add(t, r.id);
        cli_table_add(t, r.customer_id);
        cli_table_add(t, cli_format_major(b, sizeof b, r.amount, per));
        cli_table_add(t, NAME(verdict_names, r.verdict));
        cli_table_add(t, NAME(class_names, r.lead_class));
        cli_table_add(t, cli_format_number(b, sizeof b, r.priority.value, 1));
        for (q = 0; q < 3; q++)
            cli_table_addf(t, "%s%s", cli_format_number(b, sizeof b, r.questions[q].value, 2),
                           derived_in(&r, q) ? "*" : " ");
        cli_table_add(t, r.reasons);
    }
    rc = cli_table_print(t, stdout);
    cli_table_free(t);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

int leads_print_review(const mtl_market *market, const mtl_verification *v,
                       size_t limit)
{
    size_t i, n = mtl_verification_count(v), verdicts[3] = { 0, 0, 0 }, mature = 0;

    for (i = 0; i < n; i++) {
        mtl_lead_verdict r = verdict_at(v, i);
        if (r.verdict >= 0 && r.verdict < 3)
            verdicts[r.verdict]++;
        mature += r.lead_class == MTL_LEAD_CLASS_MATURE;
    }
    printf("%zu leads reviewed: %zu convert, %zu nurture, %zu close; %zu mature, "
           "%zu early%s\n(* the question used a derived criterion: the pain index or "
           "the customer's relationship)\n\n",
           n, verdicts[MTL_VERDICT_CONVERT], verdicts[MTL_VERDICT_NURTURE],
           verdicts[MTL_VERDICT_CLOSE], mature, n - mature,
           limit < n ? "; the first in review order shown" : "");
    return print_rows(market, v, limit);
}

static int print_table(const void *view)
{
    const leads_view *v = view;
    printf("Lead review of %s\n", v->options->scope == MTL_REVIEW_ALL
                                      ? "every lead"
                                      : "the leads waiting for a decision (new or nurture)");
    return leads_print_review(v->market, v->review, v->limit);
}

/* ---- CSV ---------------------------------------------------------------- */

/* The criterion names of the bits, separated by sep. */
static const char *criteria_text(char *buf, size_t cap, uint32_t bits, const char *sep)
{
    int32_t c;
    size_t len = 0;

    buf[0] = '\0';
    for (c = 0; c < MTL_CRIT_COUNT; c++)
        if ((bits >> c) & 1u) {
            int k = snprintf(buf + len, cap - len, "%s%s", len ? sep : "",
                             mtl_criterion_name(c));
            if (k < 0 || (size_t)k >= cap - len)
                break;
            len += (size_t)k;
        }
    return buf;
}

static int print_csv(const void *view)
{
    const leads_view *lv = view;
    const mtl_verification *v = lv->review;
    double per = (double)mtl_market_minor_per_major(lv->market);
    size_t i, n = mtl_verification_count(v), limit = lv->limit;
    char b[256];
    int q;

    fputs("rank,id,customer,segment,amount,verdict,class,priority,q1,q2,q3,answered,"
          "derived,reasons\n", stdout);
    for (i = 0; i < n && i < limit; i++) {
        mtl_lead_verdict r = verdict_at(v, i);
        printf("%zu,", r.rank);
        cli_csv_field(stdout, r.id, 0);
        cli_csv_field(stdout, r.customer_id, 0);
        cli_csv_field(stdout, r.segment_id, 0);
        cli_csv_number(stdout, (double)r.amount / per, 0);
        cli_csv_field(stdout, NAME(verdict_names, r.verdict), 0);
        cli_csv_field(stdout, NAME(class_names, r.lead_class), 0);
        cli_csv_number(stdout, r.priority.value, 0);
        for (q = 0; q < 3; q++)
            cli_csv_number(stdout, r.questions[q].value, 0);
        cli_csv_field(stdout, criteria_text(b, sizeof b, r.answered, ";"), 0);
        cli_csv_field(stdout, criteria_text(b, sizeof b, r.derived, ";"), 0);
        cli_csv_field(stdout, r.reasons, 1);
    }
    return CLI_EXIT_OK;
}

/* ---- JSON --------------------------------------------------------------- */

static mtl_status json_criteria(mtl_json *w, mtl_status st, const char *key,
                                uint32_t bits)
{
    int32_t c;
    st = cli_json_open_array(w, st, key);
    for (c = 0; c < MTL_CRIT_COUNT && st == MTL_OK; c++)
        if ((bits >> c) & 1u)
            st = mtl_json_string(w, mtl_criterion_name(c));
    return cli_json_close_array(w, st);
}

static mtl_status json_head(mtl_json *w, const void *view, size_t i)
{
    const leads_view *v = view;
    (void)i;
    return cli_json_string(w, MTL_OK, "scope",
                           v->options->scope == MTL_REVIEW_ALL ? "all" : "pending");
}

static mtl_status json_lead(mtl_json *w, const void *view, size_t i)
{
    static const char *const q_keys[3] = { "q1", "q2", "q3" };
    const leads_view *v = view;
    mtl_lead_verdict r = verdict_at(v->review, i);
    mtl_status st = mtl_json_begin_object(w);
    int q;

    st = cli_json_int(w, st, "rank", (int64_t)r.rank);
    st = cli_json_string(w, st, "id", r.id);
    st = cli_json_string(w, st, "customer", r.customer_id);
    st = cli_json_string(w, st, "segment", r.segment_id);
    st = cli_json_major(w, st, "amount", (double)r.amount,
                        mtl_market_minor_per_major(v->market));
    st = cli_json_string(w, st, "verdict", NAME(verdict_names, r.verdict));
    st = cli_json_string(w, st, "class", NAME(class_names, r.lead_class));
    st = cli_json_score(w, st, "priority", &r.priority, 1);
    for (q = 0; q < 3; q++)
        st = cli_json_score(w, st, q_keys[q], &r.questions[q], 1);
    st = cli_json_string(w, st, "reasons", r.reasons);
    st = json_criteria(w, st, "answered", r.answered);
    st = json_criteria(w, st, "derived", r.derived);
    return cli_json_close_object(w, st);
}

static int print_json(const void *view)
{
    const leads_view *v = view;
    size_t n = mtl_verification_count(v->review);
    return cli_json_list("leads", n < v->limit ? n : v->limit, json_head, json_lead, view);
}

/* ---- the command -------------------------------------------------------- */

/* A share 0 ... 1 for --hard-fail and --budget-mature. */
static int parse_share(const cli_parser *parser, double *out)
{
    if (cli_parse_numbers(parser, out, 1) != CLI_EXIT_OK)
        return CLI_EXIT_USAGE;
    if (!(*out >= 0 && *out <= 1))
        return cli_usage_error(parser->command, "--%s: '%s' is not in 0 ... 1",
                               parser->option->name, parser->value);
    return CLI_EXIT_OK;
}

int mtl_cmd_leads(int argc, char **argv)
{
    cli_parser parser;
    cli_report report;
    mtl_verification_options o;
    mtl_market *market = NULL;
    mtl_verification *v = NULL;
    leads_view view;
    int opt, status;

    mtl_verification_options_init(&o, sizeof o);
    view.limit = (size_t)-1;
    if (cli_report_init(&report, argc) != CLI_EXIT_OK)
        return CLI_EXIT_ERROR;
    cli_parser_init(&parser, "mtl leads", argc, argv);
    while ((opt = cli_parser_next(&parser, leads_opts, LEADS_OPT_COUNT)) != CLI_OPT_END) {
        status = cli_report_option(&report, &parser, opt);
        if (status == CLI_REPORT_NOT_MINE) {
            status = CLI_EXIT_OK;
            switch (opt) {
            case OPT_ALL: o.scope = MTL_REVIEW_ALL; break;
            case OPT_PASS:
                status = cli_parse_numbers(&parser, o.pass, 3);
                if (status == CLI_EXIT_OK &&
                    !(o.pass[0] >= 0 && o.pass[0] <= 1 && o.pass[1] >= 0 && o.pass[1] <= 1 &&
                      o.pass[2] >= 0 && o.pass[2] <= 1))
                    status = cli_usage_error(parser.command, "--pass: '%s' is not three "
                                             "thresholds in 0 ... 1", parser.value);
                break;
            case OPT_HARD_FAIL: status = parse_share(&parser, &o.hard_fail); break;
            case OPT_BUDGET_MATURE: status = parse_share(&parser, &o.budget_mature); break;
            case OPT_TOP: status = cli_report_limit(&parser, &view.limit); break;
            case OPT_HELP:
                leads_help(stdout);
                cli_report_free(&report);
                return CLI_EXIT_OK;
            default: status = CLI_EXIT_USAGE;
            }
        }
        if (status != CLI_EXIT_OK)
            goto done;
    }
    if ((status = cli_report_open(&report, parser.command, &market)) != CLI_EXIT_OK)
        goto done;
    if (mtl_verification_compute(&v, market, &o) != MTL_OK) {
        status = cli_library_error("leads");
        goto done;
    }
    view.market = market;
    view.review = v;
    view.options = &o;
    status = cli_report_print(&report, &view, print_table, print_csv, print_json);
done:
    mtl_verification_destroy(v);
    mtl_market_unref(market);
    cli_report_free(&report);
    return status;
}
