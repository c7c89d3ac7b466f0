/* CSV import of leads, customers and segments (SPEC 9; docs/formats.md),
 * and the driver every kind's import runs on (io/csv.h; the strategy
 * inputs are in csv_inputs.c).
 *
 * Leads are parsed into columns (categorical fields dictionary-encoded on
 * the way) and added with one bulk append, so stop-at-first-error leaves
 * the market exactly as it was: records the import created for leads that
 * named them are dropped again when anything fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/number.h"
#include "core/versioned.h"
#include "io/csv.h"
#include "io/csv_scan.h"

/* ---- canonical fields and their aliases ------------------------------- */

enum {
    F_ID, F_CUSTOMER, F_SEGMENT, F_OWNER, F_REGION, F_SOURCE, F_STAGE,
    F_OUTCOME, F_AMOUNT, F_PROBABILITY, F_CATEGORY, F_CREATED,
    F_EXPECTED_CLOSE, F_CLOSED, F_STATUS, F_DECISION, F_LOST, F_NAME,
    F_PARENT, F_REVENUE, F_INVESTMENT, F_PARTICIPATION, F_GRADE, F_COUNT,
    F_ATTRIBUTE = -1
};

static const char *const field_names[F_COUNT] = {
    "id", "customer", "segment", "owner", "region", "source", "stage",
    "outcome", "amount", "probability", "category", "created",
    "expected_close", "closed", "status", "decision_step", "lost", "name",
    "parent", "revenue", "investment", "participation", "grade",
};

/* Which fields each kind takes (bit per field). */
#define B(f) (1u << (f))
static const uint32_t kind_fields[3] = {
    B(F_ID) | B(F_CUSTOMER) | B(F_SEGMENT) | B(F_OWNER) | B(F_REGION) |
        B(F_SOURCE) | B(F_STAGE) | B(F_OUTCOME) | B(F_AMOUNT) |
        B(F_PROBABILITY) | B(F_CATEGORY) | B(F_CREATED) | B(F_EXPECTED_CLOSE) |
        B(F_CLOSED) | B(F_STATUS) | B(F_DECISION) | B(F_LOST),
    B(F_ID) | B(F_NAME) | B(F_SEGMENT) | B(F_REGION) | B(F_OWNER) |
        B(F_REVENUE) | B(F_INVESTMENT) | B(F_PARTICIPATION) | B(F_GRADE),
    B(F_ID) | B(F_NAME) | B(F_PARENT),
};

/* Header aliases (compared after lower-casing ASCII and turning spaces and
 * '-' into '_'); the canonical names are aliases of themselves. */
static const struct {
    const char *alias;
    int field;
} aliases[] = {
    {"lead_id", F_ID}, {"opportunity_id", F_ID}, {"opportunity", F_ID},
    {"deal_id", F_ID}, {"编号", F_ID}, {"线索编号", F_ID}, {"机会编号", F_ID},
    {"商机编号", F_ID},
    {"customer_id", F_CUSTOMER}, {"account", F_CUSTOMER},
    {"account_id", F_CUSTOMER}, {"account_name", F_CUSTOMER}, {"客户", F_CUSTOMER},
    {"客户名称", F_CUSTOMER}, {"客户编号", F_CUSTOMER}, {"客户id", F_CUSTOMER},
    {"segment_id", F_SEGMENT}, {"market_segment", F_SEGMENT},
    {"细分市场", F_SEGMENT}, {"市场", F_SEGMENT},
    {"owner_id", F_OWNER}, {"sales_agent", F_OWNER}, {"sales_rep", F_OWNER},
    {"salesperson", F_OWNER}, {"负责人", F_OWNER}, {"销售", F_OWNER},
    {"客户经理", F_OWNER}, {"销售代表", F_OWNER},
    {"区域", F_REGION}, {"大区", F_REGION}, {"地区", F_REGION},
    {"lead_source", F_SOURCE}, {"来源", F_SOURCE}, {"线索来源", F_SOURCE},
    {"deal_stage", F_STAGE}, {"sales_stage", F_STAGE}, {"阶段", F_STAGE},
    {"销售阶段", F_STAGE},
    {"result", F_OUTCOME}, {"结果", F_OUTCOME}, {"赢丢", F_OUTCOME},
    {"value", F_AMOUNT}, {"deal_value", F_AMOUNT}, {"金额", F_AMOUNT},
    {"预计金额", F_AMOUNT}, {"合同金额", F_AMOUNT},
    {"win_probability", F_PROBABILITY}, {"概率", F_PROBABILITY},
    {"赢率", F_PROBABILITY}, {"成交概率", F_PROBABILITY},
    {"forecast_category", F_CATEGORY}, {"预测类别", F_CATEGORY},
    {"created_date", F_CREATED}, {"create_date", F_CREATED},
    {"created_at", F_CREATED}, {"创建日期", F_CREATED}, {"创建时间", F_CREATED},
    {"expected_close_date", F_EXPECTED_CLOSE}, {"预计成交日期", F_EXPECTED_CLOSE},
    {"预计签约日期", F_EXPECTED_CLOSE},
    {"closed_date", F_CLOSED}, {"close_date_actual", F_CLOSED},
    {"成交日期", F_CLOSED}, {"关闭日期", F_CLOSED},
    {"lead_status", F_STATUS}, {"状态", F_STATUS}, {"线索状态", F_STATUS},
    {"decision", F_DECISION}, {"决策阶段", F_DECISION},
    {"名称", F_NAME}, {"segment_name", F_SEGMENT}, {"customer_name", F_CUSTOMER},
    {"细分市场名称", F_SEGMENT},
    {"parent_id", F_PARENT}, {"上级", F_PARENT}, {"上级市场", F_PARENT},
    {"收入", F_REVENUE}, {"年收入", F_REVENUE}, {"投资", F_INVESTMENT},
    {"预计投资", F_INVESTMENT}, {"参与概率", F_PARTICIPATION},
    {"等级", F_GRADE}, {"客户等级", F_GRADE},
};

int mtl__csv_normalise(const char *p, size_t len, char *out, size_t cap)
{
    size_t i, n = 0;
    while (len && (*p == ' ' || *p == '\t'))
        p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (len + 1 > cap)
        return 0;
    for (i = 0; i < len; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (c == ' ' || c == '-')
            c = '_';
        out[n++] = c;
    }
    out[n] = '\0';
    return 1;
}

/* In a customer (segment) file the column that names the customer
 * (segment) is the record's own id, and its name column is the name. */
static int field_for_kind(int f, const char *norm, int kind)
{
    if (kind == MTL_KIND_CUSTOMERS && f == F_CUSTOMER)
        return strcmp(norm, "客户名称") == 0 || strcmp(norm, "customer_name") == 0 ||
                       strcmp(norm, "account_name") == 0
                   ? F_NAME
                   : F_ID;
    if (kind == MTL_KIND_SEGMENTS && f == F_SEGMENT)
        return strcmp(norm, "segment_name") == 0 || strcmp(norm, "细分市场名称") == 0
                   ? F_NAME
                   : F_ID;
    return f;
}

static int field_by_name(const char *norm)
{
    size_t i;
    for (i = 0; i < F_COUNT; i++)
        if (strcmp(norm, field_names[i]) == 0)
            return (int)i;
    for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(norm, aliases[i].alias) == 0)
            return aliases[i].field;
    return F_ATTRIBUTE;
}

/* ---- "a=b,c=d" maps ---------------------------------------------------- */

typedef struct {
    char from[128];
    char to[64];
} map_entry;

typedef struct {
    map_entry *e;
    size_t n;
} mapping;

/* Copy with surrounding spaces dropped (stage names keep inner spaces). */
static int trimmed(const char *p, size_t len, char *out, size_t cap)
{
    while (len && (*p == ' ' || *p == '\t'))
        p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (len + 1 > cap)
        return 0;
    memcpy(out, p, len);
    out[len] = '\0';
    return 1;
}

static mtl_status parse_mapping(mtl__allocator *a, const char *text,
                                const char *what, int keep_to, mapping *out)
{
    const char *p = text;
    size_t n = 1, k = 0;
    out->e = NULL;
    out->n = 0;
    if (!text || !*text)
        return MTL_OK;
    for (; *p; p++)
        n += *p == ',';
    out->e = mtl__alloc_array(a, n, sizeof *out->e);
    if (!out->e)
        return mtl__error_oom();
    for (p = text; *p;) {
        const char *comma = strchr(p, ','), *eq;
        size_t len = comma ? (size_t)(comma - p) : strlen(p), fl;
        eq = memchr(p, '=', len);
        if (len == 0) {
            p += comma ? 1 : 0;
            if (!comma)
                break;
            continue;
        }
        fl = eq ? (size_t)(eq - p) : 0;
        if (eq && (fl >= sizeof out->e[k].from || len - fl - 1 >= sizeof out->e[k].to)) {
            int left = fl >= sizeof out->e[k].from;
            mtl__free(a, out->e, n * sizeof *out->e);
            out->e = NULL;
            return mtl__error(MTL_E_LIMIT, "%s: the %s of '%.40s...' is longer than %zu bytes",
                              what, left ? "name" : "value", p,
                              (left ? sizeof out->e[0].from : sizeof out->e[0].to) - 1);
        }
        if (!eq || fl == 0 || len - fl - 1 == 0 ||
            !mtl__csv_normalise(p, fl, out->e[k].from, sizeof out->e[k].from) ||
            !(keep_to ? trimmed : mtl__csv_normalise)(eq + 1, len - fl - 1, out->e[k].to,
                                             sizeof out->e[k].to)) {
            mtl__free(a, out->e, n * sizeof *out->e);
            out->e = NULL;
            return mtl__error(MTL_E_INVALID_ARGUMENT,
                              "%s: '%.*s' is not NAME=VALUE", what, (int)len, p);
        }
        k++;
        p += len + (comma ? 1 : 0);
    }
    out->n = k;
    return MTL_OK;
}

static void mapping_free(mtl__allocator *a, mapping *m, const char *text)
{
    size_t n = 1;
    const char *p;
    if (!m->e)
        return;
    for (p = text; *p; p++)
        n += *p == ',';
    mtl__free(a, m->e, n * sizeof *m->e);
    m->e = NULL;
}

static const char *mapping_find(const mapping *m, const char *norm)
{
    size_t i;
    for (i = 0; i < m->n; i++)
        if (strcmp(m->e[i].from, norm) == 0)
            return m->e[i].to;
    return NULL;
}

/* ---- field values ------------------------------------------------------ */

/* Surrounding spaces of unquoted fields are not data (spreadsheets pad);
 * inside quotes they are kept (mtl__csv_trim). */
void mtl__csv_trim_blanks(mtl__csv_field *f)
{
    while (f->len && (f->p[0] == ' ' || f->p[0] == '\t'))
        f->p++, f->len--, f->column++;
    while (f->len && (f->p[f->len - 1] == ' ' || f->p[f->len - 1] == '\t'))
        f->len--;
}

