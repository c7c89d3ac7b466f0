/*
 * demo_data.c: a deterministic sample B2B market for `mtl demo`.
 *
 * Same seed, same market, on every machine and C library:
 *
 * - Randomness comes from our own xoshiro256** generator (Blackman and
 *   Vigna, 2018) seeded through splitmix64, never from rand(), whose
 *   sequence differs between C libraries.
 * - Bounded integers use rejection sampling, so the result depends only on
 *   the 64-bit stream.
 * - No libm: lognormal-like amounts are built from an Irwin-Hall sum of
 *   twelve uniforms (an integer approximation of a standard normal) mapped
 *   through a precomputed table of exp(0.8 * k / 8) with integer linear
 *   interpolation.  exp() from different libm versions may differ in the
 *   last bit, which would change a rounded amount now and then.
 * - Probabilities are integers per mille.  The one double the generator
 *   makes (a customer's participation, k / 100.0) is a single correctly
 *   rounded IEEE division.
 *
 * The market: 10 industry segments; 500 customers spread over them with a
 * Zipf-like skew (weight 1/rank), in six Chinese sales regions, each owned
 * by one of 25 sales reps of its region; leads spread over customers in
 * proportion to customer revenue.  A lead walks the stages P0..P7 with
 * advance probabilities below one, so more leads sit early than late; older
 * leads are more likely closed (about 65% overall): won when they reached
 * P7, lost at the stage reached otherwise.
 */
#include "demo_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- random numbers ------------------------------------------------- */

typedef struct demo_rng {
    uint64_t s[4];
} demo_rng;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* One independent stream per purpose, so that --leads does not change the
 * customers. */
static void rng_seed(demo_rng *rng, uint64_t seed, uint64_t stream)
{
    uint64_t state = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));
    int i;

    for (i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&state);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(demo_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n), n > 0, without modulo bias. */
static uint64_t rng_below(demo_rng *rng, uint64_t n)
{
    uint64_t threshold = (0 - n) % n; /* 2^64 mod n */

    for (;;) {
        uint64_t x = rng_next(rng);
        if (x >= threshold)
            return x % n;
    }
}

/* Uniform in [lo, hi]. */
static int64_t rng_range(demo_rng *rng, int64_t lo, int64_t hi)
{
    return lo + (int64_t)rng_below(rng, (uint64_t)(hi - lo) + 1u);
}

/* True with probability permille / 1000. */
static int rng_chance(demo_rng *rng, int64_t permille)
{
    return (int64_t)rng_below(rng, 1000) < permille;
}

/* An index drawn with the given integer weights. */
static size_t rng_weighted(demo_rng *rng, const unsigned *weights, size_t n)
{
    uint64_t total = 0, r;
    size_t i;

    for (i = 0; i < n; i++)
        total += weights[i];
    r = rng_below(rng, total);
    for (i = 0; i + 1 < n; i++) {
        if (r < weights[i])
            return i;
        r -= weights[i];
    }
    return n - 1;
}

/* exp(0.8 * k / 8) * 10^6 for k = -32..32, i.e. sigma 0.8 over -4..+4
 * standard deviations in steps of 1/8 (computed once with Python's
 * math.exp and rounded; kept as integers so that no libm is involved). */
static const int64_t lognormal_ppm[65] = {
    40762, 45049, 49787, 55023, 60810, 67206,
    74274, 82085, 90718, 100259, 110803, 122456,
    135335, 149569, 165299, 182684, 201897, 223130,
    246597, 272532, 301194, 332871, 367879, 406570,
    449329, 496585, 548812, 606531, 670320, 740818,
    818731, 904837, 1000000, 1105171, 1221403, 1349859,
    1491825, 1648721, 1822119, 2013753, 2225541, 2459603,
    2718282, 3004166, 3320117, 3669297, 4055200, 4481689,
    4953032, 5473947, 6049647, 6685894, 7389056, 8166170,
    9025013, 9974182, 11023176, 12182494, 13463738, 14879732,
    16444647, 18174145, 20085537, 22197951, 24532530,
};

/*
 * A lognormal-like value with the given median and sigma 0.8, rounded to a
 * multiple of step (at least one step).  The normal deviate is the sum of
 * twelve uniforms on [0, 4096) minus their mean: 4096 units = 1 standard
 * deviation, clamped to +-4.
 */
