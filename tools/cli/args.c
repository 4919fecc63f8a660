/* quiver CLI: option parsing and the two kinds of error report.
 *
 * Options are GNU-style long options, accepted anywhere among the
 * positionals ("--head 5", "--head=5"); "--" ends them and a lone "-" is a
 * positional (stdin or stdout). Every usage problem is reported here, on
 * stderr, as "quiver CMD: what is wrong" plus a pointer to --help, and
 * turns into exit code 2; data problems carry the library's message and
 * turn into exit code 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage_hint(const cli_command *cmd) {
  fprintf(stderr, "Try 'quiver %s --help' for more information.\n", cmd->name);
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "quiver %s: ", cmd->name);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  usage_hint(cmd);
  return CLI_EXIT_USAGE;
}

int cli_data_error(const cli_command *cmd, const char *what, const qv_error *err) {
  /* The reader of stdout went away (`quiver gen seed - | head -c 100`):
   * what was asked for was delivered, so stop quietly, as cat does. */
  if (what && strcmp(what, "<stdout>") == 0 && cli_stdout_closed()) return CLI_EXIT_OK;
  const char *msg = (err && err->message[0]) ? err->message : "failed (no message)";
  const char *code = err ? qv_status_name(err->code) : "";
  /* Readers opened by path already start their message with "'path': ". */
  size_t wl = what ? strlen(what) : 0;
  if (wl && msg[0] == '\'' && strncmp(msg + 1, what, wl) == 0 && strncmp(msg + 1 + wl, "': ", 3) == 0)
    msg += wl + 4;
  if (what && what[0])
    fprintf(stderr, "quiver %s: %s: %s [%s]\n", cmd->name, what, msg, code);
  else
    fprintf(stderr, "quiver %s: %s [%s]\n", cmd->name, msg, code);
  return CLI_EXIT_DATA;
}

const char *cli_display_name(const char *path, bool output) {
  if (strcmp(path, "-") == 0) return output ? "<stdout>" : "<stdin>";
  return path;
}

