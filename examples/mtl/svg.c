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

/* The advance of one character in em (DejaVu Sans, rounded up a little):
 * the charts size their margins from it, so that no label is cut off. */
static double char_em(unsigned long c)
{
    if (c >= 0x1100 && (c <= 0x115F || (c >= 0x2E80 && c <= 0xA4CF) ||
                        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                        (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                        (c >= 0xFFE0 && c <= 0xFFE6) || c >= 0x20000))
        return 1.0; /* East Asian wide */
    if (c >= '0' && c <= '9')
        return 0.64;
    if (c == ' ' || c == '.' || c == ',' || c == ':' || c == ';' || c == '\'' ||
        c == '!' || c == '|' || c == 'i' || c == 'j' || c == 'l' || c == '(' || c == ')')
        return 0.36;
    if (c == '%' || c == 'm' || c == 'w' || c == 'M' || c == 'W')
        return 0.95;
    if (c >= 'A' && c <= 'Z')
        return 0.72;
    return c < 0x80 ? 0.62 : 0.7;
}

double svg_text_width(const char *text, int size)
{
    const unsigned char *p = (const unsigned char *)text;
    double em = 0;
    while (*p) {
        unsigned long c = *p;
        int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (extra)
            c &= 0x3Fu >> extra;
        p++;
        while (extra-- > 0 && (*p & 0xC0) == 0x80)
            c = (c << 6) | (*p++ & 0x3Fu);
        em += char_em(c);
    }
    return em * size;
}

void svg_short_name(char *buf, size_t capacity, const char *name, double max_px,
                       int size)
{
    size_t cut = strlen(name);
    if (capacity < 8)
        return;
    if (cut >= capacity - 4)
        cut = capacity - 4;
    for (;;) {
        while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80)
            cut--;
        memcpy(buf, name, cut);
        buf[cut] = 0;
        if (cut < strlen(name))
            memcpy(buf + cut, "\xE2\x80\xA6", 4);
        if (cut == 0 || svg_text_width(buf, size) <= max_px)
            return;
        cut--;
    }
}

int svg_funnel(const char *path, const char *title, const svg_funnel_bar *bars,
               size_t count)
{
    const int top = 56, bar_h = 34, gap = 8, pad = 20;
    const double span = 450;
    int height = top + (int)count * (bar_h + gap) + 24;
    double max = 0, left = 90, right = 220, width, cx;
    size_t k;
    FILE *out;
    /* margins wide enough for the longest stage name and note */
    for (k = 0; k < count; k++) {
        if (bars[k].value > max)
            max = bars[k].value;
        left = fmax(left, pad + 10 + svg_text_width(bars[k].label, 14));
        if (bars[k].note)
            right = fmax(right, 10 + svg_text_width(bars[k].note, 13) + pad);
    }
    width = ceil(fmax(left + span + right, svg_text_width(title, 18) + 2 * pad));
    cx = left + span / 2;
    out = svg_open(path, (int)width, height);
    if (out == NULL)
        return CLI_EXIT_ERROR;
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
            svg_text(out, left + span + 10, y + bar_h / 2.0 + 5, "start", 13, "#444",
                     bars[k].note);
    }
    return svg_close(out, path);
}

/* ---- the distribution ---------------------------------------------------- */