static int64_t rng_lognormal(demo_rng *rng, int64_t median, int64_t step)
{
    int64_t z = 0, index, frac, ppm, value;
    int i;

    for (i = 0; i < 12; i++)
        z += (int64_t)rng_below(rng, 4096);
    z -= 12 * 4095 / 2; /* mean of the sum, rounded down: 24570 */
    if (z < -4 * 4096)
        z = -4 * 4096;
    if (z > 4 * 4096 - 1)
        z = 4 * 4096 - 1;
    z += 4 * 4096;      /* 0 .. 8 * 4096 - 1 */
    index = z / 512;    /* table steps of 1/8 standard deviation */
    frac = z % 512;
    ppm = lognormal_ppm[index] +
          (lognormal_ppm[index + 1] - lognormal_ppm[index]) * frac / 512;
    value = median / 1000 * ppm / 1000; /* median is a multiple of 1000 */
    value = (value + step / 2) / step * step;
    return value < step ? step : value;
}

/* ---- the market's vocabulary ---------------------------------------- */

static const char *const segment_names[DEMO_SEGMENTS] = {
    "Manufacturing", "Finance", "Energy", "Healthcare", "Retail",
    "Logistics", "Education", "Telecom", "Public sector", "Software",
};

/* Zipf-like customer share: 2520 / rank (2520 = lcm(1..10)). */
static const unsigned segment_weights[DEMO_SEGMENTS] = {
    2520, 1260, 840, 630, 504, 420, 360, 315, 280, 252,
};

/* Three kinds of business per segment, for customer names. */
static const char *const segment_business[DEMO_SEGMENTS][3] = {
    { "Machinery", "Precision Industries", "Heavy Industry" },
    { "Bank", "Securities", "Insurance" },
    { "Power", "Petrochemical", "New Energy" },
    { "Hospital Group", "Pharmaceutical", "Medical Devices" },
    { "Department Stores", "Supermarkets", "E-commerce" },
    { "Logistics", "Shipping", "Express" },
    { "University", "Education Group", "Vocational College" },
    { "Telecom", "Broadband", "Communications" },
    { "Municipal Bureau", "Provincial Office", "Transport Authority" },
    { "Software", "Cloud Services", "Information Technology" },
};

static const char *const brands[] = {
    "Huaxin", "Jinlong", "Hengtai", "Zhongke", "Tianyu", "Xinda",
    "Ruifeng", "Boyuan", "Hongda", "Kaiyuan", "Shengshi", "Mingde",
    "Yongxin", "Jiahe", "Guangtong", "Haorui", "Dingsheng", "Lianchuang",
    "Fuxing", "Anda", "Chengxin", "Jiuzhou", "Taihe", "Wanjia",
    "Xinghai", "Yuanhang", "Baolong", "Deyi", "Qiming", "Zhihui",
};
#define BRAND_COUNT (sizeof brands / sizeof brands[0])

/* Six sales regions, their share of customers and some of their cities. */
#define REGION_COUNT 6
static const char *const regions[REGION_COUNT] = {
    "华东", "华南", "华北", "华中", "西南", "海外",
};
static const unsigned region_weights[REGION_COUNT] = { 32, 22, 20, 12, 9, 5 };
static const char *const region_cities[REGION_COUNT][4] = {
    { "Shanghai", "Hangzhou", "Nanjing", "Suzhou" },
    { "Guangzhou", "Shenzhen", "Xiamen", "Fuzhou" },
    { "Beijing", "Tianjin", "Jinan", "Shijiazhuang" },
    { "Wuhan", "Changsha", "Zhengzhou", "Nanchang" },
    { "Chengdu", "Chongqing", "Kunming", "Guiyang" },
    { "Singapore", "Jakarta", "Dubai", "Frankfurt" },
};

/* 25 sales reps; the first region_reps[0] cover 华东, and so on. */
#define REP_COUNT 25
static const char *const reps[REP_COUNT] = {
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强",
    "周杰", "吴婷", "徐明", "孙丽", "马超",
    "朱琳", "胡斌", "郭颖", "何涛", "高峰",
    "林欣", "罗军", "郑爽",
    "梁宇", "谢楠", "宋佳",
    "唐亮",
};
static const unsigned region_reps[REGION_COUNT] = { 8, 5, 5, 3, 3, 1 };