bool cli_parse_count(const char *s, int64_t *out) {
  if (s == NULL || *s == '\0' || *s == '_') return false;
  int64_t v = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '_') continue;
    if (*p < '0' || *p > '9') return false;
    int d = *p - '0';
    if (v > (INT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

bool cli_parse_size(const char *s, int64_t *out) {
  if (s == NULL) return false;
  size_t n = strlen(s);
  int shift = 0;
  if (n > 1) {
    switch (s[n - 1]) {
      case 'k': case 'K': shift = 10; break;
      case 'm': case 'M': shift = 20; break;
      case 'g': case 'G': shift = 30; break;
      case 't': case 'T': shift = 40; break;
      default: break;
    }
  }
  char digits[32];
  size_t dn = shift ? n - 1 : n;
  if (dn == 0 || dn >= sizeof digits) return false;
  memcpy(digits, s, dn);
  digits[dn] = '\0';
  int64_t v;
  if (!cli_parse_count(digits, &v) || v > (INT64_MAX >> shift)) return false;
  *out = v << shift;
  return true;
}

int cli_input_options_parse(const cli_command *cmd, const cli_opt *opts, cli_input_options *out) {
  const qv_ipc_read_options ipc = QV_IPC_READ_OPTIONS_DEFAULT;
  const qv_json_read_options json = QV_JSON_READ_OPTIONS_DEFAULT;
  out->ipc = ipc;
  out->json = json;
  out->strict = opts[0].present;
  out->command = cmd->name;
  int64_t v;
  if (opts[1].present) {
    if (!cli_parse_size(opts[1].value, &v) || v == 0)
      return cli_usage_error(cmd, "--max-decompressed wants a positive size (e.g. 512M), not '%s'", opts[1].value);
    out->ipc.max_decompressed_size = v;
  }
  if (opts[2].present) {
    if (!cli_parse_size(opts[2].value, &v))
      return cli_usage_error(cmd, "--max-total-decompressed wants a size (e.g. 100G; 0 = no cap), not '%s'",
                             opts[2].value);
    out->ipc.max_total_decompressed_size = v == 0 ? -1 : v; /* the library's "no total cap" */
  }
  if (opts[3].present) {
    if (!cli_parse_size(opts[3].value, &v) || v == 0)
      return cli_usage_error(cmd, "--max-json-bytes wants a positive size (e.g. 64M), not '%s'", opts[3].value);
    out->json.max_input_size = v;
  }
  out->csv_delimiter = 0;
  out->jsonl = false;
  if (opts[4].present) {
    if (strcmp(opts[4].value, "csv") == 0) out->csv_delimiter = ',';
    else if (strcmp(opts[4].value, "tsv") == 0) out->csv_delimiter = '\t';
    else if (strcmp(opts[4].value, "jsonl") == 0 || strcmp(opts[4].value, "ndjson") == 0) out->jsonl = true;
    else return cli_usage_error(cmd, "--from wants csv, tsv or jsonl, not '%s'", opts[4].value);
  }
  return cli_csv_options_parse(cmd, opts + 5, out);
}

static cli_opt *find_opt(cli_opt *opts, int n_opts, const char *name, size_t len) {
  for (int i = 0; i < n_opts; i++)
    if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return &opts[i];
  return NULL;
}

/* Every long option value of the last cli_parse, in order (for options
 * that may repeat; cli_opt keeps only the last). */
static struct {
  const cli_opt *opt;
  const char *value;
} g_given[CLI_MAX_REPEATS];
static int g_n_given;

int cli_opt_values(const cli_opt *o, const char **out, int cap) {
  int n = 0;
  for (int i = 0; i < g_n_given; i++)
    if (g_given[i].opt == o) {
      if (n < cap) out[n] = g_given[i].value;
      n++;
    }
  return n;
}

int cli_parse(const cli_command *cmd, int argc, char **argv, cli_opt *opts, int n_opts, const char **pos,
              int max_pos, int *n_pos) {
  *n_pos = 0;
  g_n_given = 0;
  bool options_done = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!options_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
      fputs(cmd->help, stdout);
      return CLI_EXIT_HELP;
    }
    if (!options_done && strcmp(a, "--") == 0) {
      options_done = true;
      continue;
    }
    if (!options_done && a[0] == '-' && a[1] == '-') {
      const char *name = a + 2;
      const char *eq = strchr(name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen(name);
      cli_opt *o = find_opt(opts, n_opts, name, len);
      if (o == NULL) return cli_usage_error(cmd, "unknown option '--%.*s'", (int)len, name);
      if (o->takes_value) {
        if (eq) {
          o->value = eq + 1;
        } else {
          if (i + 1 >= argc) return cli_usage_error(cmd, "option '--%s' needs a value", o->name);
          o->value = argv[++i];
        }
        if (g_n_given == CLI_MAX_REPEATS)
          return cli_usage_error(cmd, "more than %d option values", CLI_MAX_REPEATS);
        g_given[g_n_given].opt = o;
        g_given[g_n_given++].value = o->value;
      } else if (eq) {
        return cli_usage_error(cmd, "option '--%s' takes no value", o->name);
      }
      o->present = true;
      continue;
    }
    /* one-letter options ("-o out") for commands that declare them */
    cli_opt *short_opt = (!options_done && a[0] == '-' && a[1] != '\0' && a[1] != '-' && a[2] == '\0')
                             ? find_opt(opts, n_opts, a + 1, 1)
                             : NULL;
    if (short_opt) {
      if (short_opt->takes_value) {
        if (i + 1 >= argc) return cli_usage_error(cmd, "option '%s' needs a value", a);
        short_opt->value = argv[++i];
      }
      short_opt->present = true;
      continue;
    }
    if (!options_done && a[0] == '-' && a[1] != '\0')
      return cli_usage_error(cmd, "unknown option '%s'", a);
    if (*n_pos >= max_pos) return cli_usage_error(cmd, "unexpected argument '%s'", a);
    pos[(*n_pos)++] = a;
  }
  return CLI_EXIT_OK;
}
