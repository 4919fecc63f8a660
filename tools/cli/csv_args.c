/* quiver CLI: the CSV reading options every reading command accepts
 * (--delimiter, --no-header, --null-value, --column-type NAME=TYPE,
 * --block-size) and the type names --column-type understands, spelled as
 * pyarrow prints them ("int64", "timestamp[ms, tz=UTC]", "decimal128(10, 2)").
 *
 * The lists and types the options point to are kept for the life of the
 * process (a command parses its options once) and released at exit, so
 * the commands need no cleanup of their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What the parsed options point to (one command line's worth). */
static struct {
  const char *type_names[CLI_MAX_REPEATS];
  qv_type *types[CLI_MAX_REPEATS];
  char *name_copies[CLI_MAX_REPEATS];
  const char *null_values[CLI_MAX_REPEATS];
  int n_types;
  bool release_registered;
} g_csv;

static void release_csv_options(void) {
  for (int i = 0; i < g_csv.n_types; i++) {
    qv_type_release(g_csv.types[i]);
    free(g_csv.name_copies[i]);
  }
  g_csv.n_types = 0;
}

static bool parse_unit(const char *s, size_t n, qv_time_unit *unit) {
  static const char *const names[] = {"s", "ms", "us", "ns"};
  static const qv_time_unit units[] = {QV_UNIT_SECOND, QV_UNIT_MILLI, QV_UNIT_MICRO, QV_UNIT_NANO};
  for (int i = 0; i < 4; i++)
    if (strlen(names[i]) == n && strncmp(s, names[i], n) == 0) {
      *unit = units[i];
      return true;
    }
  return false;
}

/* "[unit]" or "[unit, tz=ZONE]" after a time type's name. */
static bool parse_unit_suffix(const char *s, qv_time_unit *unit, char *zone, size_t zone_cap) {
  zone[0] = '\0';
  const size_t n = strlen(s);
  if (n < 3 || s[0] != '[' || s[n - 1] != ']') return false;
  const char *comma = memchr(s, ',', n);
  const char *unit_end = comma ? comma : s + n - 1;
  if (!parse_unit(s + 1, (size_t)(unit_end - s - 1), unit)) return false;
  if (comma == NULL) return true;
  const char *z = comma + 1;
  while (*z == ' ') z++;
  if (strncmp(z, "tz=", 3) != 0) return false;
  z += 3;
  const size_t zn = (size_t)(s + n - 1 - z);
  if (zn == 0 || zn >= zone_cap) return false;
  memcpy(zone, z, zn);
  zone[zn] = '\0';
  return true;
}

bool cli_parse_csv_type(const char *text, qv_type **out) {
  qv_error err;
  *out = NULL;
  static const qv_type_id simple[] = {QV_TYPE_NULL,   QV_TYPE_BOOL,    QV_TYPE_INT8,         QV_TYPE_INT16,
                                      QV_TYPE_INT32,  QV_TYPE_INT64,   QV_TYPE_UINT8,        QV_TYPE_UINT16,
                                      QV_TYPE_UINT32, QV_TYPE_UINT64,  QV_TYPE_FLOAT32,      QV_TYPE_FLOAT64,
                                      QV_TYPE_DATE32, QV_TYPE_DATE64,  QV_TYPE_STRING,       QV_TYPE_LARGE_STRING,
                                      QV_TYPE_BINARY, QV_TYPE_LARGE_BINARY};
  for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
    if (strcmp(text, qv_type_id_name(simple[i])) == 0) return (*out = qv_type_from_id(simple[i])) != NULL;
  /* pyarrow's other spellings of a few of them */
  static const struct {
    const char *alias;
    qv_type_id id;
  } aliases[] = {{"utf8", QV_TYPE_STRING},     {"large_utf8", QV_TYPE_LARGE_STRING}, {"double", QV_TYPE_FLOAT64},
                 {"float", QV_TYPE_FLOAT32},   {"boolean", QV_TYPE_BOOL},             {"date32[day]", QV_TYPE_DATE32},
                 {"date64[ms]", QV_TYPE_DATE64}};
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcmp(text, aliases[i].alias) == 0) return (*out = qv_type_from_id(aliases[i].id)) != NULL;
  qv_time_unit unit;
  char zone[64];
  if (strncmp(text, "timestamp", 9) == 0 && parse_unit_suffix(text + 9, &unit, zone, sizeof zone))
    return qv_type_timestamp(unit, zone[0] ? zone : NULL, out, &err) == QV_OK;
  if (strncmp(text, "time32", 6) == 0 && parse_unit_suffix(text + 6, &unit, zone, sizeof zone) && !zone[0])
    return qv_type_time32(unit, out, &err) == QV_OK;
  if (strncmp(text, "time64", 6) == 0 && parse_unit_suffix(text + 6, &unit, zone, sizeof zone) && !zone[0])
    return qv_type_time64(unit, out, &err) == QV_OK;
  int bits = 0, precision = 0, scale = 0, used = 0;
  if (sscanf(text, "decimal%d(%d,%d)%n", &bits, &precision, &scale, &used) == 3 && text[used] == '\0')
    return qv_type_decimal(bits, precision, scale, out, &err) == QV_OK;
  return false;
}

