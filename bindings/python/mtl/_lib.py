"""Loading libmtl and declaring its C ABI for ctypes.

This module finds the shared library, checks its version, mirrors every
size-versioned public struct of ``include/mtl/*.h`` as a
:class:`ctypes.Structure` and declares ``argtypes`` and ``restype`` for every
function exported by ``lib/libmtl.map``.  The rest of the package calls the
library only through :data:`lib`.

Library lookup, in order:

1. the environment variable ``MTL_LIBRARY`` (a path; when it is set and
   cannot be loaded, the import fails rather than falling back);
2. ``libmtl.so.1`` (or ``libmtl.so`` / ``libmtl.dylib`` / ``mtl.dll``) next
   to the package, in the package directory or its parent;
3. the system loader: :func:`ctypes.util.find_library` ``("mtl")``, then
   ``libmtl.so.1`` by name.
"""

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double,
                    c_int32, c_int64, c_size_t, c_uint32, c_uint64, c_void_p)

#: The libmtl version this package was written for (major*10000 + minor*100
#: + patch): 0.1.0.
WRITTEN_FOR = 100

# ---------------------------------------------------------------- constants --

OK = 0
E_INVALID_ARGUMENT = 1
E_NO_MEMORY = 2
E_NOT_FOUND = 3
E_DUPLICATE = 4
E_RANGE = 5
E_PARSE = 6
E_LIMIT = 7
E_VERSION = 8
E_IN_USE = 9
E_STATE = 10
E_IO = 11
E_CORRUPT = 12

DATE_NONE = -2147483648          # MTL_DATE_NONE (INT32_MIN)
DATE_MIN = -719162               # 0001-01-01
DATE_MAX = 2932896               # 9999-12-31
PROBABILITY_NONE = -1.0
CODE_NONE = 0xFFFFFFFF           # MTL_CODE_NONE
TARGET_NONE = -(1 << 63)         # MTL_TARGET_NONE (INT64_MIN)
ID_MAX = 4096
STAGE_MAX = 64
STAGE_NAME_MAX = 63
ATTRIBUTE_KEYS_MAX = 1024
CSV_ERRORS_MAX = 16
CSV_MESSAGE_MAX = 256
KEEP_SEGMENT = 1
KEEP_REGION = 2
STAGE_FLAG_WON = 1
STAGE_FLAG_LOST = 2
TARGET_ROOT = 0
JSON_PRETTY = 1
LOOK_COUNT = 6                   # MTL_LOOK_COUNT (looks.h)
APPEALS_COUNT = 8                # MTL_APPEALS_COUNT
FORCE_COUNT = 5                  # MTL_FORCE_COUNT
WINDOW_NEAR_MONTHS = 12          # MTL_WINDOW_*_MONTHS
WINDOW_MID_MONTHS = 36
WINDOW_LONG_MONTHS = 60
TEXT_MAX = 4096                  # MTL_TEXT_MAX
ROWS_MAX = 100000                # MTL_ROWS_MAX
LAYER_MAX = 32                   # MTL_LAYER_MAX (pain.h)
REL_COUNT = 6                    # MTL_REL_COUNT (customer.h)
ROLE_COUNT = 8                   # MTL_ROLE_COUNT: roles 1 ... 7
CRIT_COUNT = 12                  # MTL_CRIT_COUNT (verification.h)

# ---------------------------------------------------------- callback types --

#: void *(*mtl_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize)
ALLOC_FN = CFUNCTYPE(c_void_p, c_void_p, c_void_p, c_size_t, c_size_t)
#: int32_t (*mtl_write_fn)(const void *data, size_t len, void *user_data)
WRITE_FN = CFUNCTYPE(c_int32, c_void_p, c_size_t, c_void_p)
#: void (*mtl_progress_fn)(uint64_t done, uint64_t total, void *user_data)
PROGRESS_FN = CFUNCTYPE(None, c_uint64, c_uint64, c_void_p)

# ------------------------------------------------------------------ structs --
# Field order and types copied from the headers; tests/test_abi.py compares
# sizeof and every offset with a C helper compiled against the headers.


class MarketOptions(Structure):
    """mtl_market_options (market.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("alloc", c_void_p),
        ("alloc_user_data", c_void_p),
        ("minor_per_major", c_int64),
        ("stage_model", c_void_p),
    ]


class StringColumn(Structure):
    """mtl_string_column (lead.h): values, or codes into dict."""
    _fields_ = [
        ("values", c_void_p),      # const char *const *
        ("codes", c_void_p),       # const uint32_t *
        ("dict", c_void_p),        # const char *const *
        ("dict_count", c_size_t),
    ]


class LeadColumns(Structure):
    """mtl_lead_columns (lead.h): the bulk-append descriptor."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("count", c_size_t),
        ("ids", StringColumn),
        ("customers", StringColumn),
        ("segments", StringColumn),
        ("owners", StringColumn),
        ("regions", StringColumn),
        ("sources", StringColumn),
        ("stages", c_void_p),          # const int32_t *
        ("outcomes", c_void_p),        # const int32_t *
        ("statuses", c_void_p),        # const int32_t *
        ("amounts", c_void_p),         # const int64_t *
        ("probabilities", c_void_p),   # const double *
        ("categories", c_void_p),      # const int32_t *
        ("created", c_void_p),         # const int32_t *
        ("expected_close", c_void_p),  # const int32_t *
        ("closed", c_void_p),          # const int32_t *
        ("attribute_count", c_size_t),
        ("attribute_keys", c_void_p),  # const char *const *
        ("attributes", c_void_p),      # const mtl_string_column *
        ("decision_steps", c_void_p),  # const int32_t *
        ("keep_absent", c_int32),
        ("id_numbers", c_void_p),      # const int64_t *
    ]