#define SOURCE_COUNT 5
static const char *const sources[SOURCE_COUNT] = {
    "web", "referral", "partner", "event", "outbound",
};
static const unsigned source_weights[SOURCE_COUNT] = { 30, 15, 20, 15, 20 };

static const char *const fit_values[3] = { "high", "medium", "low" };
static const char *const budget_values[2] = { "yes", "no" };

/* Per mille chance that a lead at stage k goes on to stage k + 1. */
static const int64_t advance_permille[7] = { 700, 720, 780, 800, 820, 850, 880 };
#define WON_STAGE 7 /* P7, flagged won in the default stage model */

/* ---- building the market -------------------------------------------- */

typedef struct demo_customer {
    char id[8];          /* "C0001" */
    size_t region;       /* index into regions */
    size_t owner;        /* index into reps */
} demo_customer;

/* First rep index of a region. */
static size_t region_first_rep(size_t region)
{
    size_t first = 0, i;

    for (i = 0; i < region; i++)
        first += region_reps[i];
    return first;
}

static size_t pick_rep(demo_rng *rng, size_t region)
{
    return region_first_rep(region) +
           (size_t)rng_below(rng, region_reps[region]);
}

static int fail(const char *what)
{
    return cli_library_error(what);
}

static int out_of_memory(void)
{
    fprintf(stderr, "mtl: generating the sample data: out of memory\n");
    return CLI_EXIT_ERROR;
}

static int add_segments(mtl_market *market, mtl_segment **segments)
{
    char id[8], what[64];
    size_t i;

    for (i = 0; i < DEMO_SEGMENTS; i++) {
        snprintf(id, sizeof id, "SEG%02u", (unsigned)(i + 1));
        snprintf(what, sizeof what, "adding segment %s", id);
        if (mtl_segment_add(&segments[i], market, id) != MTL_OK ||
            mtl_segment_set_name(segments[i], segment_names[i]) != MTL_OK)
            return fail(what);
    }
    return CLI_EXIT_OK;
}

/*
 * Add the customers one by one; fill info[] and weights[] (revenue in
 * thousands of major units, the share of leads each customer gets).
 */
static int add_customers(mtl_market *market, mtl_segment *const *segments,
                         uint64_t seed, demo_customer *info, uint64_t *weights)
{
    demo_rng rng;
    size_t i;

    rng_seed(&rng, seed, 1);
    for (i = 0; i < DEMO_CUSTOMERS; i++) {
        size_t seg = rng_weighted(&rng, segment_weights, DEMO_SEGMENTS);
        size_t region = rng_weighted(&rng, region_weights, REGION_COUNT);
        size_t owner = pick_rep(&rng, region);
        const char *city = region_cities[region][rng_below(&rng, 4)];
        const char *brand = brands[rng_below(&rng, BRAND_COUNT)];
        const char *business = segment_business[seg][rng_below(&rng, 3)];
        /* revenue: median 3,000,000.00, whole thousands */
        int64_t revenue = rng_lognormal(&rng, 300000000, 100000);
        int64_t investment = revenue * rng_range(&rng, 150, 600) / 100;
        int64_t participation = rng_range(&rng, 15, 85);
        char name[128], what[64];
        mtl_customer *customer;

        snprintf(info[i].id, sizeof info[i].id, "C%04u", (unsigned)(i + 1));
        info[i].region = region;
        info[i].owner = owner;
        weights[i] = (uint64_t)(revenue / 100000);
        snprintf(name, sizeof name, "%s %s %s", city, brand, business);
        snprintf(what, sizeof what, "adding customer %.7s", info[i].id);
        if (mtl_customer_add(&customer, market, info[i].id, segments[seg]) != MTL_OK ||
            mtl_customer_set_name(customer, name) != MTL_OK ||
            mtl_customer_set_region(customer, regions[region]) != MTL_OK ||
            mtl_customer_set_owner(customer, reps[owner]) != MTL_OK ||
            mtl_customer_set_revenue(customer, revenue) != MTL_OK ||
            mtl_customer_set_investment(customer, investment) != MTL_OK ||
            mtl_customer_set_participation(customer,
                                           (double)participation / 100.0) != MTL_OK)
            return fail(what);
    }
    return CLI_EXIT_OK;
}

