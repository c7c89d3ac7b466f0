/* CSV import and export of the strategy inputs (SPEC 4-7 and 9;
 * docs/formats.md): look items, segment factors, $APPEALS ratings and
 * control points (looks.h), pains (pain.h), decision-chain contacts and
 * relationship assessments (customer.h), lead verification answers
 * (verification.h).
 *
 * Each kind is a table of columns -- the header name, how a cell reads,
 * where its value goes in the public row struct -- and the one table
 * serves the import and the export, so that the two cannot drift apart.
 * The import runs on the driver of csv_import.c (header, aliases, field
 * map, skip-bad-rows, error positions, result).
 *
 * A row names an existing segment, customer or lead.  Each cell is checked
 * by the market's own check (looks.c, pains.c, customer_inputs.c) on a row
 * that is valid but for that cell, so that a value out of range is refused
 * at its cell with the check's status and message naming the field; then
 * the whole row is checked and stored through the public setters.  Every
 * change is logged before it is made, so that a failure (stop at the first
 * error, or out of memory in either mode) puts every list, factor set,
 * assessment and answer back as it was without allocating: appended rows
 * are truncated away, a replaced $APPEALS row and an answer's old evidence
 * are kept aside until the import ends. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/number.h"
#include "io/csv.h"

/* ---- value words -------------------------------------------------------- */

/* Words are matched normalised (mtl__csv_normalise: "Value Chain" is
 * value_chain); the first word of a value is the one the export writes. */
typedef struct {
    const char *word;
    int32_t value;
} word;

static const word look_words[] = {
    {"trend", MTL_LOOK_TREND},       {"industry", MTL_LOOK_INDUSTRY},
    {"customer", MTL_LOOK_CUSTOMER}, {"competition", MTL_LOOK_COMPETITION},
    {"self", MTL_LOOK_SELF},         {"opportunity", MTL_LOOK_OPPORTUNITY},
    {"macro", MTL_LOOK_TREND},       {"趋势", MTL_LOOK_TREND},
    {"宏观", MTL_LOOK_TREND},        {"行业", MTL_LOOK_INDUSTRY},
    {"客户", MTL_LOOK_CUSTOMER},     {"竞争", MTL_LOOK_COMPETITION},
    {"自身", MTL_LOOK_SELF},         {"机会", MTL_LOOK_OPPORTUNITY},
    {NULL, 0}};

static const word window_words[] = {
    {"near", MTL_WINDOW_NEAR_MONTHS}, {"mid", MTL_WINDOW_MID_MONTHS},
    {"long", MTL_WINDOW_LONG_MONTHS}, {"近期", MTL_WINDOW_NEAR_MONTHS},
    {"短期", MTL_WINDOW_NEAR_MONTHS}, {"中期", MTL_WINDOW_MID_MONTHS},
    {"长期", MTL_WINDOW_LONG_MONTHS}, {"远期", MTL_WINDOW_LONG_MONTHS},
    {NULL, 0}};

static const word control_words[] = {
    {"cost", MTL_CONTROL_COST},           {"product", MTL_CONTROL_PRODUCT},
    {"relationship", MTL_CONTROL_RELATIONSHIP}, {"brand", MTL_CONTROL_BRAND},
    {"standard", MTL_CONTROL_STANDARD},   {"value_chain", MTL_CONTROL_VALUE_CHAIN},
    {"成本", MTL_CONTROL_COST},           {"产品", MTL_CONTROL_PRODUCT},
    {"客户关系", MTL_CONTROL_RELATIONSHIP}, {"品牌", MTL_CONTROL_BRAND},
    {"标准", MTL_CONTROL_STANDARD},       {"价值链", MTL_CONTROL_VALUE_CHAIN},
    {NULL, 0}};

/* "" first: a pain felt by no role in particular is an empty cell. */
static const word role_words[] = {
    {"", MTL_ROLE_NONE},           {"initiator", MTL_ROLE_INITIATOR},
    {"user", MTL_ROLE_USER},       {"influencer", MTL_ROLE_INFLUENCER},
    {"decider", MTL_ROLE_DECIDER}, {"approver", MTL_ROLE_APPROVER},
    {"buyer", MTL_ROLE_BUYER},     {"gatekeeper", MTL_ROLE_GATEKEEPER},
    {"none", MTL_ROLE_NONE},       {"decision_maker", MTL_ROLE_DECIDER},
    {"发起者", MTL_ROLE_INITIATOR}, {"使用者", MTL_ROLE_USER},
    {"影响者", MTL_ROLE_INFLUENCER}, {"决策者", MTL_ROLE_DECIDER},
    {"批准者", MTL_ROLE_APPROVER},  {"采购者", MTL_ROLE_BUYER},
    {"把关者", MTL_ROLE_GATEKEEPER}, {NULL, 0}};

static const word attitude_words[] = {
    {"neutral", MTL_ATTITUDE_NEUTRAL}, {"supporter", MTL_ATTITUDE_SUPPORTER},
    {"opponent", MTL_ATTITUDE_OPPONENT}, {"中立", MTL_ATTITUDE_NEUTRAL},
    {"支持者", MTL_ATTITUDE_SUPPORTER}, {"支持", MTL_ATTITUDE_SUPPORTER},
    {"反对者", MTL_ATTITUDE_OPPONENT}, {"反对", MTL_ATTITUDE_OPPONENT},
    {NULL, 0}};

/* ---- the kinds as tables of columns ------------------------------------- */

enum {
    C_SEGMENT, C_CUSTOMER, C_LEAD, /* the record the row belongs to */
    C_TEXT,      /* const char *; empty: the default (none, "us", "B") */
    C_NUMBER,    /* double: [+-]decimal[%]; empty: the default (often NaN) */
    C_AMOUNT,    /* int64 minor units from decimal major units; empty: -1 */
    C_MONTHS,    /* int32: near, mid, long or a number of months */
    C_WORD,      /* int32 from a word table, or the value as a number */
    C_FLAG,      /* int32 0 / 1: yes, no ... */
    C_CRITERION  /* int32: mtl_criterion_name(), or the number */
};