class CsvOptions(Structure):
    """mtl_csv_options (io.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("kind", c_int32),
        ("separator", c_int32),
        ("field_map", c_char_p),
        ("stage_map", c_char_p),
        ("skip_bad_rows", c_int32),
        ("strict", c_int32),
        ("progress", PROGRESS_FN),
        ("progress_user_data", c_void_p),
    ]


class CsvError(Structure):
    """mtl_csv_error (io.h): one rejected row."""
    _fields_ = [
        ("line", c_int64),
        ("column", c_int64),
        ("status", c_int32),
        ("message", c_char * CSV_MESSAGE_MAX),
    ]


class CsvResult(Structure):
    """mtl_csv_result (io.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("rows", c_uint64),
        ("imported", c_uint64),
        ("skipped", c_uint64),
        ("customers_created", c_uint64),
        ("segments_created", c_uint64),
        ("separator", c_int32),
        ("error_count", c_int32),
        ("errors", CsvError * CSV_ERRORS_MAX),
    ]


class FunnelStage(Structure):
    """mtl_funnel_stage (funnel.h): one stage of one group."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("open_count", c_int64),
        ("won_count", c_int64),
        ("lost_count", c_int64),
        ("open_amount", c_int64),
        ("won_amount", c_int64),
        ("lost_amount", c_int64),
        ("weighted_amount", c_double),
        ("reached", c_int64),
        ("won_reached", c_int64),
        ("lost_reached", c_int64),
        ("conversion", c_double),
        ("win_rate", c_double),
        ("win_rate_low", c_double),
        ("win_rate_high", c_double),
        ("model_probability", c_double),
        ("calibration", c_int32),
        ("days_count", c_int64),
        ("days_mean", c_double),
        ("days_median", c_double),
        ("days_p90", c_double),
    ]


class FunnelOptions(Structure):
    """mtl_funnel_options (funnel.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("group_by", c_int32),
        ("confidence", c_double),
        ("period_start", c_int32),
        ("period_end", c_int32),
        ("as_of", c_int32),
        ("target", c_int64),
        ("weeks", c_int32),
    ]


class FunnelSummary(Structure):
    """mtl_funnel_summary (funnel.h): a group's totals and indicators."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("leads", c_int64),
        ("open", c_int64),
        ("won", c_int64),
        ("lost", c_int64),
        ("open_amount", c_int64),
        ("won_amount", c_int64),
        ("lost_amount", c_int64),
        ("weighted_amount", c_double),
        ("win_rate", c_double),
        ("win_rate_amount", c_double),
        ("verified", c_int64),
        ("converted", c_int64),
        ("lead_conversion", c_double),
        ("period_won", c_int64),
        ("period_won_amount", c_int64),
        ("won_to_date_amount", c_int64),
        ("period_open_amount", c_int64),
        ("period_weighted_amount", c_double),
        ("coverage", c_double),
        ("coverage_weighted", c_double),
        ("cycle_count", c_int64),
        ("cycle_mean", c_double),
        ("cycle_median", c_double),
        ("cycle_p90", c_double),
        ("average_won_amount", c_double),
        ("velocity", c_double),
        ("plan_gap", c_double),
        ("plan_wins", c_double),
        ("plan_new_leads", c_double),
        ("plan_new_leads_per_week", c_double),
    ]


class ForecastOptions(Structure):
    """mtl_forecast_options (forecast.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("period_start", c_int32),
        ("period_end", c_int32),
        ("as_of", c_int32),
        ("probability_source", c_int32),
        ("segment", c_void_p),
        ("region", c_char_p),
        ("owner", c_char_p),
        ("grade", c_int32),
        ("target", c_int64),
        ("grid", c_int64),
        ("method", c_int32),
        ("draws", c_int32),
        ("seed", c_uint64),
        ("correlation", c_double),
        ("source", c_char_p),
        ("created_start", c_int32),
        ("created_end", c_int32),
    ]


class ForecastSummary(Structure):
    """mtl_forecast_summary (forecast.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("period_start", c_int32),
        ("period_end", c_int32),
        ("as_of", c_int32),
        ("method", c_int32),
        ("closed_won_count", c_int64),
        ("closed_won_amount", c_int64),
        ("won_to_date_amount", c_int64),
        ("deal_count", c_int64),
        ("pipeline", c_int64),
        ("best_case", c_int64),
        ("commit", c_int64),
        ("closed", c_int64),
        ("omitted", c_int64),
        ("commit_forecast", c_int64),
        ("best_case_forecast", c_int64),
        ("open_pipeline", c_int64),
        ("expected", c_double),
        ("variance", c_double),
        ("p10", c_int64),
        ("p50", c_int64),
        ("p90", c_int64),
        ("target", c_int64),
        ("p_hit_target", c_double),
        ("expected_shortfall", c_double),
        ("won_count_mean", c_double),
        ("won_count_variance", c_double),
        ("won_count_p10", c_int64),
        ("won_count_p50", c_int64),
        ("won_count_p90", c_int64),
        ("grid", c_int64),
        ("quantization_sd", c_double),
        ("error_bound", c_double),
        ("draws", c_int32),
    ]


class TargetOptions(Structure):
    """mtl_target_options (targets.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("year", c_int32),
        ("periods", c_int32),
        ("quarter_bp", c_int32 * 4),
        ("month_bp", c_int32 * 12),
        ("company", c_char_p),
    ]


