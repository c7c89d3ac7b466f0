/*
 * test_report.c: see test_report.h.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_report.h"

/* ---- status checks ---------------------------------------------------- */

void test_check_ok(mtl_status got, const char *expr, const char *file, int line)
{
    if (got != MTL_OK) {
        print_error("ERROR: %s: %s: %s\n", expr, mtl_status_string(got),
                    mtl_last_error_message());
        _fail(file, line);
    }
}

void test_check_fails(mtl_status got, mtl_status want, const char *field,
                      const char *expr, const char *file, int line)
{
    if (got != want) {
        print_error("ERROR: %s: %s, expected %s (%s)\n", expr, mtl_status_string(got),
                    mtl_status_string(want), mtl_last_error_message());
        _fail(file, line);
    }
    if (field != NULL && strstr(mtl_last_error_message(), field) == NULL) {
        print_error("ERROR: %s: message '%s' does not name '%s'\n", expr,
                    mtl_last_error_message(), field);
        _fail(file, line);
    }
}

void test_check_near(double got, double want, const char *expr, const char *file,
                     int line)
{
    if (!(fabs(got - want) <= 1e-12 * (1.0 + fabs(want)))) {
        print_error("ERROR: %s = %.17g, expected %.17g\n", expr, got, want);
        _fail(file, line);
    }
}

/* ---- scores ----------------------------------------------------------- */

void test_check_score_or(const mtl_score *s, double empty, const char *what)
{
    double v = 0.0;
    size_t i;
    if (s->term_count == 0) {
        int value_ok = isnan(empty) ? isnan(s->value) : s->value == empty;
        if (!value_ok || s->terms != NULL)
            fail_msg("%s: no terms but value %g", what, s->value);
        return;
    }
    assert_non_null(s->terms);
    for (i = 0; i < s->term_count; i++) {
        const mtl_term *t = &s->terms[i];
        double c = t->weight * t->value;
        if (t->factor == NULL)
            fail_msg("%s: term %zu names no factor", what, i);
        if (memcmp(&c, &t->contribution, sizeof c) != 0)
            fail_msg("%s: term %zu contribution %.17g != %.17g x %.17g", what, i,
                     t->contribution, t->weight, t->value);
        v += t->contribution;
    }
    if (memcmp(&v, &s->value, sizeof v) != 0)
        fail_msg("%s: terms sum to %.17g, value %.17g", what, v, s->value);
}

void test_check_score(const mtl_score *s, const char *what)
{
    test_check_score_or(s, NAN, what);
}

/* ---- allocation-failure sweep ----------------------------------------- */

void test_sweep_allocations(test_alloc *ta, uint64_t min_failures,
                            test_sweep_call call, test_sweep_done done, void *ctx)
{
    int sticky;
    for (sticky = 0; sticky < 2; sticky++) {
        uint64_t n;
        for (n = 1;; n++) {
            void *made = &n; /* not NULL: a failing call must clear it */
            size_t live = ta->live_bytes, blocks = ta->live_blocks;
            mtl_status st;
            test_alloc_fail_nth(ta, n, sticky);
            st = call(ctx, &made);
            test_alloc_disarm(ta);
            if (st == MTL_OK) {
                done(ctx, made);
                if (ta->live_bytes != live || ta->live_blocks != blocks)
                    fail_msg("released after success at request %llu%s: %zu bytes in "
                             "%zu blocks live, %zu in %zu before",
                             (unsigned long long)n, sticky ? " (sticky)" : "",
                             ta->live_bytes, ta->live_blocks, live, blocks);
                if (n <= min_failures)
                    fail_msg("succeeded with request %llu failing%s: expected at "
                             "least %llu failed attempts",
                             (unsigned long long)n, sticky ? " (sticky)" : "",
                             (unsigned long long)min_failures);
                break;
            }
            if (st != MTL_E_NO_MEMORY)
                fail_msg("failing request %llu%s: %s", (unsigned long long)n,
                         sticky ? " (sticky)" : "", mtl_status_string(st));
            if (mtl_last_error_status() != MTL_E_NO_MEMORY)
                fail_msg("failing request %llu%s: last error %s", (unsigned long long)n,
                         sticky ? " (sticky)" : "",
                         mtl_status_string(mtl_last_error_status()));
            if (made != NULL)
                fail_msg("failing request %llu%s: the out-parameter was not cleared",
                         (unsigned long long)n, sticky ? " (sticky)" : "");
            if (ta->live_bytes != live || ta->live_blocks != blocks)
                fail_msg("failing request %llu%s: %zu bytes in %zu blocks live, %zu in "
                         "%zu before",
                         (unsigned long long)n, sticky ? " (sticky)" : "",
                         ta->live_bytes, ta->live_blocks, live, blocks);
            if (n >= 10000)
                fail_msg("still failing at request %llu%s", (unsigned long long)n,
                         sticky ? " (sticky)" : "");
        }
    }
}

/* ---- inputs ----------------------------------------------------------- */

void test_add_pain(mtl_customer *c, mtl_segment *s, const char *layer, const char *text,
                   double severity, double urgency, double breadth, double budget,
                   double fit)
{
    mtl_pain p;
    OK(mtl_pain_init(&p, sizeof p));
    if (layer != NULL)
        p.layer = layer;
    p.text = text;
    p.severity = severity;
    p.urgency = urgency;
    p.breadth = breadth;
    p.budget = budget;
    p.fit = fit;
    if (c != NULL)
        OK(mtl_customer_add_pain(c, &p));
    else
        OK(mtl_segment_add_pain(s, &p));
}