typedef struct {
    const char *name;  /* canonical header name */
    unsigned char type;
    /* 1: the header must have the column; 2: it must have one of the
     * columns marked 2 (pains: segment or customer) */
    unsigned char required;
    size_t offset;     /* in the row (row_value) */
    const word *words; /* C_WORD, C_MONTHS */
} column;

/* A lead's answer to one criterion, as a row. */
typedef struct {
    int32_t criterion;
    double score;
    const char *evidence;
} answer_row;

/* One row of any kind; every member starts at offset 0. */
typedef union {
    mtl_look_item look;
    mtl_segment_factors factors;
    mtl_appeals_rating appeals;
    mtl_control_point point;
    mtl_pain pain;
    mtl_contact contact;
    double rel[MTL_REL_COUNT];
    answer_row answer;
} row_value;

#define OFF(type, field) offsetof(type, field)
#define KEY(name, type, req) {name, type, req, 0, NULL}
#define TEXT(name, st, field, req) {name, C_TEXT, req, OFF(st, field), NULL}
#define NUM(name, st, field) {name, C_NUMBER, 0, OFF(st, field), NULL}
#define AT(name, st, array, k)                                                  \
    {name, C_NUMBER, 0, OFF(st, array) + (k) * sizeof(double), NULL}
#define WORDS(name, type, st, field, words, req) {name, type, req, OFF(st, field), words}

static const column look_cols[] = {
    KEY("segment", C_SEGMENT, 1),
    WORDS("look", C_WORD, mtl_look_item, look, look_words, 0),
    TEXT("text", mtl_look_item, text, 1),
    NUM("impact", mtl_look_item, impact),
    NUM("likelihood", mtl_look_item, likelihood),
    WORDS("window", C_MONTHS, mtl_look_item, window_months, window_words, 0),
    TEXT("evidence", mtl_look_item, evidence, 0),
};

#define FORCE(name, k) AT(name, mtl_segment_factors, forces, k)
#define WEIGHT(name, k) AT(name, mtl_segment_factors, appeals_weights, k)
static const column factor_cols[] = {
    KEY("segment", C_SEGMENT, 1),
    {"market_size", C_AMOUNT, 0, OFF(mtl_segment_factors, market_size), NULL},
    NUM("growth", mtl_segment_factors, growth),
    NUM("profit_potential", mtl_segment_factors, profit_potential),
    FORCE("rivalry", MTL_FORCE_RIVALRY),
    FORCE("entrants", MTL_FORCE_ENTRANTS),
    FORCE("substitutes", MTL_FORCE_SUBSTITUTES),
    FORCE("buyers", MTL_FORCE_BUYERS),
    FORCE("suppliers", MTL_FORCE_SUPPLIERS),
    NUM("strategic_value", mtl_segment_factors, strategic_value),
    {"revenue", C_AMOUNT, 0, OFF(mtl_segment_factors, revenue), NULL},
    NUM("gross_margin", mtl_segment_factors, gross_margin),
    NUM("share_goal", mtl_segment_factors, share_goal),
    NUM("growth_goal", mtl_segment_factors, growth_goal),
    WEIGHT("w_price", MTL_APPEALS_PRICE),
    WEIGHT("w_availability", MTL_APPEALS_AVAILABILITY),
    WEIGHT("w_packaging", MTL_APPEALS_PACKAGING),
    WEIGHT("w_performance", MTL_APPEALS_PERFORMANCE),
    WEIGHT("w_ease_of_use", MTL_APPEALS_EASE_OF_USE),
    WEIGHT("w_assurances", MTL_APPEALS_ASSURANCES),
    WEIGHT("w_life_cycle_cost", MTL_APPEALS_LIFE_CYCLE_COST),
    WEIGHT("w_social_acceptance", MTL_APPEALS_SOCIAL),
};

#define RATING(name, k) AT(name, mtl_appeals_rating, ratings, k)
static const column appeals_cols[] = {
    KEY("segment", C_SEGMENT, 1),
    TEXT("competitor", mtl_appeals_rating, competitor, 0),
    RATING("price", MTL_APPEALS_PRICE),
    RATING("availability", MTL_APPEALS_AVAILABILITY),
    RATING("packaging", MTL_APPEALS_PACKAGING),
    RATING("performance", MTL_APPEALS_PERFORMANCE),
    RATING("ease_of_use", MTL_APPEALS_EASE_OF_USE),
    RATING("assurances", MTL_APPEALS_ASSURANCES),
    RATING("life_cycle_cost", MTL_APPEALS_LIFE_CYCLE_COST),
    RATING("social_acceptance", MTL_APPEALS_SOCIAL),
};

static const column control_cols[] = {
    KEY("segment", C_SEGMENT, 1),
    WORDS("kind", C_WORD, mtl_control_point, kind, control_words, 0),
    TEXT("text", mtl_control_point, text, 1),
    NUM("attainability", mtl_control_point, attainability),
};

static const column pain_cols[] = {
    KEY("segment", C_SEGMENT, 2),
    KEY("customer", C_CUSTOMER, 2),
    TEXT("layer", mtl_pain, layer, 0),
    TEXT("text", mtl_pain, text, 1),
    NUM("severity", mtl_pain, severity),
    NUM("urgency", mtl_pain, urgency),
    NUM("breadth", mtl_pain, breadth),
    NUM("budget", mtl_pain, budget),
    NUM("fit", mtl_pain, fit),
    WORDS("role", C_WORD, mtl_pain, role, role_words, 0),
};

static const column contact_cols[] = {
    KEY("customer", C_CUSTOMER, 1),
    TEXT("name", mtl_contact, name, 1),
    TEXT("title", mtl_contact, title, 0),
    WORDS("role", C_WORD, mtl_contact, role, role_words, 1),
    WORDS("attitude", C_WORD, mtl_contact, attitude, attitude_words, 0),
    {"coach", C_FLAG, 0, OFF(mtl_contact, coach), NULL},
};

