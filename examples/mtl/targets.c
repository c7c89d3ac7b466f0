/*
 * targets.c: `mtl targets` — a year's sales targets set top-down from last
 * year's wins and broken down company → region → owner → quarter → month,
 * reconciled with the bottom-up figures and evaluated against the market
 * (library: targets.h; method: docs/methods/targets.md).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "input.h"
#include "reports.h"
#include "svg.h"
#include "svg_tree.h"
#include "util.h"

static const cli_option targets_opts[] = {
    CLI_INPUT_OPTIONS,
    { "year", 0, "YYYY", "the target year (required); history is YYYY-1 and YYYY-2" },
    { "growth", 0, "G", "industry growth for the HQ target: 0.08 or 8% (default 0)" },
    { "k", 0, "K", "HQ multiple of the industry growth, 1.3 to 1.5 (default 1.3)" },
    { "split", 0, "Q1,Q2,Q3,Q4", "quarter shares in percent (default 15,20,30,35)" },
    { "regions", 0, "FILE.csv", "region inputs: region,growth,resource,potential" },
    { "rescale", 0, NULL, "rescale regions to the company and owners to their region" },
    { "periods", 0, "P", "none, quarters (default) or months" },
    { "bottom-up", 0, "B", "forecasts (default) or targets (children's targets)" },
    { "as-of", 0, "DATE", "as-of day of the forecasts (default: each period's end)" },
    { "source", 0, "SOURCE", "probability source: stage (default) or calibrated" },
    { "format", 'f', "FORMAT", "table (default), csv or json" },
    { "svg", 0, "FILE", "also draw the target tree as SVG" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum {
    OPT_YEAR = CLI_INPUT_OPTION_COUNT, OPT_GROWTH, OPT_K, OPT_SPLIT, OPT_REGIONS,
    OPT_RESCALE, OPT_PERIODS, OPT_BOTTOM_UP, OPT_AS_OF, OPT_SOURCE, OPT_FORMAT,
    OPT_SVG, OPT_HELP
};
#define TARGETS_OPT_COUNT (sizeof targets_opts / sizeof targets_opts[0])

static void targets_help(FILE *out)
{
    fputs("Usage: mtl targets SNAPSHOT|FILE.csv --year YYYY [--growth G] [--k K]\n"
          "                   [--split 15,20,30,35] [--regions FILE.csv] [--rescale]\n"
          "                   [--periods none|quarters|months]\n"
          "                   [--bottom-up forecasts|targets] [--as-of DATE]\n"
          "                   [--source stage|calibrated] [--format table|csv|json]\n"
          "                   [--svg FILE] [--map MAP] [--stages STAGES] [--sep C] ...\n"
          "\n"
          "Set the year's targets from last year's won deals (seed 003):\n"
          "  company = last year x (1 + growth x k)\n"
          "  region  = last year x (1 + region growth) x resource x potential\n"
          "            (region growth: its own growth from YYYY-2 to YYYY-1 unless\n"
          "            --regions gives it; resource > 0; potential 0.8 to 1.2)\n"
          "  owner   = last year x (1 + the region's growth factor - 1) x rank\n"
          "            (rank 1.2 for the region's top owner down to 0.7 for the\n"
          "            bottom one, linear in the position by last year's wins)\n"
          "then split each into quarters (and months), and compare with the\n"
          "bottom-up figures: the forecasts' expected revenue (default), or the\n"
          "children's own targets.  Each node is evaluated with a forecast over\n"
          "its period and scope: actual (won in the period), attainment =\n"
          "actual / target, P(hit) = P(revenue >= target).  Method:\n"
          "docs/methods/targets.md.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, targets_opts, TARGETS_OPT_COUNT);
    fputs("\n"
          "--regions: a CSV file with the columns region,growth,resource,potential\n"
          "(a header line starting with 'region' is skipped; an empty field keeps\n"
          "the default).  Growth is a fraction or a percentage (0.12 or 12%).\n"
          "\n"
          "Amounts are in major units.  CSV: one row per node with its derivation\n"
          "(index, parent, kind, depth, name, ...).  JSON: {year, minor_per_major,\n"
          "rescale, bottom_up, tree} where tree is the company node {name, kind,\n"
          "from, to, target, derivation {formula, base, growth, ...},\n"
          "formula_value, commitment, bottom_up, gap, gap_ratio, actual,\n"
          "attainment, expected, p_hit, children: [...]}; unknown values are null.\n"
          "\n"
          "Exit status: 0 on success, 1 on bad input or a value the library\n"
          "refuses (k outside 1.3-1.5, a split that is not 100%, a potential\n"
          "outside 0.8-1.2 ...), 2 on a usage error.\n", out);
}


void targets_args_init(targets_args *a)
{
    memset(a, 0, sizeof *a);
    a->k = 1.3;
    a->periods = MTL_TARGET_PERIODS_QUARTERS;
    a->bottom_up = MTL_TARGET_BOTTOM_UP_FORECASTS;
    a->as_of = MTL_DATE_NONE;
}

/* ---- parsing ------------------------------------------------------------ */

