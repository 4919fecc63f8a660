/* quiver: logical data types.
 *
 * A qv_type is immutable and refcounted. Parameterless types are static
 * singletons (qv_type_int32() etc.): retaining/releasing them is a no-op, so
 * all types are handled the same way. Nested types own their child fields.
 * Constructors RETAIN what they are given (fields, types); the caller keeps
 * its own references and releases them as usual.
 *
 * Physical layout (buffer order == Arrow C Data Interface order):
 *   null                 : no buffers
 *   bool, fixed width    : [validity, values]
 *   binary/utf8 (+large) : [validity, offsets, data]
 *   views                : [validity, views, variadic data buffers...]
 *   list/large_list, map : [validity, offsets]                    + 1 child
 *   list_view (+large)   : [validity, offsets, sizes]             + 1 child
 *   fixed_size_list      : [validity]                             + 1 child
 *   struct               : [validity]                             + N children
 *   sparse union         : [type_ids]                             + N children
 *   dense union          : [type_ids, offsets]                    + N children
 *   dictionary           : [validity, indices]  + array->dictionary (values)
 *   run_end_encoded      : no buffers, children [run_ends, values]
 *   extension            : the layout of its storage type
 */
#ifndef QUIVER_TYPE_H
#define QUIVER_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/metadata.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qv_type_id {
  QV_TYPE_NULL = 0,
  QV_TYPE_BOOL,
  QV_TYPE_INT8,
  QV_TYPE_INT16,
  QV_TYPE_INT32,
  QV_TYPE_INT64,
  QV_TYPE_UINT8,
  QV_TYPE_UINT16,
  QV_TYPE_UINT32,
  QV_TYPE_UINT64,
  QV_TYPE_FLOAT16,
  QV_TYPE_FLOAT32,
  QV_TYPE_FLOAT64,
  QV_TYPE_DECIMAL32,
  QV_TYPE_DECIMAL64,
  QV_TYPE_DECIMAL128,
  QV_TYPE_DECIMAL256,
  QV_TYPE_DATE32,   /* int32 days since epoch */
  QV_TYPE_DATE64,   /* int64 ms since epoch, whole days */
  QV_TYPE_TIME32,   /* unit s or ms, int32 */
  QV_TYPE_TIME64,   /* unit us or ns, int64 */
  QV_TYPE_TIMESTAMP, /* int64, unit, optional timezone */
  QV_TYPE_DURATION, /* int64, unit */
  QV_TYPE_INTERVAL_MONTHS,         /* int32 months */
  QV_TYPE_INTERVAL_DAY_TIME,       /* {int32 days, int32 ms} */
  QV_TYPE_INTERVAL_MONTH_DAY_NANO, /* {int32 months, int32 days, int64 ns} */
  QV_TYPE_BINARY,
  QV_TYPE_STRING,       /* utf8 */
  QV_TYPE_LARGE_BINARY,
  QV_TYPE_LARGE_STRING,
  QV_TYPE_BINARY_VIEW,
  QV_TYPE_STRING_VIEW,
  QV_TYPE_FIXED_SIZE_BINARY,
  QV_TYPE_LIST,
  QV_TYPE_LARGE_LIST,
  QV_TYPE_LIST_VIEW,
  QV_TYPE_LARGE_LIST_VIEW,
  QV_TYPE_FIXED_SIZE_LIST,
  QV_TYPE_STRUCT,
  QV_TYPE_MAP,
  QV_TYPE_SPARSE_UNION,
  QV_TYPE_DENSE_UNION,
  QV_TYPE_DICTIONARY,
  QV_TYPE_RUN_END_ENCODED,
  QV_TYPE_EXTENSION,
  QV_TYPE_ID_COUNT /* number of ids, not a type */
} qv_type_id;

typedef enum qv_time_unit {
  QV_UNIT_SECOND = 0,
  QV_UNIT_MILLI = 1,
  QV_UNIT_MICRO = 2,
  QV_UNIT_NANO = 3
} qv_time_unit;

/* Canonical extension types recognised by name. */
typedef enum qv_canonical_extension {
  QV_EXT_NONE = 0, /* not an extension type, or an unknown one */
  QV_EXT_UUID,
  QV_EXT_JSON,
  QV_EXT_BOOL8,
  QV_EXT_FIXED_SHAPE_TENSOR,
  QV_EXT_OPAQUE
} qv_canonical_extension;

struct qv_field;

