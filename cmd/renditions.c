/* SPDX-License-Identifier: MIT */
/* The renditions a run makes of each input (renditions.h). */
#include "renditions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgbatch/name.h"
#include "imgbatch/outpath.h"

#define MAX_RENDITIONS 64

/* The renditions as they are built, with what is needed to name them. */
struct builder {
    struct cli *c;
    struct ib_rendition *v;
    int n;
    /* What sets a rendition of the sizes of -s apart in its default name
     * (its size); NULL for a variant (its name does). */
    const char *tag[MAX_RENDITIONS];
    int named; /* some come from --variant or a recipe */
};

#define USAGE(context, ...) opt_usage_error(&cli_options, context, __VA_ARGS__)

/* ---- one rendition ----------------------------------------------------- */

static const struct ib_gravity crop_gravities[] = {
    [CROP_CENTRE] = {IB_GRAVITY_POINT, 0.5, 0.5},
    [CROP_ATTENTION] = {IB_GRAVITY_ATTENTION, 0, 0},
    [CROP_ENTROPY] = {IB_GRAVITY_ENTROPY, 0, 0},
};

static const char *const fit_names[] = {"inside", "cover", "contain", "fill",
                                        "outside"};

/* The fit, from --crop, the geometry's flag and --fit, which must agree.
 * -1 after a usage error. */
static int settle_fit(const struct output_opts *o, struct ib_rendition *r,
                      const char *context)
{
    int given = o->fit >= 0;
    enum ib_fit flag_fit = r->geometry.flag == IB_GEOM_EXACT   ? IB_FIT_FILL
                           : r->geometry.flag == IB_GEOM_COVER ? IB_FIT_OUTSIDE
                                                               : IB_FIT_INSIDE;
    r->fit = given ? (enum ib_fit)o->fit : flag_fit;
    if (o->crop != CROP_NONE) {
        /* --crop fills the box whatever the geometry's flag said. */
        if (given && o->fit != IB_FIT_COVER)
            return USAGE(context, "--crop needs --fit cover, not %s",
                         fit_names[o->fit]);
        if (o->gravity.given)
            return USAGE(context, "--crop and --gravity both place the "
                                  "crop: give --gravity only");
        r->fit = IB_FIT_COVER;
        r->gravity = crop_gravities[o->crop];
        return 0;
    }
    if (given && flag_fit != IB_FIT_INSIDE && flag_fit != r->fit)
        return USAGE(context, "the size's flag and --fit %s disagree",
                     fit_names[o->fit]);
    return 0;
}

static int settle_gravity(const struct output_opts *o, struct ib_rendition *r,
                          const char *context)
{
    if (o->gravity.given && o->crop == CROP_NONE)
        r->gravity = o->gravity.g;
    if (r->gravity.kind != IB_GRAVITY_POINT && r->fit != IB_FIT_COVER)
        return USAGE(context, "--gravity attention and entropy place a crop: "
                              "they need --fit cover");
    int box = r->geometry.kind == IB_GEOM_BOX && r->geometry.width &&
              r->geometry.height;
    if (r->fit != IB_FIT_INSIDE && !box)
        return USAGE(context, "--fit %s needs a size WxH, not '%s'",
                     fit_names[r->fit], r->size_text);
    return 0;
}

static void default_size(struct output_opts *o)
{
    char why[64];
    ib_geometry_parse("100x100", &o->sizes.g[0], why, sizeof(why));
    snprintf(o->sizes.text[0], sizeof(o->sizes.text[0]), "100x100");
    o->sizes.n = 1;
}

/* Rendition r of o, with its size i and format j. */
static int make(struct builder *b, const struct output_opts *o, int i, int j,
                struct ib_rendition *r, const char *context)
{
    *r = o->r;
    r->geometry = o->sizes.g[i];
    /* o may be a variant's copy of the options: the text must outlive it. */
    r->size_text = ib_arena_store(&b->c->strings, o->sizes.text[i],
                                  strlen(o->sizes.text[i]));
    r->format = o->formats.n ? o->formats.f[j] : IB_FMT_KEEP;
    return settle_fit(o, r, context) || settle_gravity(o, r, context) ? -1 : 0;
}

/* ---- names ------------------------------------------------------------- */

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* A variant name from a size ("50%" gives "50", "800x600^" "800x600"). */
static const char *name_from(struct ib_arena *a, const char *size,
                             const char *format)
{
    char name[96];
    size_t n = 0;
    for (const char *p = size; *p && n + 1 < sizeof(name); p++)
        if (is_name_char(*p))
            name[n++] = *p;
    name[n] = '\0';
    if (format)
        snprintf(name + n, sizeof(name) - n, "-%s", format);
    return ib_arena_store(a, name, strlen(name));
}

static void put_literal(struct ib_buf *t, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '{' || *p == '}')
            ib_buf_putc(t, *p);
        ib_buf_putc(t, *p);
    }
}

/* The default template of several outputs: PREFIX{stem}-TAG.{ext}, the
 * braces of the literal parts doubled. TAG is the size for the sizes of
 * -s (the formats of -f differ by extension), {variant} for variants. */