#define REL(name, k) {name, C_NUMBER, 0, (k) * sizeof(double), NULL}
static const column relationship_cols[] = {
    KEY("customer", C_CUSTOMER, 1),
    REL("acceptance", MTL_REL_ACCEPTANCE),
    REL("events", MTL_REL_EVENTS),
    REL("information", MTL_REL_INFORMATION),
    REL("guidance", MTL_REL_GUIDANCE),
    REL("support", MTL_REL_SUPPORT),
    REL("competition", MTL_REL_COMPETITION),
};

static const column answer_cols[] = {
    KEY("lead", C_LEAD, 1),
    {"criterion", C_CRITERION, 1, OFF(answer_row, criterion), NULL},
    {"score", C_NUMBER, 1, OFF(answer_row, score), NULL},
    TEXT("evidence", answer_row, evidence, 0),
};

typedef struct {
    const column *cols;
    int ncols;
} kind_desc;

#define KIND(cols) {cols, (int)(sizeof cols / sizeof cols[0])}
/* by MTL_KIND_* - MTL_KIND_LOOKS */
static const kind_desc kinds[] = {
    KIND(look_cols),    KIND(factor_cols),  KIND(appeals_cols),
    KIND(control_cols), KIND(pain_cols),    KIND(contact_cols),
    KIND(relationship_cols), KIND(answer_cols),
};

_Static_assert(sizeof kinds / sizeof kinds[0] == MTL_KIND_ANSWERS - MTL_KIND_LOOKS + 1,
               "one table per input kind");
_Static_assert(sizeof factor_cols / sizeof factor_cols[0] <= MTL__CSV_FIELDS_MAX,
               "the header keeps at most MTL__CSV_FIELDS_MAX fields");

/* Header aliases, English and Chinese: alias -> canonical name (a name of
 * some kind; it counts where the kind has it).  Compared normalised;
 * "weight_X" is also w_X. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    /* the record a row names, as in leads files */
    {"segment_id", "segment"}, {"market_segment", "segment"},
    {"segment_name", "segment"}, {"细分市场", "segment"}, {"市场", "segment"},
    {"细分市场名称", "segment"},
    {"customer_id", "customer"}, {"account", "customer"},
    {"account_id", "customer"}, {"account_name", "customer"},
    {"customer_name", "customer"}, {"客户", "customer"}, {"客户名称", "customer"},
    {"客户编号", "customer"}, {"客户id", "customer"},
    {"lead_id", "lead"}, {"opportunity_id", "lead"}, {"线索", "lead"},
    {"线索编号", "lead"}, {"商机编号", "lead"},
    /* shared by several kinds */
    {"description", "text"}, {"item", "text"}, {"内容", "text"}, {"描述", "text"},
    {"依据", "evidence"}, {"证据", "evidence"},
    {"decision_role", "role"}, {"角色", "role"}, {"决策角色", "role"},
    /* looks */
    {"look_type", "look"}, {"五看", "look"}, {"维度", "look"},
    {"影响", "impact"}, {"影响程度", "impact"},
    {"probability", "likelihood"}, {"可能性", "likelihood"},
    {"time_window", "window"}, {"window_months", "window"}, {"时间窗", "window"},
    /* factors */
    {"市场规模", "market_size"}, {"市场容量", "market_size"},
    {"cagr", "growth"}, {"增长率", "growth"}, {"市场增长率", "growth"},
    {"利润潜力", "profit_potential"},
    {"现有竞争者", "rivalry"}, {"new_entrants", "entrants"},
    {"新进入者", "entrants"}, {"替代品", "substitutes"},
    {"buyer_power", "buyers"}, {"买方议价能力", "buyers"},
    {"supplier_power", "suppliers"}, {"供方议价能力", "suppliers"},
    {"战略价值", "strategic_value"},
    {"our_revenue", "revenue"}, {"收入", "revenue"},
    {"margin", "gross_margin"}, {"毛利率", "gross_margin"},
    {"target_share", "share_goal"}, {"目标份额", "share_goal"},
    {"target_growth", "growth_goal"}, {"增长目标", "growth_goal"},
    {"价格权重", "w_price"}, {"可获得性权重", "w_availability"},
    {"包装权重", "w_packaging"}, {"性能权重", "w_performance"},
    {"易用性权重", "w_ease_of_use"}, {"保证权重", "w_assurances"},
    {"生命周期成本权重", "w_life_cycle_cost"},
    {"社会接受度权重", "w_social_acceptance"},
    /* $APPEALS */
    {"rival", "competitor"}, {"竞争对手", "competitor"},
    {"价格", "price"}, {"可获得性", "availability"}, {"包装", "packaging"},
    {"性能", "performance"}, {"易用性", "ease_of_use"}, {"保证", "assurances"},
    {"生命周期成本", "life_cycle_cost"}, {"社会接受度", "social_acceptance"},
    /* control points */
    {"control_point_kind", "kind"}, {"控制点类型", "kind"},
    {"把握度", "attainability"}, {"可达成度", "attainability"},
    /* pains */
    {"bon_layer", "layer"}, {"层", "layer"}, {"层级", "layer"},
    {"pain", "text"}, {"痛点", "text"},
    {"严重度", "severity"}, {"严重程度", "severity"},
    {"紧迫度", "urgency"}, {"紧迫程度", "urgency"},
    {"广度", "breadth"}, {"影响范围", "breadth"},
    {"willingness", "budget"}, {"预算", "budget"},
    {"solution_fit", "fit"}, {"匹配度", "fit"},
    /* contacts */
    {"contact", "name"}, {"contact_name", "name"}, {"姓名", "name"},
    {"联系人", "name"}, {"job_title", "title"}, {"职位", "title"},
    {"职务", "title"}, {"态度", "attitude"}, {"is_coach", "coach"},
    {"教练", "coach"},
    /* relationships */
    {"接受认可度", "acceptance"}, {"活动参与度", "events"},
    {"信息传递", "information"}, {"业务指导", "guidance"},
    {"项目及日常业务指导", "guidance"}, {"项目支撑度", "support"},
    {"竞争态度", "competition"},
    /* answers */
    {"sub_criterion", "criterion"}, {"标准", "criterion"},
    {"子标准", "criterion"}, {"评分", "score"}, {"得分", "score"},
};