/* "15,20,30,35" (percentages with at most two decimals) -> basis points. */
static int parse_split(const char *text, int32_t bp[4])
{
    int q;
    for (q = 0; q < 4; q++) {
        int32_t whole = 0, frac = 0, digits = 0, fd = 0;
        while (*text == ' ')
            text++;
        while (isdigit((unsigned char)*text) && whole < 1000) {
            whole = whole * 10 + (*text++ - '0');
            digits++;
        }
        if (*text == '.') {
            text++;
            while (isdigit((unsigned char)*text) && fd < 2) {
                frac = frac * 10 + (*text++ - '0');
                fd++;
            }
            if (fd == 1)
                frac *= 10;
        }
        if (digits == 0 || whole > 100)
            return -1;
        while (*text == ' ' || *text == '%')
            text++;
        bp[q] = whole * 100 + frac;
        if (q < 3 && *text++ != ',')
            return -1;
    }
    return *text == '\0' ? 0 : -1;
}

static const char *const period_names[] = { "none", "quarters", "months" };
static const int32_t period_values[] = {
    MTL_TARGET_PERIODS_YEAR, MTL_TARGET_PERIODS_QUARTERS, MTL_TARGET_PERIODS_MONTHS,
};
static const char *const bottom_up_names[] = { "forecasts", "targets" };
static const int32_t bottom_up_values[] = {
    MTL_TARGET_BOTTOM_UP_FORECASTS, MTL_TARGET_BOTTOM_UP_COMMITMENTS,
};

/* ---- the --regions file -------------------------------------------------- */

typedef struct region_table {
    char **names;
    double *growth, *resource, *potential;
    size_t count, capacity;
} region_table;

static void regions_free(region_table *r)
{
    size_t i;
    for (i = 0; i < r->count; i++)
        free(r->names[i]);
    free(r->names);
    free(r->growth);
    free(r->resource);
    free(r->potential);
    memset(r, 0, sizeof *r);
}

static int regions_grow(region_table *r)
{
    size_t cap = r->capacity ? 2 * r->capacity : 8;
    char **n = realloc(r->names, cap * sizeof *n);
    double *g, *res, *pot;
    if (n == NULL)
        return -1;
    r->names = n;
    if ((g = realloc(r->growth, cap * sizeof *g)) == NULL)
        return -1;
    r->growth = g;
    if ((res = realloc(r->resource, cap * sizeof *res)) == NULL)
        return -1;
    r->resource = res;
    if ((pot = realloc(r->potential, cap * sizeof *pot)) == NULL)
        return -1;
    r->potential = pot;
    r->capacity = cap;
    return 0;
}

