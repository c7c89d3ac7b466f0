/*
 * svg_span.c: the SPAN bubble matrix and the stacked bar chart (see
 * svg_span.h).
 */
#include "svg_span.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"
#include "util.h"

/* ---- boxes ------------------------------------------------------------- */

typedef struct box {
    double x0, y0, x1, y1;
} box;

static double overlap(const box *a, const box *b)
{
    double w = fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
    double h = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
    return w > 0 && h > 0 ? w * h : 0;
}

/* The area of a box inside a circle, estimated on a 12 x 4 grid. */
static double circle_overlap(const box *b, double cx, double cy, double r)
{
    int i, j, in = 0;
    if (b->x1 < cx - r || b->x0 > cx + r || b->y1 < cy - r || b->y0 > cy + r)
        return 0;
    for (i = 0; i < 12; i++)
        for (j = 0; j < 4; j++) {
            double x = b->x0 + (b->x1 - b->x0) * (i + 0.5) / 12;
            double y = b->y0 + (b->y1 - b->y0) * (j + 0.5) / 4;
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
                in++;
        }
    return (b->x1 - b->x0) * (b->y1 - b->y0) * in / 48.0;
}

/* The part of a box outside the frame. */
static double outside(const box *b, const box *frame)
{
    double area = (b->x1 - b->x0) * (b->y1 - b->y0);
    return area - overlap(b, frame);
}

/* ---- the SPAN matrix ----------------------------------------------------- */

#define PLOT 600.0
#define LEFT 78.0
#define TOP 64.0
#define RMAX 42.0
#define RMIN 5.0
#define LABEL_SIZE 12
#define LABEL_H 15.0
#define PANEL 230.0

static const char *const palette[6] = {
    "#2e7d32", "#1565c0", "#ef8f00", "#c62828", "#8e24aa", "#757575",
};

typedef struct placed {
    double cx, cy, r;   /* the bubble */
    double w;           /* label width */
    box label;
    double lx, ly;      /* text anchor, baseline */
    int anchor;         /* 0 start, 1 middle, 2 end */
    int leader;         /* draw a line from the bubble to the label */
    double bx, by;      /* where the leader meets the label */
} placed;

static double plot_x(double v)
{
    v = v < 1 ? 1 : v > 10 ? 10 : v;
    return LEFT + (v - 1) / 9 * PLOT;
}

static double plot_y(double v)
{
    v = v < 1 ? 1 : v > 10 ? 10 : v;
    return TOP + PLOT - (v - 1) / 9 * PLOT;
}

/* The nearest point of box b to (x, y). */
static void nearest(const box *b, double x, double y, double *ox, double *oy)
{
    *ox = x < b->x0 ? b->x0 : x > b->x1 ? b->x1 : x;
    *oy = y < b->y0 ? b->y0 : y > b->y1 ? b->y1 : y;
}

/* How many of 16 points along the segment (x0, y0)-(x1, y1) fall in b. */
static int segment_hits(double x0, double y0, double x1, double y1, const box *b)
{
    int k, hits = 0;
    for (k = 1; k <= 16; k++) {
        double x = x0 + (x1 - x0) * k / 17.0, y = y0 + (y1 - y0) * k / 17.0;
        hits += x > b->x0 && x < b->x1 && y > b->y0 && y < b->y1;
    }
    return hits;
}

/*
 * Place label k: of 8 directions x 5 distances, the box that overlaps
 * the labels placed so far, the bubbles, the quadrant names and the
 * outside of the plot the least, nearer and to the right preferred.
 */
