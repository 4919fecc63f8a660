/* quiver schema: the input's schema, pyarrow style, with metadata:
 *
 *   a: int32
 *     -- field metadata --
 *     unit: 'cm'
 *   b: list<item: string>
 *     -- field metadata (b.item) --
 *     k: 'v'
 *   -- schema metadata --
 *   origin: 'quiver'
 *
 * Metadata of nested fields (children of lists, structs, maps, unions...)
 * is listed under its top-level field with the field's path. Values are
 * byte strings: printable ASCII and UTF-8 pass through, other bytes and
 * quotes are escaped (\xNN, \', \\, \n); values longer than 200 bytes are
 * cut (--full shows them whole). Only the schema is read, never a batch.
 * Everything printed also goes through escape.c's filter, so field names
 * (which qv_field_format prints as they are) cannot send control
 * sequences to the terminal either.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define VALUE_CUT 200

static const char schema_help[] =
    "Usage: quiver schema FILE [--full]\n"
    "\n"
    "Prints the schema of FILE (- = stdin): one \"name: type\" line per field, with\n"
    "field metadata (nested fields' too) and schema metadata.\n"
    "\n"
    "Options:\n"
    "  --full             do not cut metadata values longer than 200 bytes\n"
    CLI_INPUT_HELP
    "  -h, --help         show this help\n";

static void print_bytes(FILE *f, const char *s, int32_t len, bool full, bool quote) {
  int32_t n = (!full && len > VALUE_CUT) ? VALUE_CUT : len;
  if (quote) fputc('\'', f);
  for (int32_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((quote && c == '\'') || c == '\\') fprintf(f, "\\%c", c);
    else if (c == '\n') fputs("\\n", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c < 0x20 || c == 0x7F) fprintf(f, "\\x%02x", c);
    else fputc(c, f); /* printable ASCII, or a UTF-8 byte */
  }
  if (quote) fputc('\'', f);
  if (n < len) fprintf(f, " ... (%d bytes in all)", len);
}

static void print_metadata(FILE *f, const qv_metadata *md, const char *indent, bool full) {
  for (int64_t i = 0; i < md->n; i++) {
    fputs(indent, f);
    print_bytes(f, md->pairs[i].key, md->pairs[i].key_len, true, false);
    fputs(": ", f);
    print_bytes(f, md->pairs[i].value, md->pairs[i].value_len, full, true);
    fputc('\n', f);
  }
}

static void nested_metadata(FILE *f, const qv_type *type, const char *path, bool full, int depth);

static void field_metadata(FILE *f, const qv_field *field, const char *path, bool top, bool full, int depth) {
  if (field->metadata && field->metadata->n > 0) {
    if (top)
      fputs("  -- field metadata --\n", f);
    else
      fprintf(f, "  -- field metadata (%s) --\n", path);
    print_metadata(f, field->metadata, "  ", full);
  }
  nested_metadata(f, field->type, path, full, depth + 1);
}

static void nested_metadata(FILE *f, const qv_type *type, const char *path, bool full, int depth) {
  if (type == NULL || depth > 64) return;
  if (type->id == QV_TYPE_DICTIONARY) {
    nested_metadata(f, type->value_type, path, full, depth + 1);
    return;
  }
  if (type->id == QV_TYPE_EXTENSION) {
    nested_metadata(f, type->storage_type, path, full, depth + 1);
    return;
  }
  for (int32_t i = 0; i < type->n_children; i++) {
    char child[1024];
    snprintf(child, sizeof child, "%s.%s", path, type->children[i]->name);
    field_metadata(f, type->children[i], child, false, full, depth);
  }
}

static int run_schema(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_schema;
  enum { O_FULL, O_INPUT, O_N = O_INPUT + CLI_N_INPUT_OPTS };
  cli_opt opts[O_N] = {{"full", false, false, NULL}, CLI_INPUT_OPTS};
  const char *pos[1];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, O_N, pos, 1, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos == 0) return cli_usage_error(cmd, "missing the input file (use - for stdin)");
  const bool full = opts[O_FULL].present;
  cli_input_options in_opts;
  rc = cli_input_options_parse(cmd, &opts[O_INPUT], &in_opts);
  if (rc != CLI_EXIT_OK) return rc;
  qv_error err = {0};
  cli_source *src = NULL;
  if (cli_source_open(pos[0], &in_opts, &src, &err) != QV_OK)
    return cli_data_error(cmd, cli_display_name(pos[0], false), &err);
  FILE *out = cli_escaping_file(stdout);
  if (out == NULL) {
    cli_source_free(src);
    qv_error_set(&err, QV_ERR_NO_MEMORY, "out of memory");
    return cli_data_error(cmd, "<stdout>", &err);
  }
  const qv_schema *schema = cli_source_schema(src);
  for (int32_t i = 0; i < schema->n_fields; i++) {
    const qv_field *fld = schema->fields[i];
    char line[4096];
    int64_t need = qv_field_format(fld, line, sizeof line);
    fputs(line, out);
    if (need >= (int64_t)sizeof line) fputs("...", out);
    fputc('\n', out);
    field_metadata(out, fld, fld->name, true, full, 0);
  }
  if (schema->metadata && schema->metadata->n > 0) {
    fputs("-- schema metadata --\n", out);
    print_metadata(out, schema->metadata, "", full);
  }
  cli_source_free(src);
  bool write_failed = fclose(out) != 0;
  if (fflush(stdout) != 0 || ferror(stdout) || write_failed) {
    qv_error_set(&err, QV_ERR_IO, "writing to stdout failed");
    return cli_data_error(cmd, "<stdout>", &err);
  }
  return CLI_EXIT_OK;
}

const cli_command cli_cmd_schema = {"schema", "print the schema and its metadata", schema_help, run_schema};
