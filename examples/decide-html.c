/* SPDX-License-Identifier: MIT */
/* pbsc-decide --format=html: one self-contained, printable page (A4): the recommendation in
 * sentences with its rule, provenance and warnings, the chart inline (chart.h), and the table
 * of days, what was recorded and what was advised in separate columns. No script, no
 * external style sheet, font or image; every text escaped (chart_xml). The page is also
 * well-formed XML, so that xmllint checks it as strictly as the SVG. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pbsc.h>

#include "chart.h"
#include "cli.h"
#include "decide.h"

/* Text on standard output, escaped. */
static void
esc(const char *s)
{
    chart_xml(stdout, s);
}

/* The screen and print style: on paper, one A4 page (a course of up to about 20 days) with
 * the chart beside the recommendation; on a narrow screen, one column. */
static const char style[] =
    "@page { size: A4; margin: 10mm; }\n"
    "html { font-family: \"DejaVu Sans\", \"Liberation Sans\", Arial, Helvetica, sans-serif;"
    " font-size: 10pt; color: #1a1a1a; background: #ffffff; }\n"
    "body { max-width: 1100px; margin: 0 auto; padding: 8px; }\n"
    "h1 { font-size: 14pt; margin: 0 0 1mm; }\n"
    "h2 { font-size: 10.5pt; margin: 2.5mm 0 1mm; border-bottom: 1px solid #888888; }\n"
    "p.facts { margin: 0.5mm 0; }\n"
    "div.top { display: grid; grid-template-columns: minmax(0, 600px) minmax(0, 1fr); gap: 5mm;"
    " align-items: start; }\n"
    "figure { margin: 0; }\n"
    "svg.chart { width: 100%; height: auto; display: block; }\n"
    "dl { margin: 0; }\n"
    "dt { font-weight: bold; margin-top: 1.2mm; }\n"
    "dd { margin: 0 0 0 3mm; }\n"
    "dd.advice { font-size: 1.1em; font-weight: bold; }\n"
    "ul.warnings { margin: 0; padding-left: 4mm; }\n"
    "section.provenance dl { font-size: 0.85em; }\n"
    "table { border-collapse: collapse; width: 100%; font-size: 0.85em; }\n"
    "th, td { border: 1px solid #b0b0b0; padding: 0.4mm 1mm; text-align: left;"
    " vertical-align: top; }\n"
    "th.group { text-align: center; background: #eeeeee; }\n"
    "td.num { text-align: right; }\n"
    "td.advice { white-space: nowrap; }\n"
    "span.unit { font-weight: normal; }\n"
    "tr.today td { background: #fff1c7; font-weight: bold; }\n"
    "span.rule { font-family: \"DejaVu Sans Mono\", monospace; font-size: 0.85em;"
    " color: #444444; font-weight: normal; }\n"
    "footer { margin-top: 2mm; font-size: 0.8em; color: #333333; border-top: 1px solid #888888;"
    " padding-top: 1mm; }\n"
    "@media screen and (max-width: 900px) { div.top { grid-template-columns: minmax(0, 1fr); } }\n"
    "@media print { html { font-size: 8pt; } body { padding: 0; max-width: none; }"
    " div.top { grid-template-columns: 132mm minmax(0, 1fr); gap: 4mm; }"
    " div.top, section.provenance, tr { break-inside: avoid; }"
    " table { font-size: 7.5pt; } th, td { padding: 0.2mm 0.8mm; } h2 { margin-top: 1.5mm; } }\n";

/* A sentence for each warning bit (pbsc.h's meaning of it), its name after it. */
static const char *
warning_sentence(unsigned bit)
{
    switch (bit) {
    case PBSC_W_PLERIXAFOR_EARLY:
        return "Plerixafor was recorded before day 4 of G-CSF.";
    case PBSC_W_CRCL_UNKNOWN:
        return "No creatinine clearance was given: the plerixafor dose assumes one above "
               "50 mL/min.";
    case PBSC_W_OFF_LABEL_DOSE:
        return "A creatinine clearance of 50 mL/min or less at 160 kg or more: the dose is "
               "outside the label.";
    case PBSC_W_DAY_GAP:
        return "Days are missing between two rows of the course.";
    case PBSC_W_AFTER_STOP:
        return "An apheresis or a dose was recorded after the course was stopped.";
    case PBSC_W_DOSE_NOT_GIVEN:
        return "A dose advised for an evening was not recorded.";
    case PBSC_W_DOSE_UNADVISED:
        return "A dose was recorded on an evening for which none was advised.";
    case PBSC_W_APHERESIS_UNADVISED:
        return "An apheresis was recorded on a day for which none was advised.";
    case PBSC_W_CHILD:
        return "Under 18: the plerixafor dose is weight-based and the blood volume "
               "paediatric.";
    case PBSC_W_AGE_UNKNOWN:
        return "A fixed dose was asked for, but the age is unknown: the dose is per kg.";
    default:
        return "A warning this program does not know.";
    }
}