/* The field a normalised header name means for kind (mtl__csv_field_fn). */
static int input_field(const char *name, int kind, int header)
{
    const kind_desc *k = &kinds[kind - MTL_KIND_LOOKS];
    size_t i;
    int f;
    (void)header;
    for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i].alias) == 0) {
            name = aliases[i].name;
            break;
        }
    for (f = 0; f < k->ncols; f++) {
        const char *cn = k->cols[f].name;
        if (strcmp(name, cn) == 0 ||
            (strncmp(name, "weight_", 7) == 0 && strncmp(cn, "w_", 2) == 0 &&
             strcmp(name + 7, cn + 2) == 0))
            return f;
    }
    return -1;
}

/* ---- rows --------------------------------------------------------------- */

static void row_init(int kind, row_value *v)
{
    int k;
    memset(v, 0, sizeof *v);
    switch (kind) {
    case MTL_KIND_LOOKS: mtl_look_item_init(&v->look, sizeof v->look); break;
    case MTL_KIND_FACTORS:
        mtl_segment_factors_init(&v->factors, sizeof v->factors);
        break;
    case MTL_KIND_APPEALS: mtl_appeals_rating_init(&v->appeals, sizeof v->appeals); break;
    case MTL_KIND_CONTROL_POINTS:
        mtl_control_point_init(&v->point, sizeof v->point);
        break;
    case MTL_KIND_PAINS: mtl_pain_init(&v->pain, sizeof v->pain); break;
    case MTL_KIND_CONTACTS: mtl_contact_init(&v->contact, sizeof v->contact); break;
    case MTL_KIND_RELATIONSHIPS:
        for (k = 0; k < MTL_REL_COUNT; k++)
            v->rel[k] = NAN;
        break;
    default:
        v->answer.criterion = -1;
        v->answer.score = NAN;
        break;
    }
}

/* The defaults with the required fields filled: a row that passes its
 * check, so that a check of it with one cell's value set judges that cell
 * alone. */
static void row_valid(int kind, row_value *v)
{
    row_init(kind, v);
    switch (kind) {
    case MTL_KIND_LOOKS: v->look.text = "-"; break;
    case MTL_KIND_CONTROL_POINTS: v->point.text = "-"; break;
    case MTL_KIND_PAINS: v->pain.text = "-"; break;
    case MTL_KIND_CONTACTS:
        v->contact.name = "-";
        v->contact.role = MTL_ROLE_INITIATOR;
        break;
    case MTL_KIND_ANSWERS: v->answer.criterion = 0; break;
    default: break;
    }
}

/* The answer's check (mtl_lead_set_answer makes the same, naming the
 * criterion; here the column is named). */
/* The market's check of a row: MTL_OK or the reported error naming the
 * field. */
static mtl_status row_check(int kind, const row_value *v)
{
    switch (kind) {
    case MTL_KIND_LOOKS: return mtl__look_item_check(&v->look);
    case MTL_KIND_FACTORS: return mtl__factors_check(&v->factors);
    case MTL_KIND_APPEALS: return mtl__appeals_check(&v->appeals);
    case MTL_KIND_CONTROL_POINTS: return mtl__control_point_check(&v->point);
    case MTL_KIND_PAINS: return mtl__pain_check(&v->pain);
    case MTL_KIND_CONTACTS: return mtl__contact_check(&v->contact);
    case MTL_KIND_RELATIONSHIPS: return mtl__relationship_check(v->rel);
    default:
        return mtl__answer_check(v->answer.criterion, v->answer.score,
                                 v->answer.evidence);
    }
}

static size_t cell_width(int type)
{
    switch (type) {
    case C_TEXT: return sizeof(const char *);
    case C_NUMBER: return sizeof(double);
    case C_AMOUNT: return sizeof(int64_t);
    default: return sizeof(int32_t);
    }
}

/* The list of kind a record holds (NULL without an inputs block). */
static mtl__rows *list_of(int kind, void *rec, int owner)
{
    mtl__segment_inputs *s = owner == C_SEGMENT ? ((mtl_segment *)rec)->inputs : NULL;
    mtl__customer_inputs *c = owner == C_CUSTOMER ? ((mtl_customer *)rec)->inputs : NULL;
    if (!s && !c)
        return NULL;
    switch (kind) {
    case MTL_KIND_LOOKS: return &s->looks;
    case MTL_KIND_APPEALS: return &s->appeals;
    case MTL_KIND_CONTROL_POINTS: return &s->control_points;
    case MTL_KIND_CONTACTS: return &c->contacts;
    default: return s ? &s->pains : &c->pains; /* MTL_KIND_PAINS */
    }
}

static const mtl__row_layout *layout_of(int kind)
{
    switch (kind) {
    case MTL_KIND_LOOKS: return &mtl__look_layout;
    case MTL_KIND_APPEALS: return &mtl__appeals_layout;
    case MTL_KIND_CONTROL_POINTS: return &mtl__control_point_layout;
    case MTL_KIND_CONTACTS: return &mtl__contact_layout;
    default: return &mtl__pain_layout;
    }
}

/* ---- the import --------------------------------------------------------- */

/* One change, logged before it is made.  Factors and relationships are
 * followed by the values they replaced (the log's stride says). */
typedef struct {
    void *rec;       /* the segment, customer or lead */
    int owner;       /* C_SEGMENT, C_CUSTOMER or C_LEAD */
    int had_inputs;  /* its inputs block (a lead: its answers) existed */
    int had;         /* factors set / assessed / criterion answered before;
                      * $APPEALS: a row was replaced */
    int32_t criterion;
    size_t index;    /* lists: the length before; $APPEALS: the row replaced */
    void *kept;      /* the replaced $APPEALS row; the answer's old evidence */
    double score;    /* the answer's old score */
} undo;

