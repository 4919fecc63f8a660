/* quiver CLI: declarations shared by the subcommands.
 *
 * The `quiver` program is one file per subcommand (cat.c, schema.c,
 * validate.c, convert.c, stats.c, gen.c) over a few shared parts:
 *   args.c      option parsing, usage and data error reporting, exit codes;
 *   source.c    input: detects the format from the bytes and yields the
 *               schema and then the batches one at a time;
 *   sink.c      output: IPC stream, IPC file or integration JSON;
 *   project.c   column selection (--columns) and batch splitting;
 *   progress.c  the progress line on a terminal's stderr;
 *   signals.c   temp-file cleanup on SIGINT/SIGTERM/SIGHUP, SIGBUS from a
 *               mapped input that shrank, SIGPIPE and a closed stdout;
 *   escape.c    control characters made visible before they reach a
 *               terminal.
 * Exit codes: 0 success, 1 data error (the library's message on stderr),
 * 2 usage error.
 */
#ifndef QV_CLI_H
#define QV_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "quiver/quiver.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_DATA 1
#define CLI_EXIT_USAGE 2
/* Internal: --help was given and printed; the command exits 0. */
#define CLI_EXIT_HELP (-1)

/* ---- commands ---- */

typedef struct cli_command {
  const char *name;
  const char *summary; /* one line, for `quiver --help` */
  const char *help;    /* the full text of `quiver CMD --help` */
  int (*run)(int argc, char **argv); /* argv[0] is the command name */
} cli_command;

extern const cli_command cli_cmd_cat;
extern const cli_command cli_cmd_schema;
extern const cli_command cli_cmd_validate;
extern const cli_command cli_cmd_convert;
extern const cli_command cli_cmd_stats;
extern const cli_command cli_cmd_gen;
/* Arrow Flight (serve.c, get.c, put.c, flights.c over flight_common.c) */
extern const cli_command cli_cmd_serve;
extern const cli_command cli_cmd_get;
extern const cli_command cli_cmd_put;
extern const cli_command cli_cmd_flights;

/* ---- options (args.c) ---- */

typedef struct cli_opt {
  const char *name;   /* long name without dashes: "head" */
  bool takes_value;
  bool present;       /* filled by cli_parse */
  const char *value;  /* filled by cli_parse (the last occurrence wins) */
} cli_opt;

/* Most values given to options on one command line (cli_opt_values). */
#define CLI_MAX_REPEATS 256

/* Every value option `o` was given by the last cli_parse, in order, for
 * options that may repeat (--column-type, --null-value): up to `cap` into
 * out; returns how many there were. */
int cli_opt_values(const cli_opt *o, const char **out, int cap);

/* Parses argv[1..argc) of `cmd`: "--name value", "--name=value", "--flag",
 * "-h"/"--help", "--" (end of options); "-" is a positional (stdin/stdout).
 * Positionals go to pos[0..*n_pos) (at most max_pos; the command checks
 * for missing ones). Returns CLI_EXIT_OK, CLI_EXIT_HELP (help printed to stdout) or
 * CLI_EXIT_USAGE (message printed to stderr). */
int cli_parse(const cli_command *cmd, int argc, char **argv, cli_opt *opts, int n_opts, const char **pos,
              int max_pos, int *n_pos);

/* Prints "quiver CMD: <message>" and a hint to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...) QV_PRINTF(2, 3);

/* Prints "quiver CMD: <what>: <err->message>" to stderr; returns CLI_EXIT_DATA. */
int cli_data_error(const cli_command *cmd, const char *what, const qv_error *err);

/* Parses a non-negative decimal count (digits only, underscores allowed as
 * separators, at most INT64_MAX). False on anything else. */
bool cli_parse_count(const char *s, int64_t *out);
/* Parses a byte size: a count with an optional binary suffix K, M, G or T
 * (KiB...; "64M" = 64 MiB). False on anything else or past INT64_MAX. */
bool cli_parse_size(const char *s, int64_t *out);

/* Shows `path` in messages ("-" as "<stdin>"/"<stdout>"). */
const char *cli_display_name(const char *path, bool output);

/* ---- output formats (sink.c) ---- */

typedef enum cli_out_format {
  CLI_OUT_STREAM = 0,
  CLI_OUT_FILE = 1,
  CLI_OUT_JSON = 2,
  CLI_OUT_CSV = 3,
  CLI_OUT_TSV = 4,
  CLI_OUT_JSONL = 5,
  CLI_OUT_PARQUET = 6
} cli_out_format;

/* Parses --to (stream|file|arrow-json|json|csv|tsv|jsonl|ndjson|parquet; json
 * is the older name of arrow-json, the integration JSON); false if unknown. */