static void place_label(placed *p, size_t k, const int *done, size_t count,
                        const box *fixed, size_t fixed_count, const box *frame)
{
    static const double dirs[8][2] = {
        { 1, 0 }, { -1, 0 }, { 0, -1 }, { 0, 1 },
        { 0.7071, -0.7071 }, { -0.7071, -0.7071 }, { 0.7071, 0.7071 }, { -0.7071, 0.7071 },
    };
    static const double dir_cost[8] = { 0, 6, 10, 12, 14, 16, 18, 20 };
    static const double gaps[5] = { 3, 16, 32, 52, 76 };
    placed *me = &p[k];
    double best = INFINITY, w = me->w;
    int d, g;
    size_t j;

    for (g = 0; g < 5; g++)
        for (d = 0; d < 8; d++) {
            double ax = me->cx + dirs[d][0] * (me->r + gaps[g]);
            double ay = me->cy + dirs[d][1] * (me->r + gaps[g]);
            double cost = dir_cost[d] + 5 * gaps[g];
            box b;

            /* the box touches the anchor with its nearest side or corner */
            b.x0 = dirs[d][0] > 0.1 ? ax : dirs[d][0] < -0.1 ? ax - w : ax - w / 2;
            b.y0 = dirs[d][1] > 0.1 ? ay : dirs[d][1] < -0.1 ? ay - LABEL_H
                                                            : ay - LABEL_H / 2;
            b.x1 = b.x0 + w;
            b.y1 = b.y0 + LABEL_H;
            cost += 40 * outside(&b, frame);
            for (j = 0; j < count; j++) {
                cost += 3 * circle_overlap(&b, p[j].cx, p[j].cy, p[j].r + 1);
                /* a label must never hide where a bubble is */
                if (p[j].cx > b.x0 - 3 && p[j].cx < b.x1 + 3 && p[j].cy > b.y0 - 3 &&
                    p[j].cy < b.y1 + 3)
                    cost += 5000;
                if (done[j]) { /* halos may touch: boxes inset by 2 px */
                    box in = { b.x0, b.y0 + 2, b.x1, b.y1 - 2 };
                    cost += 12 * overlap(&in, &p[j].label);
                }
            }
            for (j = 0; j < fixed_count; j++)
                cost += 8 * overlap(&b, &fixed[j]);
            /* a leader through another label reads as that label's */
            for (j = 0; j < count; j++) {
                double nx, ny;
                if (!done[j])
                    continue;
                if (g > 0) {
                    nearest(&b, me->cx, me->cy, &nx, &ny);
                    cost += 60 * segment_hits(me->cx, me->cy, nx, ny, &p[j].label);
                }
                if (p[j].leader)
                    cost += 60 * segment_hits(p[j].cx, p[j].cy, p[j].bx, p[j].by, &b);
            }
            if (cost < best) {
                best = cost;
                me->label = b;
                me->leader = g > 0;
                /* the text hugs the side towards its bubble (the box is
                 * measured generously) */
                me->anchor = dirs[d][0] > 0.1 ? 0 : dirs[d][0] < -0.1 ? 2 : 1;
            }
        }
    me->lx = me->anchor == 0 ? me->label.x0 + 1
             : me->anchor == 2 ? me->label.x1 - 1 : (me->label.x0 + me->label.x1) / 2;
    me->ly = me->label.y1 - 3.5;
    /* a label moved away points at its bubble's centre: among overlapping
     * bubbles the edge would be ambiguous */
    nearest(&me->label, me->cx, me->cy, &me->bx, &me->by);
}

/* Labels of the most crowded bubbles first: they have the fewest good
 * places left. */
static size_t *placement_order(const placed *p, size_t count)
{
    size_t *order = malloc((count ? count : 1) * sizeof *order), i, j;
    double *crowd = malloc((count ? count : 1) * sizeof *crowd);
    if (order == NULL || crowd == NULL) {
        free(order);
        free(crowd);
        return NULL;
    }
    for (i = 0; i < count; i++) {
        order[i] = i;
        crowd[i] = 0;
        for (j = 0; j < count; j++)
            if (j != i && hypot(p[i].cx - p[j].cx, p[i].cy - p[j].cy) <
                              p[i].r + p[j].r + 120)
                crowd[i] += 1;
    }
    for (i = 1; i < count; i++) { /* insertion sort, stable */
        size_t o = order[i];
        j = i;
        while (j > 0 && (crowd[order[j - 1]] < crowd[o] ||
                         (crowd[order[j - 1]] == crowd[o] && p[order[j - 1]].r < p[o].r))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = o;
    }
    free(crowd);
    return order;
}

static void halo_text(FILE *out, double x, double y, const char *anchor, int size,
                      const char *fill, const char *weight, const char *text)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" "
                 "font-weight=\"%s\" fill=\"%s\" stroke=\"white\" stroke-width=\"3\" "
                 "stroke-linejoin=\"round\" paint-order=\"stroke\">",
            x, y, anchor, size, weight, fill);
    svg_escape(out, text);
    fputs("</text>\n", out);
}