/* The row arrays of the bulk append, owned by the generator. */
typedef struct lead_rows {
    size_t count;
    char *id_text;            /* count slots of ID_SLOT bytes */
    const char **ids;
    uint32_t *customers, *owners, *sources, *fits, *budgets;
    int32_t *stages, *outcomes, *statuses, *created, *expected, *closed;
    int64_t *amounts;
    unsigned char *history;   /* 1: give this lead stage-history events */
} lead_rows;

#define ID_SLOT 24 /* "L" + up to 20 digits + NUL */

static void rows_free(lead_rows *r)
{
    free(r->id_text);
    free(r->ids);
    free(r->customers);
    free(r->owners);
    free(r->sources);
    free(r->fits);
    free(r->budgets);
    free(r->stages);
    free(r->outcomes);
    free(r->statuses);
    free(r->created);
    free(r->expected);
    free(r->closed);
    free(r->amounts);
    free(r->history);
}

static int rows_alloc(lead_rows *r, size_t count)
{
    size_t n = count > 0 ? count : 1; /* malloc(0) may return NULL */

    memset(r, 0, sizeof *r);
    r->count = count;
    r->id_text = malloc(n * ID_SLOT);
    r->ids = malloc(n * sizeof *r->ids);
    r->customers = malloc(n * sizeof *r->customers);
    r->owners = malloc(n * sizeof *r->owners);
    r->sources = malloc(n * sizeof *r->sources);
    r->fits = malloc(n * sizeof *r->fits);
    r->budgets = malloc(n * sizeof *r->budgets);
    r->stages = malloc(n * sizeof *r->stages);
    r->outcomes = malloc(n * sizeof *r->outcomes);
    r->statuses = malloc(n * sizeof *r->statuses);
    r->created = malloc(n * sizeof *r->created);
    r->expected = malloc(n * sizeof *r->expected);
    r->closed = malloc(n * sizeof *r->closed);
    r->amounts = malloc(n * sizeof *r->amounts);
    r->history = malloc(n);
    if (r->id_text == NULL || r->ids == NULL || r->customers == NULL ||
        r->owners == NULL || r->sources == NULL || r->fits == NULL ||
        r->budgets == NULL || r->stages == NULL || r->outcomes == NULL ||
        r->statuses == NULL || r->created == NULL || r->expected == NULL ||
        r->closed == NULL || r->amounts == NULL || r->history == NULL) {
        rows_free(r);
        return -1;
    }
    return 0;
}

/* The calendar of the sample: leads are created from first to last; the
 * market is looked at on the day after last (2026-11-01). */
typedef struct demo_calendar {
    int32_t first, last;
} demo_calendar;

/* A day in the month that is months after November 2026. */
static int32_t day_in_month_after_as_of(int32_t months, int32_t day)
{
    int32_t month0 = 10 + months; /* November = 10, zero-based */
    int32_t out = MTL_DATE_NONE;

    if (mtl_date_from_ymd(&out, 2026 + month0 / 12, month0 % 12 + 1, day) != MTL_OK)
        return MTL_DATE_NONE; /* cannot happen: day <= 28 */
    return out;
}

/* The stage a lead reached: a walk from P0 with advance chances. */
static int32_t walk_stages(demo_rng *rng)
{
    int32_t stage = 0;

    while (stage < WON_STAGE && rng_chance(rng, advance_permille[stage]))
        stage++;
    return stage;
}