int mtl__csv_ieq(const mtl__csv_field *f, const char *word)
{
    size_t i, n = strlen(word);
    if (f->len != n)
        return 0;
    for (i = 0; i < n; i++) {
        char c = f->p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return 1;
}

static int one_of(const mtl__csv_field *f, const char *const *words)
{
    for (; *words; words++)
        if (mtl__csv_ieq(f, *words))
            return 1;
    return 0;
}

/* Decimal text to minor units, exactly: "1234.5" with 100 per major unit
 * is 123450.  digits = log10(minor_per_major). */
mtl_status mtl__csv_amount(const mtl__csv_field *f, int digits, const char *name,
                           int64_t *out)
{
    const char *p = f->p, *end = f->p + f->len;
    int64_t v = 0;
    int frac = -1, any = 0;
    if (p < end && *p == '+')
        p++;
    if (p < end && *p == '-')
        return mtl__csv_named_error(f, MTL_E_RANGE, name, "negative amount");
    for (; p < end; p++) {
        int d;
        if (*p == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*p < '0' || *p > '9')
            return mtl__csv_named_error(f, MTL_E_PARSE, name, "amount is not a number");
        d = *p - '0';
        any = 1;
        if (frac >= 0 && frac >= digits) {
            if (d != 0)
                return mtl__csv_named_error(
                    f, MTL_E_RANGE, name, "more decimal places than the minor unit");
            continue;
        }
        if (v > (INT64_MAX - d) / 10)
            return mtl__csv_named_error(f, MTL_E_RANGE, name, "amount too large");
        v = v * 10 + d;
        if (frac >= 0)
            frac++;
    }
    if (!any)
        return mtl__csv_named_error(f, MTL_E_PARSE, name, "amount is not a number");
    for (frac = frac < 0 ? 0 : frac; frac < digits; frac++) {
        if (v > INT64_MAX / 10)
            return mtl__csv_named_error(f, MTL_E_RANGE, name, "amount too large");
        v *= 10;
    }
    *out = v;
    return MTL_OK;
}

/* A probability: "0.35", "35%"; in [0, 1]. */
int mtl__csv_decimal(const mtl__csv_field *f, unsigned flags, double *out)
{
    const char *p = f->p;
    size_t n = f->len;
    int percent = 0, minus = 0;
    double v;
    if ((flags & MTL__CSV_SIGN) && n && (*p == '-' || *p == '+'))
        minus = *p == '-', p++, n--;
    if ((flags & MTL__CSV_PERCENT) && n && p[n - 1] == '%')
        percent = 1, n--;
    /* a plain decimal, read the same in every locale (no hex) */
    if (mtl__parse_decimal(p, n, &v) != 0 || !isfinite(v))
        return -1;
    if (percent)
        v /= 100.0;
    *out = minus ? -v : v;
    return 0;
}

static mtl_status parse_probability(const mtl__csv_field *f, double *out)
{
    double v;
    if (mtl__csv_decimal(f, MTL__CSV_PERCENT, &v) != 0)
        return mtl__csv_field_error(f, MTL_E_PARSE, "probability is not a number");
    if (!(v >= 0.0 && v <= 1.0))
        return mtl__csv_field_error(f, MTL_E_RANGE, "probability outside [0, 1]");
    *out = v;
    return MTL_OK;
}

static mtl_status parse_day(const mtl__csv_field *f, int32_t *out)
{
    mtl_status st;
    if (f->len == 0) {
        *out = MTL_DATE_NONE;
        return MTL_OK;
    }
    st = mtl_date_parse(out, f->p, f->len);
    if (st == MTL_OK)
        return MTL_OK;
    return mtl__csv_field_error(f, st,
                                st == MTL_E_RANGE ? "impossible date"
                                                  : "date is not YYYY-MM-DD");
}

static const char *const won_words[] = {"won", "win", "closed won", "closed_won",
                                        "yes", "y", "true", "赢单", "成交", NULL};
static const char *const lost_words[] = {"lost", "lose", "closed lost",
                                         "closed_lost", "no", "n", "false",
                                         "丢单", "输单", NULL};
static const char *const open_words[] = {"open", "进行中", "跟进中", NULL};

static mtl_status parse_outcome(const mtl__csv_field *f, int32_t *out)
{
    if (one_of(f, won_words))
        *out = MTL_OUTCOME_WON;
    else if (one_of(f, lost_words))
        *out = MTL_OUTCOME_LOST;
    else if (one_of(f, open_words))
        *out = MTL_OUTCOME_OPEN;
    else
        return mtl__csv_field_error(f, MTL_E_PARSE,
                                    "outcome must be open, won or lost");
    return MTL_OK;
}

int mtl__csv_yes_no(const mtl__csv_field *f)
{
    static const char *const yes[] = {"1", "true", "yes", "y", "是", NULL};
    static const char *const no[] = {"0", "false", "no", "n", "否", NULL};
    if (f->len == 1 && (f->p[0] == '0' || f->p[0] == '1'))
        return f->p[0] == '1'; /* the usual spelling, without the word lists */
    if (f->len == 0 || one_of(f, no))
        return 0;
    return one_of(f, yes) ? 1 : -1;
}

static mtl_status parse_flag(const mtl__csv_field *f, int32_t *out)
{
    *out = mtl__csv_yes_no(f);
    if (*out < 0)
        return mtl__csv_field_error(f, MTL_E_PARSE, "expected 0 or 1");
    return MTL_OK;
}

/* A name from one of two tables (English and Chinese, or two spellings),
 * or its index as one digit. */
static mtl_status parse_enum(const mtl__csv_field *f, const char *const *names,
                             const char *const *alt, int32_t count, const char *what,
                             int32_t *out)
{
    int32_t i;
    char msg[96];
    for (i = 0; i < count; i++)
        if (mtl__csv_ieq(f, names[i]) || (alt && mtl__csv_ieq(f, alt[i]))) {
            *out = i;
            return MTL_OK;
        }
    if (f->len == 1 && f->p[0] >= '0' && f->p[0] - '0' < count) {
        *out = f->p[0] - '0';
        return MTL_OK;
    }
    snprintf(msg, sizeof msg, "unknown %s", what);
    return mtl__csv_field_error(f, MTL_E_PARSE, msg);
}

static const char *const category_names[] = {"pipeline", "best case", "commit",
                                              "closed", "omitted"};
static const char *const category_names2[] = {"pipeline", "best_case", "commit",
                                               "closed", "omitted"};
static const char *const status_names[] = {"new", "nurture", "converted",
                                           "closed"};
static const char *const grade_names[] = {"none", "strategic", "partner",
                                          "commercial", "general"};
static const char *const grade_names_zh[] = {"无", "战略", "伙伴", "商业", "一般"};

/* The customer's decision cycle (SPEC 2): 0..7 or the step's name. */
static mtl_status parse_decision(const mtl__csv_field *f, int32_t *out)
{
    static const char *const en[] = {"none", "satisfied", "recognition", "decision",
                                      "criteria", "evaluation", "selection",
                                      "reevaluation"};
    static const char *const zh[] = {"无", "满意", "认识", "决定", "制定标准",
                                      "评价", "选择", "再评价"};
    return parse_enum(f, en, zh, 8, "decision step", out);
}

static mtl_status parse_category(const mtl__csv_field *f, int32_t *out)
{
    if (f->len == 0) {
        *out = MTL_CATEGORY_NONE;
        return MTL_OK;
    }
    return parse_enum(f, category_names, category_names2, 5, "forecast category", out);
}

static mtl_status parse_grade(const mtl__csv_field *f, int32_t *out)
{
    if (f->len == 0) {
        *out = MTL_GRADE_NONE;
        return MTL_OK;
    }
    return parse_enum(f, grade_names, grade_names_zh, 5, "grade", out);
}

/* ---- the import state --------------------------------------------------- */

#define DEFER_BLOCK 1024 /* see defer_customer (256: 4 % slower at 10 M rows) */

/* Leads are imported in batches of this many rows: parsed into the
 * importer's arrays, their missing customers and segments created, then
 * appended.  The arrays (about 80 bytes a row) are reused batch after
 * batch, so a file of any size costs about 5 MB of them, which stay in the
 * cache, instead of 80 bytes per row of the whole file.  Each row's id
 * goes straight into the market's id arena; the ids go into the lead index
 * once every batch is in, by one bulk fill (mtl__leads_index), which finds
 * an id given twice.  A failure undoes the batches already appended
 * (mtl__leads_truncate) and releases the ids of the rows not appended. */
#define IMPORT_BATCH ((size_t)1 << 16)

/* What the import knows of one distinct value of a text column. */
typedef struct {
    int64_t line, column; /* where it was first seen */
    uint32_t slot;        /* segment: its slot, MTL__NONE while the market
                           * lacks it */
} code_info;

/* Values of at most 16 bytes (stages, regions, owner codes, industries,
 * flags...) are looked up in a small direct-mapped cache before the string
 * pool: two compares instead of hashing and probing.  Pool ids never
 * change during an import, so entries never go stale. */
#define SMALL_CACHE 256   /* stage values (a few) */
#define TEXT_CACHE 4096   /* a text column: owners are hundreds */
#define SMALL_MAX 16
#define MONTH_CACHE 256   /* dates: the months of a few years */

/* A month met in a date "YYYY-MM-DD": its first 8 bytes, as loaded (0 =
 * empty entry), the day number of its first day and its length. */
typedef struct {
    uint64_t key;
    int32_t first, days;
} month_entry;

typedef struct {
    uint64_t w[2]; /* the bytes, zero-padded */
    uint32_t len;  /* 0 = empty entry */
    uint32_t code;
} small_entry;

typedef struct {
    uint64_t w[2];
} small_word;

/* The len bytes at p (1 to 16) as two zero-padded little-endian words
 * (mtl__load_le_short: no read past the field). */
static inline void small_words(const char *p, size_t len, small_word *key)
{
    key->w[0] = mtl__load_le_short(p, len < 8 ? len : 8);
    key->w[1] = len > 8 ? mtl__load_le_short(p + 8, len - 8) : 0;
}

/* The cache slot of a key of len bytes. */
static inline size_t small_slot(const small_word *key, size_t len, size_t entries)
{
    uint64_t h = (key->w[0] ^ (key->w[1] * 0xff51afd7ed558ccdULL) ^ len) *
                 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 52) & (entries - 1);
}

/* The key and cache slot of a value (len bytes at p); 0 when it is empty
 * or longer than SMALL_MAX. */
static inline int small_key(const char *p, size_t len, size_t entries,
                            small_word *key, size_t *slot)
{
    key->w[0] = key->w[1] = 0;
    if (len == 0 || len > SMALL_MAX)
        return 0;
    small_words(p, len, key);
    *slot = small_slot(key, len, entries);
    return 1;
}

static inline int small_hit(const small_entry *e, const small_word *key, size_t len)
{
    return e->len == len && e->w[0] == key->w[0] && e->w[1] == key->w[1];
}

static inline void small_set(small_entry *e, const small_word *key, size_t len,
                             uint32_t code)
{
    e->w[0] = key->w[0];
    e->w[1] = key->w[1];
    e->len = (uint32_t)len;
    e->code = code;
}

/* A dictionary-encoded text column under construction. */
typedef struct text_column_ {
    small_entry *cache; /* TEXT_CACHE entries, allocated on first use */
    mtl__strpool pool; /* value -> code (pool id; 0 = empty) */
    uint32_t *codes;   /* per row, MTL_CODE_NONE = empty */
    code_info *info;   /* per code */
    size_t cap_info;
} text_column;

typedef struct {
    void *rec;
    int customer; /* 1 customer, 0 segment */
} created_rec;

/* The lead row parser's plan, made once from the header (make_plan): the
 * columns in order with their field, and where a text column's codes go. */
typedef struct {
    uint32_t col;
    int fld;
    struct text_column_ *text; /* text and attribute columns */
} plan_step;

/* Where the rows of an appended batch were: the line and id column of its
 * first row, and the batch's own arrays unless every row is on the line
 * after the row before with its id in the same column (the usual file of
 * one line per record; blank lines and quoted line ends break it). */
typedef struct {
    uint32_t line, column;
    uint32_t *lines, *columns; /* NULL: line + k, column */
    size_t n;
} batch_place;

/* Segments: parents are set after every row is in, so a child may come
 * before its parent in the file. */
typedef struct {
    mtl_segment *seg;
    int64_t line, column;
    char *parent;
    mtl_segment *parent_seg; /* resolved by link_parents */
    size_t parent_row;
    int bad;
} pending_parent;

typedef struct {
    mtl__csv_job j; /* the header: fields as F_*, F_ATTRIBUTE for none */
    int won_stage, lost_stage;
    mapping stages;
    int *col_attr;  /* per CSV column: attribute index (-1: none) */
    size_t nattr;
    mtl__strpool attr_names; /* attribute k is id k + 1 */
    mtl__index seen_ids;     /* skip-bad-rows mode: ids of the rows kept */
    /* rows: the current batch (IMPORT_BATCH at most) */
    size_t n, cap;
    size_t batch;          /* rows per batch */
    size_t appended;       /* rows of the batches appended so far */
    mtl__leads_mark start; /* the leads before the first batch */
    uint32_t *id_ref;       /* per row: its id in the market's arena (the
                             * append sets the payload, the lead's slot) */
    uint32_t *row_line;     /* per row: line of the record (error reports) */
    uint32_t *row_id_col;   /* per row: column of the id field */
    /* the plan: every column (checked, trimmed) for any record; the
     * scalar columns alone for a record that has no blank to trim and no
     * value too long (shorter than MTL_ID_MAX); then the text columns */
    plan_step *plan_all, *plan_scalars, *plan_texts;
    size_t nplan_all, nplan_scalars, nplan_texts;
    int defer_index;        /* the ids go into the lead index at the end */
    uint32_t *frags;        /* then: the top half of each row's id hash */
    size_t nfrags, cap_frags;
    batch_place *places;    /* then: where the rows of each batch were */
    size_t nplaces, cap_places;
    uint32_t *customer;     /* per row: customer slot (MTL__NONE = none) */
    text_column text[F_COUNT]; /* for segment, owner, region, source */
    text_column *attr;
    int32_t *stage, *outcome, *status, *category, *created, *expected, *closed;
    int32_t *decision;
    int64_t *amount;
    double *probability;
    /* stage value cache */
    mtl__strpool stage_pool;
    small_entry stage_cache[SMALL_CACHE];
    month_entry months[MONTH_CACHE]; /* see lead_day */
    int32_t *stage_code; /* per stage_pool id: stage | outcome << 8, -1 unknown */
    size_t cap_stage_code;
    /* customer values waiting to be looked up in a pipelined block */
    struct deferred {
        size_t row, off, len;
        int64_t line, column;
        uint64_t hash;   /* of the value, when not found by number */
        uint32_t number; /* the value as a number, or NOT_A_NUMBER */
        uint32_t slot;   /* the customer's, once known (MTL__NONE before) */
    } *def;
    size_t ndef;
    char *defbuf;
    size_t deflen, defcap;
    /* customer ids that are decimal numbers: slot + 1 by number (0 = not
     * known yet), for the numbers below number_cap */
    uint32_t *number_slot;
    size_t number_cap;
    size_t number_max; /* number_cap may grow up to this */
    /* records created for leads that named them (dropped on failure) */
    created_rec *made;
    size_t nmade, cap_made;
    /* lead rows: the customers they create at new slots, from cust_high0
     * on, are dropped by slot on failure instead of being kept in made
     * (2 million of them cost 32 MB and a copy at each growth) */
    uint32_t cust_high0;
    int cust_range;
    pending_parent *pend; /* segments: the parents to link */
    size_t npend, cap_pend;
} importer;

