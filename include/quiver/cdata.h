/* quiver: the Arrow C Data Interface and C Stream Interface.
 *
 * The ABI structs below are copied verbatim from the Arrow specification
 * (docs/source/format/CDataInterface.rst and CStreamInterface.rst) under
 * their canonical guards, so this header coexists with any other project
 * that carries the same definitions.
 *
 * Export is O(1) allocations per exported tree and copies no data: buffer
 * pointers point at quiver's buffers, and the exported structs hold one
 * reference to the source array (or batch) until the last struct of the tree
 * is released. Import is zero-copy too: the foreign ArrowArray is moved into a
 * shared, refcounted holder, every imported qv_buffer wraps the producer's
 * pointer, and the producer's release callback runs exactly once, when the
 * last quiver reference (slices, re-exports included) is gone.
 *
 * Ownership on import: every qv_*_import function that takes a
 * `struct ArrowSchema *`, `struct ArrowArray *` or `struct ArrowArrayStream *`
 * takes ownership of it, on success AND on failure: the caller's struct is
 * marked released (release == NULL) on return, and the producer's release
 * callback is called exactly once (immediately for schemas and failed
 * imports; for arrays, when the last imported buffer is released, on
 * whichever thread releases it). Passing an
 * already released struct (release == NULL) is rejected with
 * QV_ERR_INVALID_DATA and nothing is called.
 *
 * Imports check structure (docs/robustness.md, class 37): format strings, buffer and
 * child counts, required buffers, dictionary presence, lengths/offsets and
 * their sums, null counts, nesting depth (QV_CDATA_MAX_DEPTH). They do not
 * check content (offsets monotonic, UTF-8, union codes...): call
 * qv_array_validate (validate.h) on data from an untrusted producer.
 */
#ifndef QUIVER_CDATA_H
#define QUIVER_CDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/field.h"
#include "quiver/metadata.h"
#include "quiver/schema.h"
#include "quiver/status.h"
#include "quiver/type.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ABI (Arrow C Data Interface, verbatim) ---- */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  // Array type description
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;

  // Release callback
  void (*release)(struct ArrowSchema*);
  // Opaque producer-specific data
  void* private_data;
};

struct ArrowArray {
  // Array data description
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;

  // Release callback
  void (*release)(struct ArrowArray*);
  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

/* ---- ABI (Arrow C Stream Interface, verbatim) ---- */
#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  // Callback to get the stream type
  // (will be the same for all arrays in the stream).
  //
  // Return value: 0 if successful, an `errno`-compatible error code otherwise.
  //
  // If successful, the ArrowSchema must be released independently from the stream.
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);

  // Callback to get the next array
  // (if no error and the array is released, the stream has ended)
  //
  // Return value: 0 if successful, an `errno`-compatible error code otherwise.
  //
  // If successful, the ArrowArray must be released independently from the stream.
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);

  // Callback to get optional detailed error information.
  // This must only be called if the last stream operation failed
  // with a non-0 return code.
  //
  // Return value: pointer to a null-terminated character array describing
  // the last error, or NULL if no description is available.
  //
  // The returned pointer is only valid until the next operation on this stream
  // (including release).
  const char* (*get_last_error)(struct ArrowArrayStream*);

  // Release callback: release the stream's own resources.
  // Note that arrays returned by `get_next` must be individually released.
  void (*release)(struct ArrowArrayStream*);

  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

/* Deepest nesting an import accepts (the root is depth 0; each child or
 * dictionary adds one). Deeper structures fail with QV_ERR_LIMIT. */
#define QV_CDATA_MAX_DEPTH 64

/* ---- Format strings ---- */

/* Writes the C Data format string of `type` (dictionary: its index type;
 * extension: its storage type). snprintf semantics: writes at most cap bytes
 * (NUL-terminated when cap > 0) and returns the full length needed. */
QV_API int64_t qv_type_to_format(const qv_type *type, char *buf, size_t cap);

/* Parses a format string into a type. Nested formats take their child fields
 * from `children` (retained, not consumed): exactly 1 for +l +L +vl +vL +w:N,
 * 1 struct of 2 fields for +m, one per type code for unions, 2 for +r
 * (run_ends int16/32/64; a nullable run_ends field is accepted and made
 * non-nullable); any number for +s; 0 for every other format. `flags` are
 * ArrowSchema flags; only ARROW_FLAG_MAP_KEYS_SORTED is used here.
 * Strict: trailing characters, malformed or overflowing numbers, union codes
 * outside 0..127, bad decimal widths and wrong child counts fail with
 * QV_ERR_INVALID_DATA and a message quoting the format. Caller owns *out. */
QV_API qv_status qv_type_from_format(const char *format, int64_t flags, qv_field *const *children,
                                     int32_t n_children, qv_type **out, qv_error *err);

/* ---- Binary metadata (int32 n, then per pair int32 len + key, int32 len + value; native endian) ---- */

/* Encodes `md` (NULL or empty -> 0 is returned and nothing is written: the
 * spec wants a NULL metadata pointer then). snprintf-like: returns the size
 * needed, writes only if it fits in cap. */
QV_API int64_t qv_cdata_metadata_encode(const qv_metadata *md, char *buf, size_t cap);

/* Decodes C Data metadata bytes (NULL -> *out = NULL). Negative counts or
 * lengths fail with QV_ERR_INVALID_DATA. Caller owns *out (NULL when there
 * are no pairs). */
