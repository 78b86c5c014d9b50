/* SPDX-License-Identifier: MIT */
/* pbsc-yield: project the CD34+ yield of one apheresis session, and the volume for a goal. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"
#include "yield-lists.h"
#include "yield.h"

static const char prog[] = "pbsc-yield";

/* NAN is a float constant; DNAN keeps the arithmetic double (-Wdouble-promotion). */
#define DNAN ((double)NAN)

enum {
    OPT_CD34 = 256,
    OPT_CD34_UNIT,
    OPT_WEIGHT,
    OPT_WEIGHT_LB,
    OPT_RECIPIENT_WEIGHT,
    OPT_HEIGHT,
    OPT_SEX,
    OPT_BAND,
    OPT_VOLUME,
    OPT_TBV_MULTIPLE,
    OPT_WBC,
    OPT_CD34_EVENTS,
    OPT_DEVICE,
    OPT_CE,
    OPT_CE_SIGMA,
    OPT_COUNT_SLOPE,
    OPT_MODEL,
    OPT_GOAL,
    OPT_TARGET,
    OPT_LEVEL,
    OPT_PROBABILITY,
    OPT_MAX_TBV_MULTIPLE,
    OPT_MAX_LITRES,
    OPT_MAX_MINUTES,
    OPT_MAX_SESSIONS,
    OPT_FLOW,
    OPT_LIST_DEVICES,
    OPT_LIST_TARGETS,
    OPT_FORMAT,
    OPT_HELP,
    OPT_VERSION
};