void mtl__csv_record_error(mtl_csv_result *r, mtl_status st)
{
    mtl_csv_error *e;
    if (!r || r->error_count >= MTL_CSV_ERRORS_MAX)
        return;
    e = &r->errors[r->error_count++];
    e->status = st;
    e->line = mtl_last_error_line();
    e->column = mtl_last_error_column();
    snprintf(e->message, sizeof e->message, "%s", mtl_last_error_message());
}

static int is_text_field(int f)
{
    return f == F_SEGMENT || f == F_OWNER || f == F_REGION ||
           f == F_SOURCE;
}

static void text_free(importer *im, text_column *t)
{
    mtl__strpool_free(&t->pool, im->j.a);
    mtl__free(im->j.a, t->codes, im->cap * sizeof *t->codes);
    mtl__free(im->j.a, t->info, t->cap_info * sizeof *t->info);
    mtl__free(im->j.a, t->cache, TEXT_CACHE * sizeof *t->cache);
}

/* Grow every per-row array to hold cap rows. */
static int grow_rows(importer *im, size_t need)
{
    size_t ncap = im->cap ? im->cap : 1024, f, k;
    if (need <= im->cap)
        return 1;
    while (ncap < need)
        ncap *= 2;
#define GROW(arr)                                                               \
    do {                                                                        \
        if (arr) {                                                              \
            void *p_ = mtl__realloc(im->j.a, arr, im->cap * sizeof *(arr),      \
                                    ncap * sizeof *(arr));                      \
            if (!p_)                                                            \
                return 0;                                                       \
            arr = p_;                                                           \
        }                                                                       \
    } while (0)
    GROW(im->id_ref);
    GROW(im->row_line);
    GROW(im->row_id_col);
    GROW(im->customer);
    for (f = 0; f < F_COUNT; f++)
        GROW(im->text[f].codes);
    for (k = 0; k < im->nattr; k++)
        GROW(im->attr[k].codes);
    GROW(im->stage);
    GROW(im->outcome);
    GROW(im->status);
    GROW(im->category);
    GROW(im->created);
    GROW(im->expected);
    GROW(im->closed);
    GROW(im->decision);
    GROW(im->amount);
    GROW(im->probability);
#undef GROW
    im->cap = ncap;
    return 1;
}

/* Allocate (at im->cap) the per-row arrays of the fields present. */
static int alloc_rows(importer *im)
{
    size_t cap = im->cap, f, k;
#define ALLOC(arr, cond)                                                        \
    do {                                                                        \
        if (cond) {                                                             \
            arr = mtl__alloc_array(im->j.a, cap, sizeof *(arr));                \
            if (!arr)                                                           \
                return 0;                                                       \
        }                                                                       \
    } while (0)
    ALLOC(im->id_ref, 1);
    ALLOC(im->row_line, 1);
    ALLOC(im->row_id_col, 1);
    ALLOC(im->customer, im->j.h.field_col[F_CUSTOMER] >= 0);
    for (f = 0; f < F_COUNT; f++)
        ALLOC(im->text[f].codes, is_text_field((int)f) && im->j.h.field_col[f] >= 0);
    for (k = 0; k < im->nattr; k++)
        ALLOC(im->attr[k].codes, 1);
    ALLOC(im->stage, im->j.h.field_col[F_STAGE] >= 0 ||
                         im->j.h.field_col[F_OUTCOME] >= 0 ||
                         im->j.h.field_col[F_LOST] >= 0);
    ALLOC(im->outcome, im->stage != NULL);
    ALLOC(im->status, im->j.h.field_col[F_STATUS] >= 0);
    ALLOC(im->category, im->j.h.field_col[F_CATEGORY] >= 0);
    ALLOC(im->created, im->j.h.field_col[F_CREATED] >= 0);
    ALLOC(im->expected, im->j.h.field_col[F_EXPECTED_CLOSE] >= 0);
    ALLOC(im->closed, im->j.h.field_col[F_CLOSED] >= 0);
    ALLOC(im->decision, im->j.h.field_col[F_DECISION] >= 0);
    ALLOC(im->amount, im->j.h.field_col[F_AMOUNT] >= 0);
    ALLOC(im->probability, im->j.h.field_col[F_PROBABILITY] >= 0);
#undef ALLOC
    return 1;
}

static void importer_free(importer *im)
{
    size_t f, k;
    mtl__free(im->j.a, im->id_ref, im->cap * sizeof *im->id_ref);
    mtl__free(im->j.a, im->row_line, im->cap * sizeof *im->row_line);
    mtl__free(im->j.a, im->row_id_col, im->cap * sizeof *im->row_id_col);
    mtl__free(im->j.a, im->customer, im->cap * sizeof *im->customer);
    for (f = 0; f < F_COUNT; f++)
        text_free(im, &im->text[f]);
    for (k = 0; k < im->nattr; k++)
        text_free(im, &im->attr[k]);
    mtl__free(im->j.a, im->attr, im->nattr * sizeof *im->attr);
    mtl__free(im->j.a, im->stage, im->cap * sizeof *im->stage);
    mtl__free(im->j.a, im->outcome, im->cap * sizeof *im->outcome);
    mtl__free(im->j.a, im->status, im->cap * sizeof *im->status);
    mtl__free(im->j.a, im->category, im->cap * sizeof *im->category);
    mtl__free(im->j.a, im->created, im->cap * sizeof *im->created);
    mtl__free(im->j.a, im->expected, im->cap * sizeof *im->expected);
    mtl__free(im->j.a, im->closed, im->cap * sizeof *im->closed);
    mtl__free(im->j.a, im->decision, im->cap * sizeof *im->decision);
    mtl__free(im->j.a, im->amount, im->cap * sizeof *im->amount);
    mtl__free(im->j.a, im->probability, im->cap * sizeof *im->probability);
    mtl__strpool_free(&im->stage_pool, im->j.a);
    mtl__strpool_free(&im->attr_names, im->j.a);
    mtl__index_free(&im->seen_ids, im->j.a);
    mtl__free(im->j.a, im->stage_code, im->cap_stage_code * sizeof *im->stage_code);
    mtl__free(im->j.a, im->col_attr, im->j.h.ncols * sizeof *im->col_attr);
    mtl__free(im->j.a, im->made, im->cap_made * sizeof *im->made);
    for (k = 0; k < im->npend; k++)
        mtl__strfree(im->j.a, im->pend[k].parent);
    mtl__free(im->j.a, im->pend, im->cap_pend * sizeof *im->pend);
    mtl__free(im->j.a, im->def, DEFER_BLOCK * sizeof *im->def);
    mtl__free(im->j.a, im->defbuf, im->defcap);
    mtl__free(im->j.a, im->number_slot, im->number_cap * sizeof *im->number_slot);
    for (k = 0; k < im->nplaces; k++) {
        mtl__free(im->j.a, im->places[k].lines, im->places[k].n * sizeof(uint32_t));
        mtl__free(im->j.a, im->places[k].columns, im->places[k].n * sizeof(uint32_t));
    }
    mtl__free(im->j.a, im->places, im->cap_places * sizeof *im->places);
    mtl__free(im->j.a, im->frags, im->cap_frags * sizeof *im->frags);
    mtl__free(im->j.a, im->plan_all, im->j.h.ncols * 3 * sizeof *im->plan_all);
    mapping_free(im->j.a, &im->stages, im->j.o->stage_map ? im->j.o->stage_map : "");
}

/* ---- header ------------------------------------------------------------- */

/* Header names that name a customer or segment by its name rather than its
 * id ("customer_name", "客户名称"...): beside an id column of the same
 * field they are no second column of that field (an attribute of a lead,
 * ignored elsewhere). */
static int is_name_alias(const char *norm)
{
    static const char *const names[] = {"customer_name", "account_name", "客户名称",
                                        "segment_name", "细分市场名称", NULL};
    size_t k;
    for (k = 0; names[k]; k++)
        if (strcmp(norm, names[k]) == 0)
            return 1;
    return 0;
}

/* The field of header column c: the field map's, else the kind's. */
static int column_field(const mtl__csv_job *j, const mtl__csv_reader *rd,
                        const mapping *fmap, mtl__csv_field_fn field_of, size_t c,
                        const char **to, char *norm, size_t cap)
{
    *to = NULL;
    if (!mtl__csv_normalise(rd->fields[c].p, rd->fields[c].len, norm, cap))
        return -2;
    *to = mapping_find(fmap, norm);
    return *to ? field_of(*to, j->kind, 0) : field_of(norm, j->kind, 1);
}

/* Does another header column give field f without being a name alias? */
static int has_id_column(const mtl__csv_job *j, const mtl__csv_reader *rd,
                         const mapping *fmap, mtl__csv_field_fn field_of, int f)
{
    size_t c;
    for (c = 0; c < rd->nfields; c++) {
        char norm[256];
        const char *to;
        if (column_field(j, rd, fmap, field_of, c, &to, norm, sizeof norm) == f &&
            (to || !is_name_alias(norm)))
            return 1;
    }
    return 0;
}

mtl_status mtl__csv_read_header(mtl__csv_job *j, mtl__csv_reader *rd,
                                mtl__csv_field_fn field_of,
                                mtl__csv_column_fn other, void *ctx)
{
    mapping fmap;
    mtl_status st = MTL_OK;
    size_t c, k;
    int got = mtl__csv_next(rd, &st);
    if (got < 0)
        return st;
    if (got == 0)
        return mtl__error_at(MTL_E_PARSE, 1, 1, "line 1, column 1: empty input: "
                                                "no header line");
    if ((st = parse_mapping(j->a, j->o->field_map, "field map", 0, &fmap)))
        return st;
    for (k = 0; k < fmap.n; k++)
        if (field_of(fmap.e[k].to, j->kind, 0) < 0) {
            st = mtl__error(MTL_E_INVALID_ARGUMENT,
                            "field map: '%s' is not a field of this kind",
                            fmap.e[k].to);
            goto done;
        }
    j->h.col_field = mtl__alloc_array(j->a, rd->nfields, sizeof *j->h.col_field);
    if (!j->h.col_field) {
        st = mtl__error_oom();
        goto done;
    }
    j->h.ncols = rd->nfields;
    for (k = 0; k < MTL__CSV_FIELDS_MAX; k++)
        j->h.field_col[k] = -1;
    for (c = 0; c < j->h.ncols; c++) {
        mtl__csv_field *h = &rd->fields[c];
        char norm[256];
        const char *to;
        int f = column_field(j, rd, &fmap, field_of, c, &to, norm, sizeof norm);
        j->h.col_field[c] = -1;
        if (f == -2) {
            st = mtl__csv_field_error(h, MTL_E_LIMIT, "header name too long");
            goto done;
        }
        if (norm[0] == '\0') {
            st = mtl__csv_field_error(h, MTL_E_PARSE, "empty header name");
            goto done;
        }
        if (f >= 0 && !to && is_name_alias(norm) &&
            has_id_column(j, rd, &fmap, field_of, f))
            f = -1; /* a customer's (segment's) name beside its id */
        if (f >= 0 && j->h.field_col[f] >= 0) {
            st = mtl__csv_field_error(h, MTL_E_DUPLICATE,
                                      "a second column for the same field");
            goto done;
        }
        j->h.col_field[c] = f;
        if (f >= 0)
            j->h.field_col[f] = (int)c;
        else if (other && (st = other(ctx, rd, c)))
            goto done;
    }
done:
    mapping_free(j->a, &fmap, j->o->field_map ? j->o->field_map : "");
    return st;
}