int svg_span(const char *path, const svg_span_chart *c)
{
    static const struct {
        const char *name, *tint, *ink;
        int right, upper;
    } quadrants[4] = {
        { "grow / invest", "#edf7ee", "#2e7d32", 1, 1 },
        { "acquire skills", "#eaf2fb", "#1565c0", 0, 1 },
        { "harvest", "#fff6e0", "#b36b00", 1, 0 },
        { "avoid / exit", "#fbeceb", "#c62828", 0, 0 },
    };
    double cx = plot_x(c->cut_x), cy = plot_y(c->cut_y), bottom = TOP + PLOT;
    double right = LEFT + PLOT, maxsize = 0, width, height, notes_w = 0;
    box frame = { LEFT, TOP, LEFT + PLOT, TOP + PLOT }, fixed[4];
    size_t fixed_count = 0, i, *order;
    placed *p;
    int *done, v;
    FILE *out;

    for (i = 0; i < c->count; i++)
        if (c->points[i].size > maxsize)
            maxsize = c->points[i].size;
    for (i = 0; i < c->note_count; i++)
        notes_w = fmax(notes_w, svg_text_width(c->notes[i], 12));
    width = ceil(fmax(LEFT + PLOT + 24 + PANEL, LEFT + notes_w + 20));
    height = ceil(bottom + 62 + 18.0 * (double)c->note_count + 12);

    p = calloc(c->count ? c->count : 1, sizeof *p);
    done = calloc(c->count ? c->count : 1, sizeof *done);
    if (p == NULL || done == NULL) {
        free(p);
        free(done);
        fprintf(stderr, "mtl: %s: out of memory\n", path);
        return CLI_EXIT_ERROR;
    }
    for (i = 0; i < c->count; i++) {
        const svg_span_point *pt = &c->points[i];
        p[i].cx = plot_x(pt->x);
        p[i].cy = plot_y(pt->y);
        p[i].r = pt->size > 0 && maxsize > 0 ? fmax(RMIN, RMAX * sqrt(pt->size / maxsize))
                                             : 6;
        p[i].w = svg_text_width(pt->label, LABEL_SIZE) + 2;
    }
    /* the quadrant names sit in the outer corners; labels avoid them */
    for (v = 0; v < 4; v++) {
        double qx0 = quadrants[v].right ? cx : LEFT, qx1 = quadrants[v].right ? right : cx;
        double qy0 = quadrants[v].upper ? TOP : cy, qy1 = quadrants[v].upper ? cy : bottom;
        double w = svg_text_width(quadrants[v].name, 13);
        box b;
        if (qx1 - qx0 < w + 16 || qy1 - qy0 < 28)
            continue; /* a cut at the edge leaves no room */
        b.x0 = quadrants[v].right ? qx1 - 8 - w : qx0 + 8;
        b.x1 = b.x0 + w;
        b.y0 = quadrants[v].upper ? qy0 + 6 : qy1 - 22;
        b.y1 = b.y0 + 16;
        fixed[fixed_count++] = b;
    }
    order = placement_order(p, c->count);
    if (order == NULL) {
        free(p);
        free(done);
        fprintf(stderr, "mtl: %s: out of memory\n", path);
        return CLI_EXIT_ERROR;
    }
    for (i = 0; i < c->count; i++) {
        place_label(p, order[i], done, c->count, fixed, fixed_count, &frame);
        done[order[i]] = 1;
    }

    out = svg_open(path, (int)width, (int)height);
    if (out == NULL) {
        free(order);
        free(p);
        free(done);
        return CLI_EXIT_ERROR;
    }
    svg_text(out, (LEFT + right) / 2, 32, "middle", 18, "#222", c->title);
    /* quadrants, grid, cuts */
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n"
                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n"
                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n"
                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
            cx, TOP, right - cx, cy - TOP, quadrants[0].tint,
            LEFT, TOP, cx - LEFT, cy - TOP, quadrants[1].tint,
            cx, cy, right - cx, bottom - cy, quadrants[2].tint,
            LEFT, cy, cx - LEFT, bottom - cy, quadrants[3].tint);
    for (v = 1; v <= 10; v++) {
        char t[8];
        snprintf(t, sizeof t, "%d", v);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n"
                     "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n",
                plot_x(v), TOP, plot_x(v), bottom, LEFT, plot_y(v), right, plot_y(v));
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n"
                     "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n",
                plot_x(v), bottom, plot_x(v), bottom + 5, LEFT - 5, plot_y(v), LEFT,
                plot_y(v));
        svg_text(out, plot_x(v), bottom + 19, "middle", 12, "#222", t);
        svg_text(out, LEFT - 9, plot_y(v) + 4, "end", 12, "#222", t);
    }
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                 "stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n"
                 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                 "stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n",
            cx, TOP, cx, bottom, LEFT, cy, right, cy);
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                 "stroke=\"#222\"/>\n", LEFT, TOP, PLOT, PLOT);
    for (v = 0; v < 4; v++) {
        double qx0 = quadrants[v].right ? cx : LEFT, qx1 = quadrants[v].right ? right : cx;
        double qy0 = quadrants[v].upper ? TOP : cy, qy1 = quadrants[v].upper ? cy : bottom;
        double w = svg_text_width(quadrants[v].name, 13);
        if (qx1 - qx0 < w + 16 || qy1 - qy0 < 28)
            continue;
        halo_text(out, quadrants[v].right ? qx1 - 8 : qx0 + 8,
                  quadrants[v].upper ? qy0 + 19 : qy1 - 9,
                  quadrants[v].right ? "end" : "start", 13, quadrants[v].ink, "bold",
                  quadrants[v].name);
    }
    /* bubbles, largest first so that small ones stay visible */
    for (i = 0; i < c->count; i++) {
        size_t k, big = 0;
        int any = 0;
        for (k = 0; k < c->count; k++)
            if (done[k] && (!any || p[k].r > p[big].r)) {
                big = k;
                any = 1;
            }
        done[big] = 0;
        if (c->points[big].size > 0 && maxsize > 0)
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" "
                         "fill-opacity=\"0.45\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
                    p[big].cx, p[big].cy, p[big].r,
                    palette[c->points[big].colour % 6], palette[c->points[big].colour % 6]);
        else
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"white\" "
                         "stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"3,2\"/>\n",
                    p[big].cx, p[big].cy, p[big].r, palette[c->points[big].colour % 6]);
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#222\"/>\n",
                p[big].cx, p[big].cy);
    }
    for (i = 0; i < c->count; i++) {
        if (p[i].leader)
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                         "stroke=\"#444\" stroke-width=\"1\"/>\n",
                    p[i].cx, p[i].cy, p[i].bx, p[i].by);
        static const char *const anchors[3] = { "start", "middle", "end" };
        halo_text(out, p[i].lx, p[i].ly, anchors[p[i].anchor], LABEL_SIZE, "#111",
                  "normal", c->points[i].label);
    }
    /* axis titles */
    svg_text(out, (LEFT + right) / 2, bottom + 42, "middle", 13, "#333",
             "competitive position (our $APPEALS vs the strongest competitor), 1-10");
    fprintf(out, "<text x=\"24\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\" "
                 "fill=\"#333\" transform=\"rotate(-90 24 %.1f)\">market attractiveness, "
                 "1-10</text>\n", TOP + PLOT / 2, TOP + PLOT / 2);
    /* legend: colours, then the bubble size */
    {
        double lx = right + 24, ly = TOP + 8;
        svg_text(out, lx, ly + 4, "start", 13, "#222", "strategy");
        for (i = 0; i < c->legend_count && i < 6; i++) {
            ly += 22;
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"%s\" "
                         "fill-opacity=\"0.45\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
                    lx + 8, ly, palette[i], palette[i]);
            svg_text(out, lx + 22, ly + 4, "start", 12, "#222", c->legend[i]);
        }
        ly += 40;
        svg_text(out, lx, ly, "start", 13, "#222", "bubble area: market size");
        if (maxsize > 0) {
            char b[64];
            double r2 = RMAX / 2;
            ly += 14 + RMAX;
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"none\" "
                         "stroke=\"#555\"/>\n<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
                         "fill=\"none\" stroke=\"#555\"/>\n",
                    lx + RMAX, ly, RMAX, lx + RMAX, ly + RMAX - r2, r2);
            snprintf(b, sizeof b, "largest: %s", c->size_label ? c->size_label : "");
            svg_text(out, lx + 2 * RMAX + 8, ly - RMAX + 14, "start", 12, "#222", b);
            svg_text(out, lx + 2 * RMAX + 8, ly + RMAX - 4, "start", 12, "#222",
                     "a quarter of it");
        }
        ly += RMAX + 30;
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"white\" stroke=\"#555\" "
                     "stroke-width=\"2\" stroke-dasharray=\"3,2\"/>\n", lx + 8, ly);
        svg_text(out, lx + 22, ly + 4, "start", 12, "#222", "size unknown");
        ly += 24;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                     "stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n",
                lx, ly, lx + 16, ly);
        svg_text(out, lx + 22, ly + 4, "start", 12, "#222", "the cuts");
    }
    for (i = 0; i < c->note_count; i++)
        svg_text(out, LEFT, bottom + 68 + 18.0 * (double)i, "start", 12, "#444",
                 c->notes[i]);
    free(order);
    free(p);
    free(done);
    return svg_close(out, path);
}