bool cli_parse_out_format(const char *s, cli_out_format *out);
/* The format a path's name implies: .arrow/.arrow_file/.feather/.ipc ->
 * file, .arrows/.stream -> stream, .json/.json.gz -> json, .csv -> csv,
 * .tsv -> tsv, .jsonl/.ndjson -> jsonl, .parquet -> parquet; "-" and
 * existing non-regular files (a FIFO, /dev/stdout) -> stream. False for any
 * other name: the command asks for --to rather than write an Arrow stream
 * under a name that promises another format (out.txt, out.orc). */
bool cli_out_format_from_path(const char *path, cli_out_format *out);
/* Parses --compression (lz4|zstd|none); false if unknown. */
bool cli_parse_compression(const char *s, qv_ipc_compression *out);
/* Parses --compression for Parquet output (none|snappy|gzip|brotli|zstd|lz4,
 * lz4 meaning LZ4_RAW); false if unknown. */
bool cli_parse_parquet_compression(const char *s, qv_parquet_compression *out);

typedef struct cli_sink cli_sink;

/* Opens an output for batches of `schema` (retained) at `path` ("-" =
 * stdout); `parquet` (NULL: defaults) applies to Parquet output, `ipc` to
 * IPC output. Paths are written atomically (nothing appears until close
 * succeeds). batch_size > 0 splits larger batches into zero-copy slices of
 * at most that many rows. */
qv_status cli_sink_open(const char *path, cli_out_format format, const qv_ipc_write_options *ipc,
                        const qv_parquet_write_options *parquet, int64_t batch_size, qv_schema *schema,
                        cli_sink **out, qv_error *err);
/* Writes one batch (not retained for IPC; retained for JSON, which is
 * written as a whole at close). */
qv_status cli_sink_write(cli_sink *s, qv_batch *batch, qv_error *err);
/* Finishes the output (EOS, footer, JSON text, rename into place). */
qv_status cli_sink_close(cli_sink *s, qv_error *err);
/* Bytes written so far (IPC outputs; JSON: after close). */
int64_t cli_sink_bytes(const cli_sink *s);
/* Frees the sink; an unclosed path output leaves nothing behind. NULL ok. */
void cli_sink_free(cli_sink *s);

/* True when `path` is stdout and stdout is a terminal: commands refuse to
 * write binary IPC there. */
bool cli_binary_to_terminal(const char *path, cli_out_format format);

/* ---- input options shared by the reading commands (args.c) ---- */

/* What every command that reads data accepts: the limits on hostile input
 * and --strict. Commands append CLI_INPUT_OPTS to their option table and
 * call cli_input_options_parse on those CLI_N_INPUT_OPTS entries. */
#define CLI_INPUT_OPTS                                                                             \
  {"strict", false, false, NULL}, {"max-decompressed", true, false, NULL},                         \
      {"max-total-decompressed", true, false, NULL}, {"max-json-bytes", true, false, NULL},      \
      {"from", true, false, NULL}, {"delimiter", true, false, NULL}, {"no-header", false, false, NULL},   \
      {"null-value", true, false, NULL}, {"column-type", true, false, NULL},                          \
      {"block-size", true, false, NULL}
#define CLI_N_INPUT_OPTS 10
/* The options' lines for a command's --help. */
#define CLI_INPUT_HELP                                                                             \
  "  --strict           a stream that ends without its end-of-stream marker is\n"                  \
  "                     an error (exit 1); by default it is a warning on stderr\n"                 \
  "  --max-decompressed SIZE  most bytes one compressed message may inflate to\n"                  \
  "                     (default 4G)\n"                                                            \
  "  --max-total-decompressed SIZE  most bytes decompressed from the whole input\n"                \
  "                     (default 64G; 0 = no total cap)\n"                                         \
  "  --max-json-bytes SIZE  most bytes of integration-JSON text read (default 1G)\n"               \
  "                     SIZE: bytes, or with a K, M, G or T suffix (binary units)\n"                 \
  "  --from FORMAT      read the input as csv, tsv (header line, types inferred) or\n"           \
  "                     jsonl (JSON Lines, one object per row; also ndjson);\n"                  \
  "                     inputs named *.csv, *.tsv, *.jsonl, *.ndjson are read so\n"              \
  "                     without it\n"                                                             \
  "  CSV/TSV input:\n"                                                                             \
  "  --delimiter C      the field separator (one character, or 'tab'); implies\n"                 \
  "                     CSV input\n"                                                              \
  "  --no-header        the first line is data; columns are named f0, f1, ...\n"                  \
  "  --null-value TEXT  a text read as null (repeatable; replaces the default\n"                   \
  "                     markers \"\", NA, NULL, null, NaN, N/A, ...)\n"                             \
  "  --column-type NAME=TYPE  read column NAME as TYPE instead of inferring it\n"                 \
  "                     (repeatable): bool, int8..int64, uint8..uint64, float32,\n"                \
  "                     float64, decimal128(P, S), date32, date64, time32[s|ms],\n"               \
  "                     time64[us|ns], timestamp[s|ms|us|ns] (or with ', tz=UTC'),\n"            \
  "                     string, large_string, binary, large_binary, null\n"                       \
  "  --block-size SIZE  bytes of CSV parsed at a time per core (default 1M)\n"

