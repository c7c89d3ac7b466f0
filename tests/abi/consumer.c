/*
 * A program written as a user of the installed library would write it:
 * only <mtl.h>, flags from `pkg-config --cflags --libs mtl`.  Built and run
 * by tests/abi/abi_check.py against the shared library (and under valgrind),
 * and against libmtl.a alone.
 */
#include <mtl.h>

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n",  \
                    __FILE__, __LINE__, #cond, mtl_last_error_message());  \
            failures++;                                                    \
        }                                                                  \
    } while (0)

int main(void)
{
    mtl_market *m = NULL;
    mtl_segment *seg = NULL;
    mtl_customer *c = NULL;
    mtl_lead *l = NULL;
    int32_t stage = -1;

    CHECK(mtl_version_number() == MTL_VERSION_NUMBER);
    CHECK(strcmp(mtl_status_string(MTL_E_DUPLICATE), "MTL_E_DUPLICATE") == 0);

    CHECK(mtl_market_create(&m, NULL) == MTL_OK);
    if (m == NULL)
        return 1;

    CHECK(mtl_segment_add(&seg, m, "energy") == MTL_OK);
    CHECK(mtl_customer_add(&c, m, "C-001", seg) == MTL_OK);
    CHECK(mtl_customer_set_name(c, "Northwind Power") == MTL_OK);
    CHECK(mtl_customer_set_revenue(c, 1250000) == MTL_OK);

    CHECK(mtl_lead_add(&l, m, "L-001", c) == MTL_OK);
    CHECK(mtl_market_stage_find(&stage, m, "P3") == MTL_OK);
    CHECK(mtl_lead_set_stage(l, stage) == MTL_OK);
    CHECK(mtl_lead_set_amount(l, 4800000) == MTL_OK);

    /* A second lead with the same id is refused, with a message. */
    CHECK(mtl_lead_add(NULL, m, "L-001", c) == MTL_E_DUPLICATE);
    CHECK(mtl_last_error_status() == MTL_E_DUPLICATE);
    CHECK(mtl_last_error_message()[0] != '\0');

    /* Read back through lookups, not the handles we hold. */
    c = mtl_customer_find(m, "C-001");
    l = mtl_lead_find(m, "L-001");
    CHECK(c != NULL && l != NULL);
    CHECK(strcmp(mtl_customer_id(c), "C-001") == 0);
    CHECK(strcmp(mtl_customer_name(c), "Northwind Power") == 0);
    CHECK(mtl_customer_revenue(c) == 1250000);
    CHECK(mtl_customer_segment(c) == seg);
    CHECK(mtl_customer_market(c) == m);
    CHECK(strcmp(mtl_lead_id(l), "L-001") == 0);
    CHECK(mtl_lead_customer(l) == c);
    CHECK(mtl_lead_segment(l) == seg); /* inherited from the customer */
    CHECK(mtl_lead_stage(l) == stage);
    CHECK(mtl_lead_amount(l) == 4800000);
    CHECK(mtl_lead_outcome(l) == MTL_OUTCOME_OPEN);
    CHECK(mtl_lead_created(l) == MTL_DATE_NONE);
    CHECK(mtl_market_segment_count(m) == 1);
    CHECK(mtl_market_customer_count(m) == 1);
    CHECK(mtl_market_lead_count(m) == 1);

    mtl_market_unref(m);
    mtl_market_unref(NULL); /* a no-op */

    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("consumer: all checks passed\n");
    return 0;
}