#define UNDO_HEAD                                                               \
    ((sizeof(undo) + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) *      \
     _Alignof(max_align_t))

typedef struct {
    mtl__csv_job j;
    const kind_desc *k;
    char *log;      /* undo entries of stride bytes */
    size_t nlog, cap_log, stride;
    char *text;     /* NUL-terminated copies of the row's text cells */
    size_t cap_text;
    size_t n;       /* rows stored */
} inputs;

static undo *log_at(const inputs *im, size_t i)
{
    return (undo *)(void *)(im->log + i * im->stride);
}

static void *saved(undo *u) { return (char *)u + UNDO_HEAD; }

static void inputs_free_of(mtl_market *m, void *rec, int owner)
{
    if (owner == C_SEGMENT)
        mtl__segment_inputs_free(m, rec);
    else
        mtl__customer_inputs_free(m, rec);
}

static mtl__answers *answers_of(mtl_market *m, mtl_lead *l, uint32_t *c, uint32_t *i)
{
    *c = mtl__lead_chunk_of(l, i)->index;
    return (mtl__answers *)(uintptr_t)mtl__answers_at(m, *c, *i);
}

/* Store an answer.  The old evidence moves to the log (so that the setter
 * does not free it) and an answer removed by an empty score leaves its
 * lead's answers block in place until the import ends. */
static mtl_status answer_apply(mtl_market *m, const answer_row *v, undo *u)
{
    uint32_t c, i;
    mtl__answers *a = answers_of(m, u->rec, &c, &i);
    int32_t k = v->criterion;
    u->criterion = k;
    u->had_inputs = a != NULL;
    u->score = NAN;
    if (a) {
        u->had = (int)(a->mask >> k & 1u);
        u->score = a->score[k];
        u->kept = a->evidence[k];
        a->evidence[k] = NULL;
    }
    if (!isnan(v->score))
        return mtl_lead_set_answer(u->rec, k, v->score, v->evidence);
    if (a) {
        a->mask &= ~(1u << k);
        a->score[k] = NAN;
    }
    return MTL_OK;
}

static void answer_undo(mtl_market *m, undo *u)
{
    uint32_t c, i, bit = 1u << u->criterion;
    mtl__answers *a = answers_of(m, u->rec, &c, &i);
    if (!u->had_inputs) {
        mtl__answers_drop(m, c, i); /* made by this row: later rows are undone */
        return;
    }
    mtl__strfree(&m->alloc, a->evidence[u->criterion]);
    a->evidence[u->criterion] = u->kept;
    u->kept = NULL;
    a->score[u->criterion] = u->score;
    a->mask = u->had ? a->mask | bit : a->mask & ~bit;
}

/* Find a $APPEALS row by competitor and replace it (keeping the old one),
 * or append. */
static mtl_status appeals_apply(mtl_market *m, mtl_segment *s,
                                const mtl_appeals_rating *v, undo *u)
{
    mtl__segment_inputs *in = mtl__segment_inputs_of(s);
    const char *name = v->competitor ? v->competitor : "";
    size_t i;
    if (!in)
        return MTL_E_NO_MEMORY;
    for (i = 0; i < in->appeals.count; i++) {
        const mtl_appeals_rating *row = mtl__rows_at(&in->appeals, i);
        if (!strcmp(row->competitor, name))
            break;
    }
    u->index = i;
    u->had = i < in->appeals.count; /* a row replaced, not appended */
    return mtl__rows_put_keep(&in->appeals, &m->alloc, &mtl__appeals_layout, i, v,
                              &u->kept);
}

/* Log the change (u) and make it. */
static mtl_status apply(inputs *im, const row_value *v, undo *u)
{
    mtl_market *m = im->j.m;
    mtl_segment *s = u->owner == C_SEGMENT ? u->rec : NULL;
    mtl_customer *c = u->owner == C_CUSTOMER ? u->rec : NULL;
    if (im->j.kind == MTL_KIND_ANSWERS)
        return answer_apply(m, &v->answer, u);
    u->had_inputs = s ? s->inputs != NULL : c->inputs != NULL;
    switch (im->j.kind) {
    case MTL_KIND_FACTORS:
        u->had = s->inputs && s->inputs->has_factors;
        ((mtl_segment_factors *)saved(u))->struct_size = sizeof(mtl_segment_factors);
        mtl_segment_factors_get(s, saved(u));
        return mtl_segment_set_factors(s, &v->factors);
    case MTL_KIND_RELATIONSHIPS:
        u->had = mtl_customer_relationship(c, saved(u)) == MTL_OK;
        return mtl_customer_set_relationship(c, v->rel);
    case MTL_KIND_APPEALS: return appeals_apply(m, s, &v->appeals, u);
    default: break;
    }
    {
        const mtl__rows *r = list_of(im->j.kind, u->rec, u->owner);
        u->index = r ? r->count : 0;
    }
    switch (im->j.kind) {
    case MTL_KIND_LOOKS: return mtl_segment_add_look(s, &v->look);
    case MTL_KIND_CONTROL_POINTS: return mtl_segment_add_control_point(s, &v->point);
    case MTL_KIND_CONTACTS: return mtl_customer_add_contact(c, &v->contact);
    default:
        return s ? mtl_segment_add_pain(s, &v->pain) : mtl_customer_add_pain(c, &v->pain);
    }
}

/* Put back what entry u changed (the entries after it are undone already);
 * allocates nothing. */