/* ---- stacked bars ------------------------------------------------------- */

static const char *const part_colours[8] = {
    "#3f6fb5", "#e08a2c", "#3a9a5b", "#8c6bb1", "#c05050", "#5aa9b8", "#b8a23a", "#9e9e9e",
};

int svg_stacked_bars(const char *path, const svg_stack_chart *c)
{
    const double bar_w = 520, row = 22, bar_h = 14, pad = 20, label_max = 300;
    double label_w = 80, note_w = 40, top, width, height, y, lx, legend_w = 0;
    double max = c->max > 0 ? c->max : 1, step, t;
    size_t i, k, sections = 0;
    char name[160];
    FILE *out;

    for (i = 0; i < c->count; i++) {
        label_w = fmax(label_w, fmin(label_max, svg_text_width(c->bars[i].label, 12)));
        if (c->bars[i].note)
            note_w = fmax(note_w, svg_text_width(c->bars[i].note, 12));
        if (c->sections && (i == 0 || c->bars[i].section != c->bars[i - 1].section))
            sections++;
    }
    for (k = 0; k < c->part_count && k < 8; k++)
        legend_w += 34 + svg_text_width(c->parts[k], 12);
    label_w += 10;
    width = ceil(fmax(pad + label_w + bar_w + 10 + note_w + pad,
                      fmax(svg_text_width(c->title, 18), legend_w) + 2 * pad));
    top = 84;
    height = ceil(top + row * (double)c->count + 28.0 * (double)sections + 60);
    out = svg_open(path, (int)width, (int)height);
    if (out == NULL)
        return CLI_EXIT_ERROR;
    svg_text(out, width / 2, 30, "middle", 18, "#222", c->title);
    /* legend, centred */
    lx = (width - legend_w) / 2;
    for (k = 0; k < c->part_count && k < 8; k++) {
        fprintf(out, "<rect x=\"%.1f\" y=\"50\" width=\"14\" height=\"14\" fill=\"%s\"/>\n",
                lx, part_colours[k]);
        svg_text(out, lx + 20, 62, "start", 12, "#222", c->parts[k]);
        lx += 34 + svg_text_width(c->parts[k], 12);
    }
    step = svg_nice_step(max, 5);
    max = step * ceil(max / step - 1e-9);
    y = top;
    {
        double x0 = pad + label_w, y_end = top + row * (double)c->count +
                                          28.0 * (double)sections;
        for (t = 0; t <= max * (1 + 1e-9); t += step) {
            char b[32];
            double x = x0 + bar_w * t / max;
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                         "stroke=\"%s\"/>\n", x, top - 4, x, y_end + 4,
                    t == 0 ? "#222" : "#e3e3e3");
            snprintf(b, sizeof b, "%g", t);
            svg_text(out, x, y_end + 20, "middle", 12, "#222", b);
        }
        svg_text(out, x0 + bar_w / 2, y_end + 42, "middle", 12, "#444", c->axis);
    }
    for (i = 0; i < c->count; i++) {
        const svg_stack_bar *b = &c->bars[i];
        double x = pad + label_w;
        if (c->sections && (i == 0 || b->section != c->bars[i - 1].section)) {
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\" "
                         "fill=\"#333\">", pad, y + 18);
            svg_escape(out, c->sections[b->section]);
            fputs("</text>\n", out);
            y += 28;
        }
        svg_short_name(name, sizeof name, b->label, label_max, 12);
        svg_text(out, pad + label_w - 8, y + bar_h / 2 + 5, "end", 12, "#222", name);
        for (k = 0; k < c->part_count; k++) {
            double v = b->parts[k], w;
            if (!(v > 0))
                continue;
            w = bar_w * v / max;
            fprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
                         "fill=\"%s\"/>\n", x, y + 1, w, bar_h, part_colours[k % 8]);
            x += w;
        }
        if (b->note)
            svg_text(out, x + 6, y + bar_h / 2 + 5, "start", 12, "#444", b->note);
        y += row;
    }
    return svg_close(out, path);
}