/* Read-only for users. Which fields are meaningful depends on `id`. */
typedef struct qv_type {
  qv_type_id id;
  /* Width in bits of one value of a fixed-width layout (bool 1, int32 32,
   * decimal128 128, interval_month_day_nano 128, fixed_size_binary 8*n,
   * dictionary: index width); 0 for variable-size and nested layouts. */
  int32_t bit_width;
  qv_time_unit unit;   /* time32/time64/timestamp/duration */
  char *timezone;      /* timestamp: NULL for naive; "UTC", "+05:30", Olson name */
  int32_t precision;   /* decimal */
  int32_t scale;       /* decimal */
  int32_t byte_width;  /* fixed_size_binary: bytes per value */
  int32_t list_size;   /* fixed_size_list: values per slot */
  bool keys_sorted;    /* map */
  bool ordered;        /* dictionary */

  /* Child fields: list-like 1 ("item"), map 1 ("entries": struct<key, value>),
   * struct N, union N, run_end_encoded 2 ("run_ends", "values"). */
  int32_t n_children;
  struct qv_field **children;

  /* Unions: type_codes[i] is the code of children[i] (0..127);
   * child_index[code] is the child of a code, or -1 (128 entries). */
  int8_t *type_codes;
  int8_t *child_index;

  /* Dictionary: index (an integer type) and value type. */
  struct qv_type *index_type;
  struct qv_type *value_type;

  /* Extension: storage type (its layout is the array's layout), name,
   * serialized metadata (bytes, may be empty), and the canonical kind. */
  struct qv_type *storage_type;
  char *extension_name;
  char *extension_metadata;
  int32_t extension_metadata_len;
  qv_canonical_extension canonical;

  int64_t refcount_; /* private; < 0 marks a static singleton */
} qv_type;

/* ---- Parameterless singletons (never fail, never need releasing) ---- */
QV_API qv_type *qv_type_null(void);
QV_API qv_type *qv_type_bool(void);
QV_API qv_type *qv_type_int8(void);
QV_API qv_type *qv_type_int16(void);
QV_API qv_type *qv_type_int32(void);
QV_API qv_type *qv_type_int64(void);
QV_API qv_type *qv_type_uint8(void);
QV_API qv_type *qv_type_uint16(void);
QV_API qv_type *qv_type_uint32(void);
QV_API qv_type *qv_type_uint64(void);
QV_API qv_type *qv_type_float16(void);
QV_API qv_type *qv_type_float32(void);
QV_API qv_type *qv_type_float64(void);
QV_API qv_type *qv_type_date32(void);
QV_API qv_type *qv_type_date64(void);
QV_API qv_type *qv_type_interval_months(void);
QV_API qv_type *qv_type_interval_day_time(void);
QV_API qv_type *qv_type_interval_month_day_nano(void);
QV_API qv_type *qv_type_binary(void);
QV_API qv_type *qv_type_string(void);
QV_API qv_type *qv_type_large_binary(void);
QV_API qv_type *qv_type_large_string(void);
QV_API qv_type *qv_type_binary_view(void);
QV_API qv_type *qv_type_string_view(void);
/* The singleton for a parameterless id, or NULL if `id` takes parameters. */
QV_API qv_type *qv_type_from_id(qv_type_id id);

/* ---- Parameterised constructors (caller owns *out) ---- */
/* bit_width 32, 64, 128 or 256; 1 <= precision <= max for the width (9, 18, 38, 76). */
QV_API qv_status qv_type_decimal(int32_t bit_width, int32_t precision, int32_t scale, qv_type **out,
                                 qv_error *err);
/* time32: SECOND or MILLI; time64: MICRO or NANO. */
QV_API qv_status qv_type_time32(qv_time_unit unit, qv_type **out, qv_error *err);
QV_API qv_status qv_type_time64(qv_time_unit unit, qv_type **out, qv_error *err);
/* timezone NULL (or "") for naive timestamps. */
QV_API qv_status qv_type_timestamp(qv_time_unit unit, const char *timezone, qv_type **out, qv_error *err);
QV_API qv_status qv_type_duration(qv_time_unit unit, qv_type **out, qv_error *err);
QV_API qv_status qv_type_fixed_size_binary(int32_t byte_width, qv_type **out, qv_error *err);

/* List-likes take the child field ("item" by convention). */
QV_API qv_status qv_type_list(struct qv_field *item, qv_type **out, qv_error *err);
QV_API qv_status qv_type_large_list(struct qv_field *item, qv_type **out, qv_error *err);
QV_API qv_status qv_type_list_view(struct qv_field *item, qv_type **out, qv_error *err);
QV_API qv_status qv_type_large_list_view(struct qv_field *item, qv_type **out, qv_error *err);
QV_API qv_status qv_type_fixed_size_list(struct qv_field *item, int32_t list_size, qv_type **out,
                                         qv_error *err);