int cli_csv_options_parse(const cli_command *cmd, const cli_opt *opts, cli_input_options *out) {
  const qv_csv_read_options defaults = QV_CSV_READ_OPTIONS_DEFAULT;
  out->csv = defaults;
  release_csv_options();
  if (!g_csv.release_registered) {
    atexit(release_csv_options);
    g_csv.release_registered = true;
  }
  if (opts[0].present) { /* --delimiter */
    const char *d = opts[0].value;
    if (strcmp(d, "tab") == 0 || strcmp(d, "\\t") == 0) d = "\t";
    if (strlen(d) != 1 || d[0] == '\n' || d[0] == '\r' || d[0] == '"')
      return cli_usage_error(cmd, "--delimiter wants one character other than a quote or a line break (or 'tab'), "
                                  "not '%s'", opts[0].value);
    out->csv_delimiter = d[0];
  }
  out->csv.no_header = opts[1].present;
  if (opts[2].present) { /* --null-value, repeatable */
    out->csv.null_values = g_csv.null_values;
    out->csv.n_null_values = cli_opt_values(&opts[2], g_csv.null_values, CLI_MAX_REPEATS);
  }
  const char *specs[CLI_MAX_REPEATS];
  const int n_specs = cli_opt_values(&opts[3], specs, CLI_MAX_REPEATS);
  for (int i = 0; i < n_specs; i++) { /* --column-type NAME=TYPE, repeatable */
    const char *spec = specs[i];
    /* the name ends at the first '=' (a type may hold one: "tz=UTC") */
    const char *eq = strchr(spec, '=');
    qv_type *type = NULL;
    if (eq == NULL || eq == spec || !cli_parse_csv_type(eq + 1, &type))
      return cli_usage_error(cmd, "--column-type wants NAME=TYPE with a type such as int64, float64, string, "
                                  "date32, time32[s], timestamp[ms] or decimal128(10, 2), not '%s'", spec);
    char *name = malloc((size_t)(eq - spec) + 1);
    if (name == NULL) {
      qv_type_release(type);
      return cli_usage_error(cmd, "out of memory");
    }
    memcpy(name, spec, (size_t)(eq - spec));
    name[eq - spec] = '\0';
    g_csv.name_copies[g_csv.n_types] = name;
    g_csv.type_names[g_csv.n_types] = name;
    g_csv.types[g_csv.n_types] = type;
    g_csv.n_types++;
  }
  if (g_csv.n_types > 0) {
    out->csv.column_type_names = g_csv.type_names;
    out->csv.column_types = (const qv_type *const *)g_csv.types;
    out->csv.n_column_types = g_csv.n_types;
  }
  if (opts[4].present) { /* --block-size */
    int64_t v;
    if (!cli_parse_size(opts[4].value, &v) || v == 0)
      return cli_usage_error(cmd, "--block-size wants a positive size (e.g. 4M), not '%s'", opts[4].value);
    out->csv.block_size = v;
  }
  return CLI_EXIT_OK;
}