class TargetInputs(Structure):
    """mtl_target_inputs (targets.h): a node's formula and inputs."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("formula", c_int32),
        ("amount", c_int64),
        ("base", c_int64),
        ("growth", c_double),
        ("k", c_double),
        ("years", c_int32),
        ("resource", c_double),
        ("potential", c_double),
        ("rank", c_double),
    ]


class TargetReconcileOptions(Structure):
    """mtl_target_reconcile_options (targets.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("bottom_up", c_int32),
        ("rescale", c_int32),
    ]


class TargetEvaluateOptions(Structure):
    """mtl_target_evaluate_options (targets.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("as_of", c_int32),
        ("probability_source", c_int32),
        ("method", c_int32),
        ("draws", c_int32),
        ("seed", c_uint64),
    ]


class TargetHistoryOptions(Structure):
    """mtl_target_history_options (targets.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("growth", c_double),
        ("k", c_double),
        ("region_count", c_size_t),
        ("regions", c_void_p),            # const char *const *
        ("region_growth", c_void_p),      # const double *
        ("region_resource", c_void_p),    # const double *
        ("region_potential", c_void_p),   # const double *
    ]


class TargetNode(Structure):
    """mtl_target_node (targets.h): one node with its derivation."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("kind", c_int32),
        ("depth", c_int32),
        ("parent", c_int64),
        ("first_child", c_int64),
        ("next_sibling", c_int64),
        ("name", c_char_p),
        ("period_start", c_int32),
        ("period_end", c_int32),
        ("quarter", c_int32),
        ("month", c_int32),
        ("target", c_int64),
        ("formula", c_int32),
        ("base", c_int64),
        ("growth", c_double),
        ("k", c_double),
        ("years", c_int32),
        ("resource", c_double),
        ("potential", c_double),
        ("rank", c_double),
        ("factor", c_double),
        ("share_num", c_int32),
        ("share_den", c_int32),
        ("formula_value", c_int64),
        ("rescale", c_int32),
        ("scale", c_double),
        ("commitment", c_int64),
        ("bottom_up", c_int64),
        ("gap", c_int64),
        ("gap_ratio", c_double),
        ("uncommitted", c_int32),
        ("evaluated", c_int32),
        ("actual", c_int64),
        ("attainment", c_double),
        ("expected", c_double),
        ("p_hit", c_double),
    ]


class Term(Structure):
    """mtl_term (score.h): one term of a score.  Frozen layout."""
    _fields_ = [
        ("factor", c_char_p),
        ("weight", c_double),
        ("value", c_double),
        ("contribution", c_double),
    ]


class Score(Structure):
    """mtl_score (score.h): a value and the terms it is made of.  Frozen."""
    _fields_ = [
        ("value", c_double),
        ("terms", POINTER(Term)),
        ("term_count", c_size_t),
    ]


class LookItem(Structure):
    """mtl_look_item (looks.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("look", c_int32),
        ("impact", c_double),
        ("likelihood", c_double),
        ("window_months", c_int32),
        ("text", c_char_p),
        ("evidence", c_char_p),
    ]


class SegmentFactors(Structure):
    """mtl_segment_factors (looks.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("market_size", c_int64),
        ("growth", c_double),
        ("profit_potential", c_double),
        ("forces", c_double * FORCE_COUNT),
        ("strategic_value", c_double),
        ("revenue", c_int64),
        ("gross_margin", c_double),
        ("share_goal", c_double),
        ("growth_goal", c_double),
        ("appeals_weights", c_double * APPEALS_COUNT),
    ]


class AppealsRating(Structure):
    """mtl_appeals_rating (looks.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("competitor", c_char_p),
        ("ratings", c_double * APPEALS_COUNT),
    ]


class ControlPoint(Structure):
    """mtl_control_point (looks.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("kind", c_int32),
        ("attainability", c_double),
        ("text", c_char_p),
    ]


class Pain(Structure):
    """mtl_pain (pain.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("layer", c_char_p),
        ("text", c_char_p),
        ("severity", c_double),
        ("urgency", c_double),
        ("breadth", c_double),
        ("budget", c_double),
        ("fit", c_double),
        ("role", c_int32),
    ]


class Contact(Structure):
    """mtl_contact (customer.h): a decision-chain contact."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("name", c_char_p),
        ("title", c_char_p),
        ("role", c_int32),
        ("attitude", c_int32),
        ("coach", c_int32),
    ]


class StrategyOptions(Structure):
    """mtl_strategy_options (strategy.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("window_weights", c_double * 3),
        ("attractiveness_weights", c_double * 4),
        ("normalise", c_int32),
        ("size_low", c_int64),
        ("size_high", c_int64),
        ("growth_low", c_double),
        ("growth_high", c_double),
        ("cut_attractiveness", c_double),
        ("cut_position", c_double),
        ("min_revenue", c_int64),
        ("min_gross_margin", c_double),
        ("priority_weights", c_double * 4),
        ("top_items", c_int32),
    ]


