/*
 * io.h: data in and out — CSV import and export of leads, customers and
 * segments, and snapshots of a whole market.  Formats: docs/formats.md.
 */
#ifndef MTL_IO_H
#define MTL_IO_H

#include "lead.h"

MTL_BEGIN_DECLS

/** Record kinds for import and export. */
enum {
    MTL_KIND_LEADS = 0,
    MTL_KIND_CUSTOMERS = 1,
    MTL_KIND_SEGMENTS = 2,
    /* Strategy inputs (looks.h, pain.h, customer.h, verification.h): rows
     * that name an existing segment, customer or lead. */
    MTL_KIND_LOOKS = 3,          /**< look items of segments */
    MTL_KIND_FACTORS = 4,        /**< segment factors, one row per segment */
    MTL_KIND_APPEALS = 5,        /**< $APPEALS ratings, one row per segment and competitor */
    MTL_KIND_CONTROL_POINTS = 6, /**< candidate control points of segments */
    MTL_KIND_PAINS = 7,          /**< pains of segments or customers */
    MTL_KIND_CONTACTS = 8,       /**< decision-chain contacts of customers */
    MTL_KIND_RELATIONSHIPS = 9,  /**< relationship assessments, one row per customer */
    MTL_KIND_ANSWERS = 10        /**< lead verification answers, one row per lead and criterion */
};

/**
 * Output callback: write len bytes; return 0 on success, non-zero to stop
 * (the caller then gets MTL_E_IO).
 */
typedef int32_t (*mtl_write_fn)(const void *data, size_t len, void *user_data);

/**
 * Progress callback: bytes of input consumed so far out of the total.
 * Called at most about a hundred times per import.
 */
typedef void (*mtl_progress_fn)(uint64_t done, uint64_t total, void *user_data);

/** Options of a CSV import.  Size-versioned; zero fields mean defaults. */
typedef struct mtl_csv_options {
    size_t struct_size;
    int32_t kind;          /**< MTL_KIND_*; default leads */
    int32_t separator;     /**< ',', ';' or '\t'; 0 = detect from the header */
    const char *field_map; /**< "opportunity_id=id,close_value=amount": header name = canonical field; NULL = aliases only */
    const char *stage_map; /**< "Prospecting=P1,Won=won,Lost=lost"; NULL = stage names as they are */
    int32_t skip_bad_rows; /**< 0: stop at the first error, market unchanged; 1: skip bad rows, import the rest */
    int32_t strict;        /**< 1: a lead naming an unknown customer or segment is an error; 0: create it */
    mtl_progress_fn progress;  /**< NULL = none */
    void *progress_user_data;
} mtl_csv_options;

/** Most errors an import result keeps. */
#define MTL_CSV_ERRORS_MAX 16
/** Size of a kept error message, with its NUL. */
#define MTL_CSV_MESSAGE_MAX 256

/** One rejected row. */
typedef struct mtl_csv_error {
    int64_t line;    /**< 1-based physical line of the input */
    int64_t column;  /**< 1-based byte column in that line */
    mtl_status status;
    char message[MTL_CSV_MESSAGE_MAX]; /**< quotes at most 64 bytes of input */
} mtl_csv_error;

/** What an import did.  Size-versioned. */
typedef struct mtl_csv_result {
    size_t struct_size;
    uint64_t rows;              /**< data rows read (header excluded) */
    uint64_t imported;          /**< records added */
    uint64_t skipped;           /**< rows refused (skip_bad_rows mode) */
    uint64_t customers_created; /**< customers made for leads that named them */
    uint64_t segments_created;  /**< segments made for leads or customers */
    int32_t separator;          /**< the separator used */
    int32_t error_count;        /**< errors kept in errors[] (the first ones) */
    mtl_csv_error errors[MTL_CSV_ERRORS_MAX];
} mtl_csv_result;

/** Fill options with defaults.  @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION.  @since 0.1 */
MTL_API mtl_status mtl_csv_options_init(mtl_csv_options *options, size_t struct_size);
/** Zero a result and set struct_size.  @since 0.1 */
MTL_API mtl_status mtl_csv_result_init(mtl_csv_result *result, size_t struct_size);