static void generate_leads(lead_rows *r, uint64_t seed,
                           const demo_customer *customers,
                           const uint64_t *cumulative, const demo_calendar *cal)
{
    int32_t span = cal->last - cal->first; /* days; 668 */
    demo_rng rng;
    size_t i;

    rng_seed(&rng, seed, 2);
    for (i = 0; i < r->count; i++) {
        uint64_t pick = rng_below(&rng, cumulative[DEMO_CUSTOMERS - 1]);
        size_t lo = 0, hi = DEMO_CUSTOMERS - 1, c;
        int32_t created, age, stage, outcome, status;
        int closed;
        int64_t fit_roll, low_permille;

        /* the customer: first with cumulative weight above pick */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cumulative[mid] > pick)
                hi = mid;
            else
                lo = mid + 1;
        }
        c = lo;

        snprintf(r->id_text + i * ID_SLOT, ID_SLOT, "L%05lu",
                 (unsigned long)(i + 1));
        r->ids[i] = r->id_text + i * ID_SLOT;
        r->customers[i] = (uint32_t)c;
        r->owners[i] = (uint32_t)(rng_chance(&rng, 850)
                                      ? customers[c].owner
                                      : pick_rep(&rng, customers[c].region));
        r->sources[i] = (uint32_t)rng_weighted(&rng, source_weights, SOURCE_COUNT);

        /* Older leads are more often closed: 25% for today's, 97% at most
         * for the oldest, about 65% overall.  A week is too young to close. */
        created = cal->first + (int32_t)rng_below(&rng, (uint64_t)span + 1u);
        age = cal->last - created;
        {
            int64_t p = 250 + (int64_t)800 * age / span;
            closed = age >= 7 && rng_chance(&rng, p > 970 ? 970 : p);
        }
        /* An open lead cannot sit at the won stage: walk again. */
        do
            stage = walk_stages(&rng);
        while (!closed && stage == WON_STAGE);
        outcome = !closed ? MTL_OUTCOME_OPEN
                          : stage == WON_STAGE ? MTL_OUTCOME_WON : MTL_OUTCOME_LOST;

        /* amount: median 200,000.00 in whole hundreds, at least 100.00 */
        r->amounts[i] = rng_lognormal(&rng, 20000000, 10000);
        r->stages[i] = stage;
        r->outcomes[i] = outcome;
        r->created[i] = created;
        r->expected[i] = MTL_DATE_NONE;
        r->closed[i] = MTL_DATE_NONE;
        if (closed) {
            /* a sales cycle that grows with the stage reached, cut at the
             * last day of the data */
            int32_t cycle = 14 + 21 * stage + (int32_t)rng_below(&rng, 45);
            if (cycle > age)
                cycle = 1 + (int32_t)rng_below(&rng, (uint64_t)age);
            r->closed[i] = created + cycle;
        } else {
            /* expected in the next months; later stages close sooner */
            int32_t months = (int32_t)rng_below(&rng, (uint64_t)(9 - stage));
            int32_t day = 1 + (int32_t)rng_below(&rng, 28);
            r->expected[i] = day_in_month_after_as_of(months, day);
        }

        /* LTC lead status: P0 leads are new or nurtured while open and
         * disqualified when lost; from P1 on they became opportunities. */
        if (stage > 0)
            status = MTL_LEAD_STATUS_CONVERTED;
        else if (closed)
            status = MTL_LEAD_STATUS_CLOSED;
        else
            status = rng_chance(&rng, 600) ? MTL_LEAD_STATUS_NEW
                                           : MTL_LEAD_STATUS_NURTURE;
        r->statuses[i] = status;

        /* Attributes that later scoring can learn from: leads that get far
         * tend to fit better and to have a budget. */
        fit_roll = (int64_t)rng_below(&rng, 1000);
        low_permille = 350 - 40 * stage;
        r->fits[i] = fit_roll < 150 + 70 * stage ? 0u
                     : fit_roll >= 1000 - low_permille ? 2u : 1u;
        r->budgets[i] = rng_chance(&rng, 300 + 80 * stage) ? 0u : 1u;

        r->history[i] = (unsigned char)(stage > 0 && rng_chance(&rng, 400));
    }
}

/* Stage-history events for the leads flagged in rows: one per stage
 * entered, P0 on the created day, spread up to the closed day (open
 * leads: up to the last day of the data); a won lead enters P7 on the day
 * it closed. */
static int add_history(mtl_market *market, const lead_rows *r, uint64_t seed,
                       const demo_calendar *cal)
{
    demo_rng rng;
    size_t i;

    rng_seed(&rng, seed, 3);
    for (i = 0; i < r->count; i++) {
        int64_t gaps[WON_STAGE + 1], total = 0, sum = 0, span;
        int32_t stage = r->stages[i], k;
        int32_t end = r->closed[i] != MTL_DATE_NONE ? r->closed[i] : cal->last;
        mtl_lead *lead;
        char what[64];

        if (!r->history[i])
            continue;
        snprintf(what, sizeof what, "adding history to lead %s", r->ids[i]);
        lead = mtl_lead_find(market, r->ids[i]);
        if (lead == NULL) {
            fprintf(stderr, "mtl: %s: the lead is missing after the bulk append\n",
                    what);
            return CLI_EXIT_ERROR;
        }
        /* gaps[k-1] days before entering stage k; gaps[stage] after the
         * last one (none when the last stage entered is the won stage) */
        for (k = 0; k <= stage; k++) {
            gaps[k] = (k == stage && r->outcomes[i] == MTL_OUTCOME_WON)
                          ? 0 : 1 + (int64_t)rng_below(&rng, 60);
            total += gaps[k];
        }
        span = end - r->created[i];
        if (mtl_lead_add_event(lead, r->created[i], 0) != MTL_OK)
            return fail(what);
        for (k = 1; k <= stage; k++) {
            sum += gaps[k - 1];
            if (mtl_lead_add_event(lead,
                                   r->created[i] + (int32_t)(span * sum / total),
                                   k) != MTL_OK)
                return fail(what);
        }
    }
    return CLI_EXIT_OK;
}