static const struct option options[] = {
    {"cd34", required_argument, NULL, OPT_CD34},
    {"cd34-unit", required_argument, NULL, OPT_CD34_UNIT},
    {"weight", required_argument, NULL, OPT_WEIGHT},
    {"weight-lb", required_argument, NULL, OPT_WEIGHT_LB},
    {"recipient-weight", required_argument, NULL, OPT_RECIPIENT_WEIGHT},
    {"height", required_argument, NULL, OPT_HEIGHT},
    {"sex", required_argument, NULL, OPT_SEX},
    {"band", required_argument, NULL, OPT_BAND},
    {"volume", required_argument, NULL, OPT_VOLUME},
    {"tbv-multiple", required_argument, NULL, OPT_TBV_MULTIPLE},
    {"wbc", required_argument, NULL, OPT_WBC},
    {"cd34-events", required_argument, NULL, OPT_CD34_EVENTS},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"ce", required_argument, NULL, OPT_CE},
    {"ce-sigma", required_argument, NULL, OPT_CE_SIGMA},
    {"count-slope", required_argument, NULL, OPT_COUNT_SLOPE},
    {"model", required_argument, NULL, OPT_MODEL},
    {"goal", required_argument, NULL, OPT_GOAL},
    {"target", required_argument, NULL, OPT_TARGET},
    {"level", required_argument, NULL, OPT_LEVEL},
    {"probability", required_argument, NULL, OPT_PROBABILITY},
    {"max-tbv-multiple", required_argument, NULL, OPT_MAX_TBV_MULTIPLE},
    {"max-litres", required_argument, NULL, OPT_MAX_LITRES},
    {"max-minutes", required_argument, NULL, OPT_MAX_MINUTES},
    {"max-sessions", required_argument, NULL, OPT_MAX_SESSIONS},
    {"flow", required_argument, NULL, OPT_FLOW},
    {"list-devices", no_argument, NULL, OPT_LIST_DEVICES},
    {"list-targets", no_argument, NULL, OPT_LIST_TARGETS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

/* --cd34-unit words, in pbsc_cd34_unit order; "%" (of the WBC) is ours, last. */
static const char *const cd34_units[] = {"ul", "e6/L", "e3/mL", "mL", "e6/mL", "%", NULL};
#define CD34_UNIT_PERCENT 5
static const char *const sexes[] = {"m", "f", NULL};
static const char *const bands[] = {"adult", "child", "neonate", NULL};

/* What the user asked for; NAN / NULL / 0 = not given (the parser never yields NAN). */

static void
usage(void)
{
    printf("Usage: %s --cd34 N --weight KG (--volume L | --tbv-multiple X | --goal D) "
           "[OPTION]...\n"
           "       %s --list-devices | --list-targets [--format=F]\n"
           "Project the CD34+ yield of one apheresis session (median, interval, P(yield >= "
           "goal))\nand the blood volume to process for a goal dose.\n\n",
           prog, prog);
    fputs("Patient and count:\n"
          "  --cd34 N               pre-apheresis PB CD34 (required)\n"
          "  --cd34-unit U          ul (default), e6/L, e3/mL, mL, e6/mL, or % (of the WBC;\n"
          "                         needs --wbc)\n"
          "  --weight KG            weight of the person apheresed (or --weight-lb LB)\n"
          "  --recipient-weight KG  weight of the recipient (default: autologous)\n"
          "  --height CM, --sex m|f for Nadler's blood volume; else --band "
          "adult|child|neonate\n"
          "  --wbc X                WBC, x10^9/L (counting error; % unit)\n"
          "  --cd34-events N        CD34+ events the count rests on (counting error)\n"
          "Session:\n"
          "  --volume L             blood volume to process, litres, or\n"
          "  --tbv-multiple X       as a multiple of the total blood volume\n"
          "  --device ID            a CE preset (see --list-devices), or\n"
          "  --ce F [--ce-sigma S]  your own CE2 median (fraction) and SD of ln CE\n",
          stdout);
    printf("                         (default: --device %s; --ce-sigma %.3f)\n",
           pbsc_ce_default()->id, pbsc_ce_default()->sigma);
    puts("  --model FILE           or a site model (pbsc-model(5), from pbsc-calibrate): its\n"
         "                         CE, at --wbc when the site's CE depends on the WBC, and\n"
         "                         its yield slopes\n"
         "  --count-slope B        the yield grows as the count to the power B (default\n"
         "                         0.8595, a donor's 0.7559; 1 = proportional)");
    puts("Goal:\n"
         "  --goal D               dose, x10^6 CD34+/kg recipient\n"
         "  --target ID            a target preset (see --list-targets); --goal overrides\n"
         "  --level P              interval level (default 0.90)\n"
         "  --probability P        confidence of the volume for the goal (default 0.90)\n"
         "  --max-tbv-multiple X, --max-litres L, --max-minutes M --flow ML_MIN\n"
         "                         per-session caps: print the sessions the goal needs\n"
         "  --max-sessions N       at most N sessions for the goal (default 4)\n"
         "Output:\n"
         "  --format=F             text (default), json or tsv\n"
         "  --list-devices, --list-targets   print the presets and their sources\n"
         "  --help, --version\n\n"
         "Exit status: 0 success, 1 bad input, 2 usage error.");
}

static void
opts_init(opts *o)
{
    memset(o, 0, sizeof *o);
    o->cd34 = o->weight = o->weight_lb = o->recipient = o->height = DNAN;
    o->volume = o->tbv_multiple = o->wbc = o->cd34_events = DNAN;
    o->ce = o->ce_sigma = o->goal = o->count_slope = DNAN;
    o->level = 0.90;
    o->probability = 0.90;
    o->sex = PBSC_SEX_UNKNOWN;
    o->band = PBSC_BAND_ADULT;
    o->format = CLI_FORMAT_TEXT;
    pbsc_caps_init(&o->caps);
}

/* The option's number argument into *dst; "--name" for the messages. */
static int
number(int c, const char *arg, double *dst)
{
    char opt[40];
    const struct option *p;

    for (p = options; p->name != NULL && p->val != c; p++)
        ;
    snprintf(opt, sizeof opt, "--%s", p->name != NULL ? p->name : "?");
    return cli_parse_double(prog, opt, arg, dst);
}

static double *
number_slot(opts *o, int c)
{
    switch (c) {
    case OPT_CD34:
        return &o->cd34;
    case OPT_WEIGHT:
        return &o->weight;
    case OPT_WEIGHT_LB:
        return &o->weight_lb;
    case OPT_RECIPIENT_WEIGHT:
        return &o->recipient;
    case OPT_HEIGHT:
        return &o->height;
    case OPT_VOLUME:
        return &o->volume;
    case OPT_TBV_MULTIPLE:
        return &o->tbv_multiple;
    case OPT_WBC:
        return &o->wbc;
    case OPT_CD34_EVENTS:
        return &o->cd34_events;
    case OPT_CE:
        return &o->ce;
    case OPT_CE_SIGMA:
        return &o->ce_sigma;
    case OPT_COUNT_SLOPE:
        return &o->count_slope;
    case OPT_GOAL:
        return &o->goal;
    case OPT_LEVEL:
        return &o->level;
    case OPT_PROBABILITY:
        return &o->probability;
    case OPT_MAX_TBV_MULTIPLE:
        return &o->caps.tbv_multiple;
    case OPT_MAX_LITRES:
        return &o->caps.litres;
    case OPT_MAX_MINUTES:
        return &o->caps.minutes;
    case OPT_MAX_SESSIONS:
        return &o->caps.sessions;
    case OPT_FLOW:
        return &o->caps.flow_ml_min;
    default:
        return NULL;
    }
}

/* One option that is not a plain number. */
static int
word_option(opts *o, int c, const char *arg)
{
    int i = 0, rc = CLI_EXIT_OK;

    switch (c) {
    case OPT_CD34_UNIT:
        rc = cli_parse_choice(prog, "--cd34-unit", arg, cd34_units, &o->cd34_unit);
        break;
    case OPT_SEX:
        if ((rc = cli_parse_choice(prog, "--sex", arg, sexes, &i)) == CLI_EXIT_OK)
            o->sex = i == 0 ? PBSC_SEX_MALE : PBSC_SEX_FEMALE;
        break;
    case OPT_BAND:
        if ((rc = cli_parse_choice(prog, "--band", arg, bands, &i)) == CLI_EXIT_OK)
            o->band = (pbsc_band)i;
        break;
    case OPT_DEVICE:
        o->device = arg;
        break;
    case OPT_MODEL:
        o->model = arg;
        break;
    case OPT_TARGET:
        o->target = arg;
        break;
    case OPT_FORMAT:
        rc = cli_parse_format(prog, "--format", arg, &o->format);
        break;
    case OPT_LIST_DEVICES:
        o->list_devices = 1;
        break;
    case OPT_LIST_TARGETS:
        o->list_targets = 1;
        break;
    default:
        rc = CLI_EXIT_USAGE;
        break;
    }
    return rc;
}

/* Combinations that cannot mean anything; checked in a fixed order for stable messages. */
static int
check_combinations(const opts *o)
{
    if (o->list_devices && o->list_targets)
        return cli_usage_error(prog, "--list-devices and --list-targets: give one");
    if (o->list_devices || o->list_targets)
        return CLI_EXIT_OK;
    if (isnan(o->cd34))
        return cli_usage_error(prog, "--cd34 is required");
    if (!isnan(o->weight) && !isnan(o->weight_lb))
        return cli_usage_error(prog, "--weight and --weight-lb: give one");
    if (isnan(o->weight) && isnan(o->weight_lb))
        return cli_usage_error(prog, "--weight (or --weight-lb) is required");
    if (o->cd34_unit == CD34_UNIT_PERCENT && isnan(o->wbc))
        return cli_usage_error(prog, "--cd34-unit %%: needs --wbc");
    if (!isnan(o->volume) && !isnan(o->tbv_multiple))
        return cli_usage_error(prog, "--volume and --tbv-multiple: give one");
    if (o->device != NULL && !isnan(o->ce))
        return cli_usage_error(prog, "--device and --ce: give one");
    if (o->model != NULL && (o->device != NULL || !isnan(o->ce)))
        return cli_usage_error(prog, "--model and %s: give one",
                               o->device != NULL ? "--device" : "--ce");
    if (!isnan(o->ce_sigma) && isnan(o->ce))
        return cli_usage_error(prog, "--ce-sigma: needs --ce");
    if (isnan(o->caps.minutes) != isnan(o->caps.flow_ml_min))
        return cli_usage_error(prog, "--max-minutes and --flow: give both or neither");
    if (isnan(o->volume) && isnan(o->tbv_multiple) && isnan(o->goal) && o->target == NULL)
        return cli_usage_error(prog, "give --volume or --tbv-multiple, or a --goal (or "
                                     "--target) for the volume it needs");
    if (isnan(o->goal) && o->target == NULL &&
        (!isnan(o->caps.tbv_multiple) || !isnan(o->caps.litres) || !isnan(o->caps.minutes)))
        return cli_usage_error(prog, "--max-tbv-multiple, --max-litres, --max-minutes: "
                                     "need a --goal (or --target)");
    /* 4 is pbsc_caps_init()'s: any other count was given, and means nothing without a cap */
    if ((o->caps.sessions != 4.0 || isnan(o->caps.sessions)) && isnan(o->caps.tbv_multiple) &&
        isnan(o->caps.litres) && isnan(o->caps.minutes))
        return cli_usage_error(prog, "--max-sessions: needs a per-session cap (--max-tbv-multiple, "
                                     "--max-litres or --max-minutes)");
    return CLI_EXIT_OK;
}

static int
parse_args(int argc, char *argv[], opts *o)
{
    int c, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        double *slot;

        if (c == '?' || c == ':')
            return cli_getopt_error(prog, c, argv, options);
        if (c == OPT_HELP) {
            usage();
            return -1;
        }
        if (c == OPT_VERSION) {
            cli_print_version(prog);
            return -1;
        }
        slot = number_slot(o, c);
        rc = slot != NULL ? number(c, optarg, slot) : word_option(o, c, optarg);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    if (optind < argc)
        return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
    return check_combinations(o);
}

/* ---- computing --------------------------------------------------------------------- */

/* The inputs in canonical units, the CE model and the goal. */
/* The site model's yield model v2 (pbsc_yield_project(3)): its count slope and reference, a
 * donor's when there is a recipient, its CE volume slope, the count after an apheresis. */
static void
model_shape(const pbsc_model *m, pbsc_session *s)
{
    pbsc_model_params p;
    int donor = !isnan(s->recipient_kg);

    pbsc_model_params_init(&p);
    if (pbsc_model_get(m, &p) != PBSC_OK)
        return;
    s->count_ref = donor ? p.count_ref_donor : p.count_ref;
    s->count_slope = donor ? p.count_slope_donor : p.count_slope;
    s->volume_slope = p.ce_volume_slope;
    s->volume_ref = p.ce_volume_slope != 0.0 ? p.ce_volume_ref : DNAN;
    s->count_ratio = p.apheresis_ratio;
}

static int
resolve_inputs(const opts *o, result *r, pbsc_diag *d)
{
    int rc;

    pbsc_session_init(&r->s);
    if (o->cd34_unit == CD34_UNIT_PERCENT)
        rc = pbsc_cd34_from_percent(o->cd34, o->wbc, &r->s.cd34, d);
    else
        rc = pbsc_cd34_convert(o->cd34, (pbsc_cd34_unit)o->cd34_unit, &r->s.cd34, d);
    if (rc != PBSC_OK)
        return rc;
    r->s.weight_kg = o->weight;
    if (!isnan(o->weight_lb) && (rc = pbsc_lb_to_kg(o->weight_lb, &r->s.weight_kg, d)) != 0)
        return rc;
    r->s.recipient_kg = o->recipient;
    r->s.height_cm = o->height;
    r->s.sex = o->sex;
    r->s.band = o->band;
    r->s.wbc = o->wbc;
    r->s.cd34_events = o->cd34_events;

    r->ce = pbsc_ce_default();
    if (r->model != NULL) { /* the site's CE at this WBC (its reference when not given) */
        if ((rc = pbsc_model_ce(r->model, o->wbc, DNAN, &r->user_ce, d)) != PBSC_OK)
            return rc;
        r->ce = &r->user_ce;
        model_shape(r->model, &r->s);
    }
    if (o->device != NULL && (rc = pbsc_ce_find(o->device, &r->ce, d)) != PBSC_OK)
        return rc;
    if (!isnan(o->ce)) {
        double sigma = isnan(o->ce_sigma) ? pbsc_ce_default()->sigma : o->ce_sigma;

        if ((rc = pbsc_ce_user(o->ce, sigma, &r->user_ce, d)) != PBSC_OK)
            return rc;
        r->ce = &r->user_ce;
    }
    if (!isnan(o->count_slope)) /* over the model's: the caller's own */
        r->s.count_slope = o->count_slope;
    if (o->target != NULL && (rc = pbsc_target_find(o->target, &r->target, d)) != PBSC_OK)
        return rc;
    r->goal = !isnan(o->goal) ? o->goal : r->target != NULL ? r->target->goal : DNAN;
    return pbsc_check(PBSC_Q_LEVEL, o->level, d);
}

/* One session's volume for the goal at probability p, or NAN and why not: unreachable is an
 * answer (beyond 5.3 x TBV, a count of 0), not an input error. */
static int
goal_volume(const result *r, const pbsc_session *s, double p, double *v, char *why,
            size_t size, pbsc_diag *d)
{
    int rc = pbsc_yield_volume(s, r->ce, r->goal, p, v, d);

    if (rc == PBSC_E_UNREACHABLE) {
        *v = DNAN;
        snprintf(why, size, "%s", d->text);
        return PBSC_OK;
    }
    return rc;
}

/* The volume for the goal (median and at --probability) and the sessions under the caps;
 * feasible when one session (no caps given) or the sessions the caps allow reach the goal. */
static int
goal_volumes(const opts *o, result *r, pbsc_diag *d)
{
    pbsc_session s = r->s;
    int rc;

    /* The volume is the unknown here: the session's own volume must not constrain it. */
    s.volume_l = DNAN;
    s.tbv_multiple = DNAN;
    if ((rc = goal_volume(r, &s, 0.5, &r->vol_goal_median, r->why_median,
                          sizeof r->why_median, d)) != PBSC_OK ||
        (rc = goal_volume(r, &s, o->probability, &r->vol_goal_p, r->why_p, sizeof r->why_p,
                          d)) != PBSC_OK)
        return rc;
    r->feasible = !isnan(r->vol_goal_p);
    snprintf(r->unreachable, sizeof r->unreachable, "%s", r->why_p);
    if (isnan(o->caps.tbv_multiple) && isnan(o->caps.litres) && isnan(o->caps.minutes))
        return PBSC_OK;
    rc = pbsc_yield_sessions(&s, r->ce, &o->caps, r->goal, o->probability, &r->sessions,
                             &r->litres_per_session, d);
    if (rc == PBSC_E_UNREACHABLE) { /* too many sessions: an answer, not an input error */
        r->feasible = 0;
        snprintf(r->unreachable, sizeof r->unreachable, "%s", d->text);
        return PBSC_OK;
    }
    r->have_sessions = r->feasible = rc == PBSC_OK;
    if (r->feasible)
        r->unreachable[0] = '\0';
    return rc;
}

static int
compute(const opts *o, const pbsc_model *model, result *r, pbsc_diag *d)
{
    int rc;

    memset(r, 0, sizeof *r);
    r->o = o;
    r->model = model;
    r->volume_l = r->tbv_multiple = r->goal = DNAN;
    r->vol_goal_median = r->vol_goal_p = r->litres_per_session = DNAN;
    if ((rc = resolve_inputs(o, r, d)) != PBSC_OK)
        return rc;
    if ((rc = pbsc_session_tbv(&r->s, &r->tbv_l, d)) != PBSC_OK)
        return rc;
    if (!isnan(o->volume) || !isnan(o->tbv_multiple)) {
        r->s.volume_l = o->volume;
        r->s.tbv_multiple = o->tbv_multiple;
        rc = pbsc_yield_project(&r->s, r->ce, o->level, r->goal, &r->proj, d);
        if (rc != PBSC_OK)
            return rc;
        r->projected = 1;
        r->volume_l = r->proj.volume_l;
        r->tbv_multiple = r->proj.volume_l / r->proj.tbv_l;
    }
    if (!isnan(r->goal) && (rc = goal_volumes(o, r, d)) != PBSC_OK)
        return rc;
    return PBSC_OK;
}

static int
list_presets(const opts *o)
{
    int rc = 0;

    if (o->format == CLI_FORMAT_JSON)
        o->list_devices ? yield_list_devices_json() : yield_list_targets_json();
    else if (o->format == CLI_FORMAT_TSV)
        o->list_devices ? yield_list_devices_tsv() : yield_list_targets_tsv();
    else
        rc = o->list_devices ? yield_list_devices_text() : yield_list_targets_text();
    if (rc != 0)
        return cli_input_error(prog, "out of memory");
    return cli_finish(prog, CLI_EXIT_OK);
}

int
main(int argc, char *argv[])
{
    opts o;
    result r;
    pbsc_model *model = NULL;
    pbsc_diag d;
    int rc;

    opts_init(&o);
    rc = parse_args(argc, argv, &o);
    if (rc < 0)
        return cli_finish(prog, CLI_EXIT_OK); /* --help or --version */
    if (rc != CLI_EXIT_OK)
        return rc;
    if (o.list_devices || o.list_targets)
        return list_presets(&o);

    if (o.model != NULL && (rc = cli_model_read(prog, o.model, &model)) != CLI_EXIT_OK)
        return rc;
    pbsc_diag_clear(&d);
    rc = compute(&o, model, &r, &d);
    if (rc != PBSC_OK) {
        pbsc_model_free(model);
        return cli_diag_error(prog, rc, &d);
    }
    rc = CLI_EXIT_OK;
    if (o.format == CLI_FORMAT_JSON)
        yield_print_json(&r);
    else if (o.format == CLI_FORMAT_TSV)
        yield_print_tsv(&r);
    else if (yield_print_text(&r) != 0)
        rc = cli_input_error(prog, "out of memory");
    pbsc_model_free(model); /* r.ce's strings are the model's: freed only now */
    return rc == CLI_EXIT_OK ? cli_finish(prog, CLI_EXIT_OK) : rc;
}
