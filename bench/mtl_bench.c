/*
 * mtl-bench: libmtl's own benchmark, run on demand (never as a unit test).
 *
 *   python3 ../shared/bench/gen_leads.py --rows 10000000 --seed 42 --out leads_1e7.csv
 *   ninja -C build bench/mtl-bench
 *   taskset -c 1 build/bench/mtl-bench load leads_1e7.csv
 *
 * Workloads (figures in docs/performance.md):
 *   import - W1: mtl_csv_import_file of the generator's CSV.
 *   snapshot - mtl_market_save and mtl_market_load of the market that load
 *           builds (2 M customers, 10 M leads with four attributes): the
 *           file's size, then three rounds of save + load (the first one
 *           cold), and the CPU part alone (mtl_market_write to a sink that
 *           keeps nothing, mtl_market_read of the bytes in memory).
 *   funnel - W2: every segment's stage table from the live counters, the
 *           grouped report by a full scan (mtl_funnel_compute by segment
 *           and by region), and 1,000,000 single-lead updates each
 *           followed by reading that lead's segment funnel.
 *   forecast - W4 through the public API: the first 100,000 open rows of
 *           the 1e6 file get an expected close inside Q1 2030, then
 *           mtl_forecast_create on 1,000- and 100-dollar grids and a
 *           10,000-draw Monte Carlo (scan of the market included).
 *   load  - bulk append of the generator's rows (ids, customer, segment,
 *           region, owner, stage, outcome, amount, created, closed and the
 *           four attributes industry, source, size_band, has_budget), memory
 *           per lead, and lookup by id.
 *
 * The CSV is parsed into columns before any timing starts: what is timed is
 * the library call, as a host that already holds its data in arrays (a
 * database cursor, numpy, pandas categoricals) would make it.
 *
 * Cold and warm: the first append of a process takes its memory fresh from
 * the kernel, and on some virtual machines a first-touch page fault costs
 * microseconds (6.6 s per GiB on the machine of docs/performance.md).  The
 * bench serves every block below 1 GiB from the heap and keeps freed heap
 * memory in the process (mallopt M_MMAP_THRESHOLD, M_TRIM_THRESHOLD,
 * M_TOP_PAD), then appends a second time into a new market: the warm
 * figure is the library's own cost, as a long-running host that keeps its
 * heap sees it.  Both are printed.
 */
#define _GNU_SOURCE
#include <mtl.h>

#include <malloc.h>
#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "mtl-bench: %s: %s\n", what, mtl_last_error_message());
    exit(1);
}

/* ---- a small dictionary encoder (what pandas' category dtype does) ----- */

typedef struct {
    char **names;
    size_t count, cap;
} dict;

static uint32_t dict_code(dict *d, const char *s)
{
    size_t i;
    for (i = 0; i < d->count; i++)
        if (strcmp(d->names[i], s) == 0)
            return (uint32_t)i;
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->names = realloc(d->names, d->cap * sizeof *d->names);
        if (!d->names)
            exit(1);
    }
    d->names[d->count] = (char *)s;
    return (uint32_t)d->count++;
}

/* ---- the generator's CSV, parsed in place ------------------------------ */

enum { C_ID, C_CUST, C_SEG, C_REG, C_OWN, C_STAGE, C_LOST, C_AMOUNT, C_CREATED,
       C_CLOSED, C_IND, C_SRC, C_SIZE, C_BUDGET, NCOL };

typedef struct {
    size_t n;
    char *buf;
    const char **ids;
    uint32_t *cust, *seg, *reg, *own, *attr[4];
    dict segd, regd, ownd, attrd[4];
    int32_t *stage, *outcome, *created, *closed;
    int64_t *amount;
    size_t ncust;
    size_t id_bytes;
} table;

static int32_t parse_day(const char *s)
{
    int32_t d;
    if (!*s)
        return MTL_DATE_NONE;
    if (mtl_date_parse(&d, s, strlen(s)))
        die("date");
    return d;
}

/* "123.45" -> 12345 minor units, exactly */
static int64_t parse_amount(const char *s)
{
    int64_t v = 0;
    int frac = -1;
    for (; *s; s++) {
        if (*s == '.') {
            frac = 0;
            continue;
        }
        v = v * 10 + (*s - '0');
        if (frac >= 0)
            frac++;
    }
    while (frac < 2) {
        v *= 10;
        frac = frac < 0 ? 1 : frac + 1;
    }
    return v;
}