/* The fields of leads, customers and segments (mtl__csv_field_fn). */
static int record_field(const char *norm, int kind, int header)
{
    int f = header ? field_for_kind(field_by_name(norm), norm, kind)
                   : field_by_name(norm);
    return f != F_ATTRIBUTE && (kind_fields[kind] & B(f)) ? f : F_ATTRIBUTE;
}

/* A lead column of no field is an attribute named by its header text as
 * written. */
static mtl_status attribute_column(void *ctx, const mtl__csv_reader *rd, size_t c)
{
    importer *im = ctx;
    const mtl__csv_field *h = &rd->fields[c];
    size_t d;
    uint32_t id;
    if (!im->col_attr) {
        im->col_attr = mtl__alloc_array(im->j.a, im->j.h.ncols, sizeof *im->col_attr);
        if (!im->col_attr)
            return mtl__error_oom();
        for (d = 0; d < im->j.h.ncols; d++)
            im->col_attr[d] = -1;
    }
    for (d = 0; d < c; d++)
        if (im->j.h.col_field[d] == F_ATTRIBUTE && rd->fields[d].len == h->len &&
            memcmp(rd->fields[d].p, h->p, h->len) == 0)
            return mtl__csv_field_error(h, MTL_E_DUPLICATE, "duplicate column name");
    if (!mtl__strpool_intern(&im->attr_names, im->j.a, h->p, h->len, &id))
        return mtl__error_oom();
    im->col_attr[c] = (int)id - 1;
    return MTL_OK;
}

static mtl_status read_header(importer *im, mtl__csv_reader *rd)
{
    mtl_status st = mtl__csv_read_header(
        &im->j, rd, record_field,
        im->j.kind == MTL_KIND_LEADS ? attribute_column : NULL, im);
    if (st)
        return st;
    if (im->attr_names.count > 1) {
        size_t n = im->attr_names.count - 1;
        im->attr = mtl__alloc_zero(im->j.a, n * sizeof *im->attr);
        if (!im->attr)
            return mtl__error_oom();
        im->nattr = n; /* only now: importer_free walks nattr columns */
    }
    if (im->j.h.field_col[F_ID] < 0 && im->j.kind != MTL_KIND_LEADS)
        return mtl__error_at(MTL_E_PARSE, 1, 1,
                             "line 1, column 1: no id column (name one with the "
                             "field map, e.g. opportunity_id=id)");
    return MTL_OK;
}

/* ---- stage values --------------------------------------------------------- */

/* stage | outcome << 8; outcome 3 = "not said by the stage" */
#define NO_OUTCOME 3

/* A stage by name: exact match first, then ignoring ASCII case. */
static int stage_index(const mtl_market *m, const char *name, size_t len)
{
    int32_t i;
    mtl__csv_field f;
    for (i = 0; i < m->stage_count; i++)
        if (strlen(m->stages[i].name) == len && memcmp(m->stages[i].name, name, len) == 0)
            return i;
    for (i = 0; i < m->stage_count; i++) {
        char lower[MTL_STAGE_NAME_MAX + 1];
        size_t k, n = strlen(m->stages[i].name);
        for (k = 0; k <= n; k++) {
            char c = m->stages[i].name[k];
            lower[k] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        f.p = name;
        f.len = len;
        if (mtl__csv_ieq(&f, lower))
            return i;
    }
    return -1;
}

static int32_t resolve_stage_word(const importer *im, const char *word, size_t len)
{
    mtl__csv_field f;
    int s;
    memset(&f, 0, sizeof f); /* a field of the word alone */
    f.p = word;
    f.len = len;
    if (mtl__csv_ieq(&f, "won"))
        return im->won_stage | MTL_OUTCOME_WON << 8;
    if (mtl__csv_ieq(&f, "lost"))
        return im->lost_stage | MTL_OUTCOME_LOST << 8;
    s = stage_index(im->j.m, word, len);
    return s < 0 ? -1 : s | NO_OUTCOME << 8;
}

static mtl_status stage_value(importer *im, const mtl__csv_field *f, int32_t *out)
{
    uint32_t id;
    int32_t code;
    small_word key;
    size_t slot = 0;
    int small = small_key(f->p, f->len, SMALL_CACHE, &key, &slot);
    if (small && small_hit(&im->stage_cache[slot], &key, f->len)) {
        *out = im->stage_code[im->stage_cache[slot].code];
        return MTL_OK;
    }
    if (!mtl__strpool_intern(&im->stage_pool, im->j.a, f->p, f->len, &id))
        return mtl__error_oom();
    if (!mtl__grow(im->j.a, (void **)&im->stage_code, &im->cap_stage_code, id + 1,
                   sizeof *im->stage_code))
        return mtl__error_oom();
    if (id + 1 == im->stage_pool.count || im->stage_code[id] == -2) {
        char norm[256];
        const char *to = NULL;
        code = -1;
        if (mtl__csv_normalise(f->p, f->len, norm, sizeof norm)) {
            size_t k;
            for (k = 0; k < im->stages.n; k++)
                if (strcmp(im->stages.e[k].from, norm) == 0)
                    to = im->stages.e[k].to;
        }
        if (to) /* the map's right side: a stage name (any case) or won/lost */
            code = resolve_stage_word(im, to, strlen(to));
        else
            code = resolve_stage_word(im, f->p, f->len);
        im->stage_code[id] = code;
    }
    code = im->stage_code[id];
    if (small && code >= 0) {
        small_set(&im->stage_cache[slot], &key, f->len, id);
    }
    if (code < 0)
        return mtl__csv_field_error(f, MTL_E_NOT_FOUND,
                                    "not a stage of the stage model (map it with "
                                    "the stage map)");
    *out = code;
    return MTL_OK;
}

/* ---- rows ----------------------------------------------------------------- */

static mtl_status check_field_count(const mtl__csv_reader *rd, size_t ncols)
{
    if (rd->nfields == ncols)
        return MTL_OK;
    if (rd->nfields > ncols) {
        const mtl__csv_field *x = &rd->fields[ncols];
        return mtl__error_at(MTL_E_PARSE, x->line, x->column,
                             "line %lld, column %lld: %zu fields, the header has %zu",
                             (long long)x->line, (long long)x->column,
                             rd->nfields, ncols);
    }
    return mtl__error_at(MTL_E_PARSE, rd->end_line, rd->end_column,
                         "line %lld, column %lld: %zu fields, the header has %zu",
                         (long long)rd->end_line, (long long)rd->end_column,
                         rd->nfields, ncols);
}

/* The code of a value of at most SMALL_MAX bytes that the column's cache
 * holds, else MTL_CODE_NONE (the common case, inline).  slack: 16 bytes
 * may be read from f->p (mtl__csv_reader.slack), so that a value of at
 * most 8 bytes is one word load and a mask. */
static inline uint32_t text_cached(const text_column *t, const mtl__csv_field *f,
                                   int slack)
{
    small_word key;
    size_t slot;
    if (!t->cache)
        return MTL_CODE_NONE;
    if (slack && f->len <= 8) {
        key.w[0] = mtl__load_le64(f->p) & (~UINT64_C(0) >> (64 - 8 * f->len));
        key.w[1] = 0;
        slot = small_slot(&key, f->len, TEXT_CACHE);
    } else if (!small_key(f->p, f->len, TEXT_CACHE, &key, &slot)) {
        return MTL_CODE_NONE;
    }
    if (!small_hit(&t->cache[slot], &key, f->len))
        return MTL_CODE_NONE;
    return t->cache[slot].code;
}

/* The code of the value of f in text column t (MTL_CODE_NONE for an
 * empty value), added to the column if new (*is_new): text_code without
 * its cache hit. */
static mtl_status text_intern(importer *im, text_column *t,
                              const mtl__csv_field *f, uint32_t *out, int *is_new)
{
    uint32_t id;
    size_t before = t->pool.count, slot = 0;
    small_word key;
    int small;
    *is_new = 0;
    if (f->len > MTL_ID_MAX)
        return mtl__csv_field_error(f, MTL_E_LIMIT, "value longer than 4096 bytes");
    if (f->len == 0) {
        *out = MTL_CODE_NONE;
        return MTL_OK;
    }
    small = small_key(f->p, f->len, TEXT_CACHE, &key, &slot);
    if (!mtl__strpool_intern(&t->pool, im->j.a, f->p, f->len, &id))
        return mtl__error_oom();
    if (small) {
        if (!t->cache &&
            !(t->cache = mtl__alloc_zero(im->j.a, TEXT_CACHE * sizeof *t->cache)))
            return mtl__error_oom();
        small_set(&t->cache[slot], &key, f->len, id);
    }
    *is_new = t->pool.count != before;
    if (*is_new) {
        if (!mtl__grow(im->j.a, (void **)&t->info, &t->cap_info, (size_t)id + 1,
                       sizeof *t->info))
            return mtl__error_oom();
        t->info[id].line = f->line;
        t->info[id].column = f->column;
        t->info[id].slot = MTL__NONE;
    }
    *out = id;
    return MTL_OK;
}

static inline mtl_status text_code(importer *im, text_column *t,
                                   const mtl__csv_field *f, int slack, uint32_t *out,
                                   int *is_new)
{
    if (f->len && (*out = text_cached(t, f, slack)) != MTL_CODE_NONE) {
        *is_new = 0;
        return MTL_OK;
    }
    return text_intern(im, t, f, out, is_new);
}

/* The customer column has as many distinct values as a market has
 * customers (millions): a lookup per row would pay two cache misses one
 * after the other (the index entry, then the stored id).  Outside strict
 * mode (where nothing can fail on the value) the values wait in blocks of
 * DEFER_BLOCK and are looked up in the market's own customer index with
 * the hashes computed and the index entries and stored ids prefetched
 * first, so that the misses of a block overlap; a value the market lacks
 * becomes a customer there and then, so customers are created in the order
 * the rows first name them.  The rows keep the customer's slot: the append
 * resolves nothing again. */
static mtl_status defer_customer(importer *im, const mtl__csv_field *f, size_t row)
{
    struct deferred *d;
    if (!im->def) {
        im->def = mtl__alloc_array(im->j.a, DEFER_BLOCK, sizeof *im->def);
        if (!im->def)
            return mtl__error_oom();
    }
    if (!mtl__grow(im->j.a, (void **)&im->defbuf, &im->defcap, im->deflen + f->len, 1))
        return mtl__error_oom();
    d = &im->def[im->ndef++];
    d->row = row;
    d->off = im->deflen;
    d->len = f->len;
    d->line = f->line;
    d->column = f->column;
    mtl__copy_bytes(im->defbuf + im->deflen, f->p, f->len);
    im->deflen += f->len;
    return MTL_OK;
}

/* Keep rec (created for a row) for the undo. */
static int record_made(importer *im, void *rec, int customer)
{
    if (!mtl__grow(im->j.a, (void **)&im->made, &im->cap_made, im->nmade + 1,
                   sizeof *im->made))
        return 0;
    im->made[im->nmade].rec = rec;
    im->made[im->nmade].customer = customer;
    im->nmade++;
    if (im->j.res) {
        if (customer)
            im->j.res->customers_created++;
        else
            im->j.res->segments_created++;
    }
    return 1;
}

/* The market refused to create the record a value at line, column names. */
static mtl_status creation_error(mtl_status st, int64_t line, int64_t column)
{
    char detail[MTL_CSV_MESSAGE_MAX];
    snprintf(detail, sizeof detail, "%s", mtl_last_error_message());
    return mtl__error_at(st, line, column, "line %lld, column %lld: %s",
                         (long long)line, (long long)column, detail);
}

/* Customer ids are often account numbers: a value that is a decimal
 * number without a leading zero (at most 9 digits, so that the number
 * names the value exactly) is looked up in a direct array by its number,
 * one access into 4 bytes a number instead of the two cache misses of a
 * lookup in the market's index (the index entry, then the stored id).
 * The array grows to the largest number seen, but no further than 8 bytes
 * per row of the input (NUMBER_PER_ROW) and NUMBER_CAP_MAX entries: other
 * values take the index as before. */
#define NUMBER_PER_ROW 2
#define NUMBER_CAP_MAX ((size_t)1 << 24)
#define NOT_A_NUMBER UINT32_MAX
#define NUMBER_AHEAD 16

static uint32_t id_number(const char *p, size_t len)
{
    uint32_t v = 0;
    size_t k;
    if (len == 0 || len > 9 || (p[0] == '0' && len > 1))
        return NOT_A_NUMBER;
    for (k = 0; k < len; k++) {
        unsigned d = (unsigned char)p[k] - '0';
        if (d > 9)
            return NOT_A_NUMBER;
        v = v * 10 + d;
    }
    return v;
}

/* The slot of the customer numbered v, MTL__NONE when not known. */
static uint32_t number_get(const importer *im, uint32_t v)
{
    return v < im->number_cap && im->number_slot[v] ? im->number_slot[v] - 1 : MTL__NONE;
}

/* Remember that number v is the customer at slot (nothing when v is out of
 * the array's reach, or on OOM: the index still finds it). */
static void number_put(importer *im, uint32_t v, uint32_t slot)
{
    if (v >= im->number_cap) {
        size_t ncap = im->number_cap ? im->number_cap : 4096;
        uint32_t *p;
        if (v >= im->number_max)
            return;
        while (ncap <= v)
            ncap *= 2;
        if (ncap > im->number_max)
            ncap = im->number_max;
        p = mtl__realloc(im->j.a, im->number_slot, im->number_cap * sizeof *p,
                         ncap * sizeof *p);
        if (!p)
            return;
        memset(p + im->number_cap, 0, (ncap - im->number_cap) * sizeof *p);
        im->number_slot = p;
        im->number_cap = ncap;
    }
    im->number_slot[v] = slot + 1;
}

static mtl_status flush_customers(importer *im)
{
    mtl_market *m = im->j.m;
    const mtl__index *ix = &m->customers.index;
    struct deferred *d, *end = im->def + im->ndef;
    for (d = im->def; d < end; d++)
        d->number = id_number(im->defbuf + d->off, d->len);
    /* by number, the array's entries prefetched NUMBER_AHEAD values ahead
     * (a burst of a whole block's prefetches would only wait for the
     * core's miss buffers); the others hashed and their index entries
     * prefetched */
    for (d = im->def; d < end; d++) {
        if (d + NUMBER_AHEAD < end && d[NUMBER_AHEAD].number < im->number_cap)
            mtl__prefetch(&im->number_slot[d[NUMBER_AHEAD].number]);
        if ((d->slot = number_get(im, d->number)) != MTL__NONE)
            continue;
        d->hash = mtl__hash(im->defbuf + d->off, d->len);
        mtl__index_prefetch(ix, d->hash);
    }
    for (d = im->def; d < end; d++)
        if (d->slot == MTL__NONE)
            mtl__index_prefetch_key(ix, &m->ids, d->hash);
    for (d = im->def; d < end; d++) {
        const char *id = im->defbuf + d->off;
        mtl_customer *c;
        mtl_status st;
        if (d->slot == MTL__NONE && (d->slot = number_get(im, d->number)) == MTL__NONE) {
            /* not known by its number, even from an earlier row of the block */
            d->slot = mtl__recs_slot(&m->customers, &m->ids, id, d->len, d->hash);
            if (d->slot == MTL__NONE) {
                if ((st = mtl__customer_create(m, id, d->len, d->hash, &c)))
                    return creation_error(st, d->line, d->column);
                if (c->rec.slot >= im->cust_high0) {
                    if (im->j.res)
                        im->j.res->customers_created++;
                } else if (!record_made(im, c, 1)) { /* a slot used before */
                    mtl__customer_drop(c);
                    return mtl__error_oom();
                }
                d->slot = c->rec.slot;
            }
            if (d->number != NOT_A_NUMBER)
                number_put(im, d->number, d->slot);
        }
        im->customer[d->row] = d->slot;
    }
    im->ndef = 0;
    im->deflen = 0;
    return MTL_OK;
}

/* Is the segment named by code missing from the market?  Decided once per
 * code. */
static int segment_missing(importer *im, uint32_t code)
{
    text_column *t = &im->text[F_SEGMENT];
    const mtl_segment *seg = mtl_segment_find(im->j.m, mtl__strpool_get(&t->pool, code));
    t->info[code].slot = seg ? seg->rec.slot : MTL__NONE;
    return seg == NULL;
}

/* A date of a lead row.  The rows of a file name the days of a few dozen
 * months again and again: a date whose "YYYY-MM-" was read before (a
 * month of a valid date, in a small cache) is that month's first day plus
 * its two last digits when they make a day of the month; anything else is
 * read by parse_day, which says what is wrong. */
static mtl_status lead_day(importer *im, const mtl__csv_field *f, int32_t *out)
{
    month_entry *e = NULL;
    unsigned d1 = 10, d2 = 10;
    mtl_status st;
    int32_t m, k;
    if (f->len == 10) {
        uint64_t key = mtl__load_le64(f->p);
        d1 = (unsigned)(unsigned char)f->p[8] - '0';
        d2 = (unsigned)(unsigned char)f->p[9] - '0';
        e = &im->months[(key * 0x9e3779b97f4a7c15ULL) >> 56];
        if (e->key == key && d1 <= 9 && d2 <= 9 && d1 * 10 + d2 >= 1 &&
            (int32_t)(d1 * 10 + d2) <= e->days) {
            *out = e->first + (int32_t)(d1 * 10 + d2) - 1;
            return MTL_OK;
        }
    }
    if ((st = parse_day(f, out)) || !e)
        return st;
    /* a valid YYYY-MM-DD: remember its month */
    e->key = mtl__load_le64(f->p);
    e->first = *out - (int32_t)(d1 * 10 + d2) + 1;
    mtl_date_to_ymd(e->first, NULL, &m, NULL);
    for (e->days = 28; e->days < 31; e->days++)
        if (mtl_date_to_ymd(e->first + e->days, NULL, &k, NULL) != MTL_OK || k != m)
            break;
    return MTL_OK;
}

/* The n digits (1 to 8) in the low bytes of x, each byte 0 to 9 with the
 * first digit lowest, as a number: the other bytes shifted out, then pairs,
 * quadruples and the eight combined by three multiplies. */
static inline uint64_t word_digits(uint64_t x, unsigned n)
{
    x <<= 8 * (8 - n);
    x = (x * 2561) >> 8 & 0x00FF00FF00FF00FFULL;           /* 10 << 8 | 1 */
    x = (x * 6553601) >> 16 & 0x0000FFFF0000FFFFULL;       /* 100 << 16 | 1 */
    return (x * 42949672960001ULL) >> 32;                  /* 10000 << 32 | 1 */
}

/* An amount of at most 8 bytes ("23438.98"), digits and perhaps one point
 * after the first digit with at most the minor unit's decimals, read from
 * one word (slack: 16 bytes readable from the field, mtl__csv_reader):
 * 1 with *out set, 0 for anything else, which mtl__csv_amount reads (and
 * reports when wrong). */
static inline int amount_word(const mtl__csv_field *f, int digits, int slack,
                              int64_t *out)
{
    static const uint64_t pow10[4] = {1, 10, 100, 1000};
    unsigned n = (unsigned)f->len, q = n, fr = 0;
    uint64_t w, y, valid, dots, v;
    if (!slack || n == 0 || n > 8 || digits > 3)
        return 0;
    w = mtl__load_le64(f->p);
    valid = n == 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * n)) - 1;
    y = w ^ UINT64_C(0x3030303030303030); /* a digit's byte: its value */
    dots = mtl__zero_bytes(w ^ MTL__BYTES('.')) & valid;
    if (dots) {
        if (dots & (dots - 1))
            return 0; /* two points */
        q = mtl__ctz64(dots) >> 3;
        fr = n - q - 1;
        if (q == 0 || fr > (unsigned)digits)
            return 0;
        valid &= ~(UINT64_C(0xFF) << (8 * q)); /* the point is no digit */
    }
    if (((y | (y + UINT64_C(0x0606060606060606))) & UINT64_C(0xF0F0F0F0F0F0F0F0) & valid) != 0)
        return 0;
    v = word_digits(y, q);
    if (fr)
        v = v * pow10[fr] + word_digits(y >> (8 * (q + 1)), fr);
    *out = (int64_t)(v * pow10[digits - (int)fr]);
    return 1;
}

