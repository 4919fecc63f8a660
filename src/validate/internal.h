/* quiver validate: shared internals of the validator (not installed).
 *
 * A qv__vctx travels down the recursion: the requested level, the caller's
 * error slot, the nesting depth and the field path ("column 'a'.item")
 * that prefixes every message. Path segments are pushed before descending
 * into a child and popped on the way back, so a failure anywhere reports
 * the full path without building strings on the success path beyond a
 * short memcpy per child.
 */
#ifndef QUIVER_VALIDATE_INTERNAL_H
#define QUIVER_VALIDATE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/status.h"
#include "quiver/validate.h"
#include "core/checked_access.h"

typedef struct qv__vctx {
  qv_validate_level level;
  qv_error *err;  /* may be NULL */
  int depth;      /* nesting depth of the array being checked (root 0) */
  size_t path_len;
  char path[512]; /* NUL-terminated field path, "" at the root of a lone array */
} qv__vctx;

/* Sets err to "<path>: <type> array: <message>" and returns code. */
qv_status qv__vfail(qv__vctx *c, const qv_array *a, qv_status code, const char *fmt, ...) QV_PRINTF(4, 5);

/* Appends a path segment (".name", or "name" at an empty root); returns the
 * previous length for qv__vpath_pop. */
size_t qv__vpath_push(qv__vctx *c, const char *fmt, ...) QV_PRINTF(2, 3);
void qv__vpath_pop(qv__vctx *c, size_t len);

/* Structural checks of one array node that need nothing from its
 * children but their presence, types and lengths (layout.c). */
qv_status qv__validate_layout(qv__vctx *c, const qv_array *a);
/* O(1) structural checks that read a child's buffers (REE last run end);
 * run after the children passed their own structural checks (layout.c). */
qv_status qv__validate_links(qv__vctx *c, const qv_array *a);
/* Full (O(n)) checks of one node: offsets, views, unions, dictionary
 * indices, run ends, null counts, maps (content.c) ... */
qv_status qv__validate_content(qv__vctx *c, const qv_array *a);
/* ... UTF-8 of string layouts (strings.c) ... */
qv_status qv__validate_utf8(qv__vctx *c, const qv_array *a);
/* ... and value ranges: decimals, date64, time32/64 (values.c). */
qv_status qv__validate_values(qv__vctx *c, const qv_array *a);

#endif