/* Split one CSV line (RFC 4180 quotes, no line breaks inside fields) into
 * at most max fields, in place; the number of fields. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *w = line, *r = line;
    for (;;) {
        char *start = w;
        if (*r == '"') {
            r++;
            while (*r) {
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *w++ = *r++;
                }
            }
        }
        while (*r && *r != ',')
            *w++ = *r++;
        if (n < max)
            fields[n] = start;
        n++;
        if (*r == '\0') {
            *w = '\0';
            return n;
        }
        r++;
        *w++ = '\0';
    }
}

static char *trim(char *s)
{
    char *e;
    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int regions_load(const char *path, region_table *out)
{
    char *data = NULL, *line, *next;
    size_t len, lineno = 0;
    int rc = CLI_EXIT_OK;

    memset(out, 0, sizeof *out);
    if (cli_read_all(path, &data, &len) != 0)
        return CLI_EXIT_ERROR;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        memmove(data, data + 3, len -= 3);
    data[len] = '\0'; /* cli_read_all leaves room after the bytes */
    for (line = data; line != NULL && rc == CLI_EXIT_OK; line = next) {
        char *fields[4] = { NULL, NULL, NULL, NULL };
        size_t n, i;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        if (line[0] != '\0' && line[strlen(line) - 1] == '\r')
            line[strlen(line) - 1] = '\0';
        if (trim(line)[0] == '\0')
            continue;
        n = split_fields(line, fields, 4);
        for (i = 0; i < n && i < 4; i++)
            fields[i] = trim(fields[i]);
        if (lineno == 1 && strncmp(fields[0], "region", 6) == 0)
            continue; /* the header */
        if (n > 4 || fields[0][0] == '\0') {
            fprintf(stderr, "mtl: %s:%zu: expected region,growth,resource,potential\n",
                    cli_display_name(path), lineno);
            rc = CLI_EXIT_ERROR;
            break;
        }
        if (out->count == out->capacity && regions_grow(out) != 0) {
            fputs("mtl: targets: out of memory\n", stderr);
            rc = CLI_EXIT_ERROR;
            break;
        }
        out->growth[out->count] = NAN;
        out->resource[out->count] = 0;
        out->potential[out->count] = 0;
        for (i = 1; i < n; i++) {
            double *slot = i == 1 ? &out->growth[out->count]
                           : i == 2 ? &out->resource[out->count]
                                    : &out->potential[out->count];
            if (fields[i][0] != '\0' && cli_parse_rate(fields[i], slot) != 0) {
                static const char *const what[] = { "", "growth", "resource",
                                                    "potential" };
                fprintf(stderr, "mtl: %s:%zu: %s '%s' is not a number\n",
                        cli_display_name(path), lineno, what[i], fields[i]);
                rc = CLI_EXIT_ERROR;
                break;
            }
        }
        if (rc != CLI_EXIT_OK)
            break;
        out->names[out->count] = malloc(strlen(fields[0]) + 1);
        if (out->names[out->count] == NULL) {
            fputs("mtl: targets: out of memory\n", stderr);
            rc = CLI_EXIT_ERROR;
            break;
        }
        strcpy(out->names[out->count], fields[0]);
        out->count++;
    }
    free(data);
    if (rc != CLI_EXIT_OK)
        regions_free(out);
    return rc;
}

/* ---- reading the tree --------------------------------------------------- */

static const char *kind_name(int32_t kind)
{
    switch (kind) {
    case MTL_TARGET_COMPANY: return "company";
    case MTL_TARGET_REGION: return "region";
    case MTL_TARGET_OWNER: return "owner";
    case MTL_TARGET_QUARTER: return "quarter";
    default: return "month";
    }
}

static const char *formula_name(int32_t formula)
{
    switch (formula) {
    case MTL_TARGET_FORMULA_HQ: return "hq";
    case MTL_TARGET_FORMULA_REGION: return "region";
    case MTL_TARGET_FORMULA_INDIVIDUAL: return "individual";
    case MTL_TARGET_FORMULA_SPLIT: return "split";
    default: return "given";
    }
}

static const char *display(const mtl_target_node *n)
{
    return n->name[0] ? n->name : "(none)";
}

/* Read node i; the tree was reconciled, so this cannot fail but for a bug. */
static mtl_target_node get(const mtl_target_tree *t, size_t i)
{
    mtl_target_node n;
    memset(&n, 0, sizeof n);
    n.struct_size = sizeof n;
    if (mtl_target_tree_node(t, i, &n) != MTL_OK) {
        n.name = "?";
        n.first_child = n.next_sibling = -1;
    }
    return n;
}

/* Pre-order: the nodes to show (periods only down to the depth asked). */
typedef struct walk {
    size_t *order;
    size_t count;
} walk;

static void walk_add(const mtl_target_tree *t, walk *w, size_t i)
{
    mtl_target_node n = get(t, i);
    int64_t c;
    w->order[w->count++] = i;
    for (c = n.first_child; c >= 0;) {
        mtl_target_node ch = get(t, (size_t)c);
        walk_add(t, w, (size_t)c);
        c = ch.next_sibling;
    }
}

static int walk_tree(const mtl_target_tree *t, walk *w)
{
    w->count = 0;
    w->order = malloc((mtl_target_tree_node_count(t) + 1) * sizeof *w->order);
    if (w->order == NULL) {
        fputs("mtl: targets: out of memory\n", stderr);
        return -1;
    }
    walk_add(t, w, MTL_TARGET_ROOT);
    return 0;
}