class StrategySegment(Structure):
    """mtl_strategy_segment (strategy.h): one segment's result."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("id", c_char_p),
        ("name", c_char_p),
        ("rank", c_size_t),
        ("priority", Score),
        ("attractiveness", Score),
        ("position", Score),
        ("look_balance", Score),
        ("pain_index", Score),
        ("profit_potential", c_double),
        ("profit_from_forces", c_int32),
        ("competitor", c_char_p),
        ("quadrant", c_int32),
        ("gate_veto", c_int32),
        ("strategy", c_int32),
        ("market_size", c_int64),
        ("revenue", c_int64),
        ("target", c_int64),
        ("target_basis", c_int32),
        ("look_count", c_size_t),
        ("control_point_count", c_size_t),
    ]


class StrategyLook(Structure):
    """mtl_strategy_look (strategy.h): a ranked look item."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("index", c_size_t),
        ("look", c_int32),
        ("text", c_char_p),
        ("evidence", c_char_p),
        ("impact", c_double),
        ("likelihood", c_double),
        ("window_months", c_int32),
        ("window_weight", c_double),
        ("rank_score", Score),
        ("top", c_int32),
    ]


class StrategyControlPoint(Structure):
    """mtl_strategy_control_point (strategy.h): a ranked control point."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("index", c_size_t),
        ("kind", c_int32),
        ("text", c_char_p),
        ("attainability", c_double),
        ("score", Score),
    ]


class BonOptions(Structure):
    """mtl_bon_options (pain.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("include_empty", c_int32),
    ]


class BonGroup(Structure):
    """mtl_bon_group (pain.h): a segment or customer with its pains."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("owner", c_int32),
        ("id", c_char_p),
        ("name", c_char_p),
        ("segment_id", c_char_p),
        ("index", Score),
        ("pain_count", c_size_t),
        ("layer_count", c_size_t),
    ]


class BonLayer(Structure):
    """mtl_bon_layer (pain.h): a layer's share of a group's index."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("layer", c_char_p),
        ("pain_count", c_size_t),
        ("addressable", c_double),
        ("index_points", c_double),
    ]


class BonPain(Structure):
    """mtl_bon_pain (pain.h): a ranked pain with its scores."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("rank", c_size_t),
        ("index", c_size_t),
        ("layer", c_char_p),
        ("text", c_char_p),
        ("severity", c_double),
        ("urgency", c_double),
        ("breadth", c_double),
        ("budget", c_double),
        ("fit", c_double),
        ("role", c_int32),
        ("score", Score),
        ("addressable", Score),
    ]


class GradingOptions(Structure):
    """mtl_grading_options (grading.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("grade_by", c_int32),
        ("quantiles", c_double * 3),
        ("thresholds", c_int64 * 3),
        ("relationship_weights", c_double * REL_COUNT),
        ("roles", c_uint32),
    ]


class CustomerGrading(Structure):
    """mtl_customer_grading (grading.h): one customer's assessment."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("id", c_char_p),
        ("name", c_char_p),
        ("segment_id", c_char_p),
        ("rank", c_size_t),
        ("value", Score),
        ("grade", c_int32),
        ("recorded_grade", c_int32),
        ("grade_reason", c_char_p),
        ("relationship", Score),
        ("coverage", Score),
        ("contact_count", c_size_t),
        ("coach_count", c_size_t),
        ("supported_roles", c_uint32),
        ("missing_roles", c_uint32),
        ("opposed_roles", c_uint32),
        ("pain_index", Score),
    ]


class VerificationOptions(Structure):
    """mtl_verification_options (verification.h)."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("weights", c_double * CRIT_COUNT),
        ("pass", c_double * 3),
        ("hard_fail", c_double),
        ("budget_mature", c_double),
        ("priority_weights", c_double * 4),
        ("scope", c_int32),
    ]


class LeadVerdict(Structure):
    """mtl_lead_verdict (verification.h): one lead's verification."""
    _fields_ = [
        ("struct_size", c_size_t),
        ("id", c_char_p),
        ("customer_id", c_char_p),
        ("segment_id", c_char_p),
        ("rank", c_size_t),
        ("amount", c_int64),
        ("questions", Score * 3),
        ("verdict", c_int32),
        ("lead_class", c_int32),
        ("priority", Score),
        ("reasons", c_char_p),
        ("answered", c_uint32),
        ("derived", c_uint32),
    ]


#: Every mirrored struct by its C name (the ABI test walks this).
STRUCTS = {
    "mtl_market_options": MarketOptions,
    "mtl_string_column": StringColumn,
    "mtl_lead_columns": LeadColumns,
    "mtl_csv_options": CsvOptions,
    "mtl_csv_error": CsvError,
    "mtl_csv_result": CsvResult,
    "mtl_funnel_stage": FunnelStage,
    "mtl_funnel_options": FunnelOptions,
    "mtl_funnel_summary": FunnelSummary,
    "mtl_forecast_options": ForecastOptions,
    "mtl_forecast_summary": ForecastSummary,
    "mtl_target_options": TargetOptions,
    "mtl_target_inputs": TargetInputs,
    "mtl_target_reconcile_options": TargetReconcileOptions,
    "mtl_target_evaluate_options": TargetEvaluateOptions,
    "mtl_target_history_options": TargetHistoryOptions,
    "mtl_target_node": TargetNode,
    "mtl_term": Term,
    "mtl_score": Score,
    "mtl_look_item": LookItem,
    "mtl_segment_factors": SegmentFactors,
    "mtl_appeals_rating": AppealsRating,
    "mtl_control_point": ControlPoint,
    "mtl_pain": Pain,
    "mtl_contact": Contact,
    "mtl_strategy_options": StrategyOptions,
    "mtl_strategy_segment": StrategySegment,
    "mtl_strategy_look": StrategyLook,
    "mtl_strategy_control_point": StrategyControlPoint,
    "mtl_bon_options": BonOptions,
    "mtl_bon_group": BonGroup,
    "mtl_bon_layer": BonLayer,
    "mtl_bon_pain": BonPain,
    "mtl_grading_options": GradingOptions,
    "mtl_customer_grading": CustomerGrading,
    "mtl_verification_options": VerificationOptions,
    "mtl_lead_verdict": LeadVerdict,
}

