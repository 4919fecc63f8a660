/* quiver: the Arrow integration-test JSON format.
 *
 * The JSON format (apache/arrow docs/source/format/Integration.rst) is the
 * human-readable twin of the IPC file format used by Arrow's cross-language
 * integration tests ("archery") and by the gold files in arrow-testing:
 *
 *   {"schema": {"fields": [...], "metadata": [...]},
 *    "batches": [{"count": N, "columns": [FieldData...]}],
 *    "dictionaries": [{"id": K, "data": {"count": M, "columns": [FieldData]}}]}
 *
 * It is a buffer-level format: each FieldData lists VALIDITY, OFFSET, SIZE,
 * TYPE_ID, DATA, VIEWS + VARIADIC_DATA_BUFFERS and children, and quiver
 * builds arrays directly from them. Every Arrow type is supported, including
 * views, list views, run-end encoded, unions, (nested) dictionaries,
 * decimals of 32/64/128/256 bits, intervals, extension types (field metadata
 * ARROW:extension:name / ARROW:extension:metadata) and custom metadata.
 *
 * Files may be plain JSON or gzip-compressed (".json.gz"); readers detect
 * gzip by its magic bytes, not by the file name.
 *
 * Errors name the JSON path of the offending value and what was expected, e.g.
 *   "batches[0].columns[2].DATA[5]: expected an integer or a string of digits, found a real number"
 * Malformed JSON reports the line and column. Reading never aborts on bad
 * input; every decoded column is validated structurally
 * (QV_VALIDATE_STRUCTURE), so any slot can be read safely. Value-level checks
 * (QV_VALIDATE_FULL) are left to the caller: old gold files hold decimals
 * beyond their declared precision, which the format tolerates.
 */
#ifndef QUIVER_JSON_H
#define QUIVER_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/schema.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One entry of the "dictionaries" section. */
typedef struct qv_json_dictionary {
  int64_t id;        /* DictionaryEncoding id, as in the file */
  qv_array *values;  /* the dictionary (values) array; owned reference */
} qv_json_dictionary;

/* Everything a JSON file holds. Read-only for users; free with qv_json_file_free. */
typedef struct qv_json_file {
  qv_schema *schema;                 /* owned reference */
  int64_t n_batches;
  qv_batch **batches;                /* owned references, in file order */
  int64_t n_dictionaries;
  qv_json_dictionary *dictionaries;  /* in the order of the "dictionaries" section */
} qv_json_file;

/* Default cap on the JSON text one read accepts, after gunzip (1 GiB):
 * the whole document is parsed in memory, so an endless input must not
 * grow until the process is killed. */
#define QV_JSON_DEFAULT_MAX_INPUT ((int64_t)1 << 30)

/* Reading options. A zeroed struct (or NULL) means the defaults. */
typedef struct qv_json_read_options {
  /* Most bytes of JSON text accepted (the file, the memory given, and the
   * text a gzip input inflates to): QV_ERR_LIMIT above, checked as the
   * bytes arrive. 0 = QV_JSON_DEFAULT_MAX_INPUT. */
  int64_t max_input_size;
} qv_json_read_options;

#define QV_JSON_READ_OPTIONS_DEFAULT {0}

/* Reads a .json or .json.gz file (gzip recognised by its magic bytes).
 * Fields with a "dictionary" entry become dictionary types (wrapped in an
 * extension type when the field carries ARROW:extension:name); their arrays
 * carry `array->dictionary` from the "dictionaries" section (nested
 * dictionaries included; a shared id gives every user the same values
 * array). Errors: QV_ERR_IO (open/read failure, errno text),
 * QV_ERR_INVALID_DATA (corrupt gzip, malformed JSON with line and column,
 * wrong shapes or values, arrays failing structural validation),
 * QV_ERR_TRUNCATED (gzip data that ends early), QV_ERR_LIMIT (fields nested
 * deeper than 64, text past max_input_size), QV_ERR_OVERFLOW (sizes past
 * int64), QV_ERR_NO_MEMORY. Caller frees *out with qv_json_file_free. The
 * functions without _opts use the default options. */
