/*
 * svg_span.h: the charts of the strategy commands as standalone SVG files:
 * the SPAN bubble matrix (`mtl segments --svg`) and horizontal stacked bars
 * (`mtl pains --svg`).  C library only.
 */
#ifndef MTL_CLI_SVG_SPAN_H
#define MTL_CLI_SVG_SPAN_H

#include <stddef.h>

/* One segment on the SPAN matrix. */
typedef struct svg_span_point {
    const char *label;  /* "SEG03 Energy" */
    double x;           /* competitive position, 1 ... 10 */
    double y;           /* market attractiveness, 1 ... 10 */
    double size;        /* market size (any unit); <= 0 or NaN: unknown */
    int colour;         /* index into the legend (svg_span_chart.legend) */
} svg_span_point;

typedef struct svg_span_chart {
    const char *title;
    double cut_x, cut_y;          /* the quadrant lines */
    const svg_span_point *points;
    size_t count;
    const char *const *legend;    /* a name per colour index */
    size_t legend_count;          /* at most 6 */
    const char *size_label;       /* the largest size as text: "2.80B" */
    const char *const *notes;     /* lines under the plot (segments not drawn) */
    size_t note_count;
} svg_span_chart;

/*
 * The matrix: x = competitive position 1 ... 10, y = market attractiveness
 * 1 ... 10, bubble area proportional to size (a small hollow ring when the
 * size is unknown), quadrant lines at the cuts with the quadrant names,
 * each bubble labelled where its label overlaps the fewest other labels
 * and bubbles (with a leader line when it had to move away), a legend of
 * the colours and of the bubble size, and the notes.  CLI_EXIT_OK or
 * CLI_EXIT_ERROR (reported).
 */
int svg_span(const char *path, const svg_span_chart *chart);

/* One bar of a stacked bar chart: parts[k] is the length of part k. */
typedef struct svg_stack_bar {
    const char *label;
    const double *parts;   /* part_count values >= 0 (NaN counts 0) */
    const char *note;      /* after the bar ("42.3"), or NULL */
    int section;           /* bars with another section than the one
                              before them start under a heading */
} svg_stack_bar;

typedef struct svg_stack_chart {
    const char *title;
    const char *axis;            /* the axis title */
    double max;                  /* the axis runs 0 ... max */
    const char *const *parts;    /* a legend name per part */
    size_t part_count;           /* at most 8 */
    const svg_stack_bar *bars;
    size_t count;
    const char *const *sections; /* a heading per section value, or NULL */
} svg_stack_chart;

/* Horizontal stacked bars, one per bar, with the legend of the parts above
 * and the axis below.  CLI_EXIT_OK or CLI_EXIT_ERROR (reported). */
int svg_stacked_bars(const char *path, const svg_stack_chart *chart);

#endif /* MTL_CLI_SVG_SPAN_H */
