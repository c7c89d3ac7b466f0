/*
 * svg.c: funnel and distribution charts as SVG (see svg.h).
 */
#include "svg.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

FILE *svg_open(const char *path, int width, int height)
{
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        fprintf(stderr, "mtl: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Noto Sans CJK SC, "
            "Arial, sans-serif\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, height, width, height);
    return out;
}

int svg_close(FILE *out, const char *path)
{
    int bad;
    fputs("</svg>\n", out);
    bad = ferror(out);
    if (fclose(out) != 0 || bad) {
        fprintf(stderr, "mtl: %s: write error\n", path);
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

void svg_escape(FILE *out, const char *text)
{
    for (; *text; text++) {
        switch (*text) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*text, out);
        }
    }
}

void svg_text(FILE *out, double x, double y, const char *anchor, int size,
              const char *fill, const char *text)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" "
                 "fill=\"%s\">",
            x, y, anchor, size, fill);
    svg_escape(out, text);
    fputs("</text>\n", out);
}

const char *svg_compact(char *buf, size_t capacity, double v)
{
    double a = fabs(v);
    if (a >= 1e9)
        snprintf(buf, capacity, "%.2fB", v / 1e9);
    else if (a >= 1e6)
        snprintf(buf, capacity, "%.1fM", v / 1e6);
    else if (a >= 1e3)
        snprintf(buf, capacity, "%.1fk", v / 1e3);
    else
        snprintf(buf, capacity, "%.0f", v);
    return buf;
}

int svg_funnel(const char *path, const char *title, const svg_funnel_bar *bars,
               size_t count)
{
    const int width = 760, left = 90, right = 220, top = 56, bar_h = 34, gap = 8;
    int height = top + (int)count * (bar_h + gap) + 24;
    double max = 0, span = width - left - right, cx = left + span / 2;
    size_t k;
    FILE *out = svg_open(path, width, height);
    if (out == NULL)
        return CLI_EXIT_ERROR;
    for (k = 0; k < count; k++)
        if (bars[k].value > max)
            max = bars[k].value;
    svg_text(out, width / 2.0, 30, "middle", 18, "#222", title);
    for (k = 0; k < count; k++) {
        double w = max > 0 ? span * bars[k].value / max : 0, y = top + k * (bar_h + gap);
        /* from blue at the mouth to green at the close */
        int g = 90 + (int)(110.0 * k / (count > 1 ? count - 1 : 1));
        if (w < 2 && bars[k].value > 0)
            w = 2;
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
                     "rx=\"3\" fill=\"rgb(40,%d,180)\"/>\n",
                cx - w / 2, y, w, bar_h, g);
        svg_text(out, left - 10, y + bar_h / 2.0 + 5, "end", 14, "#222", bars[k].label);
        if (bars[k].note)
            svg_text(out, width - right + 10, y + bar_h / 2.0 + 5, "start", 13, "#444",
                     bars[k].note);
    }
    return svg_close(out, path);
}

int svg_histogram(const char *path, const char *title, const svg_distribution *d)
{
    enum { BARS = 80 };
    const int width = 820, height = 420, left = 70, right = 30, top = 50, bottom = 70;
    double bins[BARS], lo, hi, step, maxp = 0, cum = 0, per = (double)d->minor_per_major;
    double plot_w = width - left - right, plot_h = height - top - bottom;
    size_t k, first_k = 0, last_k = d->count ? d->count - 1 : 0;
    char buf[32];
    int b;
    FILE *out;
    /* the range holding all but 1e-4 of the mass at each end */
    for (k = 0; k < d->count; k++) {
        cum += d->prob[k];
        if (cum < 1e-4)
            first_k = k + 1;
        if (cum <= 1 - 1e-4)
            last_k = k + 1;
    }
    if (last_k >= d->count)
        last_k = d->count ? d->count - 1 : 0;
    if (first_k > last_k)
        first_k = last_k;
    lo = (double)(d->first + (int64_t)first_k * d->step);
    hi = (double)(d->first + (int64_t)last_k * d->step) + (double)d->step;
    if (d->has_target) {
        lo = fmin(lo, (double)d->target);
        hi = fmax(hi, (double)d->target + (double)d->step);
    }
    step = (hi - lo) / BARS;
    memset(bins, 0, sizeof bins);
    for (k = 0; k < d->count; k++) {
        double v = (double)(d->first + (int64_t)k * d->step);
        b = (int)floor((v - lo) / step);
        if (b >= 0 && b < BARS)
            bins[b] += d->prob[k];
    }
    for (b = 0; b < BARS; b++)
        if (bins[b] > maxp)
            maxp = bins[b];
    out = svg_open(path, width, height);
    if (out == NULL)
        return CLI_EXIT_ERROR;
    svg_text(out, width / 2.0, 30, "middle", 18, "#222", title);
    for (b = 0; b < BARS && maxp > 0; b++) {
        double h = plot_h * bins[b] / maxp;
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                     "fill=\"#5b8bd0\"/>\n",
                left + b * plot_w / BARS, top + plot_h - h, plot_w / BARS - 1, h);
    }
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n",
            left, top + plot_h, left + plot_w, top + plot_h);
    for (b = 0; b <= 4; b++) {
        double v = lo + (hi - lo) * b / 4;
        svg_text(out, left + plot_w * b / 4, top + plot_h + 18, "middle", 12, "#222",
                 svg_compact(buf, sizeof buf, v / per));
    }
    {
        struct { int64_t v; const char *name, *color; } marks[4] = {
            { d->p10, "P10", "#555" }, { d->p50, "P50", "#111" },
            { d->p90, "P90", "#555" }, { d->target, "target", "#c62828" },
        };
        int m, n = d->has_target ? 4 : 3;
        for (m = 0; m < n; m++) {
            double x = left + plot_w * ((double)marks[m].v - lo) / (hi - lo);
            char label[64];
            fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
                         "stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                    x, top, x, top + plot_h, marks[m].color,
                    m == 3 ? "" : " stroke-dasharray=\"5,4\"");
            snprintf(label, sizeof label, "%s %s", marks[m].name,
                     svg_compact(buf, sizeof buf, (double)marks[m].v / per));
            svg_text(out, x, top + plot_h + 36 + 14 * (m % 2), "middle", 12,
                     marks[m].color, label);
        }
    }
    return svg_close(out, path);
}