/**
 * Import CSV text (RFC 4180; UTF-8 with or without BOM; CRLF or LF) into a
 * market.  Header names map to fields through the alias table of
 * docs/formats.md (English and Chinese) or options->field_map; columns that
 * map to no field become lead attributes.  Amounts are decimal text stored
 * exactly in minor units; dates are YYYY-MM-DD.
 *
 * In stop-at-first-error mode any bad row leaves the market exactly as it
 * was; the error status, line, column and message are in the thread's
 * error detail (mtl_last_error_*) and in result->errors[0].
 *
 * @param market  the market to add to
 * @param data    the CSV bytes (need not be NUL-terminated)
 * @param len     their number
 * @param options NULL for defaults
 * @param result  NULL, or receives counts and the first errors
 * @return MTL_OK (also when rows were skipped); MTL_E_PARSE (malformed
 *         CSV, numbers, dates); MTL_E_RANGE; MTL_E_NOT_FOUND (strict mode,
 *         unknown stage); MTL_E_DUPLICATE; MTL_E_STATE; MTL_E_LIMIT;
 *         MTL_E_INVALID_ARGUMENT (bad maps, NULL pointers);
 *         MTL_E_VERSION; MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_csv_import(mtl_market *market, const char *data, size_t len,
                                  const mtl_csv_options *options,
                                  mtl_csv_result *result);

/** mtl_csv_import on a file's content, read through a 1 MiB window (the file
 *  is never held whole in memory); the same result as mtl_csv_import of its
 *  bytes.  MTL_E_IO when it cannot be read.  @since 0.1 */
MTL_API mtl_status mtl_csv_import_file(mtl_market *market, const char *path,
                                       const mtl_csv_options *options,
                                       mtl_csv_result *result);

/**
 * Write one record kind as CSV with canonical header names, separator ','
 * (or separator when non-zero), LF line ends, quoting where needed.  Lead
 * attributes follow the canonical columns, one column per key.  Importing
 * the output into an empty market with the same stage model reproduces the
 * records.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_RANGE (kind); MTL_E_IO (the
 *         callback refused); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_csv_export(const mtl_market *market, int32_t kind,
                                  int32_t separator, mtl_write_fn write,
                                  void *user_data);

/** mtl_csv_export to a file (written to a temporary name, then renamed).  @since 0.1 */
MTL_API mtl_status mtl_csv_export_file(const mtl_market *market, int32_t kind,
                                       int32_t separator, const char *path);

/**
 * Save the whole market (stage model, options, segments, customers, leads
 * with attributes and history) as a snapshot: versioned, little-endian,
 * CRC32C-checked (docs/formats.md).
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_IO; MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_market_write(const mtl_market *market, mtl_write_fn write,
                                    void *user_data);

/**
 * Save a snapshot to path: written to path + ".tmp", flushed, then renamed
 * over path, so a crash leaves the previous file whole.
 * @since 0.1
 */
MTL_API mtl_status mtl_market_save(const mtl_market *market, const char *path);

/**
 * Load a snapshot from memory into a new market.  Truncated, corrupted or
 * future-version data is refused and nothing is created; sizes are checked
 * against the data length before anything is allocated.
 * @param out     receives the market (NULL on failure)
 * @param options NULL, or options whose allocator is used (the stage model
 *                and minor units come from the snapshot)
 * @return MTL_OK; MTL_E_CORRUPT; MTL_E_VERSION; MTL_E_INVALID_ARGUMENT;
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_market_read(mtl_market **out, const void *data, size_t len,
                                   const mtl_market_options *options);

/** mtl_market_read on a file.  MTL_E_IO when it cannot be read.  @since 0.1 */
MTL_API mtl_status mtl_market_load(mtl_market **out, const char *path,
                                   const mtl_market_options *options);

MTL_END_DECLS

#endif /* MTL_IO_H */
