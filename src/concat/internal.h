/* quiver concat: internals (not installed). */
#ifndef QUIVER_CONCAT_INTERNAL_H
#define QUIVER_CONCAT_INTERNAL_H

#include "quiver/array.h"
#include "quiver/status.h"

/* Concatenates two arrays of equal type into a new one with offset 0 (any
 * layout). Offsets, run ends, list-view ranges and view buffer indices are
 * checked as they are used (structurally valid input only is assumed).
 * Caller owns *out. */
qv_status qv__array_concat2(const qv_array *a, const qv_array *b, qv_array **out, qv_error *err);

#endif