# ---------------------------------------------------------------- functions --

st = c_int32          # mtl_status
H = c_void_p          # any handle (opaque pointer)
PH = POINTER(c_void_p)  # handle out-pointer
i32, i64, u64, sz, dbl, s = c_int32, c_int64, c_uint64, c_size_t, c_double, c_char_p
Pi32, Pi64, Psz, Pdbl = POINTER(c_int32), POINTER(c_int64), POINTER(c_size_t), POINTER(c_double)
Ps = POINTER(c_char_p)
PPdbl = POINTER(POINTER(c_double))

#: name -> (restype, argtypes) for every exported function (lib/libmtl.map).
FUNCTIONS = {
    # common.h, status.h
    "mtl_version_string": (s, []),
    "mtl_version_number": (i32, []),
    "mtl_status_string": (s, [st]),
    "mtl_last_error_message": (s, []),
    "mtl_last_error_status": (st, []),
    "mtl_last_error_line": (i64, []),
    "mtl_last_error_column": (i64, []),
    # date.h
    "mtl_date_from_ymd": (st, [Pi32, i32, i32, i32]),
    "mtl_date_to_ymd": (st, [i32, Pi32, Pi32, Pi32]),
    "mtl_date_parse": (st, [Pi32, s, sz]),
    "mtl_date_format": (st, [c_void_p, sz, i32]),
    # stage.h
    "mtl_stage_model_create": (st, [PH, ALLOC_FN, c_void_p]),
    "mtl_stage_model_create_default": (st, [PH, ALLOC_FN, c_void_p]),
    "mtl_stage_model_destroy": (None, [H]),
    "mtl_stage_model_add": (st, [H, s, s, dbl, i32, i32]),
    "mtl_stage_model_count": (i32, [H]),
    # market.h
    "mtl_market_options_init": (st, [POINTER(MarketOptions), sz]),
    "mtl_market_create": (st, [PH, POINTER(MarketOptions)]),
    "mtl_market_ref": (H, [H]),
    "mtl_market_unref": (None, [H]),
    "mtl_market_minor_per_major": (i64, [H]),
    "mtl_market_memory_used": (sz, [H]),
    "mtl_market_stage_count": (i32, [H]),
    "mtl_market_stage_name": (s, [H, i32]),
    "mtl_market_stage_phase": (s, [H, i32]),
    "mtl_market_stage_probability": (dbl, [H, i32]),
    "mtl_market_stage_category": (i32, [H, i32]),
    "mtl_market_stage_flags": (i32, [H, i32]),
    "mtl_market_stage_find": (st, [Pi32, H, s]),
    "mtl_market_segment_count": (sz, [H]),
    "mtl_market_customer_count": (sz, [H]),
    "mtl_market_lead_count": (sz, [H]),
    # segment.h
    "mtl_segment_add": (st, [PH, H, s]),
    "mtl_segment_find": (H, [H, s]),
    "mtl_segment_next": (H, [H, H]),
    "mtl_segment_remove": (st, [H]),
    "mtl_segment_market": (H, [H]),
    "mtl_segment_id": (s, [H]),
    "mtl_segment_name": (s, [H]),
    "mtl_segment_parent": (H, [H]),
    "mtl_segment_set_name": (st, [H, s]),
    "mtl_segment_set_parent": (st, [H, H]),
    # customer.h
    "mtl_customer_add": (st, [PH, H, s, H]),
    "mtl_customer_find": (H, [H, s]),
    "mtl_customer_next": (H, [H, H]),
    "mtl_customer_remove": (st, [H]),
    "mtl_customer_market": (H, [H]),
    "mtl_customer_id": (s, [H]),
    "mtl_customer_name": (s, [H]),
    "mtl_customer_segment": (H, [H]),
    "mtl_customer_region": (s, [H]),
    "mtl_customer_owner": (s, [H]),
    "mtl_customer_revenue": (i64, [H]),
    "mtl_customer_investment": (i64, [H]),
    "mtl_customer_participation": (dbl, [H]),
    "mtl_customer_grade": (i32, [H]),
    "mtl_customer_set_name": (st, [H, s]),
    "mtl_customer_set_segment": (st, [H, H]),
    "mtl_customer_set_region": (st, [H, s]),
    "mtl_customer_set_owner": (st, [H, s]),
    "mtl_customer_set_revenue": (st, [H, i64]),
    "mtl_customer_set_investment": (st, [H, i64]),
    "mtl_customer_set_participation": (st, [H, dbl]),
    "mtl_customer_set_grade": (st, [H, i32]),
    # customer.h: relationship and decision chain
    "mtl_customer_set_relationship": (st, [H, Pdbl]),
    "mtl_customer_relationship": (st, [H, Pdbl]),
    "mtl_contact_init": (st, [POINTER(Contact), sz]),
    "mtl_customer_add_contact": (st, [H, POINTER(Contact)]),
    "mtl_customer_contact_count": (sz, [H]),
    "mtl_customer_contact_at": (st, [H, sz, POINTER(Contact)]),
    "mtl_customer_clear_contacts": (st, [H]),
    # looks.h
    "mtl_look_item_init": (st, [POINTER(LookItem), sz]),
    "mtl_segment_add_look": (st, [H, POINTER(LookItem)]),
    "mtl_segment_look_count": (sz, [H]),
    "mtl_segment_look_at": (st, [H, sz, POINTER(LookItem)]),
    "mtl_segment_clear_looks": (st, [H]),
    "mtl_segment_factors_init": (st, [POINTER(SegmentFactors), sz]),
    "mtl_segment_set_factors": (st, [H, POINTER(SegmentFactors)]),
    "mtl_segment_factors_get": (st, [H, POINTER(SegmentFactors)]),
    "mtl_appeals_rating_init": (st, [POINTER(AppealsRating), sz]),
    "mtl_segment_add_appeals": (st, [H, POINTER(AppealsRating)]),
    "mtl_segment_appeals_count": (sz, [H]),
    "mtl_segment_appeals_at": (st, [H, sz, POINTER(AppealsRating)]),
    "mtl_segment_clear_appeals": (st, [H]),
    "mtl_control_point_init": (st, [POINTER(ControlPoint), sz]),
    "mtl_segment_add_control_point": (st, [H, POINTER(ControlPoint)]),
    "mtl_segment_control_point_count": (sz, [H]),
    "mtl_segment_control_point_at": (st, [H, sz, POINTER(ControlPoint)]),
    "mtl_segment_clear_control_points": (st, [H]),
    # pain.h
    "mtl_pain_init": (st, [POINTER(Pain), sz]),
    "mtl_segment_add_pain": (st, [H, POINTER(Pain)]),
    "mtl_segment_pain_count": (sz, [H]),
    "mtl_segment_pain_at": (st, [H, sz, POINTER(Pain)]),
    "mtl_segment_clear_pains": (st, [H]),
    "mtl_customer_add_pain": (st, [H, POINTER(Pain)]),
    "mtl_customer_pain_count": (sz, [H]),
    "mtl_customer_pain_at": (st, [H, sz, POINTER(Pain)]),
    "mtl_customer_clear_pains": (st, [H]),
    "mtl_bon_options_init": (st, [POINTER(BonOptions), sz]),
    "mtl_bon_compute": (st, [PH, H, POINTER(BonOptions)]),
    "mtl_bon_destroy": (None, [H]),
    "mtl_bon_group_count": (sz, [H]),
    "mtl_bon_group_at": (st, [H, sz, POINTER(BonGroup)]),
    "mtl_bon_layer_at": (st, [H, sz, sz, POINTER(BonLayer)]),
    "mtl_bon_pain_at": (st, [H, sz, sz, POINTER(BonPain)]),
    # strategy.h
    "mtl_strategy_options_init": (st, [POINTER(StrategyOptions), sz]),
    "mtl_strategy_compute": (st, [PH, H, POINTER(StrategyOptions)]),
    "mtl_strategy_destroy": (None, [H]),
    "mtl_strategy_segment_count": (sz, [H]),
    "mtl_strategy_segment_at": (st, [H, sz, POINTER(StrategySegment)]),
    "mtl_strategy_look_at": (st, [H, sz, sz, POINTER(StrategyLook)]),
    "mtl_strategy_control_point_at": (st, [H, sz, sz, POINTER(StrategyControlPoint)]),
    # grading.h
    "mtl_grading_options_init": (st, [POINTER(GradingOptions), sz]),
    "mtl_grading_compute": (st, [PH, H, POINTER(GradingOptions)]),
    "mtl_grading_destroy": (None, [H]),
    "mtl_grading_count": (sz, [H]),
    "mtl_grading_at": (st, [H, sz, POINTER(CustomerGrading)]),
    "mtl_role_name": (s, [i32]),
    # verification.h
    "mtl_criterion_name": (s, [i32]),
    "mtl_criterion_question": (i32, [i32]),
    "mtl_lead_set_answer": (st, [H, i32, dbl, s]),
    "mtl_lead_answer": (st, [H, i32, Pdbl, Ps]),
    "mtl_lead_answer_count": (sz, [H]),
    "mtl_lead_clear_answers": (st, [H]),
    "mtl_verification_options_init": (st, [POINTER(VerificationOptions), sz]),
    "mtl_verification_compute": (st, [PH, H, POINTER(VerificationOptions)]),
    "mtl_verification_destroy": (None, [H]),
    "mtl_verification_count": (sz, [H]),
    "mtl_verification_at": (st, [H, sz, POINTER(LeadVerdict)]),
    # lead.h
    "mtl_lead_add": (st, [PH, H, s, H]),
    "mtl_lead_find": (H, [H, s]),
    "mtl_lead_find_many": (st, [c_void_p, H, c_void_p, sz]),
    "mtl_lead_next": (H, [H, H]),
    "mtl_lead_remove": (st, [H]),
    "mtl_lead_market": (H, [H]),
    "mtl_lead_id": (s, [H]),
    "mtl_lead_customer": (H, [H]),
    "mtl_lead_segment": (H, [H]),
    "mtl_lead_owner": (s, [H]),
    "mtl_lead_region": (s, [H]),
    "mtl_lead_source": (s, [H]),
    "mtl_lead_status": (i32, [H]),
    "mtl_lead_stage": (i32, [H]),
    "mtl_lead_outcome": (i32, [H]),
    "mtl_lead_amount": (i64, [H]),
    "mtl_lead_probability": (dbl, [H]),
    "mtl_lead_category": (i32, [H]),
    "mtl_lead_decision_step": (i32, [H]),
    "mtl_lead_created": (i32, [H]),
    "mtl_lead_expected_close": (i32, [H]),
    "mtl_lead_closed": (i32, [H]),
    "mtl_lead_set_customer": (st, [H, H]),
    "mtl_lead_set_segment": (st, [H, H]),
    "mtl_lead_set_owner": (st, [H, s]),
    "mtl_lead_set_region": (st, [H, s]),
    "mtl_lead_set_source": (st, [H, s]),
    "mtl_lead_set_status": (st, [H, i32]),
    "mtl_lead_set_stage": (st, [H, i32]),
    "mtl_lead_set_outcome": (st, [H, i32]),
    "mtl_lead_set_stage_outcome": (st, [H, i32, i32]),
    "mtl_lead_set_amount": (st, [H, i64]),
    "mtl_lead_set_probability": (st, [H, dbl]),
    "mtl_lead_set_category": (st, [H, i32]),
    "mtl_lead_set_decision_step": (st, [H, i32]),
    "mtl_lead_set_created": (st, [H, i32]),
    "mtl_lead_set_expected_close": (st, [H, i32]),
    "mtl_lead_set_closed": (st, [H, i32]),
    "mtl_lead_set_attribute": (st, [H, s, s]),
    "mtl_lead_attribute": (s, [H, s]),
    "mtl_lead_attribute_count": (sz, [H]),
    "mtl_lead_attribute_at": (st, [H, sz, Ps, Ps]),
    "mtl_lead_add_event": (st, [H, i32, i32]),
    "mtl_lead_event_count": (sz, [H]),
    "mtl_lead_event_at": (st, [H, sz, Pi32, Pi32]),
    "mtl_lead_clear_events": (st, [H]),
    "mtl_lead_columns_init": (st, [POINTER(LeadColumns), sz]),
    "mtl_lead_append_columns": (st, [H, POINTER(LeadColumns)]),
    # io.h
    "mtl_csv_options_init": (st, [POINTER(CsvOptions), sz]),
    "mtl_csv_result_init": (st, [POINTER(CsvResult), sz]),
    "mtl_csv_import": (st, [H, c_void_p, sz, POINTER(CsvOptions), POINTER(CsvResult)]),
    "mtl_csv_import_file": (st, [H, s, POINTER(CsvOptions), POINTER(CsvResult)]),
    "mtl_csv_export": (st, [H, i32, i32, WRITE_FN, c_void_p]),
    "mtl_csv_export_file": (st, [H, i32, i32, s]),
    "mtl_market_write": (st, [H, WRITE_FN, c_void_p]),
    "mtl_market_save": (st, [H, s]),
    "mtl_market_read": (st, [PH, c_void_p, sz, POINTER(MarketOptions)]),
    "mtl_market_load": (st, [PH, s, POINTER(MarketOptions)]),
    # json.h
    "mtl_json_create": (st, [PH, WRITE_FN, c_void_p, i32, ALLOC_FN, c_void_p]),
    "mtl_json_destroy": (None, [H]),
    "mtl_json_begin_object": (st, [H]),
    "mtl_json_end_object": (st, [H]),
    "mtl_json_begin_array": (st, [H]),
    "mtl_json_end_array": (st, [H]),
    "mtl_json_key": (st, [H, s]),
    "mtl_json_key_len": (st, [H, c_void_p, sz]),
    "mtl_json_string": (st, [H, s]),
    "mtl_json_string_len": (st, [H, c_void_p, sz]),
    "mtl_json_int": (st, [H, i64]),
    "mtl_json_double": (st, [H, dbl]),
    "mtl_json_bool": (st, [H, i32]),
    "mtl_json_null": (st, [H]),
    "mtl_json_finish": (st, [H]),
    # funnel.h
    "mtl_funnel_stages": (st, [H, H, POINTER(FunnelStage), i32]),
    "mtl_funnel_options_init": (st, [POINTER(FunnelOptions), sz]),
    "mtl_funnel_compute": (st, [PH, H, POINTER(FunnelOptions)]),
    "mtl_funnel_destroy": (None, [H]),
    "mtl_funnel_group_count": (sz, [H]),
    "mtl_funnel_group_name": (s, [H, sz]),
    "mtl_funnel_stage_count": (i32, [H]),
    "mtl_funnel_stage_at": (st, [H, sz, i32, POINTER(FunnelStage)]),
    "mtl_funnel_summary_at": (st, [H, sz, POINTER(FunnelSummary)]),
    "mtl_funnel_plan_at": (st, [H, sz, i32, Pdbl, Pdbl]),
    # forecast.h
    "mtl_forecast_options_init": (st, [POINTER(ForecastOptions), sz]),
    "mtl_forecast_create": (st, [PH, H, POINTER(ForecastOptions)]),
    "mtl_forecast_ref": (H, [H]),
    "mtl_forecast_unref": (None, [H]),
    "mtl_forecast_summary_get": (st, [H, POINTER(ForecastSummary)]),
    "mtl_forecast_quantile": (i64, [H, dbl]),
    "mtl_forecast_probability_at_least": (dbl, [H, i64]),
    "mtl_forecast_expected_shortfall": (dbl, [H, i64]),
    "mtl_forecast_distribution": (sz, [H, Pi64, Pi64, PPdbl]),
    "mtl_forecast_won_count_distribution": (sz, [H, Pi64, PPdbl]),
    "mtl_forecast_deal_count": (sz, [H]),
    "mtl_forecast_deal_at": (st, [H, sz, Ps, Pi64, Pdbl, Pi32]),
    "mtl_forecast_without": (st, [PH, H, s]),
    "mtl_forecast_with_probability": (st, [PH, H, s, dbl]),
    # targets.h
    "mtl_target_options_init": (st, [POINTER(TargetOptions), sz]),
    "mtl_target_inputs_init": (st, [POINTER(TargetInputs), sz]),
    "mtl_target_reconcile_options_init": (st, [POINTER(TargetReconcileOptions), sz]),
    "mtl_target_evaluate_options_init": (st, [POINTER(TargetEvaluateOptions), sz]),
    "mtl_target_history_options_init": (st, [POINTER(TargetHistoryOptions), sz]),
    "mtl_target_tree_create": (st, [PH, H, POINTER(TargetOptions)]),
    "mtl_target_tree_destroy": (None, [H]),
    "mtl_target_tree_add": (st, [Psz, H, sz, s, POINTER(TargetInputs)]),
    "mtl_target_tree_set_inputs": (st, [H, sz, POINTER(TargetInputs)]),
    "mtl_target_tree_set_commitment": (st, [H, sz, i64]),
    "mtl_target_tree_reconcile": (st, [H, POINTER(TargetReconcileOptions)]),
    "mtl_target_tree_evaluate": (st, [H, H, POINTER(TargetEvaluateOptions)]),
    "mtl_target_tree_from_history": (st, [PH, H, POINTER(TargetOptions),
                                          POINTER(TargetHistoryOptions)]),
    "mtl_target_tree_node_count": (sz, [H]),
    "mtl_target_tree_minor_per_major": (i64, [H]),
    "mtl_target_tree_find": (st, [Psz, H, sz, s]),
    "mtl_target_tree_node": (st, [H, sz, POINTER(TargetNode)]),
}

