/*
 * json.h: a streaming JSON writer (RFC 8259), for the reports of the `mtl`
 * tool and the bindings.  It writes through an mtl_write_fn callback,
 * checks that calls nest correctly, and always produces valid UTF-8.
 *
 * A document is one value: a scalar, or an object or array built with the
 * begin/end calls.  Inside an object every value follows mtl_json_key.
 *
 *     mtl_json *w;
 *     mtl_json_create(&w, write_to_file, fp, MTL_JSON_PRETTY, NULL, NULL);
 *     mtl_json_begin_object(w);
 *     mtl_json_key(w, "leads");  mtl_json_int(w, 8800);
 *     mtl_json_key(w, "stages"); mtl_json_begin_array(w);
 *     mtl_json_string(w, "P1");  mtl_json_end_array(w);
 *     mtl_json_end_object(w);
 *     st = mtl_json_finish(w);   (the first I/O error, if any, shows here)
 *     mtl_json_destroy(w);
 */
#ifndef MTL_JSON_H
#define MTL_JSON_H

#include "io.h"

MTL_BEGIN_DECLS

/** An open JSON document being written. */
typedef struct mtl_json mtl_json;

/** Flags of mtl_json_create. */
enum {
    /**
     * Indent by two spaces, one member or element per line, a space after
     * each ':'.  Without it the output has no blanks at all.  Empty
     * containers are "{}" and "[]" either way.
     */
    MTL_JSON_PRETTY = 1
};

/**
 * Create a writer.  Output is collected in a 4 KiB buffer and handed to
 * write whenever the buffer fills and at mtl_json_finish; nothing reaches
 * write before that.
 * @param out        receives the writer (NULL on failure)
 * @param write      the output callback (must not be NULL)
 * @param user_data  passed to write
 * @param flags      0 or MTL_JSON_PRETTY
 * @param alloc      allocator for the writer and its nesting stack, or NULL
 *                   for libc
 * @param alloc_user_data passed to alloc
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL out or write); MTL_E_RANGE
 *         (unknown flags); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_json_create(mtl_json **out, mtl_write_fn write,
                                   void *user_data, int32_t flags,
                                   mtl_alloc_fn alloc, void *alloc_user_data);

/**
 * Release a writer.  Output still in its buffer is dropped: call
 * mtl_json_finish first to complete the document.  NULL is a no-op.
 * @since 0.1
 */
MTL_API void mtl_json_destroy(mtl_json *writer);

/*
 * Every call below returns MTL_OK or one of these; the first three leave
 * the writer as it was (nothing written), so the caller may go on:
 *   MTL_E_INVALID_ARGUMENT  NULL writer (or NULL text where text is needed);
 *   MTL_E_STATE             the call does not fit the structure written so
 *                           far: a value where a key is required or the
 *                           other way round, an end that matches no begin,
 *                           a second top-level value, any call after
 *                           mtl_json_finish;
 *   MTL_E_NO_MEMORY         (begin_* only) the nesting stack could not grow;
 *   MTL_E_IO                the write callback refused.  This one sticks:
 *                           every later call returns MTL_E_IO too, and the
 *                           output is incomplete.
 * A writer is used by one thread at a time; different writers are
 * independent.
 */

/** Open an object ('{'): a value, so it needs a key inside an object.  @since 0.1 */
MTL_API mtl_status mtl_json_begin_object(mtl_json *writer);
/** Close the innermost object; MTL_E_STATE when it is not an object or a key waits for its value.  @since 0.1 */
MTL_API mtl_status mtl_json_end_object(mtl_json *writer);
/** Open an array ('[').  @since 0.1 */
MTL_API mtl_status mtl_json_begin_array(mtl_json *writer);
/** Close the innermost array; MTL_E_STATE when it is not an array.  @since 0.1 */
MTL_API mtl_status mtl_json_end_array(mtl_json *writer);

/**
 * Write a member name (a NUL-terminated UTF-8 string, escaped as
 * mtl_json_string does).  Only inside an object, and only where a member
 * starts; the next call must write its value.  Duplicate names are not
 * detected.
 * @since 0.1
 */
MTL_API mtl_status mtl_json_key(mtl_json *writer, const char *key);

/** mtl_json_key with an explicit length (may contain NUL bytes; key may be NULL when len is 0).  @since 0.1 */
MTL_API mtl_status mtl_json_key_len(mtl_json *writer, const char *key,
                                    size_t len);

/**
 * Write a string value.  '"' and '\\' are escaped, control characters
 * become \\b \\f \\n \\r \\t or \\u00XX, valid UTF-8 passes through
 * unchanged, and every ill-formed UTF-8 sequence (a stray continuation
 * byte, a truncated sequence, an overlong form, a surrogate, a code point
 * above U+10FFFF) becomes U+FFFD, one per maximal ill-formed subpart as
 * Unicode recommends.  The output is therefore always valid UTF-8.
 * @param s a NUL-terminated string (NULL is MTL_E_INVALID_ARGUMENT: write
 *          mtl_json_null for a missing value)
 * @since 0.1
 */
MTL_API mtl_status mtl_json_string(mtl_json *writer, const char *s);

/** mtl_json_string on len bytes (NUL bytes are written as \\u0000; s may be NULL when len is 0).  @since 0.1 */
MTL_API mtl_status mtl_json_string_len(mtl_json *writer, const char *s,
                                       size_t len);

/** Write an integer exactly (all of int64_t, INT64_MIN included).  @since 0.1 */
MTL_API mtl_status mtl_json_int(mtl_json *writer, int64_t value);

/**
 * Write a number as the shortest of its %.15g, %.16g and %.17g forms that
 * reads back to the same double, so every finite double round-trips
 * (-0.0 is written "-0"; whole numbers have no ".0": 2.0 is "2").  The
 * decimal point is '.' whatever the C locale.  NaN and the infinities,
 * which JSON cannot express, are written as null.
 * @since 0.1
 */
MTL_API mtl_status mtl_json_double(mtl_json *writer, double value);

/** Write true (value != 0) or false.  @since 0.1 */
MTL_API mtl_status mtl_json_bool(mtl_json *writer, int32_t value);

/** Write null.  @since 0.1 */
MTL_API mtl_status mtl_json_null(mtl_json *writer);

/**
 * End the document: check that exactly one top-level value was written
 * and every object and array is closed, append a final newline and hand
 * all buffered output to the write callback.  After it only
 * mtl_json_destroy is useful.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_STATE (nothing written, an
 *         open container, already finished; nothing is written then);
 *         MTL_E_IO (this or an earlier write failed).
 * @since 0.1
 */
MTL_API mtl_status mtl_json_finish(mtl_json *writer);

MTL_END_DECLS

#endif /* MTL_JSON_H */
