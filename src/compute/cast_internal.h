/* Internal to src/compute: the cast kernels by family, which cast.c picks
 * from. Each takes an array whose encodings (dictionary, run-end) cast.c has
 * already decoded, a target type (retained by the result) and the safe
 * flag, and returns QV_ERR_INVALID_DATA naming the row for a value that does
 * not convert, QV_ERR_TYPE for a pair it does not handle.
 */
#ifndef QUIVER_SRC_COMPUTE_CAST_INTERNAL_H
#define QUIVER_SRC_COMPUTE_CAST_INTERNAL_H

#include <stdbool.h>

#include "quiver/array.h"
#include "quiver/status.h"

/* 0..9 for int8..int64, uint8..uint64, float32, float64; -1 otherwise. */
int qv__cast_numeric_index(qv_type_id id);

qv_status qv__cast_numeric(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err);
qv_status qv__cast_to_bool(const qv_array *a, qv_type *to, qv_array **out, qv_error *err);
qv_status qv__cast_from_bool(const qv_array *a, qv_type *to, qv_array **out, qv_error *err);

/* Strings and binaries: between their forms, and parsing to / formatting
 * from numbers, bools and temporal types. */
qv_status qv__cast_bytes_to_bytes(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err);
qv_status qv__cast_bytes_to_fixed(const qv_array *a, qv_type *to, qv_array **out, qv_error *err);
qv_status qv__cast_parse(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err);
qv_status qv__cast_format(const qv_array *a, qv_type *to, qv_array **out, qv_error *err);

/* Temporal types among themselves and with integers. */
bool qv__cast_is_temporal(qv_type_id id);
qv_status qv__cast_temporal(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err);

/* Decimals (32..256 bits) among themselves and with integers, floats and
 * string forms. */
bool qv__cast_is_decimal(qv_type_id id);
qv_status qv__cast_decimal(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err);

/* Dictionary encoding (any hashable input, or a dictionary re-typed). */
qv_status qv__cast_to_dictionary(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err);

/* Nested types: list-likes (element casts), structs (by name), maps. */
bool qv__cast_is_nested_pair(qv_type_id from, qv_type_id into);
qv_status qv__cast_nested(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err);

/* float16 with the other numbers and the string forms. */
qv_status qv__cast_half(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err);

/* An array of `to` sharing every buffer of `a` (same physical layout). */
qv_status qv__cast_reinterpret(const qv_array *a, qv_type *to, qv_array **out, qv_error *err);

#endif
