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
 *
 * The strategy inputs: per segment fixed tables of what the analysts
 * recorded (factors, five looks, $APPEALS ratings, control points, BON
 * pains; see segment_inputs); per customer, from their own random stream,
 * a relationship assessment (about 85%), a decision chain of 2-6 contacts
 * (about 35%) and own pains (about 5%), and the grade the sales team
 * recorded (by revenue); for about two in three leads waiting for the
 * review (new or nurture), verification answers consistent with the lead's
 * industry fit and budget.  Adding them changes none of the streams of the
 * segments, customers and leads above.
 */
#include "demo_data.h"

#include <math.h>
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

/* The grade the sales team recorded: by current revenue only (the value of
 * `mtl customers` also counts the expected investment), major units. */
static int32_t recorded_grade(int64_t revenue_major)
{
    return revenue_major >= 10000000 ? MTL_GRADE_STRATEGIC
           : revenue_major >= 5000000 ? MTL_GRADE_PARTNER
           : revenue_major >= 2500000 ? MTL_GRADE_COMMERCIAL
                                      : MTL_GRADE_GENERAL;
}

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
                                           (double)participation / 100.0) != MTL_OK ||
            mtl_customer_set_grade(customer, recorded_grade(revenue / 100)) != MTL_OK)
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

/* ---- the five looks, SPAN, BON: what the analysts recorded -------------- */

/*
 * Per segment, the inputs of the strategy commands as an analyst of the
 * sample vendor (a Chinese maker of enterprise networks, industrial IoT and
 * data-centre gear) would record them: yearly market size and growth, our
 * revenue and margin there, $APPEALS ratings of us and the rivals (Kunlun
 * Networks, Tianhe Systems, Orient Digital and Westbridge, all invented),
 * the five looks with evidence, control points and the BON pains.  Fixed
 * tables, not random: the SPAN matrix of the demo shows every quadrant, a
 * grow segment vetoed by its margin (Telecom) and a segment not yet rated
 * on $APPEALS (Software).
 */
#define NA ((double)NAN)
#define NO_FORCES { NA, NA, NA, NA, NA }
#define LOOKS_MAX 8
#define RIVALS_MAX 4
#define POINTS_MAX 4
#define PAINS_MAX 6

typedef struct demo_look {
    int32_t look;
    double impact, likelihood;
    int32_t months;
    const char *text, *evidence;
} demo_look;

typedef struct demo_rating {
    const char *competitor; /* "" = us */
    double r[MTL_APPEALS_COUNT];
} demo_rating;

typedef struct demo_point {
    int32_t kind;
    double attainability;
    const char *text;
} demo_point;

typedef struct demo_pain {
    const char *layer, *text;
    double severity, urgency, breadth, budget, fit;
    int32_t role;
} demo_pain;

typedef struct demo_segment_inputs {
    int64_t size_m;      /* market size, millions of major units */
    double growth, profit, forces[MTL_FORCE_COUNT], strategic;
    int64_t revenue_k;   /* our revenue, thousands of major units */
    double margin, share_goal, growth_goal;
    double weights[MTL_APPEALS_COUNT];
    demo_look looks[LOOKS_MAX];       /* up to the first without text */
    demo_rating ratings[RIVALS_MAX];  /* up to the first without ratings */
    demo_point points[POINTS_MAX];
    demo_pain pains[PAINS_MAX];
} demo_segment_inputs;

enum { TR = MTL_LOOK_TREND, IN = MTL_LOOK_INDUSTRY, CU = MTL_LOOK_CUSTOMER,
       CO = MTL_LOOK_COMPETITION, SE = MTL_LOOK_SELF, OP = MTL_LOOK_OPPORTUNITY };
enum { NEAR = MTL_WINDOW_NEAR_MONTHS, MID = MTL_WINDOW_MID_MONTHS,
       LONG = MTL_WINDOW_LONG_MONTHS };