typedef struct cli_input_options {
  qv_ipc_read_options ipc;
  qv_json_read_options json;
  /* CSV: --no-header, --null-value, --column-type, --block-size (the
   * lists and types it points to live until the program exits); the
   * delimiter is csv_delimiter. */
  qv_csv_read_options csv;
  char csv_delimiter;    /* --from csv (',') or tsv ('\t'); 0 = by the input's name, else detected */
  bool jsonl;            /* --from jsonl / ndjson */
  bool strict;           /* a stream without its EOS marker is an error */
  const char *command;   /* for the warning's "quiver CMD: " */
} cli_input_options;

/* The CSV part of the input options (csv_args.c): --delimiter,
 * --no-header, --null-value, --column-type, --block-size from opts[0, 5). */
int cli_csv_options_parse(const cli_command *cmd, const cli_opt *opts, cli_input_options *out);
/* A type as pyarrow spells it ("int64", "timestamp[ms, tz=UTC]",
 * "decimal128(10, 2)") into *out (caller releases); false when the text is
 * not one of the types the CSV reader accepts (see --column-type). */
bool cli_parse_csv_type(const char *text, qv_type **out);

/* Fills `out` (defaults when absent) from opts[0, CLI_N_INPUT_OPTS).
 * Returns CLI_EXIT_OK or a usage error. */
int cli_input_options_parse(const cli_command *cmd, const cli_opt *opts, cli_input_options *out);

/* ---- input (source.c) ---- */

typedef enum cli_in_format {
  CLI_IN_STREAM = 0,
  CLI_IN_FILE = 1,
  CLI_IN_JSON = 2,
  CLI_IN_CSV = 3,
  CLI_IN_JSONL = 4,
  CLI_IN_PARQUET = 5
} cli_in_format;

typedef struct cli_source cli_source;

/* Opens `path` ("-" = stdin) and detects its format from the first bytes:
 * "ARROW1" -> IPC file; 0xFFFFFFFF, or a plausible pre-0.15 metadata length,
 * -> IPC stream; '{' (after white space) -> integration JSON; gzip magic ->
 * gzip-compressed JSON. Streams are decoded batch by batch (regular files
 * mmap'd, pipes read incrementally); files are mmap'd (read whole from a
 * pipe); JSON is read whole. opts may be NULL. Errors: the library's
 * (QV_ERR_NOT_FOUND/IO for open, QV_ERR_INVALID_DATA for an unknown format
 * or bad data, QV_ERR_TRUNCATED for an empty input...). */
qv_status cli_source_open(const char *path, const cli_input_options *opts, cli_source **out, qv_error *err);
/* The schema (borrowed; valid until the source is freed). */
qv_schema *cli_source_schema(const cli_source *s);
cli_in_format cli_source_format(const cli_source *s);
/* "IPC stream", "IPC stream (legacy framing)", "IPC file", "JSON", "JSON (gzip)", "CSV", "TSV",
 * "JSON Lines". */
const char *cli_source_format_name(const cli_source *s);
/* Size of the input in bytes when known (regular files), else -1. */
int64_t cli_source_size(const cli_source *s);
/* Number of batches when known up front (files, JSON), else -1. */
int64_t cli_source_num_batches(const cli_source *s);
/* Random-access inputs (IPC files, JSON): makes batch `index` the next one
 * cli_source_next returns and says true; streams: false (no effect). */
bool cli_source_seek(cli_source *s, int64_t index);
/* The next batch (caller owns it), or *out = NULL at the end. A stream
 * that ended at a message boundary without its end-of-stream marker is
 * reported at the end: a warning on stderr naming the byte offset and the
 * rows read, or, with opts->strict, QV_ERR_TRUNCATED. */
qv_status cli_source_next(cli_source *s, qv_batch **out, qv_error *err);
/* Accepts NULL. */
void cli_source_free(cli_source *s);

/* ---- columns (project.c) ---- */

typedef struct cli_projection {
  qv_schema *schema; /* the selected fields, in the order asked (owned) */
  int32_t n;
  int32_t *index;    /* index[i] = column of the input batch */
} cli_projection;

/* Parses "a,b,c" against `schema`. Unknown names give QV_ERR_NOT_FOUND
 * naming the column and listing the existing ones. */