static void
html_warnings(unsigned w)
{
    unsigned bit;

    if (w == 0) {
        fputs("<dd>None.</dd>\n", stdout);
        return;
    }
    fputs("<dd><ul class=\"warnings\">\n", stdout);
    for (bit = 1; bit != 0; bit <<= 1) {
        if (!(w & bit))
            continue;
        fputs("<li>", stdout);
        esc(warning_sentence(bit));
        fputs(" <span class=\"rule\">", stdout);
        esc(pbsc_warning_name(bit));
        fputs("</span></li>\n", stdout);
    }
    fputs("</ul></dd>\n", stdout);
}

/* <dt>term</dt><dd>text</dd> */
static void
item(const char *term, const char *text, const char *cls)
{
    fputs("<dt>", stdout);
    esc(term);
    fprintf(stdout, "</dt>\n<dd%s%s%s>", cls != NULL ? " class=\"" : "", cls != NULL ? cls : "",
            cls != NULL ? "\"" : "");
    esc(text);
    fputs("</dd>\n", stdout);
}

/* The policy applied: id, version and name, its source and how it was read. */
static void
html_policy(const result *r)
{
    const pbsc_policy_info *i = &r->info;

    fputs("<dt>Policy</dt>\n<dd>", stdout);
    esc(i->id);
    fputs(" version ", stdout);
    esc(i->version);
    fputs(", hash ", stdout);
    esc(i->hash);
    if (i->name != NULL && i->name[0] != '\0') {
        fputs(": ", stdout);
        esc(i->name);
    }
    fputs(". Source: ", stdout);
    esc(i->source);
    fputs(".", stdout);
    if (i->provenance != NULL && i->provenance[0] != '\0') {
        fputs(" Read: ", stdout);
        esc(i->provenance);
        fputs(".", stdout);
    }
    fputs("</dd>\n", stdout);
}

static void
html_recommendation(const result *r, const chart_parts *p)
{
    const pbsc_decision *f = r->final;

    fputs("<section class=\"advice\">\n<h2>Recommendation</h2>\n<dl>\n", stdout);
    item("Advice", p->today[0], "advice");
    item("Why", f->reason, NULL);
    item("Today and tonight", p->today[2], NULL);
    item("Collected", p->today[3], NULL);
    fputs("<dt>Warnings</dt>\n", stdout);
    html_warnings(f->warnings);
    fputs("</dl>\n</section>\n", stdout);
}

/* Where the advice comes from: the policy, the model, the library. */
static void
html_provenance(const result *r)
{
    const pbsc_decision *f = r->final;
    char model[400], a[32], b[32];

    fputs("<section class=\"provenance\">\n<h2>Provenance</h2>\n<dl>\n", stdout);
    html_policy(r);
    snprintf(model, sizeof model,
             "%s version %s%s, hash %s; its collection efficiency here %s, "
             "median %s, sigma %s.",
             f->model_id, f->model_version[0] != '\0' ? f->model_version : "-",
             f->model_fitted ? " (fitted to a site's history)" : "", f->model_hash, f->ce_id,
             chart_num(a, sizeof a, f->ce_median, 3), chart_num(b, sizeof b, f->ce_sigma, 3));
    item("Model", model, NULL);
    snprintf(model, sizeof model, "libpbsc %s.", f->library_version);
    item("Library", model, NULL);
    fputs("</dl>\n</section>\n", stdout);
}

/* ---- the table of days -------------------------------------------------------------- */

/* The recorded columns of the table, their headers and units. */
static const struct {
    size_t column;
    const char *head, *unit;
} recorded[] = {{COL_CD34, "PB CD34", "/uL"},         {COL_WBC, "WBC", "x10^9/L"},
                {COL_PLT, "platelets", "x10^9/L"},    {COL_HCT, "Hct", "%"},
                {COL_PLERIXAFOR, "plerixafor", "mg"}, {COL_MOTIXAFORTIDE, "motixafortide", "mg"},
                {COL_PROCESSED, "processed", "L"},    {COL_COLLECTED, "product", "x10^6/kg"}};
#define NRECORDED (sizeof recorded / sizeof recorded[0])

/* Whether the table shows a column: the count, the volume and the product always, the others
 * when a row shown records one. */
static int
column_used(const result *r, size_t column)
{
    size_t i;

    if (column == COL_CD34 || column == COL_PROCESSED || column == COL_COLLECTED)
        return 1;
    for (i = 0; i < r->shown; i++)
        if (!isnan(r->rows[i].v[column]))
            return 1;
    return 0;
}