static void undo_one(inputs *im, undo *u)
{
    mtl_market *m = im->j.m;
    mtl_segment *s = u->owner == C_SEGMENT ? u->rec : NULL;
    mtl_customer *c = u->owner == C_CUSTOMER ? u->rec : NULL;
    switch (im->j.kind) {
    case MTL_KIND_ANSWERS:
        answer_undo(m, u);
        return;
    case MTL_KIND_FACTORS:
        if (s->inputs) {
            memcpy(&s->inputs->factors, saved(u), sizeof s->inputs->factors);
            s->inputs->has_factors = u->had;
        }
        break;
    case MTL_KIND_RELATIONSHIPS:
        if (c->inputs) {
            memcpy(c->inputs->relationship, saved(u), sizeof c->inputs->relationship);
            c->inputs->has_relationship = u->had;
        }
        break;
    default: {
        mtl__rows *r = list_of(im->j.kind, u->rec, u->owner);
        if (r && u->kept)
            mtl__rows_restore(r, &m->alloc, u->index, u->kept);
        else if (r && !u->had) /* (a failed replacement changed nothing) */
            mtl__rows_truncate(r, &m->alloc, layout_of(im->j.kind), u->index);
        u->kept = NULL;
        break;
    }
    }
    if (!u->had_inputs)
        inputs_free_of(m, u->rec, u->owner);
}

/* The import stands: free what the log kept aside. */
static void commit(inputs *im)
{
    mtl_market *m = im->j.m;
    size_t k;
    for (k = 0; k < im->nlog; k++) {
        undo *u = log_at(im, k);
        if (im->j.kind == MTL_KIND_APPEALS)
            mtl__rows_release(&m->alloc, u->kept);
        else if (im->j.kind == MTL_KIND_ANSWERS) {
            uint32_t c, i;
            const mtl__answers *a = answers_of(m, u->rec, &c, &i);
            mtl__strfree(&m->alloc, u->kept);
            if (a && !a->mask)
                mtl__answers_drop(m, c, i); /* its last answer was removed */
        }
    }
    im->nlog = 0;
}

/* A check refused the row at cell f: the check's status and message, at
 * the cell. */
static mtl_status refused_at(const mtl__csv_field *f, mtl_status st)
{
    char detail[MTL_CSV_MESSAGE_MAX];
    snprintf(detail, sizeof detail, "%s", mtl_last_error_message());
    return mtl__csv_field_error(f, st, detail);
}

static const mtl__csv_field *cell_of(const inputs *im, const mtl__csv_reader *rd,
                                     int f)
{
    int c = im->j.h.field_col[f];
    return c >= 0 ? &rd->fields[c] : NULL;
}

/* The record the row names: exactly one of its record columns (pains:
 * segment or customer) holds the id of an existing record. */
static mtl_status find_record(const inputs *im, const mtl__csv_reader *rd, undo *u,
                              const mtl__csv_field **key)
{
    char id[MTL_ID_MAX + 1];
    const mtl__csv_field *first = NULL, *f = NULL;
    int type = -1, k, given = 0;
    for (k = 0; k < im->k->ncols && im->k->cols[k].type <= C_LEAD; k++) {
        const mtl__csv_field *x = cell_of(im, rd, k);
        if (!x)
            continue;
        if (!first)
            first = x;
        if (x->len == 0)
            continue;
        if (given++)
            return mtl__csv_field_error(x, MTL_E_PARSE,
                                        "a pain belongs to a segment or to a "
                                        "customer, not to both");
        f = x;
        type = im->k->cols[k].type;
    }
    *key = f ? f : first;
    if (!f) {
        char what[64];
        snprintf(what, sizeof what, "empty %s%s", im->k->cols[0].name,
                 im->k->cols[1].type == C_CUSTOMER ? " and customer" : "");
        return mtl__csv_field_error(first, MTL_E_PARSE, what);
    }
    if (f->len > MTL_ID_MAX)
        return mtl__csv_field_error(f, MTL_E_LIMIT, "id longer than 4096 bytes");
    memcpy(id, f->p, f->len);
    id[f->len] = '\0';
    u->owner = type;
    u->rec = type == C_SEGMENT    ? (void *)mtl_segment_find(im->j.m, id)
             : type == C_CUSTOMER ? (void *)mtl_customer_find(im->j.m, id)
                                  : (void *)mtl_lead_find(im->j.m, id);
    if (!u->rec)
        return mtl__csv_field_error(f, MTL_E_NOT_FOUND,
                                    type == C_SEGMENT    ? "no such segment"
                                    : type == C_CUSTOMER ? "no such customer"
                                                         : "no such lead");
    return MTL_OK;
}

/* A whole number, [+-]digits: 0, -1 when the text is none, 1 when it does
 * not fit an int32_t. */
static int read_int(const mtl__csv_field *f, int32_t *out)
{
    size_t i = 0;
    int64_t v = 0;
    int minus = 0;
    if (f->len && (f->p[0] == '-' || f->p[0] == '+'))
        minus = f->p[0] == '-', i = 1;
    if (i == f->len)
        return -1;
    for (; i < f->len; i++) {
        if (f->p[i] < '0' || f->p[i] > '9')
            return -1;
        if (v <= INT32_MAX)
            v = v * 10 + (f->p[i] - '0');
    }
    if (v > INT32_MAX)
        return 1;
    *out = (int32_t)(minus ? -v : v);
    return 0;
}

/* A word of the table, or the criterion's name. */
static int read_word(const mtl__csv_field *f, const column *col, int32_t *out)
{
    char norm[64];
    int32_t k;
    if (!mtl__csv_normalise(f->p, f->len, norm, sizeof norm))
        return 0;
    if (col->type == C_CRITERION) {
        for (k = 0; k < MTL_CRIT_COUNT; k++)
            if (strcmp(norm, mtl_criterion_name(k)) == 0) {
                *out = k;
                return 1;
            }
        return 0;
    }
    for (k = 0; col->words[k].word; k++)
        if (col->words[k].word[0] && strcmp(norm, col->words[k].word) == 0) {
            *out = col->words[k].value;
            return 1;
        }
    return 0;
}

/* Cell f into dst; an empty cell leaves the default.  Text is copied to
 * *text (room was made for every text cell of the row). */
