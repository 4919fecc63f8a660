/* quiver convert: any input format to an IPC stream, an IPC file,
 * integration JSON, CSV/TSV, JSON Lines or Parquet, optionally recompressed, re-batched (larger batches cut
 * into slices) or narrowed to some columns.
 *
 * IPC to IPC is a pipeline: one batch is read, written and released before
 * the next is read, so inputs larger than memory convert in the memory of
 * their largest batch (zero-copy from mmap'd inputs). JSON output holds the
 * whole table (the format is one document). A path output appears only
 * when complete (written to a temporary, renamed at the end), so a failed
 * conversion never leaves a half-written file behind, nor does an
 * interrupted one (SIGINT, SIGTERM, SIGHUP: see signals.c; SIGKILL is the
 * exception). The output's format comes from --to or from a known
 * extension; any other name is refused (exit 2) rather than given an Arrow
 * stream under a name that promises another format.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char convert_help[] =
    "Usage: quiver convert IN OUT [--to stream|file|arrow-json|csv|tsv|jsonl|parquet]\n"
    "                             [--compression C]\n"
    "                             [--batch-size N] [--columns a,b] [--strict]\n"
    "\n"
    "Converts IN (- = stdin; IPC stream or file, compressed or not, or integration\n"
    "JSON, detected from the bytes; CSV/TSV/JSON Lines by the name *.csv, *.tsv,\n"
    "*.jsonl, *.ndjson or --from) to\n"
    "OUT (- = stdout).\n"
    "\n"
    "Options:\n"
    "  --to FORMAT        stream (.arrows), file (.arrow), arrow-json (Arrow's\n"
    "                     integration JSON: .json, .json.gz: gzip; 'json' is an\n"
    "                     alias), csv (.csv), tsv (.tsv: tab-separated), jsonl\n"
    "                     (.jsonl .ndjson: JSON Lines, one object per row) or\n"
    "                     parquet (.parquet); default: from OUT's extension\n"
    "                     (.arrows .stream, .arrow .arrow_file .feather .ipc,\n"
    "                     .json .json.gz, .csv, .tsv, .jsonl .ndjson, .parquet);\n"
    "                     other names need --to\n"
    "  --compression C    IPC: compress body buffers with lz4 or zstd (default none);\n"
    "                     Parquet: compress pages with snappy (default), zstd,\n"
    "                     gzip, brotli, lz4 (LZ4_RAW) or none\n"
    "  --batch-size N     cut batches longer than N rows into slices of N rows\n"
    "                     (shorter batches are written as they are)\n"
    "  --columns a,b      keep only these columns, in this order\n"
    CLI_INPUT_HELP
    "  -h, --help         show this help\n"
    "\n"
    "OUT appears only once complete (a temporary file renamed into place); on an\n"
    "error, SIGINT, SIGTERM or SIGHUP the temporary is removed and an existing OUT\n"
    "is left as it was (SIGKILL may leave a OUT.qv-tmp-* file).\n"
    "\n"
    "Examples:\n"
    "  quiver convert data.arrows data.arrow\n"
    "  quiver convert data.arrow - --compression zstd | nc host 9000\n"
    "  quiver convert data.arrow data.json\n"
    "  quiver convert data.arrow data.csv\n"
    "  quiver convert data.csv data.arrow\n"
    "  quiver convert data.arrow data.jsonl\n"
    "  quiver convert data.arrow data.parquet --compression zstd\n";

static int run_convert(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_convert;
  enum { O_TO, O_COMP, O_BATCH, O_COLUMNS, O_INPUT, O_N = O_INPUT + CLI_N_INPUT_OPTS };
  cli_opt opts[O_N] = {{"to", true, false, NULL},
                       {"compression", true, false, NULL},
                       {"batch-size", true, false, NULL},
                       {"columns", true, false, NULL},
                       CLI_INPUT_OPTS};
  const char *pos[2];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, O_N, pos, 2, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos < 2)
    return cli_usage_error(cmd, "missing the %s file (use - for %s)", n_pos == 0 ? "input" : "output",
                           n_pos == 0 ? "stdin" : "stdout");
  const char *in_path = pos[0], *out_path = pos[1];
  cli_out_format format = CLI_OUT_STREAM;
  const bool known_name = cli_out_format_from_path(out_path, &format);
  if (opts[O_TO].present && !cli_parse_out_format(opts[O_TO].value, &format))
    return cli_usage_error(cmd, "--to wants stream, file, arrow-json, csv, tsv, jsonl or parquet, not '%s'",
                           opts[O_TO].value);
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  qv_parquet_write_options po;
  qv_parquet_write_options_init(&po);
  if (opts[O_COMP].present && format == CLI_OUT_PARQUET) {
    if (!cli_parse_parquet_compression(opts[O_COMP].value, &po.compression))
      return cli_usage_error(cmd, "--compression wants snappy, zstd, gzip, brotli, lz4 or none for Parquet, not '%s'",
                             opts[O_COMP].value);
  } else if (opts[O_COMP].present) {
    if (!cli_parse_compression(opts[O_COMP].value, &wo.compression))
      return cli_usage_error(cmd, "--compression wants lz4, zstd or none, not '%s'", opts[O_COMP].value);
    if (format == CLI_OUT_JSON && wo.compression != QV_IPC_COMPRESSION_NONE)
      return cli_usage_error(cmd, "--compression applies to IPC output; for JSON name the output .json.gz");
    if ((format == CLI_OUT_CSV || format == CLI_OUT_TSV || format == CLI_OUT_JSONL) &&
        wo.compression != QV_IPC_COMPRESSION_NONE)
      return cli_usage_error(cmd, "--compression applies to IPC output, not to CSV or JSON Lines");
  }
  int64_t batch_size = 0;
  if (opts[O_BATCH].present && (!cli_parse_count(opts[O_BATCH].value, &batch_size) || batch_size == 0))
    return cli_usage_error(cmd, "--batch-size wants a positive integer, not '%s'", opts[O_BATCH].value);
  if (!known_name && !opts[O_TO].present)
    return cli_usage_error(cmd,
                           "cannot tell the output format from the name '%s': quiver writes Arrow IPC streams "
                           "(.arrows), IPC files (.arrow, .feather, .ipc), integration JSON (.json, .json.gz), CSV "
                           "(.csv, .tsv), JSON Lines (.jsonl, .ndjson) and Parquet (.parquet); "
                           "name the output so or give --to",
                           out_path);
  cli_input_options in_opts;
  rc = cli_input_options_parse(cmd, &opts[O_INPUT], &in_opts);
  if (rc != CLI_EXIT_OK) return rc;
  if (cli_binary_to_terminal(out_path, format))
    return cli_usage_error(cmd, "refusing to write binary Arrow data to a terminal; give a file name or redirect");

  qv_error err = {0};
  cli_source *src = NULL;
  cli_sink *sink = NULL;
  cli_projection proj = {0};
  const char *where = cli_display_name(in_path, false);
  cli_progress progress;
  cli_progress_init(&progress, "quiver convert");
  qv_status st = cli_source_open(in_path, &in_opts, &src, &err);
  if (st != QV_OK) goto done;
  qv_schema *schema = cli_source_schema(src);
  if (opts[O_COLUMNS].present) {
    st = cli_projection_init(&proj, schema, opts[O_COLUMNS].value, &err);
    if (st != QV_OK) {
      rc = cli_usage_error(cmd, "%s", err.message);
      goto done;
    }
    schema = proj.schema;
  }
  where = cli_display_name(out_path, true);
  st = cli_sink_open(out_path, format, &wo, &po, batch_size, schema, &sink, &err);
  int64_t rows = 0, batches = 0;
  while (st == QV_OK) {
    qv_batch *b = NULL, *p = NULL;
    where = cli_display_name(in_path, false);
    st = cli_source_next(src, &b, &err);
    if (st != QV_OK || b == NULL) break;
    if (proj.schema) {
      st = cli_projection_apply(&proj, b, &p, &err);
      qv_batch_release(b);
      b = p;
      if (st != QV_OK) break;
    }
    where = cli_display_name(out_path, true);
    st = cli_sink_write(sink, b, &err);
    rows += b->length;
    batches++;
    qv_batch_release(b);
    cli_progress_update(&progress, rows, batches, cli_sink_bytes(sink));
  }
  if (st == QV_OK) {
    where = cli_display_name(out_path, true);
    st = cli_sink_close(sink, &err);
  }
  cli_progress_end(&progress);
done:
  if (st != QV_OK && rc == CLI_EXIT_OK) rc = cli_data_error(cmd, where, &err);
  cli_sink_free(sink);
  cli_projection_free(&proj);
  cli_source_free(src);
  return rc;
}

const cli_command cli_cmd_convert = {"convert", "convert between IPC stream/file, Arrow JSON, CSV, JSON Lines and Parquet", convert_help,
                                     run_convert};