static int is_scalar_field(int fld)
{
    return fld == F_ID || fld == F_STAGE || fld == F_OUTCOME || fld == F_LOST ||
           fld == F_AMOUNT || fld == F_PROBABILITY || fld == F_CATEGORY ||
           fld == F_STATUS || fld == F_CREATED || fld == F_DECISION ||
           fld == F_EXPECTED_CLOSE || fld == F_CLOSED;
}

/* The plan of the lead rows, from the header: one array of 3 ncols
 * steps holds the three lists. */
static int make_plan(importer *im)
{
    size_t n = im->j.h.ncols, c;
    plan_step *p = mtl__alloc_array(im->j.a, n * 3, sizeof *p);
    if (!p)
        return 0;
    im->plan_all = p;
    im->plan_scalars = p + n;
    im->plan_texts = p + 2 * n;
    for (c = 0; c < n; c++) {
        int fld = im->j.h.col_field[c];
        plan_step step;
        step.col = (uint32_t)c;
        step.fld = fld;
        step.text = fld == F_ATTRIBUTE  ? &im->attr[im->col_attr[c]]
                    : is_text_field(fld) ? &im->text[fld]
                                         : NULL;
        im->plan_all[im->nplan_all++] = step;
        if (is_scalar_field(fld))
            im->plan_scalars[im->nplan_scalars++] = step;
        if (step.text || fld == F_CUSTOMER)
            im->plan_texts[im->nplan_texts++] = step;
    }
    return 1;
}