static mtl_status read_cell(const inputs *im, const mtl__csv_field *f,
                            const column *col, void *dst, char **text)
{
    double d;
    int64_t x;
    int32_t v = 0;
    int r;
    if (f->len == 0)
        return MTL_OK;
    switch (col->type) {
    case C_TEXT:
        memcpy(*text, f->p, f->len);
        (*text)[f->len] = '\0';
        memcpy(dst, text, sizeof *text);
        *text += f->len + 1;
        return MTL_OK;
    case C_NUMBER:
        if (mtl__csv_decimal(f, MTL__CSV_SIGN | MTL__CSV_PERCENT, &d) != 0)
            return mtl__csv_named_error(f, MTL_E_PARSE, col->name, "not a number");
        memcpy(dst, &d, sizeof d);
        return MTL_OK;
    case C_AMOUNT: {
        mtl_status st = mtl__csv_amount(f, im->j.digits, col->name, &x);
        if (st == MTL_OK)
            memcpy(dst, &x, sizeof x);
        return st;
    }
    case C_FLAG:
        if ((v = mtl__csv_yes_no(f)) < 0)
            return mtl__csv_named_error(f, MTL_E_PARSE, col->name,
                                        "expected yes or no");
        break;
    default: /* C_MONTHS, C_WORD, C_CRITERION */
        if (!read_word(f, col, &v) && (r = read_int(f, &v)) != 0) {
            if (r > 0)
                return mtl__csv_named_error(f, MTL_E_RANGE, col->name,
                                            "number too large");
            return mtl__csv_named_error(f, MTL_E_PARSE, col->name,
                                        col->type == C_MONTHS
                                            ? "expected near, mid, long or a "
                                              "number of months"
                                            : "unknown value");
        }
        break;
    }
    memcpy(dst, &v, sizeof v);
    return MTL_OK;
}

static mtl_status inputs_row(void *ctx, mtl__csv_reader *rd)
{
    inputs *im = ctx;
    const kind_desc *k = im->k;
    int kind = im->j.kind;
    const mtl__csv_field *key = NULL, *blame;
    row_value row, valid, probe;
    size_t c, need = 1;
    char *text;
    undo u;
    mtl_status st;

    for (c = 0; c < im->j.h.ncols; c++) {
        int f = im->j.h.col_field[c];
        mtl__csv_trim(&rd->fields[c]);
        if (f >= 0 && k->cols[f].type == C_TEXT)
            need += rd->fields[c].len + 1;
    }
    if (!mtl__grow(im->j.a, (void **)&im->text, &im->cap_text, need, 1))
        return mtl__error_oom();
    text = im->text;
    memset(&u, 0, sizeof u);
    if ((st = find_record(im, rd, &u, &key)))
        return st;
    /* each cell against the check, alone, then the row */
    row_init(kind, &row);
    row_valid(kind, &valid);
    for (c = 0; c < im->j.h.ncols; c++) {
        int f = im->j.h.col_field[c];
        const column *col = f >= 0 ? &k->cols[f] : NULL;
        if (!col || col->type <= C_LEAD)
            continue;
        if ((st = read_cell(im, &rd->fields[c], col, (char *)&row + col->offset, &text)))
            return st;
        probe = valid;
        memcpy((char *)&probe + col->offset, (char *)&row + col->offset,
               cell_width(col->type));
        if ((st = row_check(kind, &probe)))
            return refused_at(&rd->fields[c], st);
    }
    if ((st = row_check(kind, &row))) {
        /* only a set of $APPEALS weights that sums to 0 gets here: blamed on
         * the row's first weight cell */
        for (c = 0, blame = key; c < im->j.h.ncols; c++) {
            int f = im->j.h.col_field[c];
            size_t w = offsetof(mtl_segment_factors, appeals_weights);
            if (kind == MTL_KIND_FACTORS && f >= 0 && k->cols[f].offset >= w &&
                k->cols[f].offset < w + sizeof row.factors.appeals_weights) {
                blame = &rd->fields[c];
                break;
            }
        }
        return refused_at(blame, st);
    }
    if (!mtl__grow(im->j.a, (void **)&im->log, &im->cap_log, im->nlog + 1, im->stride))
        return mtl__error_oom();
    memcpy(log_at(im, im->nlog), &u, sizeof u);
    st = apply(im, &row, log_at(im, im->nlog));
    if (st) {
        undo_one(im, log_at(im, im->nlog));
        return st == MTL_E_NO_MEMORY ? st : refused_at(key, st);
    }
    im->nlog++;
    im->n++;
    return MTL_OK;
}

static mtl_status inputs_begin(void *ctx, mtl__csv_reader *rd)
{
    inputs *im = ctx;
    int f, either = 0, any = 0;
    mtl_status st = mtl__csv_read_header(&im->j, rd, input_field, NULL, NULL);
    if (st)
        return st;
    for (f = 0; f < im->k->ncols; f++) {
        const column *col = &im->k->cols[f];
        if (col->required == 1 && im->j.h.field_col[f] < 0)
            return mtl__error_at(MTL_E_PARSE, 1, 1,
                                 "line 1, column 1: no %s column (name one with "
                                 "the field map)",
                                 col->name);
        if (col->required == 2) {
            either = 1;
            any |= im->j.h.field_col[f] >= 0;
        }
    }
    if (either && !any)
        return mtl__error_at(MTL_E_PARSE, 1, 1,
                             "line 1, column 1: no segment or customer column");
    return MTL_OK;
}

static mtl_status inputs_finish(void *ctx, mtl__csv_reader *rd)
{
    inputs *im = ctx;
    (void)rd;
    commit(im);
    if (im->j.res)
        im->j.res->imported = im->n;
    return MTL_OK;
}

static void inputs_undo(void *ctx)
{
    inputs *im = ctx;
    while (im->nlog)
        undo_one(im, log_at(im, --im->nlog));
}