/* Convenience: list<item: value_type> with a nullable child named "item". */
QV_API qv_status qv_type_list_of(qv_type_id list_id, qv_type *value_type, qv_type **out, qv_error *err);

QV_API qv_status qv_type_struct(struct qv_field *const *fields, int32_t n_fields, qv_type **out,
                                qv_error *err);
/* map<key, value>: builds the "entries" struct (non-nullable) of a non-nullable
 * "key" and a nullable "value" field. */
QV_API qv_status qv_type_map(qv_type *key_type, qv_type *item_type, bool keys_sorted, qv_type **out,
                             qv_error *err);
/* map from an explicit entries field (struct of 2 children), for readers that
 * must keep non-canonical names. */
QV_API qv_status qv_type_map_from_entries(struct qv_field *entries, bool keys_sorted, qv_type **out,
                                          qv_error *err);
/* id QV_TYPE_SPARSE_UNION or QV_TYPE_DENSE_UNION; type_codes may be NULL
 * (codes 0..n-1); codes must be distinct and within 0..127. */
QV_API qv_status qv_type_union(qv_type_id id, struct qv_field *const *fields, int32_t n_fields,
                               const int8_t *type_codes, qv_type **out, qv_error *err);
/* index_type must be a signed or unsigned integer type. */
QV_API qv_status qv_type_dictionary(qv_type *index_type, qv_type *value_type, bool ordered, qv_type **out,
                                    qv_error *err);
/* run_ends_type int16, int32 or int64; values field named "values". */
QV_API qv_status qv_type_run_end_encoded(qv_type *run_ends_type, qv_type *value_type, qv_type **out,
                                         qv_error *err);
/* REE from explicit child fields (run_ends field must be non-nullable). */
QV_API qv_status qv_type_run_end_encoded_fields(struct qv_field *run_ends, struct qv_field *values,
                                                qv_type **out, qv_error *err);
/* Extension type over `storage`; metadata bytes may be NULL/empty.
 * The canonical kind is recognised from the name (and the storage checked:
 * arrow.uuid needs fixed_size_binary(16), arrow.bool8 int8, arrow.json a
 * string type, arrow.fixed_shape_tensor a fixed_size_list). */
QV_API qv_status qv_type_extension(const char *name, const char *metadata, int32_t metadata_len,
                                   qv_type *storage, qv_type **out, qv_error *err);

/* ---- Reference counting ---- */
QV_API qv_type *qv_type_retain(qv_type *type);
QV_API void qv_type_release(qv_type *type); /* accepts NULL */

/* ---- Queries ---- */
/* Structural equality (names of child fields, nullability, params;
 * child field metadata is ignored unless check_metadata). */
QV_API bool qv_type_equals(const qv_type *a, const qv_type *b, bool check_metadata);
/* pyarrow-style text: "int32", "list<item: int32>", "timestamp[ms, tz=UTC]",
 * "decimal128(10, 2)", "dictionary<values=string, indices=int32, ordered=0>",
 * "struct<a: int32, b: string>", "map<string, int64>", "extension<arrow.uuid>".
 * snprintf semantics: writes at most cap bytes (NUL-terminated when cap > 0),
 * returns the full length needed. */
QV_API int64_t qv_type_format(const qv_type *type, char *buf, size_t cap);
/* The same text in a new string (*out, release with qv_free_string), like
 * every *_to_string function of quiver. */
QV_API qv_status qv_type_to_string(const qv_type *type, char **out, qv_error *err);
/* Short name of an id ("int32", "large_list", "dense_union"...). */
QV_API const char *qv_type_id_name(qv_type_id id);
/* The type whose layout an array of `type` has (extension -> storage, recursively). */
QV_API const qv_type *qv_type_storage(const qv_type *type);
/* Number of buffers of the layout (views: 2, not counting variadic buffers). */
QV_API int32_t qv_type_num_buffers(const qv_type *type);
/* True if the layout's first buffer is a validity bitmap (false for null,
 * unions and run_end_encoded). */
QV_API bool qv_type_has_validity(const qv_type *type);
QV_API bool qv_type_is_integer(qv_type_id id);
QV_API bool qv_type_is_signed_integer(qv_type_id id);
QV_API bool qv_type_is_nested(qv_type_id id);

#ifdef __cplusplus
}
#endif
#endif
