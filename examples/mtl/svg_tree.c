/*
 * svg_tree.c: the target tree diagram (see svg_tree.h).
 */
#include "svg_tree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"
#include "util.h"

#define BOX_W 250.0
#define BOX_H 64.0
#define BOX_HQ 82.0  /* with the quarter bars */
#define COL_GAP 50.0
#define ROW_GAP 14.0
#define MARGIN 20.0
#define TITLE_H 52.0 /* title and legend */
#define BAR_W 226.0
/* The bar spans 0 .. 150% attainment; the tick marks 100%. */
#define BAR_MAX 1.5

static const char *attainment_colour(double a)
{
    if (isnan(a))
        return "#9e9e9e";
    if (a >= 1.0)
        return "#2e7d32";
    if (a >= 0.7)
        return "#f9a825";
    return "#c62828";
}

static double bar_fill(double a)
{
    if (isnan(a) || a <= 0)
        return 0;
    return BAR_W * (a >= BAR_MAX ? 1.0 : a / BAR_MAX);
}

static void amounts_line(char *line, size_t cap, const svg_tree_node *n,
                         const char *target, const char *actual)
{
    if (actual != NULL && !isnan(n->attainment))
        snprintf(line, cap, "target %s · actual %s · %.0f%%", target, actual,
                 100 * n->attainment);
    else if (actual != NULL)
        snprintf(line, cap, "target %s · actual %s", target, actual);
    else
        snprintf(line, cap, "target %s", target);
}

static void draw_box(FILE *out, const svg_tree_node *n, double x, double y, double h)
{
    char name[64], line[160], hit[24];
    double bar_y = y + 40, hit_w = 0;
    int q;

    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" "
                 "fill=\"#fafafa\" stroke=\"#90a4ae\"/>\n", x, y, BOX_W, h);
    if (!isnan(n->p_hit)) {
        snprintf(hit, sizeof hit, "P(hit) %.0f%%", 100 * n->p_hit);
        hit_w = svg_text_width(hit, 10) + 8;
    }
    svg_short_name(name, sizeof name, n->name[0] ? n->name : "(none)",
               BOX_W - 20 - hit_w, 13);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\" "
                 "fill=\"#263238\">", x + 12, y + 17);
    svg_escape(out, name);
    fputs("</text>\n", out);
    amounts_line(line, sizeof line, n, n->target, n->actual);
    if (svg_text_width(line, 11) > BOX_W - 20) /* 1,524,157,875 -> 1.52B */
        amounts_line(line, sizeof line, n, n->target_compact, n->actual_compact);
    svg_text(out, x + 12, y + 33, "start", 11, "#455a64", line);

    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"9\" fill=\"#eceff1\"/>\n",
            x + 12, bar_y, BAR_W);
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"9\" fill=\"%s\"/>\n",
            x + 12, bar_y, bar_fill(n->attainment), attainment_colour(n->attainment));
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"#263238\" stroke-width=\"1\"/>\n",
            x + 12 + BAR_W / BAR_MAX, bar_y - 2, x + 12 + BAR_W / BAR_MAX, bar_y + 11);
    if (!isnan(n->p_hit))
        svg_text(out, x + BOX_W - 8, y + 17, "end", 10, "#455a64", hit);
    if (!n->has_quarters)
        return;
    for (q = 0; q < 4; q++) {
        double qw = (BAR_W - 3 * 6) / 4, qx = x + 12 + q * (qw + 6), qy = y + 62;
        double a = n->quarter_attainment[q];
        double fill = isnan(a) || a <= 0 ? 0 : qw * (a >= BAR_MAX ? 1.0 : a / BAR_MAX);
        char label[8];
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" "
                     "fill=\"#eceff1\"/>\n", qx, qy, qw);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" "
                     "fill=\"%s\"/>\n", qx, qy, fill, attainment_colour(a));
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                     "stroke=\"#263238\" stroke-width=\"0.6\"/>\n",
                qx + qw / BAR_MAX, qy - 1, qx + qw / BAR_MAX, qy + 7);
        snprintf(label, sizeof label, "Q%d", q + 1);
        svg_text(out, qx, qy + 16, "start", 10, "#546e7a", label);
    }
}

int svg_tree(const char *path, const char *title, const svg_tree_node *nodes,
             size_t count)
{
    double *ys, box_h, row_h, width, height;
    size_t *first, *last, i, rows = 0;
    int max_depth = 0, quarters = 0;
    FILE *out;

    ys = calloc(count ? count : 1, sizeof *ys);
    first = calloc(count ? count : 1, sizeof *first);
    last = calloc(count ? count : 1, sizeof *last);
    if (ys == NULL || first == NULL || last == NULL) {
        free(ys);
        free(first);
        free(last);
        fputs("mtl: targets: out of memory while drawing\n", stderr);
        return CLI_EXIT_ERROR;
    }
    for (i = 0; i < count; i++) {
        if (nodes[i].depth > max_depth)
            max_depth = nodes[i].depth;
        quarters |= nodes[i].has_quarters;
        first[i] = last[i] = (size_t)-1;
    }
    box_h = quarters ? BOX_HQ : BOX_H;
    row_h = box_h + ROW_GAP;
    /* leaves take the rows in order; a parent sits in the middle of its
     * children (pre-order: children follow their parent) */
    for (i = 0; i < count; i++) {
        long p = nodes[i].parent;
        int leaf = i + 1 >= count || nodes[i + 1].parent != (long)i;
        if (leaf)
            ys[i] = TITLE_H + MARGIN + (double)rows++ * row_h;
        if (p >= 0) {
            if (first[p] == (size_t)-1)
                first[p] = i;
            last[p] = i;
        }
    }
    for (i = count; i-- > 0;)
        if (first[i] != (size_t)-1)
            ys[i] = (ys[first[i]] + ys[last[i]]) / 2;
    width = 2 * MARGIN + (max_depth + 1) * BOX_W + max_depth * COL_GAP;
    height = TITLE_H + 2 * MARGIN + (rows ? (double)rows * row_h - ROW_GAP : 0);
    if (width < 520)
        width = 520;

    out = svg_open(path, (int)ceil(width), (int)ceil(height));
    if (out == NULL) {
        free(ys);
        free(first);
        free(last);
        return CLI_EXIT_ERROR;
    }
    svg_text(out, MARGIN, 26, "start", 16, "#263238", title);
    /* the legend of the bars, under the title */
    svg_text(out, MARGIN, TITLE_H + 2, "start", 10, "#546e7a",
             "bar: attainment (actual / target) from 0 to 150%, tick at 100%; "
             "green from 100%, amber from 70%, red below");
    for (i = 0; i < count; i++) {
        long p = nodes[i].parent;
        if (p >= 0) {
            double x1 = MARGIN + nodes[p].depth * (BOX_W + COL_GAP) + BOX_W;
            double y1 = ys[p] + box_h / 2;
            double x2 = MARGIN + nodes[i].depth * (BOX_W + COL_GAP);
            double y2 = ys[i] + box_h / 2, xm = (x1 + x2) / 2;
            fprintf(out, "<path d=\"M%.1f %.1f H%.1f V%.1f H%.1f\" fill=\"none\" "
                         "stroke=\"#b0bec5\"/>\n", x1, y1, xm, y2, x2);
        }
    }
    for (i = 0; i < count; i++)
        draw_box(out, &nodes[i], MARGIN + nodes[i].depth * (BOX_W + COL_GAP), ys[i],
                 box_h);
    free(ys);
    free(first);
    free(last);
    return svg_close(out, path);
}
