/* quiver CLI: what the Flight commands (serve, get, put, flights) share:
 * the client options (--token, --user/--password, --tls-roots, --timeout),
 * connecting with them, and flight names <-> descriptor paths.
 *
 * A flight is named by its path relative to the served folder; the path's
 * parts ("sub/data.arrow" -> ["sub", "data.arrow"]) are the descriptor's
 * path, and the ticket is the path itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "flight_common.h"

static char *read_small_file(const char *path, qv_error *err) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    qv_error_set(err, QV_ERR_NOT_FOUND, "cannot open '%s'", path);
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  if (buf) n = fread(buf, 1, cap, f);
  fclose(f);
  if (buf == NULL || n == cap) {
    free(buf);
    qv_error_set(err, QV_ERR_LIMIT, "'%s' is not a PEM file of at most 64 KiB", path);
    return NULL;
  }
  buf[n] = 0;
  return buf;
}

char *cli_flight_read_pem(const char *path, qv_error *err) { return read_small_file(path, err); }

int cli_flight_connect(const cli_command *cmd, const char *uri, const cli_opt *opts, qv_flight_client **out,
                       char **pem_out) {
  qv_flight_client_options co;
  memset(&co, 0, sizeof co);
  qv_error err = {0};
  *pem_out = NULL;
  const cli_opt *token = &opts[0], *user = &opts[1], *password = &opts[2], *roots = &opts[3], *timeout = &opts[4];
  if (token->present) co.token = token->value;
  if (user->present != password->present) return cli_usage_error(cmd, "--user and --password go together");
  if (timeout->present) {
    int64_t secs;
    if (!cli_parse_count(timeout->value, &secs) || secs > 86400 * 365)
      return cli_usage_error(cmd, "--timeout takes a number of seconds");
    co.timeout_ms = secs * 1000;
  }
  if (roots->present) {
    *pem_out = read_small_file(roots->value, &err);
    if (*pem_out == NULL) return cli_data_error(cmd, roots->value, &err);
    co.tls_root_certs_pem = *pem_out;
  }
  if (qv_flight_client_connect(uri, &co, out, &err) != QV_OK) return cli_data_error(cmd, uri, &err);
  if (user->present && qv_flight_client_authenticate_basic(*out, user->value, password->value, &err) != QV_OK) {
    qv_flight_client_free(*out);
    *out = NULL;
    return cli_data_error(cmd, uri, &err);
  }
  return CLI_EXIT_OK;
}

qv_status cli_flight_descriptor(const char *name, qv_flight_descriptor *d, qv_error *err) {
  char *copy = strdup(name);
  if (copy == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  const char *parts[64];
  size_t n = 0;
  for (char *save = NULL, *p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
    if (n == 64) {
      free(copy);
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight name '%s' has more than 64 parts", name);
    }
    parts[n++] = p;
  }
  qv_status st = n == 0 ? qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "empty flight name")
                        : qv_flight_descriptor_init_path(d, parts, n, err);
  free(copy);
  return st;
}
