/* Internal helpers shared by the C Data / C Stream files of src/cdata/. */
#ifndef QV_CDATA_INTERNAL_H
#define QV_CDATA_INTERNAL_H

#include <stdint.h>

#include "quiver/cdata.h"

/* A parsed format string, before children are attached. */
typedef struct qv_cdata_format {
  qv_type_id id;
  qv_time_unit unit;     /* time32/time64/timestamp/duration */
  const char *timezone;  /* timestamp: points into the format, NUL-terminated there ("" = naive) */
  int32_t precision;     /* decimal */
  int32_t scale;         /* decimal */
  int32_t bit_width;     /* decimal: 32/64/128/256 */
  int32_t size;          /* fixed_size_binary bytes, fixed_size_list items */
  int32_t n_codes;       /* unions */
  int8_t codes[128];     /* unions */
} qv_cdata_format;

/* Parses `format` (non-NULL) into *out. QV_ERR_INVALID_DATA with a message
 * quoting the format on any error. */
qv_status qv__cdata_format_parse(const char *format, qv_cdata_format *out, qv_error *err);

/* Extension keys in C Data metadata. */
#define QV_CDATA_EXT_NAME "ARROW:extension:name"
#define QV_CDATA_EXT_METADATA "ARROW:extension:metadata"

/* Size of the C Data metadata encoding of `md` plus, when ext_name != NULL,
 * the two extension pairs (0 when there is nothing to encode). */
int64_t qv__cdata_metadata_size_ext(const qv_metadata *md, const char *ext_name, const char *ext_md,
                                   int32_t ext_md_len);
/* Writes that encoding to `dst` (which has the size computed above). */
void qv__cdata_metadata_write_ext(const qv_metadata *md, const char *ext_name, const char *ext_md,
                                 int32_t ext_md_len, char *dst);

/* Decodes metadata bytes; when split_extension is true and the
 * ARROW:extension:name key is present, the two extension pairs are not put in
 * *out but returned through ext_* (pointers into `bytes`, not NUL-terminated;
 * *ext_name == NULL when absent). */
qv_status qv__cdata_metadata_decode_ext(const char *bytes, bool split_extension, qv_metadata **out,
                                       const char **ext_name, int32_t *ext_name_len, const char **ext_md,
                                       int32_t *ext_md_len, qv_error *err);

/* Imports a schema node (without moving or releasing it) as a field.
 * `depth` is the node's nesting depth. */
qv_status qv__cdata_import_field(const struct ArrowSchema *schema, int depth, qv_field **out, qv_error *err);

/* Prefixes a child's error with where it happened ("child 2 ('name'): ").
 * Only the outermost QV_CDATA_PATH_LEVELS levels add a prefix (names cut to
 * 32 bytes), deeper ones collapse into "...: ", so the innermost message
 * always survives the fixed-size qv_error. `depth` is the parent's depth;
 * name NULL gives just "kind: " (dictionaries). */
#define QV_CDATA_PATH_LEVELS 8
void qv__cdata_error_child(qv_error *err, int depth, const char *kind, int64_t index, const char *name);

/* qv_status -> errno for stream callbacks, and back. */
int qv__cdata_status_to_errno(qv_status st);
qv_status qv__cdata_errno_to_status(int code);

#endif