static mtl_status parse_lead_row(importer *im, mtl__csv_reader *rd)
{
    mtl__csv_field *fs = rd->fields;
    size_t row = im->n;
    int32_t stage = 0, outcome = -1, stage_outcome = NO_OUTCOME, lost = 0;
    int32_t status = MTL_LEAD_STATUS_NEW, category = MTL_CATEGORY_NONE;
    int32_t decision = MTL_DECISION_NONE;
    int32_t created = MTL_DATE_NONE, expected = MTL_DATE_NONE,
            closed = MTL_DATE_NONE;
    int64_t amount = 0;
    double prob = MTL_PROBABILITY_NONE;
    mtl_status st;
    mtl__csv_field *idf, generated, *cust = NULL;
    uint32_t cust_slot = MTL__NONE;
    char number[24];
    mtl_market *m = im->j.m;
    uint64_t h;
    int trim; /* a field may have blanks around it */
    const plan_step *step, *end;
    size_t nsteps;
    if (im->j.h.field_col[F_ID] >= 0)
        idf = &fs[im->j.h.field_col[F_ID]];
    else {
        /* no id column: the data row number is the id (docs/formats.md) */
        generated.len = (size_t)snprintf(number, sizeof number, "%zu",
                                         (size_t)im->j.records);
        generated.p = number;
        generated.line = rd->record_line;
        generated.column = 1;
        generated.scratch_off = 0;
        idf = &generated;
    }
    /* scalars first: a bad row must not leave dictionary entries behind.
     * Every column is trimmed and checked for length, unless the record
     * has no blank and is too short for any value to be too long: then
     * only the scalar columns need a look. */
    trim = !rd->blank_free;
    step = im->plan_all;
    nsteps = im->nplan_all;
    if (!trim && (size_t)(rd->record_end - fs[0].p) <= MTL_ID_MAX) {
        step = im->plan_scalars;
        nsteps = im->nplan_scalars;
    }
    for (end = step + nsteps; step < end; step++) {
        mtl__csv_field *f = &fs[step->col];
        if (trim)
            mtl__csv_trim(f);
        switch (step->fld) {
        case F_ID:
            if (f->len == 0)
                return mtl__csv_field_error(f, MTL_E_PARSE, "empty id");
            if (f->len > MTL_ID_MAX)
                return mtl__csv_field_error(f, MTL_E_LIMIT, "id longer than 4096 bytes");
            break;
        case F_STAGE:
            if (f->len == 0)
                break;
            if ((st = stage_value(im, f, &stage)))
                return st;
            stage_outcome = stage >> 8;
            stage &= 0xff;
            break;
        case F_OUTCOME:
            if (f->len && (st = parse_outcome(f, &outcome)))
                return st;
            break;
        case F_LOST:
            if ((st = parse_flag(f, &lost)))
                return st;
            break;
        case F_AMOUNT:
            if (f->len && !amount_word(f, im->j.digits, rd->slack, &amount) &&
                (st = mtl__csv_amount(f, im->j.digits, NULL, &amount)))
                return st;
            break;
        case F_PROBABILITY:
            if (f->len && (st = parse_probability(f, &prob)))
                return st;
            break;
        case F_CATEGORY:
            if ((st = parse_category(f, &category)))
                return st;
            break;
        case F_STATUS:
            if (f->len &&
                (st = parse_enum(f, status_names, NULL, 4, "lead status", &status)))
                return st;
            break;
        case F_CREATED:
            if ((st = lead_day(im, f, &created)))
                return st;
            break;
        case F_DECISION:
            if (f->len && (st = parse_decision(f, &decision)))
                return st;
            break;
        case F_EXPECTED_CLOSE:
            if ((st = lead_day(im, f, &expected)))
                return st;
            break;
        case F_CLOSED:
            if ((st = lead_day(im, f, &closed)))
                return st;
            break;
        default:
            if (f->len > MTL_ID_MAX)
                return mtl__csv_field_error(f, MTL_E_LIMIT,
                                            "value longer than 4096 bytes");
            break;
        }
    }
    /* the outcome: said by the outcome column, else by the stage value
     * (won/lost), else by the lost flag, else by a terminal stage */
    if (outcome < 0) {
        if (stage_outcome != NO_OUTCOME)
            outcome = stage_outcome;
        else if (lost)
            outcome = MTL_OUTCOME_LOST;
        else if (im->j.m->stages[stage].flags & MTL_STAGE_FLAG_WON)
            outcome = MTL_OUTCOME_WON;
        else if (im->j.m->stages[stage].flags & MTL_STAGE_FLAG_LOST)
            outcome = MTL_OUTCOME_LOST;
        else
            outcome = MTL_OUTCOME_OPEN;
    }
    if (mtl__check_stage_outcome(im->j.m, stage, outcome) != MTL_OK) {
        const mtl__csv_field *sf =
            im->j.h.field_col[F_STAGE] >= 0 ? &fs[im->j.h.field_col[F_STAGE]] : idf;
        return mtl__csv_field_error(sf, MTL_E_STATE,
                                    "the stage contradicts the outcome");
    }
    /* text columns: customers and segments must exist in strict mode */
    for (step = im->plan_texts, end = step + im->nplan_texts; step < end; step++) {
        mtl__csv_field *f = &fs[step->col];
        int fld = step->fld, is_new;
        uint32_t code;
        if (fld == F_CUSTOMER) {
            const mtl_market *m = im->j.m;
            if (f->len > MTL_ID_MAX)
                return mtl__csv_field_error(f, MTL_E_LIMIT,
                                            "value longer than 4096 bytes");
            cust = f;
            if (!im->j.o->strict || f->len == 0)
                continue; /* looked up or created with its block */
            cust_slot = mtl__recs_slot(&m->customers, &m->ids, f->p, f->len,
                                       mtl__hash(f->p, f->len));
            if (cust_slot == MTL__NONE)
                return mtl__csv_field_error(f, MTL_E_NOT_FOUND,
                                            "no such customer (strict mode)");
        } else {
            text_column *t = step->text;
            if ((st = text_code(im, t, f, rd->slack, &code, &is_new)))
                return st;
            if (fld == F_SEGMENT && code != MTL_CODE_NONE &&
                (is_new ? segment_missing(im, code) : t->info[code].slot == MTL__NONE) &&
                im->j.o->strict)
                return mtl__csv_field_error(f, MTL_E_NOT_FOUND,
                                            "no such segment (strict mode)");
            t->codes[row] = code;
        }
    }
    /* hashed while its bytes are at hand: for the look-ups of skip mode,
     * or for the index at the end */
    h = mtl__hash(idf->p, idf->len);
    if (im->j.o->skip_bad_rows) {
        /* an id already in the market or earlier in the file is refused
         * here, so that the bulk append cannot fail on it; the ids of this
         * input first: those of earlier batches are in the market too, and
         * are still "given twice" */
        if (mtl__index_find(&im->seen_ids, &m->ids, h, idf->p, idf->len) != MTL__NONE)
            return mtl__csv_field_error(idf, MTL_E_DUPLICATE,
                                        "lead id given twice in the input");
        if (mtl__index_find(&m->lead_index, &m->ids, h, idf->p, idf->len) != MTL__NONE)
            return mtl__csv_field_error(idf, MTL_E_DUPLICATE, "lead exists already");
        if (!mtl__index_reserve(&im->seen_ids, im->j.a, im->seen_ids.count + 1))
            return mtl__error_oom();
    } else if (!mtl__grow(im->j.a, (void **)&im->frags, &im->cap_frags, im->nfrags + 1,
                          sizeof *im->frags)) {
        return mtl__error_oom();
    }
    if (cust) {
        im->customer[row] = cust_slot;
        if (cust->len && !im->j.o->strict && (st = defer_customer(im, cust, row)))
            return st;
    }
    /* the id into the market's arena, the last step that can fail: the
     * bulk append takes it from there (its payload, the lead's slot, is
     * set then) */
    if (!mtl__arena_store(&m->ids, im->j.a, idf->p, idf->len, MTL__NONE, &im->id_ref[row]))
        return mtl__error_oom();
    if (im->j.o->skip_bad_rows)
        mtl__index_insert(&im->seen_ids, &m->ids, h, idf->p, idf->len, im->id_ref[row]);
    else
        im->frags[im->nfrags++] = (uint32_t)(h >> 32);
    im->row_line[row] = (uint32_t)idf->line;
    im->row_id_col[row] = (uint32_t)idf->column;
    if (im->stage) {
        im->stage[row] = stage;
        im->outcome[row] = outcome;
    }
    if (im->status)
        im->status[row] = status;
    if (im->category)
        im->category[row] = category;
    if (im->created)
        im->created[row] = created;
    if (im->expected)
        im->expected[row] = expected;
    if (im->closed)
        im->closed[row] = closed;
    if (im->decision)
        im->decision[row] = decision;
    if (im->amount)
        im->amount[row] = amount;
    if (im->probability)
        im->probability[row] = prob;
    im->n++;
    if (im->ndef == DEFER_BLOCK)
        return flush_customers(im);
    return MTL_OK;
}

/* ---- records created for leads --------------------------------------------- */

static void drop_created(importer *im)
{
    mtl__recs *r = &im->j.m->customers;
    /* newest first: customers before the segments they may name (the
     * customers that lead rows create name none) */
    uint32_t slot;
    for (slot = im->cust_range ? r->high : 0; slot-- > im->cust_high0;) {
        mtl_customer *c = mtl__recs_at(r, slot);
        if (c->rec.alive)
            mtl__customer_drop(c);
    }
    im->cust_range = 0;
    while (im->nmade) {
        created_rec *c = &im->made[--im->nmade];
        if (c->customer)
            mtl__customer_drop(c->rec);
        else
            mtl__segment_drop(c->rec);
    }
}

/* Create the segments that the batch's rows name and the market lacks, in
 * the order the rows first name them; every value of the column gets its
 * slot.  (The customers were created with their blocks: flush_customers.) */
static mtl_status create_segments(importer *im)
{
    text_column *t = &im->text[F_SEGMENT];
    size_t r;
    if (!t->codes || !t->info)
        return MTL_OK;
    /* only values of rows kept: a skipped row may have named others */
    for (r = 0; r < im->n; r++) {
        uint32_t code = t->codes[r];
        mtl_segment *seg;
        mtl_status st;
        if (code == MTL_CODE_NONE || t->info[code].slot != MTL__NONE)
            continue;
        if ((st = mtl_segment_add(&seg, im->j.m, mtl__strpool_get(&t->pool, code))))
            return creation_error(st, t->info[code].line, t->info[code].column);
        if (!record_made(im, seg, 0)) {
            mtl__segment_drop(seg);
            return mtl__error_oom();
        }
        t->info[code].slot = seg->rec.slot;
    }
    return MTL_OK;
}

/* ---- the bulk append ---------------------------------------------------------- */

static void text_to_column(importer *im, text_column *t, mtl_string_column *col,
                           const char **dict)
{
    size_t k;
    for (k = 1; k < t->pool.count; k++)
        dict[k] = mtl__strpool_get(&t->pool, (uint32_t)k);
    dict[0] = "";
    memset(col, 0, sizeof *col);
    col->codes = t->codes;
    col->dict = dict;
    col->dict_count = t->pool.count ? t->pool.count : 1;
    (void)im;
}

/* The batch's segments as record slots (NULL without the column), in place
 * of their codes: each value was looked up or created once
 * (create_segments), so the append need not resolve them again. */
static const uint32_t *segment_slots(importer *im)
{
    text_column *t = &im->text[F_SEGMENT];
    size_t k;
    if (!t->codes)
        return NULL;
    for (k = 0; k < im->n; k++)
        t->codes[k] = t->codes[k] == MTL_CODE_NONE ? MTL__NONE : t->info[t->codes[k]].slot;
    return t->codes;
}

/* The error just reported, about a row at line, column: its message
 * prefixed with that position, which it takes as its own. */
static void at_row(mtl_status st, uint32_t line, uint32_t column)
{
    char detail[MTL_CSV_MESSAGE_MAX];
    snprintf(detail, sizeof detail, "%s", mtl_last_error_message());
    mtl__error_at(st, line, column, "line %lu, column %lu: %s", (unsigned long)line,
                  (unsigned long)column, detail);
}

static mtl_status append_leads(importer *im)
{
    mtl_lead_columns c;
    mtl__append_given given;
    mtl_string_column *attrs = NULL;
    const char **dicts = NULL, **attr_keys = NULL;
    size_t ndict = 0, k, f, off;
    mtl_status st;
    if (im->n == 0)
        return MTL_OK;
    /* dictionaries for the columns of strings (customers and segments go
     * as slots): owners, regions, sources and attributes */
    for (f = 0; f < F_COUNT; f++)
        if (im->text[f].codes && f != F_SEGMENT)
            ndict += im->text[f].pool.count + 1;
    for (k = 0; k < im->nattr; k++)
        ndict += im->attr[k].pool.count + 1;
    dicts = mtl__alloc_array(im->j.a, ndict ? ndict : 1, sizeof *dicts);
    attrs = mtl__alloc_array(im->j.a, im->nattr ? im->nattr : 1, sizeof *attrs);
    attr_keys = mtl__alloc_array(im->j.a, im->nattr ? im->nattr : 1, sizeof *attr_keys);
    if (!dicts || !attrs || !attr_keys) {
        st = mtl__error_oom();
        goto done;
    }
    mtl_lead_columns_init(&c, sizeof c);
    c.count = im->n;
    off = 0;
#define TEXT(fld, member)                                                       \
    if (im->text[fld].codes) {                                                  \
        text_to_column(im, &im->text[fld], &c.member, dicts + off);             \
        off += im->text[fld].pool.count + 1;                                    \
    }
    TEXT(F_OWNER, owners)
    TEXT(F_REGION, regions)
    TEXT(F_SOURCE, sources)
#undef TEXT
    for (k = 0; k < im->nattr; k++) {
        text_to_column(im, &im->attr[k], &attrs[k], dicts + off);
        off += im->attr[k].pool.count + 1;
        attr_keys[k] = mtl__strpool_get(&im->attr_names, (uint32_t)k + 1);
    }
    c.attribute_count = im->nattr;
    c.attribute_keys = attr_keys;
    c.attributes = attrs;
    c.stages = im->stage;
    c.outcomes = im->outcome;
    c.statuses = im->status;
    c.categories = im->category;
    c.amounts = im->amount;
    c.probabilities = im->probability;
    c.created = im->created;
    c.expected_close = im->expected;
    c.closed = im->closed;
    c.decision_steps = im->decision;
    /* a segment or region column taken from the file is taken as it is:
     * an empty cell means none (export writes every lead's own value) */
    c.keep_absent = (im->j.h.field_col[F_SEGMENT] >= 0 ? MTL_KEEP_SEGMENT : 0) |
                    (im->j.h.field_col[F_REGION] >= 0 ? MTL_KEEP_REGION : 0);
    /* the ids are in the market's arena already (parse_lead_row) */
    given.customer_slots = im->customer;
    given.segment_slots = segment_slots(im);
    given.id_refs = im->id_ref;
    st = mtl__lead_append(im->j.m, &c, &given,
                          MTL__APPEND_CHECKED |
                              (im->defer_index ? MTL__APPEND_DEFER_INDEX : 0));
    if (st) {
        /* name the input position of the row the append refused */
        int64_t row = mtl_last_error_line() - 1;
        if (row >= 0 && (size_t)row < im->n)
            at_row(st, im->row_line[row], im->row_id_col[row]);
    }
done:
    mtl__free(im->j.a, dicts, (ndict ? ndict : 1) * sizeof *dicts);
    mtl__free(im->j.a, attrs, (im->nattr ? im->nattr : 1) * sizeof *attrs);
    mtl__free(im->j.a, attr_keys, (im->nattr ? im->nattr : 1) * sizeof *attr_keys);
    return st;
}