static const demo_segment_inputs segment_inputs[DEMO_SEGMENTS] = {
    { /* SEG01 Manufacturing: grow / invest */
        2800, 0.14, NA, { 4, 3, 3, 4, 2 }, 9, 26000, 0.31, 0.012, NA,
        { 3, 2, 1, 3, 2, 2, 3, 1 },
        { { TR, 4, 0.9, NEAR, "Smart-factory programme funds 5G private networks in plants",
            "MIIT industrial internet action plan 2025; subsidy notices in 14 provinces" },
          { IN, 3, 0.8, MID, "Machine builders move to predictive maintenance",
            "CMIF survey 2025: 41% of plants run pilots" },
          { CU, 2, 0.7, NEAR, "Plant managers want OT and IT networks from one vendor",
            "12 of 18 customer interviews, Q2 2026" },
          { CO, -3, 0.8, NEAR, "Kunlun Networks sells industrial switches below cost",
            "lost bids in Suzhou and Ningbo at an 18% price gap" },
          { SE, -2, 0.6, NEAR, "Too few OT-certified field engineers in central and south-west China",
            "delivery backlog of 9 weeks (PMO report, September 2026)" },
          { OP, 4, 0.7, MID, "Retrofit of 2,000 legacy lines in the Yangtze River Delta",
            "provincial retrofit lists 2026-2028" },
          { TR, -2, 0.5, LONG, "Tariffs slow capital spending of exporters",
            "customs statistics H1 2026" } },
        { { "", { 8, 9, 7, 9, 8, 9, 9, 7 } },
          { "Kunlun Networks", { 7, 6, 7, 6, 6, 6, 6, 7 } },
          { "Westbridge", { 4, 5, 8, 7, 6, 7, 5, 7 } },
          { "Tianhe Systems", { 6, 6, 6, 6, 6, 6, 6, 6 } } },
        { { MTL_CONTROL_PRODUCT, 0.7, "Industrial 5G gateway with 10 ms latency" },
          { MTL_CONTROL_RELATIONSHIP, 0.6, "Framework agreements with five manufacturing groups" },
          { MTL_CONTROL_STANDARD, 0.3, "Co-author of the TSN industrial network profile" },
          { MTL_CONTROL_COST, 0.8, "Lowest cost per connected machine" } },
        { { "B", "Late deliveries lose export orders", 4, 4, 0.6, 0.7, 0.6, MTL_ROLE_DECIDER },
          { "O", "Unplanned line downtime", 5, 4, 0.7, 0.8, 0.8, MTL_ROLE_USER },
          { "O", "Energy cost per unit keeps rising", 3, 3, 0.5, 0.5, 0.4, MTL_ROLE_APPROVER },
          { "N", "OT and IT networks are not connected", 4, 3, 0.8, 0.6, 0.9, MTL_ROLE_INFLUENCER },
          { "N", "Wi-Fi drops next to heavy machinery", 3, 4, 0.5, 0.4, 0.9, MTL_ROLE_USER } },
    },
    { /* SEG02 Finance: acquire skills */
        1900, 0.09, 7, NO_FORCES, 8, 14000, 0.38, NA, 0.25,
        { 1, 2, 1, 3, 1, 3, 2, 2 },
        { { TR, 3, 0.9, NEAR, "IT localisation (Xinchuang) mandate for banks' core systems",
            "regulator guidance 2025; six city banks tendering" },
          { IN, 2, 0.8, MID, "Branch networks shrink while data centres consolidate",
            "branch count -6% a year (industry report 2026)" },
          { CU, 3, 0.6, NEAR, "Banks want dual-active data centres for resilience",
            "outage rules for systemically important banks, 2025" },
          { CO, -4, 0.9, NEAR, "Kunlun Networks holds the frame agreements of the big banks",
            "5 of 6 frame tenders won by Kunlun since 2024" },
          { SE, -3, 0.7, MID, "No financial-grade security certification yet",
            "certification planned for 2027" },
          { OP, 3, 0.5, MID, "Core upgrade wave at rural commercial banks",
            "38 rural banks announced core projects" } },
        { { "", { 7, 6, 5, 6, 7, 5, 7, 5 } },
          { "Kunlun Networks", { 6, 8, 7, 9, 7, 9, 7, 9 } },
          { "Westbridge", { 4, 6, 8, 9, 8, 9, 6, 7 } } },
        { { MTL_CONTROL_RELATIONSHIP, 0.4, "Seat in the architecture office of three joint-stock banks" },
          { MTL_CONTROL_PRODUCT, 0.5, "Dual-active data-centre fabric" } },
        { { "B", "New digital products launch too slowly", 4, 3, 0.7, 0.8, 0.5, MTL_ROLE_DECIDER },
          { "O", "Compliance audits of the network take weeks", 4, 4, 0.8, 0.7, 0.6, MTL_ROLE_GATEKEEPER },
          { "N", "Single data centre is a regulatory risk", 5, 4, 0.5, 0.9, 0.8, MTL_ROLE_INFLUENCER },
          { "N", "Branch WAN costs too much per site", 3, 2, 0.9, 0.5, 0.7, MTL_ROLE_APPROVER } },
    },
    { /* SEG03 Energy: grow / invest */
        2200, 0.17, 6.5, NO_FORCES, 9, 16000, 0.27, 0.01, NA,
        { 2, 2, 1, 3, 1, 3, 2, 1 },
        { { TR, 5, 0.9, NEAR, "Grid digitalisation and the new power system build-out",
            "State Grid 2026 investment plan +12%" },
          { IN, 3, 0.8, NEAR, "Distributed PV and storage need edge networks",
            "12 GW of distributed PV connected in H1 2026" },
          { CU, 2, 0.6, MID, "Provincial grid companies consolidate their vendors",
            "vendor lists cut from 14 to 6 in Jiangsu" },
          { CO, -2, 0.7, NEAR, "Tianhe Systems wins substation integration deals",
            "3 of the last 5 substation tenders" },
          { SE, 2, 0.8, NEAR, "Our power-line IoT gateway passed grid certification",
            "certificate issued May 2026" },
          { OP, 4, 0.6, MID, "Substation retrofit wave 2026-2029",
            "about 1,800 substations on the retrofit list" },
          { IN, -1, 0.4, LONG, "Coal-power capital spending declines", "" } },
        { { "", { 7, 8, 7, 8, 7, 9, 7, 8 } },
          { "Tianhe Systems", { 7, 7, 6, 7, 7, 7, 6, 8 } },
          { "Kunlun Networks", { 8, 7, 7, 7, 6, 7, 7, 7 } } },
        { { MTL_CONTROL_STANDARD, 0.5, "Co-author of the grid IoT gateway specification" },
          { MTL_CONTROL_VALUE_CHAIN, 0.3, "Own the grid-edge data platform" },
          { MTL_CONTROL_RELATIONSHIP, 0.7, "Frame contracts with four provincial grid companies" } },
        { { "B", "Renewable connection targets are at risk", 5, 4, 0.6, 0.9, 0.6, MTL_ROLE_DECIDER },
          { "O", "Manual substation inspection is slow and unsafe", 4, 4, 0.8, 0.7, 0.9, MTL_ROLE_USER },
          { "O", "Cyber-security compliance of control networks", 4, 5, 0.7, 0.8, 0.7, MTL_ROLE_GATEKEEPER },
          { "N", "No bandwidth at remote substations", 3, 3, 0.6, 0.6, 0.9, MTL_ROLE_INFLUENCER },
          { "N", "Edge devices from many vendors cannot be managed together", 3, 3, 0.7, 0.5, 0.8, MTL_ROLE_USER },
          { "B", "Pressure to cut line losses", 3, 2, 0.5, 0.6, 0.3, MTL_ROLE_APPROVER } },
    },
    { /* SEG04 Healthcare: harvest */
        1100, 0.12, NA, { 3, 3, 2, 4, 3 }, 6, 8500, 0.29, NA, 0.20,
        { 2, 1, 1, 2, 3, 3, 1, 2 },
        { { TR, 3, 0.8, MID, "Smart-hospital rating drives network upgrades",
            "national smart-hospital grading, level 4 targeted by 2027" },
          { CU, -2, 0.6, NEAR, "Hospital budgets squeezed by DRG payment reform",
            "DRG rollout to all tier-3 hospitals in 2026" },
          { CO, -2, 0.5, NEAR, "Orient Digital bundles cloud HIS with networks", "" },
          { SE, 2, 0.7, NEAR, "Reference sites at three provincial hospitals",
            "customer letters from Zhejiang, Hubei and Sichuan" },
          { OP, 3, 0.5, MID, "County medical alliances need a WAN",
            "county alliance programme, 2025-2027" } },
        { { "", { 7, 7, 7, 8, 8, 8, 7, 7 } },
          { "Orient Digital", { 7, 6, 6, 7, 7, 7, 7, 6 } },
          { "Westbridge", { 4, 6, 7, 8, 7, 7, 5, 7 } } },
        { { MTL_CONTROL_RELATIONSHIP, 0.6, "Reference sites at three provincial hospitals" },
          { MTL_CONTROL_PRODUCT, 0.6, "Medical IoT network certified for clinical use" } },
        { { "O", "Medical devices drop off the network during rounds", 4, 4, 0.6, 0.6, 0.8, MTL_ROLE_USER },
          { "B", "Patients wait too long for imaging results", 3, 3, 0.7, 0.5, 0.4, MTL_ROLE_DECIDER },
          { "N", "Imaging archive outgrows the storage network", 4, 3, 0.5, 0.6, 0.9, MTL_ROLE_INFLUENCER } },
    },
    { /* SEG05 Retail: avoid / exit */
        650, 0.04, 3.5, NO_FORCES, 3, 3900, 0.22, NA, NA,
        { 4, 2, 1, 1, 2, 1, 2, 1 },
        { { TR, -3, 0.8, NEAR, "Store closures as sales move online",
            "top 100 chains closed 7% of stores in 2025" },
          { IN, -2, 0.7, NEAR, "Thin margins make price the only criterion", "" },
          { CU, 1, 0.5, NEAR, "Chains want cloud-managed store Wi-Fi", "" },
          { CO, -4, 0.8, NEAR, "Westbridge and white-box vendors undercut us by 30%",
            "price lists collected in 2026" },
          { SE, -2, 0.6, MID, "No SaaS store-management offer", "" },
          { OP, 2, 0.4, MID, "E-commerce warehouses need IoT", "" } },
        { { "", { 4, 5, 6, 7, 6, 6, 4, 5 } },
          { "Westbridge", { 8, 8, 6, 7, 7, 6, 8, 6 } },
          { "Orient Digital", { 7, 7, 7, 7, 8, 6, 7, 7 } } },
        { { MTL_CONTROL_COST, 0.5, "Cloud-managed Wi-Fi at the lowest price per store" },
          { MTL_CONTROL_BRAND, 0.2, "Brand known to store IT teams" } },
        { { "B", "Footfall keeps falling", 4, 3, 0.8, 0.3, 0.1, MTL_ROLE_DECIDER },
          { "O", "Store IT is run by too few people", 3, 3, 0.7, 0.4, 0.6, MTL_ROLE_USER },
          { "N", "Payment terminals lose connection at peak hours", 4, 4, 0.4, 0.5, 0.8, MTL_ROLE_USER } },
    },
    { /* SEG06 Logistics: harvest */
        800, 0.11, 5, NO_FORCES, 5, 8900, 0.24, NA, 0.15,
        { 2, 3, 1, 2, 2, 1, 2, 1 },
        { { TR, 2, 0.7, MID, "Smart ports and automated warehouses",
            "port automation plans of 9 coastal provinces" },
          { IN, 3, 0.8, NEAR, "Express carriers automate sorting centres",
            "parcel volume +15% a year" },
          { CU, 2, 0.7, NEAR, "Carriers want 5G private networks in their hubs", "" },
          { CO, -2, 0.6, NEAR, "Kunlun Networks enters with 5G CPE", "first pilot in Wuhan" },
          { SE, 3, 0.8, NEAR, "Our warehouse IoT platform runs 40 hubs", "installed base report 2026" },
          { OP, 3, 0.6, MID, "Cold-chain tracking for pharmaceuticals",
            "GSP cold-chain rules 2026" } },
        { { "", { 8, 9, 7, 8, 9, 7, 8, 7 } },
          { "Kunlun Networks", { 6, 6, 6, 7, 6, 7, 6, 7 } },
          { "Tianhe Systems", { 6, 5, 7, 6, 6, 6, 6, 7 } } },
        { { MTL_CONTROL_PRODUCT, 0.8, "Warehouse IoT platform in 40 hubs" },
          { MTL_CONTROL_VALUE_CHAIN, 0.4, "Logistics data platform shared by carriers" },
          { MTL_CONTROL_RELATIONSHIP, 0.6, "Key-account teams at three express carriers" } },
        { { "O", "Sorting errors at peak season", 4, 5, 0.7, 0.7, 0.8, MTL_ROLE_USER },
          { "B", "Delivery promises missed in lower-tier cities", 4, 3, 0.6, 0.6, 0.4, MTL_ROLE_DECIDER },
          { "N", "Wi-Fi roaming fails for handheld scanners", 3, 4, 0.8, 0.5, 0.9, MTL_ROLE_USER },
          { "O", "Cold-chain temperature not traced end to end", 4, 3, 0.4, 0.6, 0.7, MTL_ROLE_GATEKEEPER } },
    },
    { /* SEG07 Education: avoid / exit */
        700, 0.06, NA, { 4, 2, 4, 4, 3 }, 4, 5900, 0.18, NA, NA,
        { 4, 1, 1, 1, 2, 1, 2, 2 },
        { { TR, 2, 0.6, MID, "Education digitalisation action plan", "Ministry plan 2025-2027" },
          { IN, -3, 0.7, NEAR, "Falling enrolment cuts vocational colleges' budgets", "" },
          { CU, -1, 0.6, NEAR, "Purchases go through lowest-price public tenders", "" },
          { CO, -2, 0.7, NEAR, "Tianhe Systems is the incumbent in campus networks", "" },
          { SE, -1, 0.5, NEAR, "Few education channel partners", "" },
          { OP, 2, 0.5, MID, "Smart-classroom refresh at universities in east China", "" } },
        { { "", { 5, 7, 6, 8, 6, 7, 6, 6 } },
          { "Tianhe Systems", { 8, 7, 7, 6, 7, 7, 8, 8 } },
          { "Orient Digital", { 7, 6, 6, 7, 8, 6, 7, 6 } } },
        { { MTL_CONTROL_COST, 0.6, "Campus bundle with partner financing" },
          { MTL_CONTROL_RELATIONSHIP, 0.3, "Education bureau relationships in east China" } },
        { { "O", "Campus network is managed by two people", 3, 3, 0.8, 0.3, 0.7, MTL_ROLE_USER },
          { "N", "Dormitory Wi-Fi is overloaded at night", 3, 4, 0.7, 0.4, 0.9, MTL_ROLE_INITIATOR },
          { "B", "Online courses need a reliable platform", 3, 2, 0.5, 0.4, 0.5, MTL_ROLE_DECIDER } },
    },
    { /* SEG08 Telecom: grow quadrant, vetoed by the margin gate */
        2500, 0.08, 4, NO_FORCES, 8, 5200, 0.16, NA, 0.30,
        { 3, 1, 1, 3, 1, 2, 3, 1 },
        { { TR, 4, 0.8, MID, "5G-Advanced and computing-power networks", "operators' 2026 capex guidance" },
          { IN, -2, 0.8, NEAR, "Operators cut capital spending by 4% a year", "annual reports 2025" },
          { CU, 3, 0.7, NEAR, "Operators resell private networks to industry", "" },
          { CO, -3, 0.8, NEAR, "Centralised procurement forces deep discounts",
            "last frame tender cleared 22% below list" },
          { SE, 3, 0.7, NEAR, "Our edge-computing node leads the operator lab tests",
            "lab ranking, March 2026" },
          { OP, 3, 0.6, MID, "Operator-led smart-city projects", "" } },
        { { "", { 7, 7, 7, 9, 8, 8, 8, 7 } },
          { "Kunlun Networks", { 7, 7, 7, 7, 7, 7, 6, 8 } },
          { "Westbridge", { 6, 7, 7, 7, 7, 7, 6, 6 } } },
        { { MTL_CONTROL_PRODUCT, 0.7, "Edge node ahead in the operator lab tests" },
          { MTL_CONTROL_STANDARD, 0.4, "Editor of the computing-power network standard" },
          { MTL_CONTROL_BRAND, 0.5, "Top-three operator supplier rating" } },
        { { "B", "Enterprise revenue grows too slowly", 4, 3, 0.7, 0.8, 0.6, MTL_ROLE_DECIDER },
          { "O", "Edge sites cost too much to operate", 4, 4, 0.6, 0.7, 0.8, MTL_ROLE_USER },
          { "N", "Backhaul capacity at edge sites", 3, 3, 0.5, 0.7, 0.7, MTL_ROLE_INFLUENCER } },
    },
    { /* SEG09 Public sector: avoid / exit */
        1500, 0.10, 3, NO_FORCES, 7, 1800, 0.12, 0.004, NA,
        { 3, 1, 1, 1, 1, 2, 1, 3 },
        { { TR, 3, 0.7, MID, "Digital government and city-brain projects", "" },
          { IN, -2, 0.6, NEAR, "Local government debt delays payments",
            "receivables over 180 days at 3 customers" },
          { CU, -2, 0.7, NEAR, "Projects require a local integrator as prime contractor", "" },
          { CO, -3, 0.8, NEAR, "Kunlun Networks and Tianhe Systems hold the frame contracts", "" },
          { SE, -2, 0.6, NEAR, "Our public-sector receivables exceed 180 days", "finance report Q3 2026" },
          { OP, 2, 0.5, LONG, "Provincial data-exchange platforms", "" } },
        { { "", { 5, 6, 6, 6, 6, 5, 6, 4 } },
          { "Kunlun Networks", { 7, 7, 6, 7, 7, 7, 7, 9 } },
          { "Tianhe Systems", { 8, 7, 7, 6, 7, 6, 7, 8 } } },
        { { MTL_CONTROL_RELATIONSHIP, 0.3, "Alliances with local integrators" },
          { MTL_CONTROL_BRAND, 0.4, "Domestic brand with localisation certification" } },
        { { "B", "Citizens wait too long for services", 3, 3, 0.6, 0.5, 0.4, MTL_ROLE_DECIDER },
          { "O", "Data cannot be shared between bureaus", 4, 3, 0.7, 0.4, 0.5, MTL_ROLE_INFLUENCER },
          { "N", "Ageing networks fail security reviews", 4, 4, 0.5, 0.6, 0.8, MTL_ROLE_GATEKEEPER } },
    },
    { /* SEG10 Software: attractive, not yet rated on $APPEALS */
        900, 0.21, 7.5, NO_FORCES, 6, 5000, 0.45, NA, 0.40,
        { 2, 1, 2, 3, 2, 1, 2, 1 },
        { { TR, 4, 0.8, NEAR, "Software firms move workloads to private and hybrid cloud", "" },
          { CU, 3, 0.7, NEAR, "ISVs want hardware bundled into their delivery", "" },
          { SE, -2, 0.6, NEAR, "Our ISV partner programme is new", "launched July 2026" },
          { OP, 3, 0.6, MID, "OEM appliances with domestic ISVs", "two OEM talks under NDA" } },
        { { NULL, { 0 } } },
        { { MTL_CONTROL_VALUE_CHAIN, 0.3, "OEM appliance platform for ISVs" },
          { MTL_CONTROL_PRODUCT, 0.6, "Hybrid-cloud appliance" } },
        { { "B", "Delivery projects overrun on infrastructure", 3, 4, 0.6, 0.6, 0.7, MTL_ROLE_DECIDER },
          { "N", "Test environments take weeks to set up", 3, 3, 0.7, 0.5, 0.8, MTL_ROLE_USER },
          { "O", "Cloud bills grow faster than revenue", 4, 3, 0.5, 0.7, 0.6, MTL_ROLE_APPROVER } },
    },
};

