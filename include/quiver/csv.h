/* quiver: CSV reading and writing.
 *
 * The reader takes RFC 4180 text (fields separated by a delimiter, records
 * ended by LF, CRLF or a lone CR, fields optionally enclosed in quotes with
 * a doubled quote standing for one; quoted fields may hold delimiters and
 * line breaks) and returns a table with one record batch per block of
 * input (about 1 MiB each, cut at record boundaries and parsed on every
 * core). Each column's type is
 * inferred from ALL its values, the way pyarrow's read_csv infers it: the
 * first of null, int64, bool, float64, date32 (YYYY-MM-DD), timestamp
 * (ISO-8601 "YYYY-MM-DD[T| ]hh:mm[:ss[.fraction]]": unit s without a
 * fraction, ns with one; a trailing Z or +hh:mm / -hh:mm offset gives
 * tz "UTC" with the value converted to UTC) and string that every value
 * of the column fits. A column whose later values no longer fit an earlier
 * guess is promoted (int64 -> float64 -> string), so no value is ever read
 * as something it is not.
 *
 * Null markers (pyarrow's defaults: "", "NA", "NULL", "null", "NaN", "nan",
 * "N/A", "n/a", "#N/A", ...) make a slot null in every column type except
 * string, where they are the text itself (as pyarrow does by default).
 *
 * The whole input is held in memory (bounded by max_input_size); there is
 * no streaming batch reader yet.
 *
 * Errors name the line (1-based, counting the line breaks inside quoted
 * fields), the column (1-based, and its name) and what was expected, e.g.
 *   "CSV line 7: expected 3 fields (as in the header), found 4"
 *   "CSV line 3, column 2 ('name'): invalid UTF-8: ..."
 *   "CSV line 5: the quoted field that opens here is never closed"
 */
#ifndef QUIVER_CSV_H
#define QUIVER_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/batch.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default cap on the bytes one read accepts (1 GiB). */
#define QV_CSV_DEFAULT_MAX_INPUT ((int64_t)1 << 30)

/* Reading options. A zeroed struct (or NULL) means the defaults. String
 * lists are borrowed for the duration of the call. */
typedef struct qv_csv_read_options {
  char delimiter;  /* field separator; 0 = ',' */
  char quote;      /* quote character; 0 = '"' */
  bool no_quoting; /* quotes are ordinary characters */
  /* The first record is data, not a header. Columns are then named by
   * column_names, or "f0", "f1", ... */
  bool no_header;
  /* Column names to use. With a header, they replace the header's names
   * (the header is still read and must have as many fields). */
  const char *const *column_names;
  int32_t n_column_names;
  /* Records skipped before the header (or the first data record). */
  int64_t skip_rows;
  /* Texts that mean null (NULL = pyarrow's default list). n_null_values = 0
   * with null_values != NULL means no null markers at all. */
  const char *const *null_values;
  int32_t n_null_values;
  /* Spellings of true and false (NULL = "1", "True", "TRUE", "true" and
   * "0", "False", "FALSE", "false"). */
  const char *const *true_values;
  int32_t n_true_values;
  const char *const *false_values;
  int32_t n_false_values;
  /* A record with too many or too few fields is skipped (and counted in
   * qv_csv_read_stats) instead of being an error. */
  bool skip_invalid_rows;
  /* Most bytes of input accepted: QV_ERR_LIMIT above. 0 = default. */
  int64_t max_input_size;
  /* Bytes per block: the input is cut into blocks of about this size at
   * record boundaries (line breaks inside quoted fields are respected);
   * blocks are parsed in parallel and each becomes one record batch.
   * 0 = QV_CSV_DEFAULT_BLOCK_SIZE. */
  int64_t block_size;
  /* Threads that parse blocks: 0 = every online CPU (at most 8), 1 = the
   * calling thread only. */
  int32_t n_threads;
} qv_csv_read_options;