QV_API qv_status qv_cdata_metadata_decode(const char *bytes, qv_metadata **out, qv_error *err);

/* ---- Export (quiver -> C Data). `out` is caller-allocated; on success the
 * caller (or whoever it hands the struct to) must call out->release. On
 * failure *out is left released (out->release == NULL). ---- */

/* A bare type: name "", nullable flag set. Extension types are exported as
 * their storage format with ARROW:extension:name / ARROW:extension:metadata
 * metadata; dictionaries as their index format plus `dictionary`. */
QV_API qv_status qv_type_export(const qv_type *type, struct ArrowSchema *out, qv_error *err);
/* A field: name, nullable flag, field metadata (plus extension keys). */
QV_API qv_status qv_field_export(const qv_field *field, struct ArrowSchema *out, qv_error *err);
/* A schema as the struct "+s" whose children are the fields and whose
 * metadata is the schema metadata. */
QV_API qv_status qv_schema_export(const qv_schema *schema, struct ArrowSchema *out, qv_error *err);

/* Zero-copy export of an array (retains `array` until release). Buffers point
 * at quiver's memory; `offset` is the array's offset; view arrays get the
 * trailing int64 buffer of variadic buffer sizes. */
QV_API qv_status qv_array_export(qv_array *array, struct ArrowArray *out, qv_error *err);
/* Exports a batch as a struct array (no validity) of its columns; retains
 * `batch` until release. Export the schema with qv_schema_export. */
QV_API qv_status qv_batch_export(qv_batch *batch, struct ArrowArray *out, qv_error *err);

/* ---- Import (C Data -> quiver). All take ownership of their input, see the
 * top of this file. ---- */

/* The type of a schema node (name, nullability and plain metadata dropped). */
QV_API qv_status qv_type_import(struct ArrowSchema *schema, qv_type **out, qv_error *err);
/* A field: name (NULL -> ""), ARROW_FLAG_NULLABLE, metadata without the
 * ARROW:extension:* keys that became the extension type. */
QV_API qv_status qv_field_import(struct ArrowSchema *schema, qv_field **out, qv_error *err);
/* A record batch schema: the format must be "+s"; the children become the
 * fields and the metadata the schema metadata. */
QV_API qv_status qv_schema_import(struct ArrowSchema *schema, qv_schema **out, qv_error *err);

/* Zero-copy import of `array` laid out as `type` (borrowed; retained by the
 * result). Buffer sizes are computed from type, offset and length (and the
 * last offset for binary data, the trailing sizes buffer for views). */
QV_API qv_status qv_array_import(struct ArrowArray *array, const qv_type *type, qv_array **out,
                                 qv_error *err);
/* Imports a struct array (no top-level nulls) as a batch of `schema`
 * (borrowed; retained). The struct's offset and length slice the columns. */
QV_API qv_status qv_batch_import(struct ArrowArray *array, qv_schema *schema, qv_batch **out,
                                 qv_error *err);

/* ---- Streams ---- */

/* Pulls the next batch into *out (caller owns it), or sets *out = NULL at the
 * end of the stream. A failing source leaves *out NULL. */
typedef qv_status (*qv_batch_source_fn)(void *ctx, qv_batch **out, qv_error *err);

/* Exports a stream of batches of `schema` (retained) pulled from `next`.
 * `release_ctx` (may be NULL) is called once with ctx when the stream is
 * released. Batches whose schema differs from `schema` fail get_next with
 * EINVAL. qv_status maps to errno: NO_MEMORY -> ENOMEM, IO/TRUNCATED -> EIO,
 * NOT_IMPLEMENTED/UNSUPPORTED -> ENOSYS, all others -> EINVAL; get_last_error
 * returns the qv_error message. On failure of this call, ctx is NOT released
 * (the caller still owns it). */
QV_API qv_status qv_stream_export(qv_schema *schema, qv_batch_source_fn next, void (*release_ctx)(void *ctx),
                                  void *ctx, struct ArrowArrayStream *out, qv_error *err);
/* Exports the batches of `table` (retained) as a stream. */
QV_API qv_status qv_table_export_stream(qv_table *table, struct ArrowArrayStream *out, qv_error *err);

/* A pull reader over an imported ArrowArrayStream. */
typedef struct qv_stream_reader qv_stream_reader;

/* Takes ownership of `stream` (see top of file) and fetches its schema now
 * (a failing get_schema fails the import with the producer's message).
 * Caller owns *out (qv_stream_reader_release). */
QV_API qv_status qv_stream_import(struct ArrowArrayStream *stream, qv_stream_reader **out, qv_error *err);
/* The stream's schema (borrowed; valid while the reader lives). */
QV_API qv_schema *qv_stream_reader_schema(const qv_stream_reader *reader);
/* Next batch (caller owns it), or *out = NULL at the end of the stream.
 * A producer error maps errno to a status (ENOMEM -> QV_ERR_NO_MEMORY,
 * EINVAL -> QV_ERR_INVALID_DATA, ENOSYS/ENOTSUP -> QV_ERR_NOT_IMPLEMENTED,
 * others -> QV_ERR_IO) with the producer's get_last_error text. */
QV_API qv_status qv_stream_reader_next(qv_stream_reader *reader, qv_batch **out, qv_error *err);
/* Releases the reader and the underlying stream. Accepts NULL. Batches
 * already returned stay valid. */
QV_API void qv_stream_reader_release(qv_stream_reader *reader);

#ifdef __cplusplus
}
#endif
#endif