/* Add a pain to a segment (customer NULL) or to a customer. */
static mtl_status add_pain(mtl_segment *segment, mtl_customer *customer,
                           const demo_pain *p)
{
    mtl_pain pain;
    mtl_status st = mtl_pain_init(&pain, sizeof pain);

    if (st != MTL_OK)
        return st;
    pain.layer = p->layer;
    pain.text = p->text;
    pain.severity = p->severity;
    pain.urgency = p->urgency;
    pain.breadth = p->breadth;
    pain.budget = p->budget;
    pain.fit = p->fit;
    pain.role = p->role;
    return segment != NULL ? mtl_segment_add_pain(segment, &pain)
                           : mtl_customer_add_pain(customer, &pain);
}


static int add_segment_inputs(mtl_market *market, mtl_segment *const *segments)
{
    int64_t per = mtl_market_minor_per_major(market);
    size_t i, k;

    for (i = 0; i < DEMO_SEGMENTS; i++) {
        const demo_segment_inputs *in = &segment_inputs[i];
        mtl_segment *seg = segments[i];
        mtl_segment_factors f;
        char what[64];

        snprintf(what, sizeof what, "adding the strategy inputs of %s",
                 mtl_segment_id(seg));
        if (mtl_segment_factors_init(&f, sizeof f) != MTL_OK)
            return fail(what);
        f.market_size = in->size_m * 1000000 * per;
        f.growth = in->growth;
        f.profit_potential = in->profit;
        memcpy(f.forces, in->forces, sizeof f.forces);
        f.strategic_value = in->strategic;
        f.revenue = in->revenue_k * 1000 * per;
        f.gross_margin = in->margin;
        f.share_goal = in->share_goal;
        f.growth_goal = in->growth_goal;
        memcpy(f.appeals_weights, in->weights, sizeof f.appeals_weights);
        if (mtl_segment_set_factors(seg, &f) != MTL_OK)
            return fail(what);
        for (k = 0; k < LOOKS_MAX && in->looks[k].text != NULL; k++) {
            mtl_look_item item;
            if (mtl_look_item_init(&item, sizeof item) != MTL_OK)
                return fail(what);
            item.look = in->looks[k].look;
            item.impact = in->looks[k].impact;
            item.likelihood = in->looks[k].likelihood;
            item.window_months = in->looks[k].months;
            item.text = in->looks[k].text;
            item.evidence = in->looks[k].evidence[0] != '\0' ? in->looks[k].evidence
                                                             : NULL;
            if (mtl_segment_add_look(seg, &item) != MTL_OK)
                return fail(what);
        }
        for (k = 0; k < RIVALS_MAX && in->ratings[k].competitor != NULL; k++) {
            mtl_appeals_rating rating;
            if (mtl_appeals_rating_init(&rating, sizeof rating) != MTL_OK)
                return fail(what);
            rating.competitor = in->ratings[k].competitor;
            memcpy(rating.ratings, in->ratings[k].r, sizeof rating.ratings);
            if (mtl_segment_add_appeals(seg, &rating) != MTL_OK)
                return fail(what);
        }
        for (k = 0; k < POINTS_MAX && in->points[k].text != NULL; k++) {
            mtl_control_point point;
            if (mtl_control_point_init(&point, sizeof point) != MTL_OK)
                return fail(what);
            point.kind = in->points[k].kind;
            point.attainability = in->points[k].attainability;
            point.text = in->points[k].text;
            if (mtl_segment_add_control_point(seg, &point) != MTL_OK)
                return fail(what);
        }
        for (k = 0; k < PAINS_MAX && in->pains[k].text != NULL; k++)
            if (add_pain(seg, NULL, &in->pains[k]) != MTL_OK)
                return fail(what);
    }
    return CLI_EXIT_OK;
}