/* An amount in minor units as an exact decimal in major units: "12.50". */
static const char *decimal(char *buf, size_t capacity, int64_t minor, int64_t per)
{
    uint64_t a = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t p = per > 1 ? (uint64_t)per : 1, frac = a % p, unit;
    size_t len;
    snprintf(buf, capacity, "%s%llu", minor < 0 ? "-" : "",
             (unsigned long long)(a / p));
    len = strlen(buf);
    if (p > 1 && len + 1 < capacity)
        buf[len++] = '.';
    for (unit = p / 10; unit > 0 && len + 1 < capacity; unit /= 10) {
        buf[len++] = (char)('0' + frac / unit);
        frac %= unit;
    }
    buf[len] = '\0';
    return buf;
}

/* "8%", "12.5%", "-25%" */
static const char *percent(char *buf, size_t capacity, double fraction)
{
    snprintf(buf, capacity, "%.4g%%", 100 * fraction);
    return buf;
}

/* "(1 + 8%" or "(1 - 25%": the start of a growth factor */
static const char *one_plus(char *buf, size_t capacity, double growth)
{
    char g[24];
    snprintf(buf, capacity, "(1 %c %s", growth < 0 ? '-' : '+',
             percent(g, sizeof g, fabs(growth)));
    return buf;
}

/* How the target was derived, in one line (amounts in major units). */
static const char *derivation(char *buf, size_t capacity, const mtl_target_node *n,
                              int64_t per)
{
    char base[40], g[40];
    size_t len;
    switch (n->formula) {
    case MTL_TARGET_FORMULA_HQ:
        /* the industry growth is multiplied by k before it is added */
        snprintf(buf, capacity, "%s x (1 + %s x %.4g)",
                 cli_format_major(base, sizeof base, n->base, per),
                 percent(g, sizeof g, n->growth), n->k);
        break;
    case MTL_TARGET_FORMULA_REGION:
        if (n->years == 1)
            snprintf(buf, capacity, "%s x %s) x %.4g x %.4g",
                     cli_format_major(base, sizeof base, n->base, per),
                     one_plus(g, sizeof g, n->growth), n->resource, n->potential);
        else
            snprintf(buf, capacity, "%s x %s)^%d x %.4g x %.4g",
                     cli_format_major(base, sizeof base, n->base, per),
                     one_plus(g, sizeof g, n->growth), (int)n->years, n->resource,
                     n->potential);
        break;
    case MTL_TARGET_FORMULA_INDIVIDUAL:
        snprintf(buf, capacity, "%s x %s) x %.4g",
                 cli_format_major(base, sizeof base, n->base, per),
                 one_plus(g, sizeof g, n->growth), n->rank);
        break;
    case MTL_TARGET_FORMULA_SPLIT:
        if (n->share_den == 10000)
            snprintf(buf, capacity, "%s", percent(g, sizeof g, n->factor));
        else
            snprintf(buf, capacity, "%d/%d", (int)n->share_num, (int)n->share_den);
        break;
    default:
        snprintf(buf, capacity, "given");
    }
    len = strlen(buf);
    if (n->rescale == MTL_TARGET_RESCALE_PROPORTIONAL && len < capacity)
        snprintf(buf + len, capacity - len, ", rescaled x%.4f", n->scale);
    else if (n->rescale == MTL_TARGET_RESCALE_EVEN && len < capacity)
        snprintf(buf + len, capacity - len, ", split evenly");
    return buf;
}

/* ---- table ---------------------------------------------------------------- */