/* ---- customers and segments, row by row -------------------------------------- */

static const mtl__csv_field *col_of(const importer *im, const mtl__csv_reader *rd,
                                    int f)
{
    return im->j.h.field_col[f] >= 0 ? &rd->fields[im->j.h.field_col[f]] : NULL;
}

/* NUL-terminated copy of a field (ids and names are at most 4096 bytes) */
static const char *cstr(const mtl__csv_field *f, char *buf)
{
    memcpy(buf, f->p, f->len);
    buf[f->len] = '\0';
    return buf;
}

static mtl_status segment_for(importer *im, const mtl__csv_field *f,
                              mtl_segment **out)
{
    char buf[MTL_ID_MAX + 1];
    mtl_segment *s;
    mtl_status st;
    *out = NULL;
    if (!f || f->len == 0)
        return MTL_OK;
    if (f->len > MTL_ID_MAX)
        return mtl__csv_field_error(f, MTL_E_LIMIT, "segment id longer than 4096 bytes");
    s = mtl_segment_find(im->j.m, cstr(f, buf));
    if (!s) {
        if (im->j.o->strict)
            return mtl__csv_field_error(f, MTL_E_NOT_FOUND,
                                        "no such segment (strict mode)");
        if (!mtl__grow(im->j.a, (void **)&im->made, &im->cap_made,
                       im->nmade + 1, sizeof *im->made))
            return mtl__error_oom();
        if ((st = mtl_segment_add(&s, im->j.m, buf)))
            return st;
        im->made[im->nmade].rec = s;
        im->made[im->nmade].customer = 0;
        im->nmade++;
        if (im->j.res)
            im->j.res->segments_created++;
    }
    *out = s;
    return MTL_OK;
}

static mtl_status parse_customer_row(importer *im, mtl__csv_reader *rd)
{
    char buf[MTL_ID_MAX + 1];
    const mtl__csv_field *idf = col_of(im, rd, F_ID), *f;
    mtl_customer *cu;
    mtl_segment *seg;
    int64_t revenue = 0, investment = 0;
    double participation = 0.0;
    int32_t grade = MTL_GRADE_NONE;
    size_t c;
    mtl_status st;
    for (c = 0; c < im->j.h.ncols; c++)
        mtl__csv_trim(&rd->fields[c]);
    if (idf->len == 0)
        return mtl__csv_field_error(idf, MTL_E_PARSE, "empty id");
    if (idf->len > MTL_ID_MAX)
        return mtl__csv_field_error(idf, MTL_E_LIMIT, "id longer than 4096 bytes");
    if ((f = col_of(im, rd, F_REVENUE)) && f->len &&
        (st = mtl__csv_amount(f, im->j.digits, NULL, &revenue)))
        return st;
    if ((f = col_of(im, rd, F_INVESTMENT)) && f->len &&
        (st = mtl__csv_amount(f, im->j.digits, NULL, &investment)))
        return st;
    if ((f = col_of(im, rd, F_PARTICIPATION)) && f->len &&
        (st = parse_probability(f, &participation)))
        return st;
    if ((f = col_of(im, rd, F_GRADE)) && (st = parse_grade(f, &grade)))
        return st;
    for (c = 0; c < im->j.h.ncols; c++)
        if (rd->fields[c].len > MTL_ID_MAX)
            return mtl__csv_field_error(&rd->fields[c], MTL_E_LIMIT,
                                        "value longer than 4096 bytes");
    if (mtl_customer_find(im->j.m, cstr(idf, buf)))
        return mtl__csv_field_error(idf, MTL_E_DUPLICATE, "customer exists already");
    if ((st = segment_for(im, col_of(im, rd, F_SEGMENT), &seg)))
        return st;
    if (!mtl__grow(im->j.a, (void **)&im->made, &im->cap_made,
                   im->nmade + 1, sizeof *im->made))
        return mtl__error_oom();
    if ((st = mtl_customer_add(&cu, im->j.m, cstr(idf, buf), seg)))
        return st;
    im->made[im->nmade].rec = cu;
    im->made[im->nmade].customer = 1;
    im->nmade++;
    mtl_customer_set_revenue(cu, revenue);
    mtl_customer_set_investment(cu, investment);
    mtl_customer_set_participation(cu, participation);
    mtl_customer_set_grade(cu, grade);
    if (((f = col_of(im, rd, F_NAME)) &&
         (st = mtl_customer_set_name(cu, cstr(f, buf)))) ||
        ((f = col_of(im, rd, F_REGION)) &&
         (st = mtl_customer_set_region(cu, cstr(f, buf)))) ||
        ((f = col_of(im, rd, F_OWNER)) &&
         (st = mtl_customer_set_owner(cu, cstr(f, buf))))) {
        /* out of memory half way: this row's customer goes again */
        im->nmade--;
        mtl__customer_drop(cu);
        return st;
    }
    im->n++;
    return MTL_OK;
}

static mtl_status parse_segment_row(importer *im, mtl__csv_reader *rd)
{
    char buf[MTL_ID_MAX + 1];
    const mtl__csv_field *idf = col_of(im, rd, F_ID), *f;
    mtl_segment *seg;
    mtl_status st;
    size_t c;
    for (c = 0; c < im->j.h.ncols; c++) {
        mtl__csv_trim(&rd->fields[c]);
        if (rd->fields[c].len > MTL_ID_MAX)
            return mtl__csv_field_error(&rd->fields[c], MTL_E_LIMIT,
                                        "value longer than 4096 bytes");
    }
    if (idf->len == 0)
        return mtl__csv_field_error(idf, MTL_E_PARSE, "empty id");
    if (mtl_segment_find(im->j.m, cstr(idf, buf)))
        return mtl__csv_field_error(idf, MTL_E_DUPLICATE, "segment exists already");
    f = col_of(im, rd, F_PARENT);
    if (!mtl__grow(im->j.a, (void **)&im->made, &im->cap_made,
                   im->nmade + 1, sizeof *im->made) ||
        (f && f->len &&
         !mtl__grow(im->j.a, (void **)&im->pend, &im->cap_pend, im->npend + 1,
                    sizeof *im->pend)))
        return mtl__error_oom();
    if ((st = mtl_segment_add(&seg, im->j.m, buf)))
        return st;
    im->made[im->nmade].rec = seg;
    im->made[im->nmade].customer = 0;
    im->nmade++;
    if ((f = col_of(im, rd, F_NAME)) && (st = mtl_segment_set_name(seg, cstr(f, buf))))
        return st;
    if ((f = col_of(im, rd, F_PARENT)) && f->len) {
        pending_parent *p = &im->pend[im->npend];
        p->parent = mtl__strndup(im->j.a, f->p, f->len);
        if (!p->parent)
            return mtl__error_oom();
        p->seg = seg;
        p->line = f->line;
        p->column = f->column;
        im->npend++;
    }
    im->n++;
    return MTL_OK;
}

/* The parent links of a segment file.  A row is refused when its parent is
 * unknown, when its parent's row is refused, or when its parents loop back
 * to it; in skip-bad-rows mode refused rows are dropped together, so the
 * result always describes the market (segments added == imported). */
static mtl_status link_parents(importer *im, pending_parent *pend, size_t n)
{
    size_t k, j, steps;
    int changed;
    mtl_status first = MTL_OK;
    /* parent of each row: a segment, and the row that made it (or n) */
    for (k = 0; k < n; k++) {
        mtl_segment *parent = mtl_segment_find(im->j.m, pend[k].parent);
        pend[k].parent_seg = parent;
        pend[k].parent_row = n;
        pend[k].bad = parent ? 0 : 1; /* 1 unknown, 2 refused parent, 3 cycle */
        for (j = 0; parent && j < n; j++)
            if (pend[j].seg == parent)
                pend[k].parent_row = j;
    }
    /* loops: follow parents through the file's rows at most n steps */
    for (k = 0; k < n; k++) {
        size_t at = k;
        for (steps = 0; !pend[k].bad && steps <= n; steps++) {
            at = pend[at].parent_row;
            if (at == n)
                break;
            if (at == k)
                pend[k].bad = 3;
        }
    }
    do { /* refusals travel down to the rows under a refused row */
        changed = 0;
        for (k = 0; k < n; k++)
            if (!pend[k].bad && pend[k].parent_row < n && pend[pend[k].parent_row].bad) {
                pend[k].bad = 2;
                changed = 1;
            }
    } while (changed);
    if (!im->j.o->skip_bad_rows) {
        /* stop mode reports the row where linking in file order fails: an
         * unknown parent, or the row that closes a loop (the loop's last) */
        size_t fail = n;
        for (k = 0; k < n && fail == n; k++) {
            size_t at = k, last = k;
            if (pend[k].bad == 1)
                fail = k;
            else if (pend[k].bad == 3) {
                do {
                    at = pend[at].parent_row;
                    if (at > last)
                        last = at;
                } while (at != k);
                if (last == k)
                    fail = k;
            }
        }
        for (k = 0; k < n; k++)
            if (k != fail)
                pend[k].bad = 0;
    }
    for (k = 0; k < n; k++) {
        mtl_status st;
        if (!pend[k].bad)
            continue;
        st = mtl__error_at(pend[k].bad == 3 ? MTL_E_STATE : MTL_E_NOT_FOUND,
                           pend[k].line, pend[k].column,
                           pend[k].bad == 1   ? "line %lld, column %lld: no parent "
                                                "segment '%.64s'"
                           : pend[k].bad == 2 ? "line %lld, column %lld: parent "
                                                "'%.64s' was refused"
                                              : "line %lld, column %lld: parent "
                                                "'%.64s' makes a cycle",
                           (long long)pend[k].line, (long long)pend[k].column,
                           pend[k].parent);
        if (!im->j.o->skip_bad_rows)
            return st; /* the caller drops every segment the file made */
        if (first == MTL_OK)
            first = st;
        mtl__csv_record_error(im->j.res, st);
        if (im->j.res)
            im->j.res->skipped++;
        im->n--;
    }
    /* drop refused segments (nothing is linked yet), link the others */
    for (k = 0; k < n; k++) {
        if (!pend[k].bad)
            continue;
        for (j = 0; j < im->nmade; j++)
            if (im->made[j].rec == pend[k].seg) {
                im->made[j] = im->made[--im->nmade];
                break;
            }
        mtl__segment_drop(pend[k].seg);
    }
    for (k = 0; k < n; k++)
        if (!pend[k].bad)
            mtl_segment_set_parent(pend[k].seg, pend[k].parent_seg);
    return MTL_OK;
}

/* ---- the driver --------------------------------------------------------------- */

static int stage_flagged(const mtl_market *m, int flag, int fallback)
{
    int32_t i;
    for (i = 0; i < m->stage_count; i++)
        if (m->stages[i].flags & flag)
            return i;
    return fallback;
}