static void load_csv(table *t, const char *path, size_t max_rows)
{
    FILE *f = fopen(path, "rb");
    long size;
    char *p, *end, *field[NCOL];
    size_t cap, r = 0;
    int k;
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    t->buf = malloc((size_t)size + 1);
    if (!t->buf || fread(t->buf, 1, (size_t)size, f) != (size_t)size)
        exit(1);
    fclose(f);
    t->buf[size] = '\0';
    end = t->buf + size;
    cap = 0;
    for (p = t->buf; p < end; p++)
        cap += *p == '\n';
    if (max_rows && cap > max_rows)
        cap = max_rows;
    t->ids = malloc(cap * sizeof *t->ids);
    t->cust = malloc(cap * 4);
    t->seg = malloc(cap * 4);
    t->reg = malloc(cap * 4);
    t->own = malloc(cap * 4);
    for (k = 0; k < 4; k++)
        t->attr[k] = malloc(cap * 4);
    t->stage = malloc(cap * 4);
    t->outcome = malloc(cap * 4);
    t->created = malloc(cap * 4);
    t->closed = malloc(cap * 4);
    t->amount = malloc(cap * 8);
    p = strchr(t->buf, '\n') + 1; /* skip the header */
    while (p < end && r < cap) {
        for (k = 0; k < NCOL; k++) {
            field[k] = p;
            while (*p != ',' && *p != '\n')
                p++;
            *p++ = '\0';
        }
        t->ids[r] = field[C_ID];
        t->id_bytes += strlen(field[C_ID]) + 1;
        t->cust[r] = (uint32_t)strtoul(field[C_CUST], NULL, 10) - 1;
        if (t->cust[r] + 1 > t->ncust)
            t->ncust = t->cust[r] + 1;
        t->seg[r] = dict_code(&t->segd, field[C_SEG]);
        t->reg[r] = dict_code(&t->regd, field[C_REG]);
        t->own[r] = (uint32_t)strtoul(field[C_OWN] + 1, NULL, 10) - 1;
        t->stage[r] = field[C_STAGE][1] - '0';
        t->outcome[r] = t->stage[r] == 7 ? MTL_OUTCOME_WON
                        : field[C_LOST][0] == '1' ? MTL_OUTCOME_LOST
                                                   : MTL_OUTCOME_OPEN;
        t->amount[r] = parse_amount(field[C_AMOUNT]);
        t->created[r] = parse_day(field[C_CREATED]);
        t->closed[r] = parse_day(field[C_CLOSED]);
        for (k = 0; k < 4; k++)
            t->attr[k][r] = dict_code(&t->attrd[k], field[C_IND + k]);
        r++;
    }
    t->n = r;
}

/* owners U0001..U0500 in code order */
static char **owner_names(size_t n)
{
    char **names = malloc(n * sizeof *names);
    size_t i;
    for (i = 0; i < n; i++) {
        names[i] = malloc(8);
        snprintf(names[i], 8, "U%04zu", i + 1);
    }
    return names;
}

static mtl_market *market_with_customers(const table *t, double *secs)
{
    mtl_market *m;
    char id[32];
    size_t i;
    double t0;
    if (mtl_market_create(&m, NULL))
        die("create");
    t0 = now();
    for (i = 0; i < t->segd.count; i++)
        if (mtl_segment_add(NULL, m, t->segd.names[i]))
            die("segment");
    for (i = 0; i < t->ncust; i++) {
        snprintf(id, sizeof id, "%zu", i + 1);
        if (mtl_customer_add(NULL, m, id, NULL))
            die("customer");
    }
    *secs = now() - t0;
    return m;
}

static const char *attr_keys[4] = {"industry", "source", "size_band", "has_budget"};