/* ---- customers: relationship, decision chain, own pains --------------- */

/* Pains single customers reported to their account teams. */
static const struct { const char *layer, *text; int32_t role; } account_pains[] = {
    { "B", "Board asks for a digital transformation roadmap", MTL_ROLE_DECIDER },
    { "O", "IT operations team is overloaded", MTL_ROLE_USER },
    { "O", "Auditors demand fixes after last year's security incident", MTL_ROLE_GATEKEEPER },
    { "N", "Core switches reach end of support next year", MTL_ROLE_INFLUENCER },
    { "N", "Branch sites have no redundant links", MTL_ROLE_USER },
    { "B", "A new business unit needs its IT within six months", MTL_ROLE_INITIATOR },
    { "O", "Network changes take weeks to approve", MTL_ROLE_APPROVER },
    { "N", "The data centre is running out of capacity", MTL_ROLE_INFLUENCER },
};
#define ACCOUNT_PAIN_COUNT (sizeof account_pains / sizeof account_pains[0])

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
    "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
};
static const char *const given_names[] = {
    "建国", "志强", "海燕", "晓东", "丽华", "文博", "静怡", "子豪",
    "伟", "敏", "磊", "洁", "斌", "涛", "颖", "浩然",
};
/* A usual job title of each decision-chain role (MTL_ROLE_*). */
static const char *const role_titles[MTL_ROLE_COUNT] = {
    "", "IT Manager", "Operations Manager", "Chief Architect", "CIO", "CFO",
    "Procurement Manager", "Office Director",
};

