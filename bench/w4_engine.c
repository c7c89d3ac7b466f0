/* w4_engine.c: workload W4 (/work/shared/bench/README.md) on the internal
 * distribution engine alone: the first 100,000 open rows (lost = 0, stage
 * not P7, file order) of gen_leads.py --rows 1000000 --seed 42, p = the
 * stage probability, x = amount / grid.  Times the engine only (best of
 * 3; the process CPU time beside it shows what load from other programs
 * added), for the revenue on each grid and for the won count (x = 1).
 *
 *   ninja -C build bench/mtl-bench-w4
 *   build/bench/mtl-bench-w4 [leads.csv] [--rows N] [--grid G ...]
 *                            [--method auto|direct|fourier] [--reps R]
 *
 * Default file: /tmp/bench/data/leads_1e6.csv; default grids 1000 and 100.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/distribution.h"

static const double stage_p[7] = {0.10, 0.20, 0.25, 0.30, 0.50, 0.75, 0.90};

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Reads the open rows: amount (dollars) and p. */
static size_t read_rows(const char *path, size_t want, double *amount,
                        double *p)
{
    char line[4096];
    size_t n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 0;
    }
    while (n < want && fgets(line, sizeof line, f)) {
        char *field[9];
        char *s = line;
        int k;
        for (k = 0; k < 9; k++) {
            field[k] = s;
            s = strchr(s, ',');
            if (!s)
                break;
            *s++ = '\0';
        }
        if (k < 8)
            continue;
        /* columns: id, customer_id, segment, region, owner, stage, lost,
         * amount, ... */
        if (field[6][0] != '0' || field[5][0] != 'P' || field[5][1] > '6')
            continue;
        amount[n] = strtod(field[7], NULL);
        p[n] = stage_p[field[5][1] - '0'];
        n++;
    }
    fclose(f);
    return n;
}

static int run(mtl__allocator *a, const double *x, const double *p, size_t n,
               int method, int reps, double grid, const char *label)
{
    double best = -1, best_cpu = -1, mean, sd;
    mtl__pmf pmf;
    int r;
    memset(&pmf, 0, sizeof pmf);
    for (r = 0; r < reps; r++) {
        double t0, c0, t, c;
        mtl__pmf_free(a, &pmf);
        t0 = clock_s(CLOCK_MONOTONIC);
        c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        if (mtl__pmf_bernoulli_sum_method(a, x, p, n, 0, 0, method, &pmf) !=
            MTL_OK) {
            fprintf(stderr, "%s: the engine failed\n", label);
            return 1;
        }
        t = clock_s(CLOCK_MONOTONIC) - t0;
        c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (best < 0 || t < best)
            best = t;
        if (best_cpu < 0 || c < best_cpu)
            best_cpu = c;
    }
    mtl__pmf_moments(&pmf, &mean, &sd);
    sd = sqrt(sd);
    printf("%-10s time %.4f s (cpu %.4f s)  P10 %.0f  P50 %.0f  P90 %.0f  mean %.2f  "
           "sd %.2f  window %zu  error %.3g\n",
           label, best, best_cpu, grid * (double)mtl__pmf_quantile(&pmf, 0.1),
           grid * (double)mtl__pmf_quantile(&pmf, 0.5),
           grid * (double)mtl__pmf_quantile(&pmf, 0.9), grid * mean,
           grid * sd, pmf.size, pmf.error);
    mtl__pmf_free(a, &pmf);
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = "/tmp/bench/data/leads_1e6.csv";
    double grids[16] = {0}, *amount, *p, *x;
    size_t rows = 100000, n, i;
    int ngrid = 0, method = MTL__PMF_AUTO, reps = 3, k, status = 0;
    mtl__allocator a;
    char label[64];
    for (k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--rows") && k + 1 < argc)
            rows = (size_t)strtoull(argv[++k], NULL, 10);
        else if (!strcmp(argv[k], "--grid") && k + 1 < argc && ngrid < 16)
            grids[ngrid++] = strtod(argv[++k], NULL);
        else if (!strcmp(argv[k], "--reps") && k + 1 < argc)
            reps = atoi(argv[++k]);
        else if (!strcmp(argv[k], "--method") && k + 1 < argc) {
            k++;
            method = !strcmp(argv[k], "direct")    ? MTL__PMF_DIRECT
                     : !strcmp(argv[k], "fourier") ? MTL__PMF_FOURIER
                                                   : MTL__PMF_AUTO;
        } else
            path = argv[k];
    }
    if (ngrid == 0) {
        grids[ngrid++] = 1000;
        grids[ngrid++] = 100;
    }
    if (reps < 1)
        reps = 1;
    amount = malloc(rows * sizeof *amount);
    p = malloc(rows * sizeof *p);
    x = malloc(rows * sizeof *x);
    if (!amount || !p || !x)
        return 1;
    n = read_rows(path, rows, amount, p);
    if (n == 0) {
        fprintf(stderr, "no open rows in %s (python3 gen_leads.py --rows "
                        "1000000 --seed 42 --out %s)\n", path, path);
        return 1;
    }
    printf("W4: %zu open deals from %s, best of %d\n", n, path, reps);
    mtl__allocator_init(&a, NULL, NULL);
    for (k = 0; k < ngrid; k++) {
        for (i = 0; i < n; i++)
            x[i] = amount[i] / grids[k];
        snprintf(label, sizeof label, "grid %g", grids[k]);
        status |= run(&a, x, p, n, method, reps, grids[k], label);
    }
    for (i = 0; i < n; i++)
        x[i] = 1;
    status |= run(&a, x, p, n, method, reps, 1, "won count");
    free(amount);
    free(p);
    free(x);
    return status;
}