/* Default block size (1 MiB, as pyarrow's). */
#define QV_CSV_DEFAULT_BLOCK_SIZE ((int64_t)1 << 20)

#define QV_CSV_READ_OPTIONS_DEFAULT {0}

/* What a read saw (optional out-parameter of the _ex functions). */
typedef struct qv_csv_read_stats {
  int64_t rows;         /* data records read */
  int64_t skipped_rows; /* records skipped by skip_invalid_rows */
} qv_csv_read_stats;

/* Reads CSV from memory (not retained) into a table (*out, caller owns):
 * one batch per block, or one empty batch when there are no data rows. opts and stats may be NULL. Errors: QV_ERR_INVALID_DATA (malformed
 * CSV, ragged records, invalid UTF-8, empty input: line, column and what was
 * expected), QV_ERR_INVALID_ARGUMENT (bad options), QV_ERR_LIMIT (input past
 * max_input_size), QV_ERR_NO_MEMORY. */
QV_API qv_status qv_csv_read_memory(const void *data, size_t size, const qv_csv_read_options *opts,
                                    qv_table **out, qv_error *err);
QV_API qv_status qv_csv_read_memory_ex(const void *data, size_t size, const qv_csv_read_options *opts,
                                       qv_table **out, qv_csv_read_stats *stats, qv_error *err);
/* Same, from a file (QV_ERR_IO names the path and errno). */
QV_API qv_status qv_csv_read_path(const char *path, const qv_csv_read_options *opts, qv_table **out,
                                  qv_error *err);
/* Same, reading an open fd to its end (a pipe, stdin); the fd stays open. */
QV_API qv_status qv_csv_read_fd(int fd, const qv_csv_read_options *opts, qv_table **out, qv_error *err);

/* Writing options. A zeroed struct (or NULL) means the defaults. */
typedef struct qv_csv_write_options {
  char delimiter;  /* 0 = ',' */
  bool no_header;  /* omit the header line */
  /* Threads that format rows (pieces of rows are formatted in parallel and
   * written in order): 0 = every online CPU (at most 8), 1 = the calling
   * thread only. */
  int32_t n_threads;
} qv_csv_write_options;

#define QV_CSV_WRITE_OPTIONS_DEFAULT {0}

/* Writes `table` as CSV: a header of the column names, then one line per
 * row ending in "\n". Numbers as pyarrow's CSV writer formats them (floats
 * in the shortest text that reads back exactly, "nan", "inf"), booleans
 * true/false, dates YYYY-MM-DD, times hh:mm:ss[.fraction], timestamps
 * "YYYY-MM-DD hh:mm:ss[.fraction]" (with a time zone: the UTC instant and a
 * trailing "Z"), decimals in plain notation, strings as they are, enclosed
 * in quotes (inner quotes doubled) when they hold the delimiter, a quote, a
 * line break or are empty; nulls as empty fields. Binary, nested,
 * dictionary and interval columns have no CSV text: QV_ERR_NOT_IMPLEMENTED
 * naming the column. Every column is validated structurally first
 * (QV_ERR_INVALID_DATA), and string slots are read through bounds checks,
 * so a hostile array gives an error naming column and row, never a crash.
 * Other errors: QV_ERR_INVALID_ARGUMENT, QV_ERR_NO_MEMORY. */
QV_API qv_status qv_csv_write_table_memory(const qv_table *table, const qv_csv_write_options *opts, char **out,
                                           size_t *size, qv_error *err);
/* Same, to a path (destination first, like qv_ipc_write_path), atomically (a sibling temporary, fsync'd and renamed
 * over `path`; on error `path` is untouched). QV_ERR_IO on IO failure. */
QV_API qv_status qv_csv_write_table_path(const char *path, const qv_table *table,
                                         const qv_csv_write_options *opts, qv_error *err);
/* Frees memory returned by qv_csv_write_table_memory (accepts NULL). */
QV_API void qv_csv_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