mtl_status mtl__csv_run(mtl__csv_job *j, const mtl__csv_input *in,
                        const mtl__csv_ops *ops, void *ctx)
{
    mtl__csv_reader rd;
    uint64_t len = in->file ? in->size : in->len;
    uint64_t progress_step = len / 100 + 1;
    uint64_t next_progress = progress_step;
    mtl_status st = MTL_OK;

    if (in->file) {
        st = mtl__csv_reader_init_file(&rd, j->a, in->file, in->size, in->window,
                                       (char)j->o->separator);
        if (st) {
            mtl__csv_record_error(j->res, st);
            goto out;
        }
    } else {
        mtl__csv_reader_init(&rd, j->a, in->data, in->len, (char)j->o->separator);
    }
    if (j->res)
        j->res->separator = rd.sep;
    if ((st = ops->begin(ctx, &rd))) {
        mtl__csv_record_error(j->res, st);
        goto out;
    }
    for (;;) {
        int got = mtl__csv_next(&rd, &st);
        if (got == 0) {
            st = MTL_OK;
            break;
        }
        if (j->o->progress && mtl__csv_offset(&rd) >= next_progress) {
            j->o->progress((size_t)mtl__csv_offset(&rd), (size_t)len,
                           j->o->progress_user_data);
            next_progress = mtl__csv_offset(&rd) + progress_step;
        }
        j->records++;
        if (j->res)
            j->res->rows++;
        if (got > 0 && (st = check_field_count(&rd, j->h.ncols)) == MTL_OK)
            st = ops->row(ctx, &rd);
        if (st == MTL_OK)
            continue;
        mtl__csv_record_error(j->res, st);
        if (!j->o->skip_bad_rows || st == MTL_E_NO_MEMORY)
            goto out;
        if (j->res)
            j->res->skipped++;
        st = MTL_OK;
        if (got < 0) {
            int more = mtl__csv_skip_line(&rd, &st);
            if (more < 0) {
                mtl__csv_record_error(j->res, st);
                goto out;
            }
            if (!more)
                break;
        }
    }
    if ((st = ops->finish(ctx, &rd)))
        mtl__csv_record_error(j->res, st);
out:
    if (st != MTL_OK) {
        /* stop-at-first-error (or out of memory): undo what was added */
        mtl_status keep = st;
        char detail[MTL_CSV_MESSAGE_MAX];
        int64_t line = mtl_last_error_line(), column = mtl_last_error_column();
        snprintf(detail, sizeof detail, "%s", mtl_last_error_message());
        ops->undo(ctx);
        if (j->res) {
            j->res->imported = 0;
            j->res->customers_created = j->res->segments_created = 0;
        }
        mtl__error_at(keep, line, column, "%s", detail);
    }
    mtl__free(j->a, j->h.col_field, j->h.ncols * sizeof *j->h.col_field);
    mtl__csv_reader_free(&rd);
    return st;
}

/* ---- leads, customers and segments through the driver ------------------ */

static mtl_status records_begin(void *ctx, mtl__csv_reader *rd)
{
    importer *im = ctx;
    size_t lines = 0;
    uint64_t rest;
    const char *p, *sample;
    mtl_status st = read_header(im, rd);
    if (st)
        return st;
    /* the lines of at most the first MTL__CSV_WINDOW bytes, extrapolated
     * to the whole input (memory or file alike): an estimate that sizes the
     * row arrays and the lead index, which grows if it is short */
    sample = rd->pos + ((size_t)(rd->end - rd->pos) < MTL__CSV_WINDOW
                            ? (size_t)(rd->end - rd->pos)
                            : MTL__CSV_WINDOW);
    for (p = rd->pos; p < sample; p++) {
        p = memchr(p, '\n', (size_t)(sample - p));
        if (!p)
            break;
        lines++;
    }
    rest = rd->size - mtl__csv_offset(rd);
    if (sample > rd->pos && (uint64_t)(sample - rd->pos) < rest)
        lines = (size_t)((double)(lines + 1) / (double)(sample - rd->pos) * (double)rest);
    im->cap = lines + 1 < im->batch ? lines + 1 : im->batch;
    im->number_max = NUMBER_PER_ROW * (lines + 1) + 4096;
    if (im->number_max > NUMBER_CAP_MAX)
        im->number_max = NUMBER_CAP_MAX;
    if (im->j.kind == MTL_KIND_LEADS) {
        /* the ids go into the lead index once every row is in, by one
         * bulk fill; skipping bad rows, each is looked for in it first */
        im->defer_index = !im->j.o->skip_bad_rows;
        if ((!im->defer_index &&
             !mtl__index_reserve(&im->j.m->lead_index, im->j.a,
                                 im->j.m->lead_index.count + lines + 1)) ||
            !alloc_rows(im) || !make_plan(im))
            return mtl__error_oom();
        im->start = mtl__leads_get_mark(im->j.m);
        im->cust_high0 = im->j.m->customers.high;
        im->cust_range = 1;
    }
    return MTL_OK;
}

/* Remember where the rows of the batch just appended were (batch_place). */
static int keep_places(importer *im)
{
    batch_place *b;
    size_t k;
    int regular = 1;
    if (!mtl__grow(im->j.a, (void **)&im->places, &im->cap_places, im->nplaces + 1,
                   sizeof *im->places))
        return 0;
    b = &im->places[im->nplaces];
    memset(b, 0, sizeof *b);
    b->line = im->row_line[0];
    b->column = im->row_id_col[0];
    for (k = 1; k < im->n && regular; k++)
        regular = im->row_line[k] == b->line + k && im->row_id_col[k] == b->column;
    if (!regular) {
        b->lines = mtl__alloc_array(im->j.a, im->n, sizeof *b->lines);
        b->columns = mtl__alloc_array(im->j.a, im->n, sizeof *b->columns);
        if (!b->lines || !b->columns) {
            mtl__free(im->j.a, b->lines, im->n * sizeof *b->lines);
            mtl__free(im->j.a, b->columns, im->n * sizeof *b->columns);
            return 0;
        }
        memcpy(b->lines, im->row_line, im->n * sizeof *b->lines);
        memcpy(b->columns, im->row_id_col, im->n * sizeof *b->columns);
    }
    b->n = im->n;
    im->nplaces++;
    return 1;
}

/* The ids of every row into the lead index at once (mtl__leads_index); an
 * id given twice is reported at the row that repeats it. */
static mtl_status index_leads(importer *im)
{
    mtl_status st = mtl__leads_index(im->j.m, im->start, im->frags);
    int64_t row = mtl_last_error_line() - 1;
    size_t k;
    if (st == MTL_OK || row < 0)
        return st;
    for (k = 0; k < im->nplaces; k++) {
        const batch_place *b = &im->places[k];
        if ((size_t)row < b->n) {
            if (b->lines)
                at_row(st, b->lines[row], b->columns[row]);
            else
                at_row(st, b->line + (uint32_t)row, b->column);
            break;
        }
        row -= (int64_t)b->n;
    }
    return st;
}

/* The batch's customers and segments created, its rows appended, and the
 * arrays ready for the next batch. */
static mtl_status append_batch(importer *im)
{
    mtl_status st;
    if ((im->ndef && (st = flush_customers(im))) ||
        (st = create_segments(im)))
        return st;
    if (im->defer_index && !keep_places(im))
        return mtl__error_oom();
    if ((st = append_leads(im)))
        return st;
    /* the undo takes the batch's leads, and with them their ids, out from
     * here on */
    im->appended += im->n;
    im->n = 0;
    return MTL_OK;
}

static mtl_status records_row(void *ctx, mtl__csv_reader *rd)
{
    importer *im = ctx;
    mtl_status st;
    if (im->j.kind == MTL_KIND_CUSTOMERS)
        return parse_customer_row(im, rd);
    if (im->j.kind == MTL_KIND_SEGMENTS)
        return parse_segment_row(im, rd);
    if (!grow_rows(im, im->n + 1))
        return mtl__error_oom();
    if ((st = parse_lead_row(im, rd)))
        return st;
    return im->n == im->batch ? append_batch(im) : MTL_OK;
}

static mtl_status records_finish(void *ctx, mtl__csv_reader *rd)
{
    importer *im = ctx;
    mtl_status st;
    (void)rd;
    if (im->j.kind == MTL_KIND_LEADS) {
        if ((im->n && (st = append_batch(im))) ||
            (im->defer_index && (st = index_leads(im))))
            return st;
    } else if (im->j.kind == MTL_KIND_SEGMENTS &&
               (st = link_parents(im, im->pend, im->npend)))
        return st;
    if (im->j.res)
        im->j.res->imported = im->j.kind == MTL_KIND_LEADS ? im->appended : im->n;
    im->nmade = 0; /* kept */
    im->cust_range = 0;
    return MTL_OK;
}

static void records_undo(void *ctx)
{
    importer *im = ctx;
    size_t k;
    if (im->j.kind == MTL_KIND_SEGMENTS)
        for (k = 0; k < im->nmade; k++)
            mtl_segment_set_parent(im->made[k].rec, NULL);
    /* the leads of the appended batches first: they name the records */
    if (im->j.kind == MTL_KIND_LEADS && im->appended)
        mtl__leads_truncate(im->j.m, im->start);
    /* the ids of the rows not appended: no lead holds them */
    if (im->j.kind == MTL_KIND_LEADS)
        for (k = 0; k < im->n; k++)
            mtl__arena_release(&im->j.m->ids, im->id_ref[k]);
    drop_created(im);
}

static const mtl__csv_ops record_ops = {records_begin, records_row, records_finish,
                                        records_undo};

MTL_API mtl_status mtl_csv_options_init(mtl_csv_options *options, size_t struct_size)
{
    return mtl__struct_init(options, struct_size, sizeof *options, "mtl_csv_options");
}

MTL_API mtl_status mtl_csv_result_init(mtl_csv_result *result, size_t struct_size)
{
    return mtl__struct_init(result, struct_size, sizeof *result, "mtl_csv_result");
}

MTL_API mtl_status mtl_csv_import(mtl_market *market, const char *data, size_t len,
                                  const mtl_csv_options *options,
                                  mtl_csv_result *result)
{
    mtl__csv_input in;
    if (!market)
        return mtl__error_null("market");
    if (!data && len)
        return mtl__error_null("data");
    memset(&in, 0, sizeof in);
    in.data = data ? data : "";
    in.len = len;
    return mtl__csv_import_input(market, &in, options, result);
}

mtl_status mtl__csv_import_input(mtl_market *market, const mtl__csv_input *in,
                                 const mtl_csv_options *options,
                                 mtl_csv_result *result)
{
    mtl_csv_options defaults;
    mtl__csv_job j;
    importer im;
    mtl_status st;
    if (result) {
        if ((st = mtl__struct_check(result->struct_size, sizeof *result,
                                    "mtl_csv_result")))
            return st;
        mtl_csv_result_init(result, sizeof *result);
    }
    if (!options) {
        mtl_csv_options_init(&defaults, sizeof defaults);
        options = &defaults;
    } else if ((st = mtl__struct_check(options->struct_size, sizeof *options,
                                       "mtl_csv_options")))
        return st;
    if (options->kind < MTL_KIND_LEADS || options->kind > MTL_KIND_ANSWERS)
        return mtl__error(MTL_E_RANGE, "kind %d: 0 leads, 1 customers, 2 segments, "
                                       "3 ... 10 strategy inputs (io.h)",
                          (int)options->kind);
    if (options->separator && options->separator != ',' && options->separator != ';' &&
        options->separator != '\t')
        return mtl__error(MTL_E_RANGE, "separator must be ',', ';' or tab");
    memset(&j, 0, sizeof j);
    j.m = market;
    j.a = &market->alloc;
    j.o = options;
    j.res = result;
    j.kind = options->kind;
    j.digits = mtl__minor_digits(market);
    if (options->kind > MTL_KIND_SEGMENTS)
        return mtl__csv_import_inputs(&j, in);
    memset(&im, 0, sizeof im);
    im.j = j;
    im.batch = in->batch ? in->batch : IMPORT_BATCH;
    im.won_stage = stage_flagged(market, MTL_STAGE_FLAG_WON, market->stage_count - 1);
    im.lost_stage = stage_flagged(market, MTL_STAGE_FLAG_LOST, 0);
    if ((st = parse_mapping(im.j.a, options->stage_map, "stage map", 1, &im.stages)))
        return st;
    /* every right side of the stage map must name a stage or won/lost */
    {
        size_t k;
        for (k = 0; k < im.stages.n; k++) {
            const char *to = im.stages.e[k].to;
            if (resolve_stage_word(&im, to, strlen(to)) < 0) {
                mtl__error(MTL_E_INVALID_ARGUMENT,
                           "stage map: '%s' is not a stage or won/lost", to);
                mapping_free(im.j.a, &im.stages, options->stage_map);
                return MTL_E_INVALID_ARGUMENT;
            }
        }
    }
    st = mtl__csv_run(&im.j, in, &record_ops, &im);
    importer_free(&im);
    return st;
}

MTL_API mtl_status mtl_csv_import_file(mtl_market *market, const char *path,
                                       const mtl_csv_options *options,
                                       mtl_csv_result *result)
{
    mtl__csv_input in;
    FILE *f;
    long size;
    mtl_status st;
    if (!market)
        return mtl__error_null("market");
    if (!path)
        return mtl__error_null("path");
    f = fopen(path, "rb");
    if (!f)
        return mtl__error(MTL_E_IO, "cannot open '%.200s'", path);
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return mtl__error(MTL_E_IO, "cannot read '%.200s'", path);
    }
    /* read through a window: the file is never held whole in memory */
    memset(&in, 0, sizeof in);
    in.file = f;
    in.size = (uint64_t)size;
    in.window = MTL__CSV_WINDOW;
    st = mtl__csv_import_input(market, &in, options, result);
    fclose(f);
    return st;
}