static const char *several_template(struct ib_arena *a, const char *prefix,
                                    const char *tag)
{
    struct ib_buf t;
    ib_buf_init(&t);
    put_literal(&t, prefix);
    ib_buf_put_str(&t, "{stem}-");
    if (tag)
        put_literal(&t, tag);
    else
        ib_buf_put_str(&t, "{variant}");
    ib_buf_put_str(&t, ".{ext}");
    const char *s = ib_arena_store(a, (const char *)t.data, t.len);
    ib_buf_free(&t);
    return s;
}

/* ---- the cross product and the variants -------------------------------- */

static struct ib_rendition *next_slot(struct builder *b, const char *context)
{
    if (b->n == MAX_RENDITIONS) {
        USAGE(context, "more than %d outputs per input", MAX_RENDITIONS);
        return NULL;
    }
    return &b->v[b->n++];
}

/* Every size with every format of the command line (and recipe
 * defaults). Named by size, and format when there are several. */
static int cross_product(struct builder *b)
{
    struct output_opts *o = &b->c->out;
    int formats = o->formats.n ? o->formats.n : 1;
    for (int i = 0; i < o->sizes.n; i++)
        for (int j = 0; j < formats; j++) {
            struct ib_rendition *r = next_slot(b, NULL);
            if (!r || make(b, o, i, j, r, NULL))
                return -1;
            const char *format =
                o->formats.n > 1 ? ib_format_name(o->formats.f[j]) : NULL;
            r->variant = name_from(&b->c->strings, r->size_text, format);
            b->tag[b->n - 1] = name_from(&b->c->strings, r->size_text, NULL);
        }
    return 0;
}

static int valid_variant_name(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_name_char(s[i]))
            return 0;
    return 1;
}

/* One variant: its options over a copy of the command line's. */
static int variant(struct builder *b, const char *name, int argc, char **argv,
                   int (*set)(struct output_opts *o, void *ctx), void *ctx)
{
    char context[128];
    snprintf(context, sizeof(context), "variant '%s': ", name);
    struct output_opts o = b->c->out;
    if (!set) {
        struct opt_targets to = {{NULL, &o}, context};
        const struct opt *exit_opt;
        int first;
        if (opt_parse(&cli_options, argc, argv, &to, &exit_opt, &first))
            return -1;
        if (first < argc)
            return USAGE(context, "unexpected '%s'", argv[first]);
    } else if (set(&o, ctx)) {
        return -1;
    }
    if (o.sizes.n != 1 || o.formats.n > 1)
        return USAGE(context, "a variant makes one output: give it one size "
                              "(-s) and at most one format (-f)");
    struct ib_rendition *r = next_slot(b, context);
    if (!r || make(b, &o, 0, 0, r, context))
        return -1;
    r->variant = name;
    return 0;
}

/* --variant '[NAME:] OPTIONS'. A colon after a first word that is not an
 * option names the variant; else it is v1, v2, ... by its place. */
static int variant_spec(struct builder *b, const char *spec, int index)
{
    const char *colon = strchr(spec, ':');
    size_t lead = strspn(spec, " ");
    const char *options = spec, *name;
    char auto_name[16];
    if (colon && spec[lead] != '-') {
        size_t n = (size_t)(colon - spec - lead);
        while (n && spec[lead + n - 1] == ' ')
            n--;
        if (!valid_variant_name(spec + lead, n))
            return USAGE(NULL,
                         "invalid --variant '%s': a variant's name is "
                         "letters, digits, '-', '_' and '.', not '%.*s'",
                         spec, (int)n, spec + lead);
        name = ib_arena_store(&b->c->strings, spec + lead, n);
        options = colon + 1;
    } else {
        snprintf(auto_name, sizeof(auto_name), "v%d", index + 1);
        name = ib_arena_store(&b->c->strings, auto_name, strlen(auto_name));
    }
    char **words, why[128];
    int nwords;
    int rc = opt_split_words(options, "variant", &b->c->strings, &words,
                             &nwords, why, sizeof(why));
    if (rc == 0)
        rc = variant(b, name, nwords, words, NULL, NULL);
    else
        USAGE(NULL, "invalid --variant '%s': %s", spec, why);
    free(words);
    return rc;
}

/* A recipe's [variant NAME]: its lines, set one by one. */
struct recipe_variant {
    const struct recipe *recipe;
    const struct recipe_section *section;
};

static int set_lines(struct output_opts *o, void *ctx)
{
    const struct recipe_variant *rv = ctx;
    for (int i = 0; i < rv->section->nlines; i++) {
        const struct recipe_line *l = &rv->section->lines[i];
        char context[512];
        snprintf(context, sizeof(context),
                 "recipe '%s' line %d: ", rv->recipe->path, l->line);
        struct opt_targets to = {{NULL, o}, context};
        if (opt_set(&cli_options, l->key, l->value, &to))
            return -1;
    }
    return 0;
}