qv_status cli_projection_init(cli_projection *p, const qv_schema *schema, const char *list, qv_error *err);
/* A batch of the selected columns (shares the arrays). */
qv_status cli_projection_apply(const cli_projection *p, const qv_batch *in, qv_batch **out, qv_error *err);
void cli_projection_free(cli_projection *p);

/* ---- rows out (rows.c): what `quiver cat` prints ---- */

typedef enum cli_rows_format {
  CLI_ROWS_TABLE = 0, /* aligned columns under a header */
  CLI_ROWS_CSV,
  CLI_ROWS_JSONL,
  CLI_ROWS_ARROW /* the pyarrow-like print: schema, then one line per column */
} cli_rows_format;

/* Parses --format (table|csv|jsonl|ndjson|arrow); false if unknown. */
bool cli_parse_rows_format(const char *s, cli_rows_format *out);
/* Table on a terminal; into a pipe CSV, or JSON Lines when a column has no
 * CSV text (nested, binary...). */
cli_rows_format cli_rows_default_format(const qv_schema *schema);

/* The last `keep` rows of the batches pushed (keep < 0: all of them). */
typedef struct cli_row_queue {
  qv_batch **b;
  int64_t n, cap;
  int64_t rows;    /* rows held (may pass keep until trimmed) */
  int64_t keep;
  int64_t dropped; /* rows pushed and dropped */
} cli_row_queue;
/* Takes ownership of batch (released on error too). */
qv_status cli_row_queue_push(cli_row_queue *q, qv_batch *batch, qv_error *err);
/* Slices the first batch so exactly `keep` rows remain. */
qv_status cli_row_queue_trim(cli_row_queue *q, qv_error *err);
void cli_row_queue_free(cli_row_queue *q);

typedef struct cli_rows_writer cli_rows_writer;
/* Rows of `schema` to `out` in `format` (not CLI_ROWS_ARROW). The table
 * format shows the first and last `window` rows (< 0: all). */
qv_status cli_rows_open(FILE *out, cli_rows_format format, qv_schema *schema, int64_t window, cli_rows_writer **w,
                        qv_error *err);
/* CSV/JSON Lines: written now; table: kept if shown (not retained otherwise). */
qv_status cli_rows_write(cli_rows_writer *w, qv_batch *batch, qv_error *err);
/* Finishes (the table is printed here). */
qv_status cli_rows_close(cli_rows_writer *w, qv_error *err);
void cli_rows_free(cli_rows_writer *w);

/* ---- progress (progress.c) ---- */

typedef struct cli_progress {
  const char *label;
  double start;
  double last;
  bool enabled; /* stderr is a terminal (or QUIVER_PROGRESS=always) */
  bool always;  /* QUIVER_PROGRESS=always: no one-second delay, newline-terminated */
  bool shown;
} cli_progress;

void cli_progress_init(cli_progress *p, const char *label);
/* Shows "label: N rows, B batches[, X MB]" once the work has lasted more
 * than a second, refreshed at most four times a second. bytes < 0: omitted. */
void cli_progress_update(cli_progress *p, int64_t rows, int64_t batches, int64_t bytes);
/* Erases the line (terminal) or ends it (forced mode). */
void cli_progress_end(cli_progress *p);

/* ---- signals and stdout (signals.c) ---- */

/* Installs the handlers: SIGINT, SIGTERM and SIGHUP remove the temporary
 * files of unfinished outputs, then the process dies of the signal as
 * usual; SIGBUS (a mapped input truncated by another process) removes them
 * too and exits 1 with a message naming the input; SIGPIPE is ignored (a
 * closed stdout then shows as EPIPE, see cli_stdout_closed). */
void cli_signals_install(const char *command);
/* The input whose mapping a SIGBUS would come from (copied; NULL clears). */
void cli_signals_set_input(const char *path);
/* True when stdout is a pipe or socket whose reader has gone (`| head`):
 * commands then stop quietly with status 0, as if done. */
bool cli_stdout_closed(void);
/* For tests: when QUIVER_TEST_PAUSE_AT names `point` ("input": the input
 * is open (mapped); "output": the first batch went to the output), opens
 * the FIFO QUIVER_TEST_PAUSE_FIFO and reads it to its end, so a test can
 * act (truncate, signal) while the process waits there. */
void cli_test_pause(const char *point);

/* ---- escaping (escape.c) ---- */

/* A FILE that writes to `f` with control characters made visible: C0
 * controls other than newline and tab, DEL, C1 controls (raw or UTF-8
 * encoded) and bytes that are not UTF-8 become \xNN / \u00NN, so text
 * from a file (field names, values, metadata) cannot drive the terminal.
 * fclose it to flush (f stays open). NULL when it cannot be made. */
FILE *cli_escaping_file(FILE *f);
/* The same escaping into a new string (caller frees); NULL on no memory. */
char *cli_escape_text(const char *s);

#endif
