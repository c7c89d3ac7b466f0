/* CSV export of leads, customers and segments: canonical headers, LF line
 * ends, RFC 4180 quoting where a field needs it (the strategy inputs: in
 * csv_inputs.c, through the same writer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/number.h"
#include "io/csv.h"

typedef mtl__csv_out out;

static void flush(out *o)
{
    if (o->len && !o->failed && o->write(o->buf, o->len, o->user_data) != 0)
        o->failed = 1;
    o->len = 0;
}

static void put(out *o, const char *s, size_t n)
{
    while (n) {
        size_t room = sizeof o->buf - o->len, k = n < room ? n : room;
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
        if (o->len == sizeof o->buf)
            flush(o);
    }
}

/* One field, quoted when it holds the separator, a quote, CR, LF or
 * leading/trailing spaces (which the importer would trim). */
void mtl__csv_put(out *o, const char *s, int first)
{
    size_t n = strlen(s), i;
    int quote = n && (s[0] == ' ' || s[n - 1] == ' ' || s[0] == '\t' ||
                      s[n - 1] == '\t');
    if (!first)
        put(o, &o->sep, 1);
    for (i = 0; i < n && !quote; i++)
        quote = s[i] == o->sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        put(o, s, n);
        return;
    }
    put(o, "\"", 1);
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            put(o, "\"", 1);
        put(o, &s[i], 1);
    }
    put(o, "\"", 1);
}

void mtl__csv_end_line(out *o) { put(o, "\n", 1); }

void mtl__csv_amount_text(char *buf, size_t cap, int64_t v, const mtl_market *m)
{
    int digits = mtl__minor_digits(m);
    int64_t per_major = m->minor_per_major;
    if (digits == 0)
        snprintf(buf, cap, "%lld", (long long)v);
    else
        snprintf(buf, cap, "%lld.%0*lld", (long long)(v / per_major), digits & 7,
                 (long long)(v % per_major));
}

static void date_text(char *buf, int32_t day)
{
    if (day == MTL_DATE_NONE || mtl_date_format(buf, 11, day) != MTL_OK)
        buf[0] = '\0';
}

static const char *const outcome_text[] = {"open", "won", "lost"};
static const char *const category_text[] = {"pipeline", "best_case", "commit",
                                            "closed", "omitted"};
static const char *const status_text[] = {"new", "nurture", "converted", "closed"};
static const char *const grade_text[] = {"", "strategic", "partner", "commercial",
                                         "general"};

/* Lead attribute keys that read back as canonical fields get an "attr:"
 * prefix?  No: the importer maps headers by name, so such keys cannot be
 * told apart; they are written as they are and documented. */
static void export_leads(const mtl_market *m, out *o)
{
    static const char *const head[] = {
        "id", "customer", "segment", "owner", "region", "source", "stage",
        "outcome", "amount", "probability", "category", "created",
        "expected_close", "closed", "status", "decision_step"};
    const mtl_lead *l;
    size_t k;
    char num[64], d1[11];
    for (k = 0; k < sizeof head / sizeof head[0]; k++)
        mtl__csv_put(o, head[k], k == 0);
    for (k = 0; k < m->nattrs; k++)
        mtl__csv_put(o, mtl__strpool_get(&m->strings, m->attrs[k].key), 0);
    mtl__csv_end_line(o);
    for (l = mtl_lead_next(m, NULL); l && !o->failed; l = mtl_lead_next(m, l)) {
        const mtl_customer *cu = mtl_lead_customer(l);
        const mtl_segment *sg = mtl_lead_segment(l);
        double p = mtl_lead_probability(l);
        int32_t cat = mtl_lead_category(l);
        mtl__csv_put(o, mtl_lead_id(l), 1);
        mtl__csv_put(o, cu ? mtl_customer_id(cu) : "", 0);
        mtl__csv_put(o, sg ? mtl_segment_id(sg) : "", 0);
        mtl__csv_put(o, mtl_lead_owner(l), 0);
        mtl__csv_put(o, mtl_lead_region(l), 0);
        mtl__csv_put(o, mtl_lead_source(l), 0);
        mtl__csv_put(o, m->stages[mtl_lead_stage(l)].name, 0);
        mtl__csv_put(o, outcome_text[mtl_lead_outcome(l)], 0);
        mtl__csv_amount_text(num, sizeof num, mtl_lead_amount(l), m);
        mtl__csv_put(o, num, 0);
        if (p == MTL_PROBABILITY_NONE)
            num[0] = '\0';
        else
            mtl__format_double(num, sizeof num, p);
        mtl__csv_put(o, num, 0);
        mtl__csv_put(o, cat == MTL_CATEGORY_NONE ? "" : category_text[cat], 0);
        date_text(d1, mtl_lead_created(l));
        mtl__csv_put(o, d1, 0);
        date_text(d1, mtl_lead_expected_close(l));
        mtl__csv_put(o, d1, 0);
        date_text(d1, mtl_lead_closed(l));
        mtl__csv_put(o, d1, 0);
        mtl__csv_put(o, status_text[mtl_lead_status(l)], 0);
        snprintf(num, sizeof num, "%d", (int)mtl_lead_decision_step(l));
        mtl__csv_put(o, num, 0);
        /* read the attribute columns directly: no key lookup per lead */
        {
            uint32_t i;
            const mtl__lead_chunk *ch = mtl__lead_chunk_of(l, &i);
            for (k = 0; k < m->nattrs; k++) {
                uint32_t v = mtl__attr_get(m, (uint32_t)k, ch->index, i);
                mtl__csv_put(o, v ? mtl__strpool_get(&m->strings, v) : "", 0);
            }
        }
        mtl__csv_end_line(o);
    }
}

