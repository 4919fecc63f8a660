/* quiver: CSV reading and writing.
 *
 * The reader takes RFC 4180 text (fields separated by a delimiter, records
 * ended by LF, CRLF or a lone CR, fields optionally enclosed in quotes with
 * a doubled quote standing for one; quoted fields may hold delimiters and
 * line breaks) and returns a table with one record batch per block of
 * input (about 1 MiB each, cut at record boundaries and parsed on every
 * core). Each column's type is
 * inferred from ALL its values, the way pyarrow's read_csv infers it: the
 * first of null, int64, bool, float64, date32 (YYYY-MM-DD), time32[s]
 * (hh:mm or hh:mm:ss, no fraction), timestamp
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
 * qv_csv_read_* hold the whole input in memory (bounded by max_input_size).
 * qv_csv_reader streams: it reads a path, an fd (a pipe, stdin), a read
 * callback or memory a few blocks at a time with bounded memory, infers
 * the types from its first blocks (as pyarrow's open_csv does) and
 * reports a later value that does not fit them as an error naming its
 * line and column, never as a silently wrong value.
 *
 * column_types gives a column its type instead of inferring it (pyarrow's
 * ConvertOptions.column_types).
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
  /* Explicit column types (pyarrow's ConvertOptions.column_types): the
   * column named column_type_names[i] is read as column_types[i] (both
   * borrowed) instead of an inferred type; names that are not columns are
   * ignored, as in pyarrow. Types with a CSV text form: null, bool,
   * int8..int64, uint8..uint64, float32, float64, date32, date64,
   * time32[s|ms], time64[us|ns] (hh:mm[:ss[.fraction]], the fraction no
   * finer than the unit), timestamp (any unit; with a zone the values must
   * carry Z or an offset, without one they must not), decimal128(p, s)
   * ("-12.5", "1.25e3": exact, never rounded; more digits than p is an
   * error), string, large_string, binary, large_binary; others
   * QV_ERR_NOT_IMPLEMENTED naming the column. A value that does not fit is
   * QV_ERR_INVALID_DATA naming line and column. Spaces and tabs around
   * numbers, dates and times are ignored (as pyarrow ignores them). */
  const char *const *column_type_names;
  const struct qv_type *const *column_types;
  int32_t n_column_types;
  /* qv_csv_reader: most bytes one record (with the line breaks inside its
   * quoted fields) may span before the reader gives up with QV_ERR_LIMIT,
   * which bounds the memory a malformed input (an unclosed quote, a
   * binary file, a 1 GB line) can take. 0 = QV_CSV_DEFAULT_MAX_RECORD. */
  int64_t max_record_size;
} qv_csv_read_options;

/* Default max_record_size of the streaming reader (64 MiB). */
#define QV_CSV_DEFAULT_MAX_RECORD ((int64_t)64 << 20)

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

/* ---- Streaming reader ---- */

typedef struct qv_csv_reader qv_csv_reader;

/* Reads `size` bytes of input into buf (at most `cap`), setting *got (0 =
 * the end of input). Called by the thread that calls qv_csv_reader_open
 * and _next, never by the parsing threads. */
typedef qv_status (*qv_csv_read_fn)(void *ctx, void *buf, size_t cap, size_t *got, qv_error *err);

/* Opens a streaming reader: reads and parses the first blocks (up to
 * n_threads blocks of block_size bytes, plus the header), infers the
 * schema from them, and keeps their batches for _next. Memory stays about
 * 2 x n_threads x block_size plus the longest record, whatever the input's
 * size. Options as for qv_csv_read_memory (max_input_size is ignored: a
 * stream has no size; max_record_size caps one record). Caller owns *out
 * (qv_csv_reader_free). Errors as qv_csv_read_memory, for the first blocks.
 *   _memory: `data` is borrowed and must outlive the reader;
 *   _path:   the file is opened and closed by the reader;
 *   _fd:     read to its end (a pipe, stdin, a socket); not closed;
 *   _callback: bytes from read(ctx, ...). */
QV_API qv_status qv_csv_reader_open_memory(const void *data, size_t size, const qv_csv_read_options *opts,
                                           qv_csv_reader **out, qv_error *err);
QV_API qv_status qv_csv_reader_open_path(const char *path, const qv_csv_read_options *opts, qv_csv_reader **out,
                                         qv_error *err);
QV_API qv_status qv_csv_reader_open_fd(int fd, const qv_csv_read_options *opts, qv_csv_reader **out,
                                       qv_error *err);
QV_API qv_status qv_csv_reader_open_callback(qv_csv_read_fn read, void *ctx, const qv_csv_read_options *opts,
                                             qv_csv_reader **out, qv_error *err);
/* The schema (borrowed; valid while the reader lives). */
QV_API qv_schema *qv_csv_reader_schema(const qv_csv_reader *r);
/* The next batch (one per block of input; caller owns it), or *out = NULL
 * at the end. A value that does not fit its column's type (inferred from
 * the first blocks, or given) is QV_ERR_INVALID_DATA naming the line, the
 * column and the type; a malformed record likewise; a record longer than
 * max_record_size QV_ERR_LIMIT. After an error the reader stays failed
 * (every later call returns the same error). */
QV_API qv_status qv_csv_reader_next(qv_csv_reader *r, qv_batch **out, qv_error *err);
/* What the reader saw so far (data rows handed out and skipped). */
QV_API void qv_csv_reader_stats(const qv_csv_reader *r, qv_csv_read_stats *out);
/* Frees the reader (batches already returned stay valid). Accepts NULL. */
QV_API void qv_csv_reader_free(qv_csv_reader *r);

/* Writing options. A zeroed struct (or NULL) means the defaults. */
typedef struct qv_csv_write_options {
  char delimiter;  /* 0 = ',' */
  bool no_header;  /* omit the header line */
  /* Threads that format rows (pieces of rows are formatted in parallel and
   * written in order): 0 = every online CPU (at most 8), 1 = the calling
   * thread only. */
  int32_t n_threads;
  /* Text written for a null (NULL = nothing: an empty field). It may not
   * hold the delimiter, a quote or a line break (QV_ERR_INVALID_ARGUMENT):
   * written as it is, it must read back as one field. */
  const char *null_string;
} qv_csv_write_options;

#define QV_CSV_WRITE_OPTIONS_DEFAULT {0}

/* Writes `table` as CSV: a header of the column names, then one line per
 * row ending in "\n". Numbers as pyarrow's CSV writer formats them (floats
 * in the shortest text that reads back exactly, "nan", "inf"), booleans
 * true/false, dates YYYY-MM-DD, times hh:mm:ss[.fraction], timestamps
 * "YYYY-MM-DD hh:mm:ss[.fraction]" (with a time zone: the UTC instant and a
 * trailing "Z"), decimals in plain notation, strings as they are, enclosed
 * in quotes (inner quotes doubled) when they hold the delimiter, a quote, a
 * line break or are empty; nulls as empty fields (or null_string). Binary, nested,
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