static int print_table(const mtl_target_tree *t, const walk *w, const targets_args *a)
{
    static const char *const headers[] = {
        "node", "target", "derivation", "bottom-up", "gap", "gap %", "actual",
        "attain.", "P(hit)",
    };
    static const int aligns[] = {
        CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_RIGHT,
    };
    int64_t per = mtl_target_tree_minor_per_major(t);
    cli_table *table = cli_table_new(9, headers, aligns);
    size_t i;
    int rc;
    char b[160];

    if (table == NULL) {
        fputs("mtl: targets: out of memory\n", stderr);
        return CLI_EXIT_ERROR;
    }
    for (i = 0; i < w->count; i++) {
        mtl_target_node n = get(t, w->order[i]);
        cli_table_addf(table, "%*s%s", 2 * (int)n.depth, "", display(&n));
        cli_table_add(table, cli_format_major(b, sizeof b, n.target, per));
        cli_table_add(table, derivation(b, sizeof b, &n, per));
        cli_table_add(table, n.bottom_up == MTL_TARGET_NONE
                                 ? "" : cli_format_major(b, sizeof b, n.bottom_up, per));
        cli_table_add(table, n.gap == MTL_TARGET_NONE
                                 ? "" : cli_format_major(b, sizeof b, n.gap, per));
        if (isnan(n.gap_ratio))
            cli_table_add(table, "");
        else
            cli_table_addf(table, "%+.1f%%", 100 * n.gap_ratio);
        cli_table_add(table, n.evaluated ? cli_format_major(b, sizeof b, n.actual, per)
                                         : "");
        if (isnan(n.attainment))
            cli_table_add(table, "");
        else
            cli_table_addf(table, "%.1f%%", 100 * n.attainment);
        if (isnan(n.p_hit))
            cli_table_add(table, "");
        else
            cli_table_addf(table, "%.1f%%", 100 * n.p_hit);
    }
    printf("targets %d (%s%s; bottom-up: %s)\n\n", (int)a->year,
           a->rescale ? "rescaled to the parents" : "not rescaled",
           a->has_split ? ", custom split" : "",
           a->bottom_up == MTL_TARGET_BOTTOM_UP_FORECASTS ? "forecast expected revenue"
                                                          : "children's targets");
    rc = cli_table_print(table, stdout);
    cli_table_free(table);
    if (rc != 0) {
        fputs("mtl: targets: out of memory while printing\n", stderr);
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

/* ---- CSV ------------------------------------------------------------------ */

static void csv_amount(int64_t v, int64_t per, int last)
{
    char b[40];
    cli_csv_field(stdout, v == MTL_TARGET_NONE ? "" : decimal(b, sizeof b, v, per), last);
}

static int print_csv(const mtl_target_tree *t, const walk *w)
{
    int64_t per = mtl_target_tree_minor_per_major(t);
    size_t i;
    fputs("index,parent,kind,depth,name,from,to,target,formula,base,growth,k,years,"
          "resource,potential,rank,factor,share_num,share_den,formula_value,rescale,"
          "scale,commitment,bottom_up,gap,gap_ratio,actual,attainment,expected,p_hit\n",
          stdout);
    for (i = 0; i < w->count; i++) {
        mtl_target_node n = get(t, w->order[i]);
        char d[2][16];
        mtl_date_format(d[0], sizeof d[0], n.period_start);
        mtl_date_format(d[1], sizeof d[1], n.period_end - 1);
        printf("%zu,%lld,%s,%d,", w->order[i], (long long)n.parent, kind_name(n.kind),
               (int)n.depth);
        cli_csv_field(stdout, n.name, 0);
        printf("%s,%s,", d[0], d[1]);
        csv_amount(n.target, per, 0);
        printf("%s,", formula_name(n.formula));
        csv_amount(n.base, per, 0);
        cli_csv_number(stdout, n.growth, 0);
        cli_csv_number(stdout, n.k, 0);
        printf("%d,", (int)n.years);
        cli_csv_number(stdout, n.resource, 0);
        cli_csv_number(stdout, n.potential, 0);
        cli_csv_number(stdout, n.rank, 0);
        cli_csv_number(stdout, n.factor, 0);
        printf("%d,%d,", (int)n.share_num, (int)n.share_den);
        csv_amount(n.formula_value, per, 0);
        printf("%s,", n.rescale == MTL_TARGET_RESCALE_PROPORTIONAL ? "proportional"
                      : n.rescale == MTL_TARGET_RESCALE_EVEN       ? "even"
                                                                   : "");
        cli_csv_number(stdout, n.scale, 0);
        csv_amount(n.commitment, per, 0);
        csv_amount(n.bottom_up, per, 0);
        csv_amount(n.gap, per, 0);
        cli_csv_number(stdout, n.gap_ratio, 0);
        csv_amount(n.evaluated ? n.actual : MTL_TARGET_NONE, per, 0);
        cli_csv_number(stdout, n.attainment, 0);
        cli_csv_number(stdout, n.expected / (double)per, 0);
        cli_csv_number(stdout, n.p_hit, 1);
    }
    return CLI_EXIT_OK;
}

/* ---- JSON ----------------------------------------------------------------- */

static mtl_status json_amount(mtl_json *w, mtl_status st, const char *key, int64_t v,
                              int64_t per)
{
    return cli_json_major(w, st, key, v == MTL_TARGET_NONE ? NAN : (double)v, per);
}

static mtl_status json_node(mtl_json *w, mtl_status st, const mtl_target_tree *t,
                            size_t index)
{
    int64_t per = mtl_target_tree_minor_per_major(t);
    mtl_target_node n = get(t, index);
    int64_t c;
    char d[2][16];

    mtl_date_format(d[0], sizeof d[0], n.period_start);
    mtl_date_format(d[1], sizeof d[1], n.period_end - 1);
    if (st == MTL_OK)
        st = mtl_json_begin_object(w);
    st = cli_json_string(w, st, "name", n.name);
    st = cli_json_string(w, st, "kind", kind_name(n.kind));
    st = cli_json_string(w, st, "from", d[0]);
    st = cli_json_string(w, st, "to", d[1]);
    st = json_amount(w, st, "target", n.target, per);
    if (st == MTL_OK)
        st = mtl_json_key(w, "derivation");
    if (st == MTL_OK)
        st = mtl_json_begin_object(w);
    st = cli_json_string(w, st, "formula", formula_name(n.formula));
    if (n.formula != MTL_TARGET_FORMULA_GIVEN)
        st = json_amount(w, st, "base", n.base, per);
    if (n.formula == MTL_TARGET_FORMULA_HQ || n.formula == MTL_TARGET_FORMULA_REGION ||
        n.formula == MTL_TARGET_FORMULA_INDIVIDUAL)
        st = cli_json_double(w, st, "growth", n.growth);
    if (n.formula == MTL_TARGET_FORMULA_HQ)
        st = cli_json_double(w, st, "k", n.k);
    if (n.formula == MTL_TARGET_FORMULA_REGION) {
        st = cli_json_int(w, st, "years", n.years);
        st = cli_json_double(w, st, "resource", n.resource);
        st = cli_json_double(w, st, "potential", n.potential);
    }
    if (n.formula == MTL_TARGET_FORMULA_INDIVIDUAL)
        st = cli_json_double(w, st, "rank", n.rank);
    if (n.formula == MTL_TARGET_FORMULA_SPLIT) {
        st = cli_json_int(w, st, "share_num", n.share_num);
        st = cli_json_int(w, st, "share_den", n.share_den);
    }
    st = cli_json_double(w, st, "factor", n.factor);
    st = json_amount(w, st, "formula_value", n.formula_value, per);
    st = cli_json_string(w, st, "rescale",
                         n.rescale == MTL_TARGET_RESCALE_PROPORTIONAL ? "proportional"
                         : n.rescale == MTL_TARGET_RESCALE_EVEN       ? "even"
                                                                      : "none");
    st = cli_json_double(w, st, "scale", n.scale);
    if (st == MTL_OK)
        st = mtl_json_end_object(w);
    st = json_amount(w, st, "commitment", n.commitment, per);
    st = json_amount(w, st, "bottom_up", n.bottom_up, per);
    st = json_amount(w, st, "gap", n.gap, per);
    st = cli_json_double(w, st, "gap_ratio", n.gap_ratio);
    st = json_amount(w, st, "actual", n.evaluated ? n.actual : MTL_TARGET_NONE, per);
    st = cli_json_double(w, st, "attainment", n.attainment);
    st = cli_json_major(w, st, "expected", n.expected, per);
    st = cli_json_double(w, st, "p_hit", n.p_hit);
    if (st == MTL_OK)
        st = mtl_json_key(w, "children");
    if (st == MTL_OK)
        st = mtl_json_begin_array(w);
    for (c = n.first_child; c >= 0 && st == MTL_OK;) {
        mtl_target_node ch = get(t, (size_t)c);
        st = json_node(w, st, t, (size_t)c);
        c = ch.next_sibling;
    }
    if (st == MTL_OK)
        st = mtl_json_end_array(w);
    if (st == MTL_OK)
        st = mtl_json_end_object(w);
    return st;
}

static int print_json(const mtl_target_tree *t, const targets_args *a)
{
    mtl_json *w = cli_json_stdout();
    mtl_status st;
    if (w == NULL)
        return CLI_EXIT_ERROR;
    st = mtl_json_begin_object(w);
    st = cli_json_int(w, st, "year", a->year);
    st = cli_json_int(w, st, "minor_per_major", mtl_target_tree_minor_per_major(t));
    if (st == MTL_OK)
        st = mtl_json_key(w, "rescale");
    if (st == MTL_OK)
        st = mtl_json_bool(w, a->rescale);
    st = cli_json_string(w, st, "bottom_up",
                         a->bottom_up == MTL_TARGET_BOTTOM_UP_FORECASTS ? "forecasts"
                                                                        : "targets");
    if (st == MTL_OK)
        st = mtl_json_key(w, "tree");
    st = json_node(w, st, t, MTL_TARGET_ROOT);
    if (st == MTL_OK)
        st = mtl_json_end_object(w);
    return cli_json_done(w, st);
}

/* ---- SVG ------------------------------------------------------------------ */

static int draw(const char *path, const mtl_target_tree *t, const walk *w, int32_t year)
{
    int64_t per = mtl_target_tree_minor_per_major(t);
    svg_tree_node *nodes = calloc(w->count + 1, sizeof *nodes);
    char (*text)[4][32] = calloc(w->count + 1, sizeof *text);
    long *position = calloc(mtl_target_tree_node_count(t) + 1, sizeof *position);
    size_t i, count = 0;
    char title[64];
    int rc;

    if (nodes == NULL || text == NULL || position == NULL) {
        free(nodes);
        free(text);
        free(position);
        fputs("mtl: targets: out of memory\n", stderr);
        return CLI_EXIT_ERROR;
    }
    for (i = 0; i < w->count; i++) {
        mtl_target_node n = get(t, w->order[i]);
        svg_tree_node *s;
        int64_t c;
        if (n.kind == MTL_TARGET_QUARTER || n.kind == MTL_TARGET_MONTH)
            continue;
        s = &nodes[count];
        position[w->order[i]] = (long)count;
        s->name = n.name;
        s->depth = n.depth;
        s->parent = n.parent < 0 ? -1 : position[n.parent];
        s->target = cli_format_major(text[count][0], sizeof text[count][0], n.target, per);
        s->actual = n.evaluated ? cli_format_major(text[count][1], sizeof text[count][1],
                                                   n.actual, per)
                                : NULL;
        s->target_compact = svg_compact(text[count][2], sizeof text[count][2],
                                        (double)n.target / (double)per);
        s->actual_compact = n.evaluated ? svg_compact(text[count][3], sizeof text[count][3],
                                                      (double)n.actual / (double)per)
                                        : NULL;
        s->attainment = n.attainment;
        s->p_hit = n.p_hit;
        for (c = n.first_child; c >= 0;) {
            mtl_target_node q = get(t, (size_t)c);
            if (q.kind == MTL_TARGET_QUARTER && q.quarter >= 1 && q.quarter <= 4) {
                s->has_quarters = 1;
                s->quarter_attainment[q.quarter - 1] = q.attainment;
            }
            c = q.next_sibling;
        }
        count++;
    }
    snprintf(title, sizeof title, "Targets %d: attainment by company, region, owner",
             (int)year);
    rc = svg_tree(path, title, nodes, count);
    free(nodes);
    free(text);
    free(position);
    return rc;
}

/* ---- the command ---------------------------------------------------------- */

int targets_report(mtl_market *market, const targets_args *a)
{
    mtl_target_options o;
    mtl_target_history_options ho;
    mtl_target_reconcile_options ro;
    mtl_target_evaluate_options eo;
    mtl_target_tree *tree = NULL;
    region_table regions;
    walk w = { NULL, 0 };
    int status;

    memset(&regions, 0, sizeof regions);
    if (a->regions && (status = regions_load(a->regions, &regions)) != CLI_EXIT_OK)
        return status;
    mtl_target_options_init(&o, sizeof o);
    o.year = a->year;
    o.periods = a->periods;
    if (a->has_split)
        memcpy(o.quarter_bp, a->quarter_bp, sizeof o.quarter_bp);
    mtl_target_history_options_init(&ho, sizeof ho);
    ho.growth = a->growth;
    ho.k = a->k;
    ho.region_count = regions.count;
    ho.regions = (const char *const *)regions.names;
    ho.region_growth = regions.growth;
    ho.region_resource = regions.resource;
    ho.region_potential = regions.potential;
    status = mtl_target_tree_from_history(&tree, market, &o, &ho) == MTL_OK
                 ? CLI_EXIT_OK : cli_library_error("targets");
    regions_free(&regions);
    if (status != CLI_EXIT_OK)
        return status;

    mtl_target_reconcile_options_init(&ro, sizeof ro);
    ro.rescale = a->rescale;
    ro.bottom_up = a->bottom_up;
    mtl_target_evaluate_options_init(&eo, sizeof eo);
    eo.as_of = a->as_of;
    eo.probability_source = a->source;
    if (mtl_target_tree_reconcile(tree, &ro) != MTL_OK)
        status = cli_library_error("targets");
    else if (mtl_target_tree_evaluate(tree, market, &eo) != MTL_OK)
        status = cli_library_error("evaluating the targets");
    else if (walk_tree(tree, &w) != 0)
        status = CLI_EXIT_ERROR;
    if (status == CLI_EXIT_OK) {
        if (a->format == CLI_FORMAT_JSON)
            status = print_json(tree, a);
        else if (a->format == CLI_FORMAT_CSV)
            status = print_csv(tree, &w);
        else
            status = print_table(tree, &w, a);
    }
    if (status == CLI_EXIT_OK && a->svg)
        status = draw(a->svg, tree, &w, a->year);
    free(w.order);
    mtl_target_tree_destroy(tree);
    return cli_finish_output(status);
}

int mtl_cmd_targets(int argc, char **argv)
{
    cli_parser parser;
    cli_import_settings settings;
    targets_args a;
    int opt, status;
    const char *path = NULL;
    int64_t n;
    mtl_market *market = NULL;

    memset(&settings, 0, sizeof settings);
    targets_args_init(&a);
    cli_parser_init(&parser, "mtl targets", argc, argv);
    while ((opt = cli_parser_next(&parser, targets_opts, TARGETS_OPT_COUNT)) !=
           CLI_OPT_END) {
        status = CLI_EXIT_OK;
        if (opt >= 0 && opt < CLI_INPUT_OPTION_COUNT) {
            status = cli_input_option(&parser, opt, &settings);
        } else switch (opt) {
        case OPT_YEAR:
            status = cli_parser_int64(&parser, 1, 9998, &n);
            a.year = (int32_t)n;
            break;
        case OPT_GROWTH:
            if (cli_parse_rate(parser.value, &a.growth) != 0)
                return cli_usage_error(parser.command, "--growth: '%s' is not a rate "
                                       "such as 0.08 or 8%%", parser.value);
            break;
        case OPT_K:
            if (cli_parse_rate(parser.value, &a.k) != 0)
                return cli_usage_error(parser.command, "--k: '%s' is not a number",
                                       parser.value);
            break;
        case OPT_SPLIT:
            if (parse_split(parser.value, a.quarter_bp) != 0)
                return cli_usage_error(parser.command, "--split: '%s' is not four "
                                       "percentages such as 15,20,30,35", parser.value);
            a.has_split = 1;
            break;
        case OPT_REGIONS: a.regions = parser.value; break;
        case OPT_RESCALE: a.rescale = 1; break;
        case OPT_PERIODS:
            status = cli_parse_choice(&parser, "none, quarters or months", period_names,
                                  period_values, 3, &a.periods);
            break;
        case OPT_BOTTOM_UP:
            status = cli_parse_choice(&parser, "forecasts or targets", bottom_up_names,
                                  bottom_up_values, 2, &a.bottom_up);
            break;
        case OPT_AS_OF: status = cli_parse_day(&parser, &a.as_of); break;
        case OPT_SOURCE:
            status = cli_parse_source(&parser, &a.source);
            break;
        case OPT_FORMAT: status = cli_parse_format(&parser, &a.format); break;
        case OPT_SVG: a.svg = parser.value; break;
        case OPT_HELP: targets_help(stdout); return CLI_EXIT_OK;
        case CLI_OPT_POSITIONAL:
            status = cli_take_input(&parser, &path);
            break;
        default: return CLI_EXIT_USAGE;
        }
        if (status != CLI_EXIT_OK)
            return status;
    }
    if (path == NULL)
        return cli_usage_error(parser.command, "no snapshot or CSV file given");
    if (a.year == 0)
        return cli_usage_error(parser.command, "--year is required");
    status = cli_open_market(&market, path, MTL_KIND_LEADS, &settings, NULL);
    if (status != CLI_EXIT_OK)
        return status;
    status = targets_report(market, &a);
    mtl_market_unref(market);
    return status;
}