static void export_customers(const mtl_market *m, out *o)
{
    static const char *const head[] = {"id", "name", "segment", "region", "owner",
                                       "revenue", "investment", "participation",
                                       "grade"};
    const mtl_customer *c;
    size_t k;
    char num[64];
    for (k = 0; k < sizeof head / sizeof head[0]; k++)
        mtl__csv_put(o, head[k], k == 0);
    mtl__csv_end_line(o);
    for (c = mtl_customer_next(m, NULL); c && !o->failed; c = mtl_customer_next(m, c)) {
        const mtl_segment *s = mtl_customer_segment(c);
        mtl__csv_put(o, mtl_customer_id(c), 1);
        mtl__csv_put(o, mtl_customer_name(c), 0);
        mtl__csv_put(o, s ? mtl_segment_id(s) : "", 0);
        mtl__csv_put(o, mtl_customer_region(c), 0);
        mtl__csv_put(o, mtl_customer_owner(c), 0);
        mtl__csv_amount_text(num, sizeof num, mtl_customer_revenue(c), m);
        mtl__csv_put(o, num, 0);
        mtl__csv_amount_text(num, sizeof num, mtl_customer_investment(c), m);
        mtl__csv_put(o, num, 0);
        mtl__format_double(num, sizeof num, mtl_customer_participation(c));
        mtl__csv_put(o, num, 0);
        mtl__csv_put(o, grade_text[mtl_customer_grade(c)], 0);
        mtl__csv_end_line(o);
    }
}

static void export_segments(const mtl_market *m, out *o)
{
    const mtl_segment *s;
    mtl__csv_put(o, "id", 1);
    mtl__csv_put(o, "name", 0);
    mtl__csv_put(o, "parent", 0);
    mtl__csv_end_line(o);
    for (s = mtl_segment_next(m, NULL); s && !o->failed; s = mtl_segment_next(m, s)) {
        const mtl_segment *p = mtl_segment_parent(s);
        mtl__csv_put(o, mtl_segment_id(s), 1);
        mtl__csv_put(o, mtl_segment_name(s), 0);
        mtl__csv_put(o, p ? mtl_segment_id(p) : "", 0);
        mtl__csv_end_line(o);
    }
}

MTL_API mtl_status mtl_csv_export(const mtl_market *market, int32_t kind,
                                  int32_t separator, mtl_write_fn write,
                                  void *user_data)
{
    out o;
    if (!market)
        return mtl__error_null("market");
    if (!write)
        return mtl__error_null("write");
    if (kind < MTL_KIND_LEADS || kind > MTL_KIND_ANSWERS)
        return mtl__error(MTL_E_RANGE, "kind %d: 0 leads, 1 customers, 2 segments, "
                                       "3 ... 10 strategy inputs (io.h)",
                          (int)kind);
    if (separator && separator != ',' && separator != ';' && separator != '\t')
        return mtl__error(MTL_E_RANGE, "separator must be ',', ';' or tab");
    o.write = write;
    o.user_data = user_data;
    o.sep = separator ? (char)separator : ',';
    o.len = 0;
    o.failed = 0;
    if (kind == MTL_KIND_LEADS)
        export_leads(market, &o);
    else if (kind == MTL_KIND_CUSTOMERS)
        export_customers(market, &o);
    else if (kind == MTL_KIND_SEGMENTS)
        export_segments(market, &o);
    else
        mtl__csv_export_inputs(market, kind, &o);
    flush(&o);
    if (o.failed)
        return mtl__error(MTL_E_IO, "the output refused the data");
    return MTL_OK;
}

static int32_t file_write(const void *data, size_t len, void *user_data)
{
    return fwrite(data, 1, len, (FILE *)user_data) == len ? 0 : 1;
}

MTL_API mtl_status mtl_csv_export_file(const mtl_market *market, int32_t kind,
                                       int32_t separator, const char *path)
{
    char tmp[4096];
    FILE *f;
    mtl_status st;
    if (!market)
        return mtl__error_null("market");
    if (!path)
        return mtl__error_null("path");
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return mtl__error(MTL_E_LIMIT, "path too long");
    f = fopen(tmp, "wb");
    if (!f)
        return mtl__error(MTL_E_IO, "cannot write '%.200s'", tmp);
    st = mtl_csv_export(market, kind, separator, file_write, f);
    if (fflush(f) != 0 && st == MTL_OK)
        st = mtl__error(MTL_E_IO, "cannot write '%.200s'", tmp);
    if (fclose(f) != 0 && st == MTL_OK)
        st = mtl__error(MTL_E_IO, "cannot write '%.200s'", tmp);
    if (st == MTL_OK && rename(tmp, path) != 0)
        st = mtl__error(MTL_E_IO, "cannot rename '%.200s'", tmp);
    if (st != MTL_OK)
        remove(tmp);
    return st;
}