static int recipe_variants(struct builder *b, const struct recipe *recipe)
{
    for (int i = 0; recipe && i < recipe->nsections; i++) {
        const struct recipe_section *s = &recipe->sections[i];
        if (!s->variant)
            continue;
        struct recipe_variant rv = {recipe, s};
        if (variant(b, s->variant, 0, NULL, set_lines, &rv))
            return -1;
    }
    return 0;
}

/* ---- checks ------------------------------------------------------------ */

/* Two renditions of one name, or whose names are always the same: every
 * input's two outputs would clash. */
static int check_names(const struct builder *b)
{
    struct ib_input_name dummy = {"d/x.jpg", 2};
    struct ib_buf x, y;
    ib_buf_init(&x);
    ib_buf_init(&y);
    int rc = 0;
    for (int i = 0; rc == 0 && i < b->n; i++)
        for (int j = i + 1; rc == 0 && j < b->n; j++) {
            const struct ib_rendition *r = &b->v[i], *s = &b->v[j];
            char why[256];
            if (strcmp(r->variant, s->variant) == 0) {
                rc = USAGE(NULL,
                           "two outputs are named '%s': name the "
                           "variants",
                           r->variant);
                continue;
            }
            if (ib_output_path(r, NULL, &dummy, &IB_OUTPUT_UNKNOWN, &x, why,
                               sizeof(why)) ||
                ib_output_path(s, NULL, &dummy, &IB_OUTPUT_UNKNOWN, &y, why,
                               sizeof(why)))
                continue; /* said by check_escape */
            if (strcmp(ib_buf_cstr(&x), ib_buf_cstr(&y)) == 0 &&
                !ib_name_is_late(r->name ? r->name : "") &&
                !ib_name_is_late(s->name ? s->name : ""))
                rc = USAGE(NULL,
                           "variants '%s' and '%s' would write one name for "
                           "every input: put {variant}, {size}, {format} or "
                           "{w} in --name",
                           r->variant, s->variant);
        }
    ib_buf_free(&x);
    ib_buf_free(&y);
    return rc;
}

/* A template that leaves the output folder, or whose outputs, beside their
 * inputs, could not be told from them. */
static int check_placement(const struct builder *b)
{
    struct ib_input_name dummy = {"d/x.jpg", 2};
    struct ib_buf path;
    ib_buf_init(&path);
    int rc = 0;
    for (int i = 0; rc == 0 && i < b->n; i++) {
        const struct ib_rendition *r = &b->v[i];
        char why[256], named[96];
        /* One output: the options are the command line's, not a
         * variant's. */
        snprintf(named, sizeof(named), "variant '%s': ", r->variant);
        const char *context = b->n > 1 || b->named ? named : NULL;
        if (ib_output_path(r, NULL, &dummy, &IB_OUTPUT_UNKNOWN, &path, why,
                           sizeof(why))) {
            rc = USAGE(context, "invalid --name '%s': %s", r->name, why);
        } else if (!b->c->settings.outdir && !ib_output_pattern(r, &path)) {
            rc = r->name ? USAGE(context,
                                 "--name '%s' without --output: its outputs "
                                 "could not be told from inputs; give -o, "
                                 "or a fixed part such as a prefix",
                                 r->name)
                         : USAGE(context, "an empty --prefix needs --output: "
                                          "outputs would replace their "
                                          "inputs");
        }
    }
    ib_buf_free(&path);
    return rc;
}

/* ---- the whole set ----------------------------------------------------- */

/* Several outputs: a rendition with no template gets one with its
 * variant's name in it, and '>' skips the ones that would enlarge. */
static void settle_several(struct builder *b)
{
    if (b->n < 2)
        return;
    for (int i = 0; i < b->n; i++) {
        struct ib_rendition *r = &b->v[i];
        if (!r->name)
            r->name = several_template(&b->c->strings, r->prefix, b->tag[i]);
        if (r->geometry.only == IB_ONLY_SHRINK)
            r->no_enlarge = 1;
    }
}

int renditions_build(struct cli *c, const struct recipe *recipe)
{
    struct builder b = {c, ib_xcalloc(MAX_RENDITIONS, sizeof(*b.v)), 0, {0}, 0};
    c->renditions = b.v;
    int have_variants = c->variant_specs.n > 0;
    for (int i = 0; recipe && i < recipe->nsections; i++)
        have_variants |= recipe->sections[i].variant != NULL;
    b.named = have_variants;
    int lists_given = c->out.sizes.n > 0 || c->out.formats.n > 0;
    if (!c->out.sizes.n)
        default_size(&c->out);
    /* With variants, the command line's sizes and formats make outputs of
     * their own only when given; else they are the variants' defaults. */
    if ((!have_variants || lists_given) && cross_product(&b))
        return -1;
    if (recipe_variants(&b, recipe))
        return -1;
    for (int i = 0; i < c->variant_specs.n; i++)
        if (variant_spec(&b, c->variant_specs.v[i], i))
            return -1;
    if (!have_variants && b.n == 1)
        b.v[0].variant = "default";
    settle_several(&b);
    c->settings.renditions = b.v;
    c->settings.nrenditions = b.n;
    return check_names(&b) || check_placement(&b) ? -1 : 0;
}