# ------------------------------------------------------------------ loading --

_NAMES = ("libmtl.so.1", "libmtl.so", "libmtl.1.dylib", "libmtl.dylib", "mtl.dll")


def _candidates():
    """Yield (path, explicit) in lookup order."""
    env = os.environ.get("MTL_LIBRARY")
    if env:
        yield env, True
        return
    here = os.path.dirname(os.path.abspath(__file__))
    for folder in (here, os.path.dirname(here)):
        for name in _NAMES:
            path = os.path.join(folder, name)
            if os.path.exists(path):
                yield path, False
    found = ctypes.util.find_library("mtl")
    if found:
        yield found, False
    yield "libmtl.so.1", False


def _load():
    """Load the library; ImportError with every attempt when none works."""
    tried = []
    for path, explicit in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as exc:
            tried.append("%s (%s)" % (path, exc))
            if explicit:
                raise ImportError(
                    "mtl: MTL_LIBRARY=%s cannot be loaded: %s" % (path, exc)
                ) from None
    raise ImportError(
        "mtl: libmtl.so.1 not found; set MTL_LIBRARY to its path, put it "
        "next to the package, or install it. Tried: " + "; ".join(tried))


def _declare(library, where):
    """Set argtypes and restype of every function in FUNCTIONS."""
    missing = []
    for name, (restype, argtypes) in FUNCTIONS.items():
        try:
            fn = getattr(library, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    if missing:
        raise ImportError("mtl: the library at %s lacks %s (too old for this "
                          "binding, which was written for %s)"
                          % (where, ", ".join(missing), version_text(WRITTEN_FOR)))


def version_text(number):
    """'MAJOR.MINOR.PATCH' of a version number major*10000+minor*100+patch."""
    return "%d.%d.%d" % (number // 10000, number // 100 % 100, number % 100)


lib, path = _load()
try:
    lib.mtl_version_number.restype = c_int32
    lib.mtl_version_number.argtypes = []
except AttributeError:
    raise ImportError("mtl: %s is not libmtl (it has no mtl_version_number)" % path) from None
#: The running library's version number (major*10000 + minor*100 + patch).
VERSION_NUMBER = lib.mtl_version_number()
if VERSION_NUMBER // 10000 != WRITTEN_FOR // 10000 or VERSION_NUMBER < WRITTEN_FOR:
    raise ImportError(
        "mtl: the library at %s is version %s; this binding (written for %s) needs "
        "a %d.x library, %s or later" % (path, version_text(VERSION_NUMBER),
                                         version_text(WRITTEN_FOR), WRITTEN_FOR // 10000,
                                         version_text(WRITTEN_FOR)))
_declare(lib, path)
#: The running library's version string.
VERSION = lib.mtl_version_string().decode("ascii")

del st, H, PH, i32, i64, u64, sz, dbl, s, Pi32, Pi64, Psz, Pdbl, Ps, PPdbl