static void
table_head(const result *r)
{
    size_t k, n = 0;

    for (k = 0; k < NRECORDED; k++)
        n += (size_t)column_used(r, recorded[k].column);
    fprintf(stdout,
            "<table>\n<thead>\n<tr><th rowspan=\"2\" scope=\"col\">day</th>"
            "<th colspan=\"%lu\" class=\"group\" scope=\"colgroup\">recorded</th>"
            "<th colspan=\"2\" class=\"group\" scope=\"colgroup\">advice</th></tr>\n<tr>",
            (unsigned long)n);
    for (k = 0; k < NRECORDED; k++) {
        if (!column_used(r, recorded[k].column))
            continue;
        fputs("<th scope=\"col\">", stdout);
        esc(recorded[k].head);
        fputs("<br/><span class=\"unit\">", stdout);
        esc(recorded[k].unit);
        fputs("</span></th>", stdout);
    }
    fputs("<th scope=\"col\">morning</th><th scope=\"col\">evening</th></tr>\n</thead>\n", stdout);
}

/* One point's advice: the action, the rule, and tonight's dose when there is one. */
static void
advice_cell(const pbsc_decision *p)
{
    char t[128], mg[32];

    fputs("<td class=\"advice\">", stdout);
    if (p == NULL) {
        fputs("-</td>", stdout);
        return;
    }
    esc(pbsc_action_name(p->action));
    if (p->decided_day != p->day || p->decided_moment != p->moment)
        fputs(" (repeated)", stdout);
    fputs(" <span class=\"rule\">", stdout);
    esc(p->rule);
    fputs("</span>", stdout);
    if (p->tonight.drug != PBSC_DRUG_NONE) {
        snprintf(t, sizeof t, "tonight %s %s mg (dose %d)", pbsc_drug_name(p->tonight.drug),
                 chart_num(mg, sizeof mg, p->tonight.mg, 1), p->tonight.number);
        fputs("<br/>", stdout);
        esc(t);
    }
    fputs("</td>", stdout);
}

static void
table_row(const result *r, size_t i, size_t *k)
{
    const row *w = &r->rows[i];
    const pbsc_decision *morning = NULL, *evening = NULL;
    size_t c;

    if (*k < r->npoints && r->points[*k].day == w->day && r->points[*k].moment == PBSC_MORNING)
        morning = &r->points[(*k)++];
    if (*k < r->npoints && r->points[*k].day == w->day && r->points[*k].moment == PBSC_EVENING)
        evening = &r->points[(*k)++];
    fprintf(stdout, "<tr%s><td class=\"num\">%ld</td>", i + 1 == r->shown ? " class=\"today\"" : "",
            w->day);
    for (c = 0; c < NRECORDED; c++) {
        char b[32];

        if (!column_used(r, recorded[c].column))
            continue;
        if (isnan(w->v[recorded[c].column]))
            fputs("<td class=\"num\">-</td>", stdout);
        else
            fprintf(stdout, "<td class=\"num\">%s</td>",
                    chart_num_g(b, sizeof b, w->v[recorded[c].column], 3));
    }
    advice_cell(morning);
    advice_cell(evening);
    fputs("</tr>\n", stdout);
}

static void
html_days(const result *r)
{
    size_t i, k = 0;

    fputs("<section>\n<h2>Days: what was recorded, what was advised</h2>\n", stdout);
    table_head(r);
    fputs("<tbody>\n", stdout);
    for (i = 0; i < r->shown; i++)
        table_row(r, i, &k);
    fputs("</tbody>\n</table>\n</section>\n", stdout);
}

/* ---- the page ----------------------------------------------------------------------- */

int
print_html(const result *r)
{
    chart_parts p;

    if (chart_build(r, &p) != 0) {
        chart_parts_free(&p);
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n<title>",
          stdout);
    esc(p.title);
    fprintf(stdout, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", style);
    esc(p.title);
    fputs("</h1>\n<p class=\"facts\">", stdout);
    esc(p.person);
    fputs("</p>\n<p class=\"facts\">", stdout);
    esc(p.provenance);
    fputs("</p>\n</header>\n<div class=\"top\">\n<figure>\n", stdout);
    chart_svg(stdout, &p.c, 1);
    fputs("</figure>\n", stdout);
    html_recommendation(r, &p);
    fputs("</div>\n", stdout);
    html_provenance(r);
    html_days(r);
    fputs("<footer>", stdout);
    esc(p.footer);
    fputs(". Decision support: the site's SOP and the physician decide.</footer>\n"
          "</body>\n</html>\n",
          stdout);
    chart_parts_free(&p);
    return 0;
}