static const mtl__csv_ops input_ops = {inputs_begin, inputs_row, inputs_finish,
                                       inputs_undo};

mtl_status mtl__csv_import_inputs(mtl__csv_job *j, const mtl__csv_input *in)
{
    inputs im;
    mtl_status st;
    memset(&im, 0, sizeof im);
    im.j = *j;
    im.k = &kinds[j->kind - MTL_KIND_LOOKS];
    im.stride = UNDO_HEAD + (j->kind == MTL_KIND_FACTORS ? sizeof(mtl_segment_factors)
                             : j->kind == MTL_KIND_RELATIONSHIPS
                                 ? MTL_REL_COUNT * sizeof(double)
                                 : 0);
    im.stride = (im.stride + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) *
                _Alignof(max_align_t);
    st = mtl__csv_run(&im.j, in, &input_ops, &im);
    mtl__free(im.j.a, im.log, im.cap_log * im.stride);
    mtl__free(im.j.a, im.text, im.cap_text);
    return st;
}

/* ---- the export --------------------------------------------------------- */

static const char *word_of(const word *w, int32_t v, char *buf, size_t cap)
{
    for (; w->word; w++)
        if (w->value == v)
            return w->word;
    snprintf(buf, cap, "%d", (int)v);
    return buf;
}

static void put_row(const mtl_market *m, const kind_desc *k, mtl__csv_out *o,
                    const void *rec, int owner, const row_value *v)
{
    int f;
    for (f = 0; f < k->ncols; f++) {
        const column *col = &k->cols[f];
        const char *at = (const char *)v + col->offset, *s = "";
        char num[64];
        double d;
        int64_t x;
        int32_t i;
        switch (col->type) {
        case C_SEGMENT: s = owner == C_SEGMENT ? mtl_segment_id(rec) : ""; break;
        case C_CUSTOMER: s = owner == C_CUSTOMER ? mtl_customer_id(rec) : ""; break;
        case C_LEAD: s = mtl_lead_id(rec); break;
        case C_TEXT:
            memcpy(&s, at, sizeof s);
            s = s ? s : "";
            break;
        case C_NUMBER:
            memcpy(&d, at, sizeof d);
            if (!isnan(d) && mtl__format_double(num, sizeof num, d))
                s = num;
            break;
        case C_AMOUNT:
            memcpy(&x, at, sizeof x);
            if (x >= 0) {
                mtl__csv_amount_text(num, sizeof num, x, m);
                s = num;
            }
            break;
        default:
            memcpy(&i, at, sizeof i);
            if (col->type == C_WORD)
                s = word_of(col->words, i, num, sizeof num);
            else if (col->type == C_FLAG)
                s = i ? "yes" : "no";
            else if (col->type == C_CRITERION)
                s = mtl_criterion_name(i);
            else { /* C_MONTHS: the number, exact */
                snprintf(num, sizeof num, "%d", (int)i);
                s = num;
            }
            break;
        }
        mtl__csv_put(o, s, f == 0);
    }
    mtl__csv_end_line(o);
}

/* The rows of kind that one record holds. */
static void export_record(const mtl_market *m, int kind, mtl__csv_out *o,
                          const void *rec, int owner)
{
    const kind_desc *k = &kinds[kind - MTL_KIND_LOOKS];
    row_value v;
    size_t i;
    if (kind == MTL_KIND_ANSWERS) {
        uint32_t c, slot;
        const mtl__answers *a = answers_of((mtl_market *)(uintptr_t)m,
                                           (mtl_lead *)(uintptr_t)rec, &c, &slot);
        int32_t q;
        for (q = 0; a && q < MTL_CRIT_COUNT; q++)
            if (a->mask >> q & 1u) {
                v.answer.criterion = q;
                v.answer.score = a->score[q];
                v.answer.evidence = a->evidence[q];
                put_row(m, k, o, rec, owner, &v);
            }
    } else if (kind == MTL_KIND_FACTORS) {
        const mtl__segment_inputs *in = ((const mtl_segment *)rec)->inputs;
        if (in && in->has_factors) {
            v.factors = in->factors;
            put_row(m, k, o, rec, owner, &v);
        }
    } else if (kind == MTL_KIND_RELATIONSHIPS) {
        const mtl__customer_inputs *in = ((const mtl_customer *)rec)->inputs;
        if (in && in->has_relationship) {
            memcpy(v.rel, in->relationship, sizeof v.rel);
            put_row(m, k, o, rec, owner, &v);
        }
    } else {
        const mtl__rows *r = list_of(kind, (void *)(uintptr_t)rec, owner);
        for (i = 0; r && i < r->count && !o->failed; i++) {
            memcpy(&v, mtl__rows_at(r, i), layout_of(kind)->size);
            put_row(m, k, o, rec, owner, &v);
        }
    }
}

void mtl__csv_export_inputs(const mtl_market *m, int kind, mtl__csv_out *o)
{
    const kind_desc *k = &kinds[kind - MTL_KIND_LOOKS];
    int f;
    for (f = 0; f < k->ncols; f++)
        mtl__csv_put(o, k->cols[f].name, f == 0);
    mtl__csv_end_line(o);
    if (k->cols[0].type == C_SEGMENT) { /* pains: segments' first */
        const mtl_segment *s;
        for (s = mtl_segment_next(m, NULL); s && !o->failed; s = mtl_segment_next(m, s))
            export_record(m, kind, o, s, C_SEGMENT);
    }
    if (k->cols[0].type == C_CUSTOMER || kind == MTL_KIND_PAINS) {
        const mtl_customer *c;
        for (c = mtl_customer_next(m, NULL); c && !o->failed;
             c = mtl_customer_next(m, c))
            export_record(m, kind, o, c, C_CUSTOMER);
    }
    if (k->cols[0].type == C_LEAD) {
        const mtl_lead *l;
        for (l = mtl_lead_next(m, NULL); l && !o->failed; l = mtl_lead_next(m, l))
            export_record(m, kind, o, l, C_LEAD);
    }
}