/* Warmth of an account 1..5 (3 when not assessed): relationship ratings
 * scatter around it, warmer accounts have more supporters. */
static const unsigned warmth_weights[5] = { 10, 25, 35, 22, 8 };

static int add_relationship(mtl_customer *customer, demo_rng *rng, int64_t *warmth)
{
    double ratings[MTL_REL_COUNT];
    int d;

    *warmth = 3;
    if (!rng_chance(rng, 850))
        return CLI_EXIT_OK; /* not assessed */
    *warmth = 1 + (int64_t)rng_weighted(rng, warmth_weights, 5);
    for (d = 0; d < MTL_REL_COUNT; d++) {
        int64_t r = *warmth + rng_range(rng, -1, 1);
        r = r < 1 ? 1 : r > 5 ? 5 : r;
        ratings[d] = rng_chance(rng, 50) ? NA : (double)r;
    }
    return mtl_customer_set_relationship(customer, ratings) == MTL_OK
               ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

static int add_contacts(mtl_customer *customer, demo_rng *rng, int64_t warmth)
{
    int32_t roles[MTL_ROLE_COUNT - 1];
    int64_t count, k;
    int coach = 0;

    if (!rng_chance(rng, 350))
        return CLI_EXIT_OK;
    count = rng_range(rng, 2, 6);
    for (k = 0; k < MTL_ROLE_COUNT - 1; k++)
        roles[k] = (int32_t)(k + 1);
    for (k = MTL_ROLE_COUNT - 2; k > 0; k--) { /* Fisher-Yates */
        int64_t j = (int64_t)rng_below(rng, (uint64_t)k + 1u);
        int32_t t = roles[k];
        roles[k] = roles[j];
        roles[j] = t;
    }
    for (k = 0; k < count; k++) {
        mtl_contact contact;
        char name[32];
        int64_t r = (int64_t)rng_below(rng, 100);

        snprintf(name, sizeof name, "%s%s",
                 surnames[rng_below(rng, sizeof surnames / sizeof surnames[0])],
                 given_names[rng_below(rng, sizeof given_names / sizeof given_names[0])]);
        if (mtl_contact_init(&contact, sizeof contact) != MTL_OK)
            return CLI_EXIT_ERROR;
        contact.name = name;
        contact.title = role_titles[roles[k]];
        contact.role = roles[k];
        contact.attitude = r < 15 + 12 * warmth ? MTL_ATTITUDE_SUPPORTER
                           : r >= 94 - 4 * warmth ? MTL_ATTITUDE_OPPONENT
                                                  : MTL_ATTITUDE_NEUTRAL;
        if (contact.attitude == MTL_ATTITUDE_SUPPORTER && !coach &&
            rng_chance(rng, 500))
            contact.coach = coach = 1;
        if (mtl_customer_add_contact(customer, &contact) != MTL_OK)
            return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

static int add_account_pains(mtl_customer *customer, demo_rng *rng)
{
    int64_t count, k;
    size_t first;

    if (!rng_chance(rng, 50))
        return CLI_EXIT_OK;
    count = rng_range(rng, 1, 3);
    first = (size_t)rng_below(rng, ACCOUNT_PAIN_COUNT);
    for (k = 0; k < count; k++) {
        size_t at = (first + 3 * (size_t)k) % ACCOUNT_PAIN_COUNT;
        demo_pain p;

        p.layer = account_pains[at].layer;
        p.text = account_pains[at].text;
        p.role = account_pains[at].role;
        p.severity = (double)rng_range(rng, 2, 5);
        p.urgency = (double)rng_range(rng, 2, 5);
        p.breadth = (double)rng_range(rng, 3, 10) / 10.0;
        p.budget = (double)rng_range(rng, 0, 10) / 10.0;
        p.fit = (double)rng_range(rng, 4, 10) / 10.0;
        if (add_pain(NULL, customer, &p) != MTL_OK)
            return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

/* The account teams' assessments of the customers, in customer order. */
static int add_customer_inputs(mtl_market *market, const demo_customer *customers,
                               uint64_t seed)
{
    demo_rng rng;
    size_t i;

    rng_seed(&rng, seed, 4);
    for (i = 0; i < DEMO_CUSTOMERS; i++) {
        mtl_customer *customer = mtl_customer_find(market, customers[i].id);
        int64_t warmth;
        char what[64];

        snprintf(what, sizeof what, "adding the assessment of customer %.7s",
                 customers[i].id);
        if (customer == NULL || add_relationship(customer, &rng, &warmth) != CLI_EXIT_OK ||
            add_contacts(customer, &rng, warmth) != CLI_EXIT_OK ||
            add_account_pains(customer, &rng) != CLI_EXIT_OK)
            return fail(what);
    }
    return CLI_EXIT_OK;
}

/* ---- leads: the answers of the weekly lead review --------------------- */

/* What a sales rep wrote next to an answer, now and then. */
static const char *const answer_evidence[MTL_CRIT_COUNT] = {
    "fits our industrial IoT and data-centre focus",
    "pain confirmed by the operations manager",
    "payment terms 30/60/10 agreed in principle",
    "an outage in August triggered the project",
    "tender planned for Q1 2027",
    "budget line in the 2027 capex plan",
    "go-live required before the Spring Festival",
    "our coach sits in the IT department",
    "15% lower life-cycle cost than the incumbent",
    "the same solution runs at three customers",
    "solution architect free from December",
    "Kunlun Networks is the incumbent",
};

/* A score k / 20 for k drawn from lo..hi (answers are given in steps of
 * 0.05, as on the review form). */
static double answer_step(demo_rng *rng, int64_t lo, int64_t hi)
{
    return (double)rng_range(rng, lo, hi) / 20.0;
}

static int answer_lead(mtl_lead *lead, demo_rng *rng, uint32_t fit, uint32_t budget)
{
    double s[MTL_CRIT_COUNT];
    int64_t depth = (int64_t)rng_below(rng, 10); /* 0-2: q1, 3-4: q1-q2, else all */
    int32_t c, last;

    for (c = 0; c < MTL_CRIT_COUNT; c++)
        s[c] = NA;
    s[MTL_CRIT_STRATEGIC_FIT] = fit == 0 ? answer_step(rng, 15, 19)
                                : fit == 1 ? answer_step(rng, 10, 15)
                                           : answer_step(rng, 2, 8);
    s[MTL_CRIT_REAL_NEED] = rng_chance(rng, 60) ? answer_step(rng, 2, 3)
                                                : answer_step(rng, 8, 19);
    s[MTL_CRIT_ACCEPTABLE_RISK] = answer_step(rng, 10, 18);
    if (depth >= 3) {
        if (rng_chance(rng, 500)) /* else taken from the pain index */
            s[MTL_CRIT_URGENT_NEED] = answer_step(rng, 6, 19);
        s[MTL_CRIT_PROCUREMENT] = answer_step(rng, 4, 18);
        s[MTL_CRIT_BUDGET] = budget == 0 ? answer_step(rng, 12, 18)
                                         : answer_step(rng, 2, 8);
        s[MTL_CRIT_TIMELINE] = answer_step(rng, 6, 18);
    }
    if (depth >= 5) {
        if (rng_chance(rng, 300)) /* else from the relationship */
            s[MTL_CRIT_RELATIONSHIP] = answer_step(rng, 6, 18);
        s[MTL_CRIT_VALUE_PROPOSITION] = answer_step(rng, 6, 18);
        s[MTL_CRIT_SOLUTION_MATURITY] = answer_step(rng, 10, 19);
        s[MTL_CRIT_KEY_TEAM] = answer_step(rng, 8, 20);
        s[MTL_CRIT_COMPETITION] = answer_step(rng, 4, 16);
    }
    last = depth >= 5 ? MTL_CRIT_COUNT : depth >= 3 ? MTL_CRIT_TIMELINE + 1
                                                    : MTL_CRIT_ACCEPTABLE_RISK + 1;
    for (c = 0; c < last; c++) {
        const char *evidence = NULL;
        if (s[c] != s[c])
            continue;
        if (rng_chance(rng, 400))
            evidence = c == MTL_CRIT_BUDGET && budget != 0 ? "budget not approved yet"
                                                           : answer_evidence[c];
        if (mtl_lead_set_answer(lead, c, s[c], evidence) != MTL_OK)
            return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

/* Answers for about two in three of the leads waiting for the review (status
 * new or nurture), consistent with their industry fit and budget. */
static int add_answers(mtl_market *market, const lead_rows *r, uint64_t seed)
{
    demo_rng rng;
    size_t i;

    rng_seed(&rng, seed, 5);
    for (i = 0; i < r->count; i++) {
        mtl_lead *lead;
        char what[64];

        if (r->statuses[i] != MTL_LEAD_STATUS_NEW &&
            r->statuses[i] != MTL_LEAD_STATUS_NURTURE)
            continue;
        if (!rng_chance(&rng, 650))
            continue;
        snprintf(what, sizeof what, "answering for lead %s", r->ids[i]);
        lead = mtl_lead_find(market, r->ids[i]);
        if (lead == NULL || answer_lead(lead, &rng, r->fits[i], r->budgets[i]) !=
                                CLI_EXIT_OK)
            return fail(what);
    }
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
    if (status == CLI_EXIT_OK)
        status = add_segment_inputs(market, segments);
    if (status == CLI_EXIT_OK)
        status = add_customer_inputs(market, customers, options->seed);
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
    if (status == CLI_EXIT_OK)
        status = add_answers(market, &rows, options->seed);
    rows_free(&rows);
    if (status != CLI_EXIT_OK) {
        mtl_market_unref(market);
        return status;
    }
    *out = market;
    return CLI_EXIT_OK;
}
