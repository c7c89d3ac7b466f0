/*
 * svg.h: the charts of the mtl tool as standalone SVG files (no library
 * beyond the C library): a funnel, a probability histogram with its
 * quantiles and a target marked.
 */
#ifndef MTL_CLI_SVG_H
#define MTL_CLI_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Open path and write the SVG header of a width × height picture with a
 * white background; NULL after printing "mtl: PATH: reason". */
FILE *svg_open(const char *path, int width, int height);
/* Close the picture; CLI_EXIT_OK, or CLI_EXIT_ERROR after a write error. */
int svg_close(FILE *out, const char *path);
/* text with &, <, > and quotes escaped */
void svg_escape(FILE *out, const char *text);
/* <text> at x, y; anchor "start", "middle" or "end" */
void svg_text(FILE *out, double x, double y, const char *anchor, int size,
              const char *fill, const char *text);
/* The estimated width in pixels of UTF-8 text at a font size (DejaVu Sans
 * widths, rounded up; East Asian wide characters one em): for margins and
 * label placement, so that text is neither cut off nor overlapping. */
double svg_text_width(const char *text, int size);

/* name cut on a UTF-8 boundary with "…" appended, so that it is at most
 * max_px wide at size px (as svg_text_width measures); capacity >= 8. */
void svg_short_name(char *buf, size_t capacity, const char *name, double max_px,
                    int size);

/* A round step (1, 2, 2.5 or 5 times a power of ten) that cuts range into
 * about n parts. */
double svg_nice_step(double range, int n);

/* One bar of a funnel: a stage, its value (the bar's width) and a note. */
typedef struct svg_funnel_bar {
    const char *label;
    double value;
    const char *note;
} svg_funnel_bar;

/* A funnel chart: one centred bar per stage, width proportional to value;
 * the picture widens for long stage names and notes. */
int svg_funnel(const char *path, const char *title, const svg_funnel_bar *bars,
               size_t count);

/* A distribution on a grid: probabilities of first, first + step, ...
 * (minor units), drawn in major units as 80 bars (probability per bar) on
 * round axis ticks, with P10/P50/P90 and (when has_target) the target and
 * P(R >= target) marked; the markers' labels stack above the plot so that
 * none overlaps another. */
typedef struct svg_distribution {
    int64_t first, step;
    const double *prob;
    size_t count;
    int64_t p10, p50, p90;
    int has_target;
    int64_t target;
    int64_t minor_per_major;
} svg_distribution;

int svg_histogram(const char *path, const char *title, const svg_distribution *d);

/* A compact amount in major units for axis labels: "650.9M", "12.5k". */
const char *svg_compact(char *buf, size_t capacity, double major);

#endif /* MTL_CLI_SVG_H */