double svg_nice_step(double range, int n)
{
    double raw = range / n, mag, f;
    if (!(raw > 0) || !isfinite(raw))
        return 1;
    mag = pow(10, floor(log10(raw)));
    f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

/* The unit of compact amounts around magnitude a: 1e9 "B", 1e6 "M", 1e3 "k". */
static double compact_unit(double a, const char **suffix)
{
    a = fabs(a);
    *suffix = a >= 1e9 ? "B" : a >= 1e6 ? "M" : a >= 1e3 ? "k" : "";
    return a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : a >= 1e3 ? 1e3 : 1;
}

/* An axis label: v in the unit of the largest tick, with the decimals the
 * step needs ("8.25M" for steps of 250k), so that no two ticks read alike. */
static const char *tick_label(char *buf, size_t capacity, double v, double step,
                              double largest)
{
    const char *suffix;
    double unit = compact_unit(largest, &suffix);
    int decimals = (int)ceil(-log10(step / unit) - 1e-9);
    if (decimals < 0)
        decimals = 0;
    if (decimals > 4)
        decimals = 4;
    if (fabs(v) < step / 1e6)
        return "0";
    snprintf(buf, capacity, "%.*f%s", decimals, v / unit, suffix);
    return buf;
}

/* A marker value with three significant digits: "8.29M", "420", "12.5k". */
static const char *marker_value(char *buf, size_t capacity, double v)
{
    const char *suffix;
    double unit = compact_unit(v, &suffix), x = fabs(v) / unit;
    int decimals = x >= 100 ? 0 : x >= 10 ? 1 : 2;
    if (unit == 1 && x == floor(x))
        decimals = 0; /* whole amounts below 1,000 as they are */
    snprintf(buf, capacity, "%.*f%s", decimals, v / unit, suffix);
    return buf;
}

int svg_histogram(const char *path, const char *title, const svg_distribution *d)
{
    enum { BARS = 80, MARKS = 4, ROW_H = 15 };
    const int width = 820, left = 84, right = 36, bottom = 76, plot_top_min = 44;
    const double plot_h = 280, plot_w = width - left - right;
    double bins[BARS], lo, hi, step, maxp = 0, cum = 0, per = (double)d->minor_per_major;
    double ystep, ymax, xstep, lo_m, hi_m, t, largest, hit = 0, top;
    size_t k, first_k = 0, last_k = d->count ? d->count - 1 : 0;
    char buf[64], vbuf[32];
    int b, m, n, rows = 1, height, discrete, bars = BARS;
    size_t values = 0;
    struct {
        double value; /* minor units */
        const char *name, *color;
        char label[96];
        double x, lx, w;
        int row;
    } marks[MARKS];
    int order[MARKS];
    double row_end[MARKS];
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
    /* a (nearly) certain revenue: show 2% of its size around it, not one
     * grid step, so that the axis has readable ticks */
    t = fmax(fabs(lo), fabs(hi)) * 0.02;
    if (hi - lo < t) {
        double c = (lo + hi) / 2, base = lo;
        lo = c - t / 2;
        hi = c + t / 2;
        if (base >= 0 && lo < 0) {
            hi -= lo;
            lo = 0;
        }
    }
    if (!(hi > lo))
        hi = lo + (per > 0 ? per : 1);
    /* a margin of 2% at each end keeps markers off the axis */
    t = (hi - lo) * 0.02;
    lo = lo - t < 0 && lo >= 0 ? 0 : lo - t;
    hi += t;
    /* bins of a whole number of grid steps, their edges half a step off the
     * grid: each bin holds the same number of grid values (no aliasing) */
    if (d->step > 0) {
        double g = (double)d->step;
        step = g * ceil((hi - lo) / BARS / g - 1e-9);
        lo = (double)d->first + g * floor((lo - (double)d->first) / g) - g / 2;
        bars = (int)ceil((hi - lo) / step - 1e-9);
        if (bars > BARS) {
            step += g;
            bars = (int)ceil((hi - lo) / step - 1e-9);
        }
        if (bars < 1)
            bars = 1;
        hi = lo + bars * step;
    } else {
        step = (hi - lo) / BARS;
    }
    /* few values with mass (a handful of deals): one bar per value, centred
     * on it, instead of bins that would put it off its marker */
    for (k = 0; k < d->count; k++)
        if (d->prob[k] > 1e-12 && ++values > BARS)
            break;
    discrete = values <= BARS;
    memset(bins, 0, sizeof bins);
    for (k = 0; k < d->count; k++) {
        double v = (double)(d->first + (int64_t)k * d->step);
        if (d->has_target && v >= (double)d->target)
            hit += d->prob[k];
        if (discrete) {
            if (d->prob[k] > maxp)
                maxp = d->prob[k];
            continue;
        }
        b = (int)floor((v - lo) / step);
        if (b >= 0 && b < bars)
            bins[b] += d->prob[k];
    }
    for (b = 0; b < bars && !discrete; b++)
        if (bins[b] > maxp)
            maxp = bins[b];
    ystep = svg_nice_step(maxp > 0 ? maxp : 1, 4);
    ymax = ystep * ceil((maxp > 0 ? maxp : 1) / ystep - 1e-9);

    /* the markers' labels go above the plot, in as many rows as it takes
     * for none to overlap another or leave the picture */
    n = d->has_target ? 4 : 3;
    marks[0].value = (double)d->p10, marks[0].name = "P10", marks[0].color = "#555";
    marks[1].value = (double)d->p50, marks[1].name = "P50", marks[1].color = "#111";
    marks[2].value = (double)d->p90, marks[2].name = "P90", marks[2].color = "#555";
    marks[3].value = (double)d->target, marks[3].name = "target", marks[3].color = "#c62828";
    for (m = 0; m < n; m++) {
        marker_value(vbuf, sizeof vbuf, marks[m].value / per);
        if (m == 3)
            snprintf(marks[m].label, sizeof marks[m].label, "target %s, P(reach) %.1f%%",
                     vbuf, 100 * fmin(hit, 1.0));
        else if (m > 0 && marks[m].value == marks[m - 1].value)
            marks[m].label[0] = '\0'; /* "P10 = P50 ..." on the first */
        else if (m < 2 && marks[m].value == marks[m + 1].value)
            snprintf(marks[m].label, sizeof marks[m].label, "%s%s %s", marks[m].name,
                     m == 0 && marks[1].value == marks[2].value ? " = P50 = P90"
                                                                : m == 0 ? " = P50" : " = P90",
                     vbuf);
        else
            snprintf(marks[m].label, sizeof marks[m].label, "%s %s", marks[m].name, vbuf);
        marks[m].x = left + plot_w * (marks[m].value - lo) / (hi - lo);
        marks[m].w = svg_text_width(marks[m].label, 12);
        marks[m].lx = fmin(fmax(marks[m].x, 6 + marks[m].w / 2), width - 6 - marks[m].w / 2);
        order[m] = m;
    }
    for (m = 1; m < n; m++) { /* by label position (insertion sort) */
        int o = order[m], j = m;
        while (j > 0 && marks[order[j - 1]].lx > marks[o].lx) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = o;
    }
    for (m = 0; m < MARKS; m++)
        row_end[m] = -1e9;
    for (m = 0; m < n; m++) {
        int o = order[m], r = 0;
        marks[o].row = 0;
        if (marks[o].label[0] == '\0')
            continue;
        while (r < MARKS - 1 && marks[o].lx - marks[o].w / 2 < row_end[r] + 10)
            r++;
        marks[o].row = r;
        row_end[r] = marks[o].lx + marks[o].w / 2;
        if (r + 1 > rows)
            rows = r + 1;
    }
    top = plot_top_min + rows * ROW_H + 12;
    height = (int)ceil(top + plot_h + bottom);

    out = svg_open(path, width, height);
    if (out == NULL)
        return CLI_EXIT_ERROR;
    svg_text(out, width / 2.0, 28, "middle", 18, "#222", title);

    /* y axis: probability per bar, light grid lines */
    for (t = 0; t <= ymax * (1 + 1e-9); t += ystep) {
        double y = top + plot_h - plot_h * t / ymax;
        int dec = 100 * ystep >= 1 ? 0 : 100 * ystep >= 0.1 ? 1 : 2;
        if (t > 0)
            fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                         "stroke=\"#e6e6e6\"/>\n", left, y, left + plot_w, y);
        snprintf(buf, sizeof buf, "%.*f%%", dec, 100 * t);
        svg_text(out, left - 8, y + 4, "end", 12, "#222", buf);
    }
    fprintf(out, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
                 "fill=\"#444\" transform=\"rotate(-90 18 %.1f)\">%s</text>\n",
            top + plot_h / 2, top + plot_h / 2,
            discrete ? "probability" : "probability per bar");

    for (k = 0; discrete && k < d->count; k++) {
        double v = (double)(d->first + (int64_t)k * d->step), h = plot_h * d->prob[k] / ymax;
        double x = left + plot_w * (v - lo) / (hi - lo), w = plot_w / BARS - 1;
        if (d->prob[k] <= 1e-12 || v < lo || v > hi)
            continue;
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                     "fill=\"#5b8bd0\"/>\n",
                x - w / 2, top + plot_h - fmax(h, 0.5), w, fmax(h, 0.5));
    }
    for (b = 0; !discrete && b < bars; b++) {
        double h = plot_h * bins[b] / ymax;
        if (bins[b] <= 0)
            continue;
        if (h < 0.5)
            h = 0.5; /* a visible sliver for a tail bar */
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                     "fill=\"#5b8bd0\"/>\n",
                left + b * plot_w / bars, top + plot_h - h, plot_w / bars - 1, h);
    }
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n",
            left, top + plot_h, left + plot_w, top + plot_h);
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/>\n",
            left, top, left, top + plot_h);

    /* x axis: round values in major units */
    lo_m = lo / per;
    hi_m = hi / per;
    xstep = svg_nice_step(hi_m - lo_m, 6);
    largest = fmax(fabs(floor(lo_m / xstep) * xstep), fabs(floor(hi_m / xstep) * xstep));
    for (t = ceil(lo_m / xstep - 1e-9) * xstep; t <= hi_m + xstep * 1e-9; t += xstep) {
        double x = left + plot_w * (t - lo_m) / (hi_m - lo_m);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                     "stroke=\"#222\"/>\n", x, top + plot_h, x, top + plot_h + 5);
        svg_text(out, x, top + plot_h + 19, "middle", 12, "#222",
                 tick_label(buf, sizeof buf, t, xstep, largest));
    }
    if (discrete)
        snprintf(buf, sizeof buf, "period revenue, major units");
    else
        snprintf(buf, sizeof buf, "period revenue, major units (one bar: %s)",
                 marker_value(vbuf, sizeof vbuf, step / per));
    svg_text(out, left + plot_w / 2, top + plot_h + 44, "middle", 12, "#444", buf);

    /* the markers: a line across the plot, the label above it */
    for (m = 0; m < n; m++) {
        double ly = top - 12 - marks[m].row * ROW_H;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                     "stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                marks[m].x, top, marks[m].x, top + plot_h, marks[m].color,
                m == 3 ? "" : " stroke-dasharray=\"5,4\"");
        if (marks[m].label[0] != '\0')
            svg_text(out, marks[m].lx, ly, "middle", 12, marks[m].color, marks[m].label);
    }
    return svg_close(out, path);
}