QV_API qv_status qv_json_read_path(const char *path, qv_json_file **out, qv_error *err);
QV_API qv_status qv_json_read_path_opts(const char *path, const qv_json_read_options *opts, qv_json_file **out,
                                        qv_error *err);

/* Same, from bytes in memory (plain JSON text or gzip); the bytes are not
 * retained. */
QV_API qv_status qv_json_read_memory(const void *data, size_t size, qv_json_file **out, qv_error *err);
QV_API qv_status qv_json_read_memory_opts(const void *data, size_t size, const qv_json_read_options *opts,
                                          qv_json_file **out, qv_error *err);

/* Frees what qv_json_read_* returned (accepts NULL). */
QV_API void qv_json_file_free(qv_json_file *file);

/* A table (schema + the batches) over the file's contents; retains them, so
 * the file may be freed afterwards. Caller owns *out. */
QV_API qv_status qv_json_file_to_table(const qv_json_file *file, qv_table **out, qv_error *err);

/* Convenience: read a file (path or memory) straight into a table. */
QV_API qv_status qv_json_read_table_path(const char *path, qv_table **out, qv_error *err);
QV_API qv_status qv_json_read_table_memory(const void *data, size_t size, qv_table **out, qv_error *err);
QV_API qv_status qv_json_read_table_path_opts(const char *path, const qv_json_read_options *opts, qv_table **out,
                                              qv_error *err);
QV_API qv_status qv_json_read_table_memory_opts(const void *data, size_t size, const qv_json_read_options *opts,
                                                qv_table **out, qv_error *err);

typedef struct qv_json_write_options {
  /* Compress the output with gzip. qv_json_write_table_path also
   * compresses when the path ends in ".gz". */
  bool gzip;
} qv_json_write_options;

#define QV_JSON_WRITE_OPTIONS_DEFAULT {false}

/* Writes `table` in the JSON format (indented like the gold files, buffer
 * arrays on one line). Dictionary-encoded fields are numbered 0, 1, ... in
 * pre-order of the schema (a field before the fields of its value type); a
 * field whose batches hold different dictionaries is written with the
 * longest one when every other is a prefix of it (as delta dictionaries
 * produce), else QV_ERR_NOT_IMPLEMENTED (the format has one dictionary per
 * id). Extension types become their storage type plus the two
 * ARROW:extension:* field metadata keys. 64-bit integers (and decimals) are
 * written as strings, floats in the shortest form that reads back exactly
 * (NaN and infinities as the strings "NaN", "Infinity", "-Infinity", which
 * the reader accepts), binary as uppercase hex. Null slots of binary, string
 * and view columns are written empty. Reading back what was written gives an
 * equal table (qv_table_equals), except that a dictionary whose value type
 * is itself an extension comes back as an extension over the dictionary.
 * Errors: QV_ERR_INVALID_DATA (an array fails structural validation, a
 * string/metadata value is not valid UTF-8 text), QV_ERR_NOT_IMPLEMENTED,
 * QV_ERR_IO, QV_ERR_NO_MEMORY. opts may be NULL (defaults). The _path
 * variant is atomic like qv_ipc_write_path (a sibling temporary, fsync'd
 * and renamed over `path`; on any error `path` is left untouched; see
 * atomic_file.h). */
/* Argument order, as everywhere in quiver: the destination (path, fd,
 * callback) first, then the object, then options; out-parameters and the
 * error last. */
QV_API qv_status qv_json_write_table_path(const char *path, const qv_table *table,
                                          const qv_json_write_options *opts, qv_error *err);

/* Same, into memory: *out (malloc'd, release with qv_json_free) holds *size
 * bytes: NUL-terminated text, or gzip bytes when opts->gzip. */
QV_API qv_status qv_json_write_table_memory(const qv_table *table, const qv_json_write_options *opts,
                                            char **out, size_t *size, qv_error *err);

/* Frees memory returned by qv_json_write_table_memory (accepts NULL). */
QV_API void qv_json_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