static int load_leads(mtl_market *market, const lead_rows *r,
                      const demo_customer *customers)
{
    const char *customer_ids[DEMO_CUSTOMERS];
    const char *attribute_keys[2] = { "industry_fit", "has_budget" };
    mtl_string_column attributes[2];
    mtl_lead_columns cols;
    char what[64];
    size_t i;

    for (i = 0; i < DEMO_CUSTOMERS; i++)
        customer_ids[i] = customers[i].id;

    snprintf(what, sizeof what, "loading %lu leads", (unsigned long)r->count);
    if (mtl_lead_columns_init(&cols, sizeof cols) != MTL_OK)
        return fail(what);
    cols.count = r->count;
    cols.ids.values = r->ids;
    cols.customers.codes = r->customers;
    cols.customers.dict = customer_ids;
    cols.customers.dict_count = DEMO_CUSTOMERS;
    cols.owners.codes = r->owners;
    cols.owners.dict = reps;
    cols.owners.dict_count = REP_COUNT;
    cols.sources.codes = r->sources;
    cols.sources.dict = sources;
    cols.sources.dict_count = SOURCE_COUNT;
    /* segments and regions absent: each lead takes its customer's */
    cols.stages = r->stages;
    cols.outcomes = r->outcomes;
    cols.statuses = r->statuses;
    cols.amounts = r->amounts;
    cols.created = r->created;
    cols.expected_close = r->expected;
    cols.closed = r->closed;

    memset(attributes, 0, sizeof attributes);
    attributes[0].codes = r->fits;
    attributes[0].dict = fit_values;
    attributes[0].dict_count = 3;
    attributes[1].codes = r->budgets;
    attributes[1].dict = budget_values;
    attributes[1].dict_count = 2;
    cols.attribute_count = 2;
    cols.attribute_keys = attribute_keys;
    cols.attributes = attributes;

    if (mtl_lead_append_columns(market, &cols) != MTL_OK)
        return fail(what);
    return CLI_EXIT_OK;
}

int demo_market_build(mtl_market **out, const demo_options *options)
{
    mtl_segment *segments[DEMO_SEGMENTS];
    demo_customer customers[DEMO_CUSTOMERS];
    uint64_t cumulative[DEMO_CUSTOMERS];
    demo_calendar cal;
    mtl_market *market = NULL;
    lead_rows rows;
    int status;
    size_t i;

    *out = NULL;
    if (mtl_date_from_ymd(&cal.first, 2025, 1, 1) != MTL_OK ||
        mtl_date_from_ymd(&cal.last, 2026, 10, 31) != MTL_OK)
        return fail("setting up the sample calendar");
    if (mtl_market_create(&market, NULL) != MTL_OK)
        return fail("creating the market");

    status = add_segments(market, segments);
    if (status == CLI_EXIT_OK)
        status = add_customers(market, segments, options->seed, customers,
                               cumulative);
    if (status != CLI_EXIT_OK) {
        mtl_market_unref(market);
        return status;
    }
    for (i = 1; i < DEMO_CUSTOMERS; i++)
        cumulative[i] += cumulative[i - 1];

    if (rows_alloc(&rows, options->leads) != 0) {
        mtl_market_unref(market);
        return out_of_memory();
    }
    generate_leads(&rows, options->seed, customers, cumulative, &cal);
    status = load_leads(market, &rows, customers);
    if (status == CLI_EXIT_OK)
        status = add_history(market, &rows, options->seed, &cal);
    rows_free(&rows);
    if (status != CLI_EXIT_OK) {
        mtl_market_unref(market);
        return status;
    }
    *out = market;
    return CLI_EXIT_OK;
}