static void fill_columns(mtl_lead_columns *c, const table *t, char **owners,
                         const char **cust_ids, mtl_string_column *attrs)
{
    int k;
    mtl_lead_columns_init(c, sizeof *c);
    c->count = t->n;
    c->ids.values = t->ids;
    c->customers.codes = t->cust;
    c->customers.dict = cust_ids;
    c->customers.dict_count = t->ncust;
    c->segments.codes = t->seg;
    c->segments.dict = (const char *const *)t->segd.names;
    c->segments.dict_count = t->segd.count;
    c->regions.codes = t->reg;
    c->regions.dict = (const char *const *)t->regd.names;
    c->regions.dict_count = t->regd.count;
    c->owners.codes = t->own;
    c->owners.dict = (const char *const *)owners;
    c->owners.dict_count = 500;
    c->stages = t->stage;
    c->outcomes = t->outcome;
    c->amounts = t->amount;
    c->created = t->created;
    c->closed = t->closed;
    for (k = 0; k < 4; k++) {
        memset(&attrs[k], 0, sizeof attrs[k]);
        attrs[k].codes = t->attr[k];
        attrs[k].dict = (const char *const *)t->attrd[k].names;
        attrs[k].dict_count = t->attrd[k].count;
    }
    c->attribute_count = 4;
    c->attribute_keys = attr_keys;
    c->attributes = attrs;
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static int bench_load(const char *path, size_t max_rows, size_t lookups)
{
    table t;
    mtl_market *m;
    mtl_lead_columns cols;
    mtl_string_column attrs[4];
    char **owners = owner_names(500), idb[32];
    const char **cust_ids, **probe;
    double t0, t_cust, t_append, t_cold, t_lookup, t_many;
    size_t before, after, i, found = 0;
    uint64_t seed = 42;

    memset(&t, 0, sizeof t);
    t0 = now();
    load_csv(&t, path, max_rows);
    fprintf(stderr, "parsed %zu rows in %.2f s (not timed)\n", t.n, now() - t0);
    cust_ids = malloc(t.ncust * sizeof *cust_ids);
    for (i = 0; i < t.ncust; i++) {
        snprintf(idb, sizeof idb, "%zu", i + 1);
        cust_ids[i] = strdup(idb);
    }

    m = market_with_customers(&t, &t_cust);
    fill_columns(&cols, &t, owners, cust_ids, attrs);
    t0 = now();
    if (mtl_lead_append_columns(m, &cols))
        die("append");
    t_cold = now() - t0;
    mtl_market_unref(m);

    m = market_with_customers(&t, &t_cust);
    before = mtl_market_memory_used(m);
    t0 = now();
    if (mtl_lead_append_columns(m, &cols))
        die("append");
    t_append = now() - t0;
    after = mtl_market_memory_used(m);

    /* random ids, copied in probe order: the key a host looks up is in its
     * cache (it just read it); the lead and the index are not */
    probe = malloc(lookups * sizeof *probe);
    {
        char *keys = malloc(lookups * 16), *kp = keys;
        for (i = 0; i < lookups; i++) {
            const char *id = t.ids[xorshift(&seed) % t.n];
            size_t len = strlen(id) + 1;
            if (len > 16)
                die("id longer than the probe buffer");
            memcpy(kp, id, len);
            probe[i] = kp;
            kp += len;
        }
    }
    t0 = now();
    for (i = 0; i < lookups; i++)
        found += mtl_lead_find(m, probe[i]) != NULL;
    t_lookup = now() - t0;
    if (found != lookups)
        die("lookup missed");
    {
        mtl_lead **hits = malloc(lookups * sizeof *hits);
        t0 = now();
        if (mtl_lead_find_many(hits, m, probe, lookups))
            die("find_many");
        t_many = now() - t0;
        for (i = 0, found = 0; i < lookups; i++)
            found += hits[i] != NULL;
        if (found != lookups)
            die("find_many missed");
        free(hits);
    }

    printf("rows                         %zu\n", t.n);
    printf("segments + customers added   %zu + %zu in %.3f s\n", t.segd.count,
           t.ncust, t_cust);
    printf("bulk append, cold            %.3f s  (first touch of the memory)\n",
           t_cold);
    printf("bulk append (dictionary)     %.3f s  (%.1f M leads/s)\n", t_append,
           (double)t.n / t_append / 1e6);
    printf("memory for leads             %zu bytes = %.1f bytes/lead "
           "(%.1f without the %zu id-string bytes)\n",
           after - before, (double)(after - before) / (double)t.n,
           (double)(after - before - t.id_bytes) / (double)t.n, t.id_bytes);
    printf("lookup by id, one at a time  %zu in %.3f s = %.2f M/s\n", lookups,
           t_lookup, (double)lookups / t_lookup / 1e6);
    printf("lookup by id, find_many      %zu in %.3f s = %.2f M/s\n", lookups,
           t_many, (double)lookups / t_many / 1e6);
    mtl_market_unref(m);

    /* the same rows as plain string columns: one string per row and field */
    {
        const char **segv = malloc(t.n * sizeof *segv), **regv, **ownv,
                   **custv, **av[4];
        mtl_string_column sattrs[4];
        int k;
        regv = malloc(t.n * sizeof *regv);
        ownv = malloc(t.n * sizeof *ownv);
        custv = malloc(t.n * sizeof *custv);
        for (k = 0; k < 4; k++)
            av[k] = malloc(t.n * sizeof *av[k]);
        for (i = 0; i < t.n; i++) {
            segv[i] = t.segd.names[t.seg[i]];
            regv[i] = t.regd.names[t.reg[i]];
            ownv[i] = owners[t.own[i]];
            custv[i] = cust_ids[t.cust[i]];
            for (k = 0; k < 4; k++)
                av[k][i] = t.attrd[k].names[t.attr[k][i]];
        }
        m = market_with_customers(&t, &t_cust);
        fill_columns(&cols, &t, owners, cust_ids, attrs);
        memset(&cols.customers, 0, sizeof cols.customers);
        memset(&cols.segments, 0, sizeof cols.segments);
        memset(&cols.regions, 0, sizeof cols.regions);
        memset(&cols.owners, 0, sizeof cols.owners);
        cols.customers.values = custv;
        cols.segments.values = segv;
        cols.regions.values = regv;
        cols.owners.values = ownv;
        for (k = 0; k < 4; k++) {
            memset(&sattrs[k], 0, sizeof sattrs[k]);
            sattrs[k].values = av[k];
        }
        cols.attributes = sattrs;
        t0 = now();
        if (mtl_lead_append_columns(m, &cols))
            die("append (values)");
        printf("bulk append (string values)  %.3f s\n", now() - t0);
        mtl_market_unref(m);
    }
    return 0;
}

/* W1: the generator's CSV imported straight from the file (read, parse,
 * dictionary-encode, create the 2,000,000 customers the rows name, bulk
 * append).  Twice: the first run is cold (fresh pages), the second warm. */
/* CPU seconds of this process (user + system): unlike the wall clock, not
 * inflated when other work shares the machine; the wall clock also counts
 * waiting for the disk (fsync). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The first import of the process (cold) and then `warm` more, each into
 * a new market; with several warm runs, their least and median time (the
 * machine of docs/performance.md is shared: its neighbours add noise, never
 * take it away, so the least is the library's figure). */
static int bench_import(const char *path, int warm)
{
    double times[64];
    int run;
    if (warm < 1)
        warm = 1;
    if (warm > 63)
        warm = 63;
    for (run = 0; run <= warm; run++) {
        mtl_market *m;
        mtl_csv_result res;
        double t0, c0, t;
        if (mtl_market_create(&m, NULL))
            die("create");
        mtl_csv_result_init(&res, sizeof res);
        t0 = now();
        c0 = cpu_now();
        if (mtl_csv_import_file(m, path, NULL, &res))
            die("import");
        t = now() - t0;
        printf("csv import %s            %.3f s (cpu %.3f)  (%llu rows, %llu customers "
               "created, %zu leads)\n",
               run ? "warm" : "cold", t, cpu_now() - c0, (unsigned long long)res.rows,
               (unsigned long long)res.customers_created, mtl_market_lead_count(m));
        fflush(stdout);
        if (run)
            times[run - 1] = t;
        mtl_market_unref(m);
    }
    if (warm > 1) {
        qsort(times, (size_t)warm, sizeof *times, cmp_double);
        printf("csv import warm, %d runs: least %.3f s, median %.3f s\n", warm, times[0],
               times[warm / 2]);
    }
    return 0;
}

static int32_t sink_count(const void *data, size_t len, void *user_data)
{
    (void)data;
    *(size_t *)user_data += len;
    return 0;
}

typedef struct {
    unsigned char *p;
    size_t len, cap;
} membuf;

static int32_t sink_memory(const void *data, size_t len, void *user_data)
{
    membuf *b = user_data;
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            return 1;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    return 0;
}

static int bench_snapshot(const char *path, size_t max_rows, const char *out)
{
    table t;
    mtl_market *m, *r;
    mtl_lead_columns cols;
    mtl_string_column attrs[4];
    char **owners = owner_names(500), idb[32];
    const char **cust_ids;
    double t0, c0, t_cust, t_save, t_load, c_save, c_load;
    size_t i, bytes = 0;
    membuf mem = {0};
    int round;

    /* A load allocates the file's bytes, the id index and a partition
     * buffer, all above glibc's mmap threshold: without this they would
     * come fresh from the kernel on every round (3.7 s per GiB of first
     * touches on the machine of docs/performance.md), and the warm rounds
     * would measure the hypervisor.  A long-running host keeps its heap. */
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    memset(&t, 0, sizeof t);
    t0 = now();
    load_csv(&t, path, max_rows);
    fprintf(stderr, "parsed %zu rows in %.2f s (not timed)\n", t.n, now() - t0);
    cust_ids = malloc(t.ncust * sizeof *cust_ids);
    for (i = 0; i < t.ncust; i++) {
        snprintf(idb, sizeof idb, "%zu", i + 1);
        cust_ids[i] = strdup(idb);
    }
    m = market_with_customers(&t, &t_cust);
    fill_columns(&cols, &t, owners, cust_ids, attrs);
    if (mtl_lead_append_columns(m, &cols))
        die("append");
    printf("market                       %zu segments, %zu customers, %zu leads\n",
           mtl_market_segment_count(m), mtl_market_customer_count(m),
           mtl_market_lead_count(m));
    for (round = 0; round < 3; round++) {
        FILE *f;
        long size;
        t0 = now();
        c0 = cpu_now();
        if (mtl_market_save(m, out))
            die("save");
        t_save = now() - t0;
        c_save = cpu_now() - c0;
        t0 = now();
        c0 = cpu_now();
        if (mtl_market_load(&r, out, NULL))
            die("load");
        t_load = now() - t0;
        c_load = cpu_now() - c0;
        if (mtl_market_lead_count(r) != mtl_market_lead_count(m) ||
            mtl_market_customer_count(r) != mtl_market_customer_count(m) ||
            mtl_lead_amount(mtl_lead_find(r, t.ids[t.n / 2])) != t.amount[t.n / 2])
            die("the loaded market differs");
        mtl_market_unref(r);
        f = fopen(out, "rb");
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fclose(f);
        printf("round %d%s  save %.3f s (cpu %.3f), load %.3f s (cpu %.3f)  "
               "%ld bytes, %.1f per lead\n",
               round + 1, round ? "       " : " (cold)", t_save, c_save, t_load,
               c_load, size, (double)size / (double)t.n);
    }
    for (round = 0; round < 2; round++) {
        t0 = now();
        c0 = cpu_now();
        if (mtl_market_write(m, sink_count, &bytes))
            die("write");
        printf("mtl_market_write, no file    %.3f s (cpu %.3f)\n", now() - t0,
               cpu_now() - c0);
        if (!mem.p && mtl_market_write(m, sink_memory, &mem))
            die("write");
        t0 = now();
        c0 = cpu_now();
        if (mtl_market_read(&r, mem.p, mem.len, NULL))
            die("read");
        printf("mtl_market_read, in memory   %.3f s (cpu %.3f)\n", now() - t0,
               cpu_now() - c0);
        mtl_market_unref(r);
    }
    mtl_market_unref(m);
    free(mem.p);
    remove(out);
    return 0;
}

/* ---- W2: the funnel by segment × stage; live counters under updates ---- */

static mtl_market *loaded_market(table *t, const char *path, size_t max_rows)
{
    mtl_market *m;
    mtl_lead_columns cols;
    mtl_string_column attrs[4];
    char **owners = owner_names(500), idb[32];
    const char **cust_ids;
    double t0, t_cust;
    size_t i;
    memset(t, 0, sizeof *t);
    t0 = now();
    load_csv(t, path, max_rows);
    fprintf(stderr, "parsed %zu rows in %.2f s (not timed)\n", t->n, now() - t0);
    cust_ids = malloc(t->ncust * sizeof *cust_ids);
    for (i = 0; i < t->ncust; i++) {
        snprintf(idb, sizeof idb, "%zu", i + 1);
        cust_ids[i] = strdup(idb);
    }
    m = market_with_customers(t, &t_cust);
    fill_columns(&cols, t, owners, cust_ids, attrs);
    t0 = now();
    if (mtl_lead_append_columns(m, &cols))
        die("append");
    fprintf(stderr, "appended %zu leads in %.2f s\n", t->n, now() - t0);
    return m;
}

static int bench_funnel(const char *path, size_t max_rows, size_t updates)
{
    table t;
    mtl_market *m = loaded_market(&t, path, max_rows);
    size_t nseg = t.segd.count, g, k, nleads = mtl_market_lead_count(m);
    mtl_segment **segs = malloc(nseg * sizeof *segs);
    mtl_lead **leads = malloc(nleads * sizeof *leads);
    const mtl_lead *l = NULL;
    mtl_funnel_stage rows[MTL_STAGE_MAX];
    mtl_funnel_options o;
    mtl_funnel *f;
    double t0, best = 1e9, dt, check = 0;
    int32_t s, ns = mtl_market_stage_count(m);
    int rep;
    uint64_t seed = 7;

    for (g = 0; g < nseg; g++)
        segs[g] = mtl_segment_find(m, t.segd.names[g]);
    for (k = 0; (l = mtl_lead_next(m, l)) != NULL; k++)
        leads[k] = (mtl_lead *)l;
    for (s = 0; s < MTL_STAGE_MAX; s++)
        rows[s].struct_size = sizeof rows[s];

    /* W2 from the live counters: every segment's stage table */
    for (rep = 0; rep < 5; rep++) {
        t0 = now();
        for (g = 0; g < nseg; g++) {
            if (mtl_funnel_stages(m, segs[g], rows, ns))
                die("funnel_stages");
            check += rows[1].weighted_amount + (double)rows[2].reached;
        }
        dt = now() - t0;
        best = dt < best ? dt : best;
    }
    printf("W2 counters: %zu segments x %d stages in %.6f s (best of 5)\n", nseg, (int)ns,
           best);
    {
        /* the cross-check with the peers: Σ weighted open amount, major units */
        double weighted = 0;
        for (g = 0; g < nseg; g++) {
            mtl_funnel_stages(m, segs[g], rows, ns);
            for (s = 0; s < ns; s++)
                weighted += rows[s].weighted_amount;
        }
        printf("W2 check: weighted open pipeline %.2f\n", weighted / 100.0);
    }

    /* W2 by a full scan: the grouped report */
    mtl_funnel_options_init(&o, sizeof o);
    o.group_by = MTL_GROUP_SEGMENT;
    for (best = 1e9, rep = 0; rep < 3; rep++) {
        t0 = now();
        if (mtl_funnel_compute(&f, m, &o))
            die("funnel_compute");
        dt = now() - t0;
        best = dt < best ? dt : best;
        check += (double)mtl_funnel_group_count(f);
        mtl_funnel_destroy(f);
    }
    printf("W2 scan (mtl_funnel_compute by segment): %.4f s (best of 3)\n", best);
    o.group_by = MTL_GROUP_REGION;
    t0 = now();
    if (mtl_funnel_compute(&f, m, &o))
        die("funnel_compute");
    printf("funnel by region (scan): %.4f s\n", now() - t0);
    mtl_funnel_destroy(f);

    /* a single lead update, then that segment's funnel: updates times.
     * The updates are what a host syncing from its database sends (it
     * knows the new values; it does not read the lead first): in turn a
     * new amount, a probability override set or cleared, a new open
     * stage (which reopens a closed lead). */
    t0 = now();
    for (k = 0; k < updates; k++) {
        mtl_lead *x = leads[xorshift(&seed) % nleads];
        uint64_t r = xorshift(&seed);
        mtl_status st;
        switch (k % 3) {
        case 0: st = mtl_lead_set_amount(x, (int64_t)(r % 10000000)); break;
        case 1:
            st = mtl_lead_set_probability(x, r % 3 ? (double)(r % 1000) / 1000.0
                                                   : MTL_PROBABILITY_NONE);
            break;
        default:
            st = mtl_lead_set_stage_outcome(x, (int32_t)(r % 7), MTL_OUTCOME_OPEN);
            break;
        }
        if (st)
            die("update");
        if (mtl_funnel_stages(m, mtl_lead_segment(x), rows, ns))
            die("funnel_stages");
        check += (double)rows[0].open_count;
    }
    printf("%zu updates, each followed by its segment's funnel: %.3f s\n", updates,
           now() - t0);
    /* the two halves apart: reads of random segments, updates alone */
    t0 = now();
    for (k = 0; k < updates; k++) {
        if (mtl_funnel_stages(m, segs[xorshift(&seed) % nseg], rows, ns))
            die("funnel_stages");
        check += (double)rows[0].open_count;
    }
    printf("  of which %zu reads alone: %.3f s\n", updates, now() - t0);
    t0 = now();
    for (k = 0; k < updates; k++) {
        mtl_lead *x = leads[xorshift(&seed) % nleads];
        if (mtl_lead_set_amount(x, mtl_lead_amount(x) + 1))
            die("set_amount");
    }
    printf("  and %zu amount updates alone (reading the amount first): %.3f s\n",
           updates, now() - t0);
    fprintf(stderr, "(checksum %g)\n", check);
    mtl_market_unref(m);
    free(segs);
    free(leads);
    return 0;
}

/* ---- W4 through the public API: forecast of the first 100,000 open deals */

static int bench_forecast(const char *path, size_t max_rows, size_t deals)
{
    table t;
    mtl_market *m = loaded_market(&t, path, max_rows);
    const mtl_lead *l = NULL;
    mtl_forecast_options o;
    mtl_forecast *f;
    mtl_forecast_summary s;
    int32_t day0, day1;
    size_t n = 0;
    int64_t grids[2] = { 100000, 10000 }; /* 1,000 and 100 dollars */
    int gi, rep;
    /* a quarter after every close date of the data: R is the open deals' */
    mtl_date_from_ymd(&day0, 2030, 1, 1);
    mtl_date_from_ymd(&day1, 2030, 4, 1);
    /* the first `deals` open rows close in the period, the rest do not */
    while ((l = mtl_lead_next(m, l)) != NULL && n < deals)
        if (mtl_lead_outcome(l) == MTL_OUTCOME_OPEN && mtl_lead_stage(l) < 7) {
            if (mtl_lead_set_expected_close((mtl_lead *)l, day0 + 40))
                die("expected_close");
            n++;
        }
    mtl_forecast_options_init(&o, sizeof o);
    o.period_start = day0;
    o.period_end = day1;
    for (gi = 0; gi < 2; gi++) {
        double best = 1e9, t0, dt;
        o.grid = grids[gi];
        for (rep = 0; rep < 3; rep++) {
            t0 = now();
            if (mtl_forecast_create(&f, m, &o))
                die("forecast");
            dt = now() - t0;
            best = dt < best ? dt : best;
            s.struct_size = sizeof s;
            mtl_forecast_summary_get(f, &s);
            mtl_forecast_unref(f);
        }
        printf("W4 %zu deals, grid %lld: %.4f s (best of 3, scan included)  "
               "P10 %.2f P50 %.2f P90 %.2f mean %.2f sd %.2f error %.2g\n",
               n, (long long)(grids[gi] / 100), best, s.p10 / 100.0, s.p50 / 100.0,
               s.p90 / 100.0, s.expected / 100.0, sqrt(s.variance) / 100.0, s.error_bound);
    }
    {
        double t0 = now();
        o.grid = 0;
        o.method = MTL_FORECAST_MONTE_CARLO;
        o.draws = 10000;
        o.seed = 12345;
        if (mtl_forecast_create(&f, m, &o))
            die("forecast");
        s.struct_size = sizeof s;
        mtl_forecast_summary_get(f, &s);
        printf("W4 Monte Carlo 10,000 draws: %.3f s  P10 %.2f P50 %.2f P90 %.2f\n",
               now() - t0, s.p10 / 100.0, s.p50 / 100.0, s.p90 / 100.0);
        mtl_forecast_unref(f);
    }
    mtl_market_unref(m);
    return 0;
}

/* ---- strategy and qualification over a loaded market ------------------ */

/* Inputs on every segment and customer and answers on every tenth lead,
 * then the four reports timed (best of 3). */
static int bench_strategy(const char *path, size_t max_rows)
{
    table t;
    mtl_market *m = loaded_market(&t, path, max_rows);
    mtl_segment *sg = NULL;
    mtl_customer *cu = NULL;
    const mtl_lead *l = NULL;
    uint64_t seed = 42;
    size_t k = 0, answered = 0;
    double t0 = now(), best[4] = {1e9, 1e9, 1e9, 1e9};
    int rep;
    while ((sg = mtl_segment_next(m, sg)) != NULL) {
        mtl_segment_factors f;
        mtl_look_item item;
        mtl_appeals_rating r;
        mtl_pain p;
        int j, c;
        mtl_segment_factors_init(&f, sizeof f);
        f.market_size = (int64_t)(xorshift(&seed) % 1000000000) * 100;
        f.growth = (double)(xorshift(&seed) % 300) / 1000.0;
        f.profit_potential = 1 + (double)(xorshift(&seed) % 9);
        f.strategic_value = 1 + (double)(xorshift(&seed) % 9);
        if (mtl_segment_set_factors(sg, &f))
            die("factors");
        mtl_look_item_init(&item, sizeof item);
        mtl_pain_init(&p, sizeof p);
        for (j = 0; j < 8; j++) {
            item.look = j % MTL_LOOK_COUNT;
            item.impact = (double)(xorshift(&seed) % 11) - 5;
            item.text = "look item";
            p.layer = j % 3 == 0 ? "B" : j % 3 == 1 ? "O" : "N";
            p.text = "pain";
            p.severity = 1 + (double)(xorshift(&seed) % 5);
            if (mtl_segment_add_look(sg, &item) || mtl_segment_add_pain(sg, &p))
                die("look/pain");
        }
        for (c = 0; c < 3; c++) {
            mtl_appeals_rating_init(&r, sizeof r);
            r.competitor = c == 0 ? NULL : c == 1 ? "Rival A" : "Rival B";
            for (j = 0; j < MTL_APPEALS_COUNT; j++)
                r.ratings[j] = 1 + (double)(xorshift(&seed) % 10);
            if (mtl_segment_add_appeals(sg, &r))
                die("appeals");
        }
    }
    while ((cu = mtl_customer_next(m, cu)) != NULL) {
        double rel[MTL_REL_COUNT];
        mtl_contact ct;
        int j;
        for (j = 0; j < MTL_REL_COUNT; j++)
            rel[j] = 1 + (double)(xorshift(&seed) % 5);
        mtl_contact_init(&ct, sizeof ct);
        ct.name = "contact";
        if (mtl_customer_set_relationship(cu, rel))
            die("relationship");
        for (j = 0; j < 3; j++) {
            ct.role = 1 + (int32_t)(xorshift(&seed) % 7);
            ct.attitude = (int32_t)(xorshift(&seed) % 3);
            if (mtl_customer_add_contact(cu, &ct))
                die("contact");
        }
    }
    while ((l = mtl_lead_next(m, l)) != NULL)
        if (k++ % 10 == 0) {
            int c;
            for (c = 0; c < MTL_CRIT_COUNT; c++)
                if (c != MTL_CRIT_URGENT_NEED && c != MTL_CRIT_RELATIONSHIP &&
                    mtl_lead_set_answer((mtl_lead *)l, c,
                                        (double)(xorshift(&seed) % 101) / 100, NULL))
                    die("answer");
            answered++;
        }
    printf("inputs: %zu segments, %zu customers, %zu of %zu leads answered: %.2f s\n",
           mtl_market_segment_count(m), mtl_market_customer_count(m), answered,
           mtl_market_lead_count(m), now() - t0);
    for (rep = 0; rep < 3; rep++) {
        mtl_strategy *st;
        mtl_bon *bon;
        mtl_grading *gr;
        mtl_verification *vr;
        double t1;
        t0 = now();
        if (mtl_strategy_compute(&st, m, NULL))
            die("strategy");
        t1 = now();
        best[0] = t1 - t0 < best[0] ? t1 - t0 : best[0];
        if (mtl_bon_compute(&bon, m, NULL))
            die("bon");
        t0 = now();
        best[1] = t0 - t1 < best[1] ? t0 - t1 : best[1];
        if (mtl_grading_compute(&gr, m, NULL))
            die("grading");
        t1 = now();
        best[2] = t1 - t0 < best[2] ? t1 - t0 : best[2];
        if (mtl_verification_compute(&vr, m, NULL))
            die("verification");
        t0 = now();
        best[3] = t0 - t1 < best[3] ? t0 - t1 : best[3];
        if (rep == 2)
            printf("reviewed %zu leads, graded %zu customers\n",
                   mtl_verification_count(vr), mtl_grading_count(gr));
        mtl_strategy_destroy(st);
        mtl_bon_destroy(bon);
        mtl_grading_destroy(gr);
        mtl_verification_destroy(vr);
    }
    printf("strategy %.4f s, bon %.4f s, grading %.4f s, verification %.4f s "
           "(best of 3)\n", best[0], best[1], best[2], best[3]);
    mtl_market_unref(m);
    return 0;
}

int main(int argc, char **argv)
{
    size_t rows = 0, lookups = 10000000;
    if (argc < 3 || (strcmp(argv[1], "load") != 0 && strcmp(argv[1], "import") != 0 &&
                     strcmp(argv[1], "snapshot") != 0 && strcmp(argv[1], "funnel") != 0 &&
                     strcmp(argv[1], "forecast") != 0 && strcmp(argv[1], "strategy") != 0)) {
        fprintf(stderr, "usage: mtl-bench load FILE.csv [ROWS [LOOKUPS]]\n"
                        "       mtl-bench funnel FILE.csv [ROWS [UPDATES]]\n"
                        "       mtl-bench forecast FILE.csv [ROWS [DEALS]] (W4: the 1e6 file)\n"
                        "       mtl-bench strategy FILE.csv [ROWS] (the four strategy reports)\n"
                        "       mtl-bench import FILE.csv [WARM_RUNS]\n"
                        "       mtl-bench snapshot FILE.csv [ROWS [OUT]] (OUT: FILE.csv.snapshot)\n");
        return 2;
    }
    if (argc > 3)
        rows = strtoul(argv[3], NULL, 10);
    if (argc > 4)
        lookups = strtoul(argv[4], NULL, 10);
    /* keep freed memory in the process: see "Cold and warm" above */
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, -1);
    mallopt(M_TOP_PAD, 64 << 20);
    if (strcmp(argv[1], "import") == 0)
        return bench_import(argv[2], argc > 3 ? atoi(argv[3]) : 1);
    if (strcmp(argv[1], "funnel") == 0)
        return bench_funnel(argv[2], rows, argc > 4 ? lookups : 1000000);
    if (strcmp(argv[1], "forecast") == 0)
        return bench_forecast(argv[2], rows, argc > 4 ? lookups : 100000);
    if (strcmp(argv[1], "strategy") == 0)
        return bench_strategy(argv[2], rows);
    if (strcmp(argv[1], "snapshot") == 0) {
        /* the snapshot goes next to the data unless told otherwise */
        static char out[4096];
        snprintf(out, sizeof out, "%s.snapshot", argv[2]);
        return bench_snapshot(argv[2], rows, argc > 4 ? argv[4] : out);
    }
    return bench_load(argv[2], rows, lookups);
}
