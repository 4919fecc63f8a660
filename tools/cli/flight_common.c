/* quiver CLI: what the Flight commands (serve, get, put, flights) share:
 * the client options (--token, --user/--password, --tls-root-certs,
 * --tls-client-cert/--tls-client-key, --timeout),
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

void cli_flight_pems_free(cli_flight_pems *p) {
  free(p->roots);
  free(p->cert);
  free(p->key);
  memset(p, 0, sizeof *p);
}

/* Reads the PEM file named by opt (if given) into *out; a CLI exit code. */
static int read_pem_opt(const cli_command *cmd, const cli_opt *opt, char **out) {
  if (!opt->present) return CLI_EXIT_OK;
  qv_error err = {0};
  *out = read_small_file(opt->value, &err);
  return *out ? CLI_EXIT_OK : cli_data_error(cmd, opt->value, &err);
}

int cli_flight_connect(const cli_command *cmd, const char *uri, const cli_opt *opts, qv_flight_client **out,
                       cli_flight_pems *pems) {
  qv_flight_client_options co;
  memset(&co, 0, sizeof co);
  qv_error err = {0};
  memset(pems, 0, sizeof *pems);
  *out = NULL;
  const cli_opt *token = &opts[0], *user = &opts[1], *password = &opts[2], *timeout = &opts[4];
  const cli_opt *roots = opts[5].present ? &opts[5] : &opts[3]; /* --tls-root-certs, or its older name */
  const cli_opt *cert = &opts[6], *key = &opts[7];
  if (token->present) co.token = token->value;
  if (user->present != password->present) return cli_usage_error(cmd, "--user and --password go together");
  if (cert->present != key->present) return cli_usage_error(cmd, "--tls-client-cert and --tls-client-key go together");
  if (opts[3].present && opts[5].present) return cli_usage_error(cmd, "give --tls-root-certs or --tls-roots, not both");
  if (timeout->present) {
    int64_t secs;
    if (!cli_parse_count(timeout->value, &secs) || secs > 86400 * 365)
      return cli_usage_error(cmd, "--timeout takes a number of seconds");
    co.timeout_ms = secs * 1000;
  }
  int rc = read_pem_opt(cmd, roots, &pems->roots);
  if (rc == CLI_EXIT_OK) rc = read_pem_opt(cmd, cert, &pems->cert);
  if (rc == CLI_EXIT_OK) rc = read_pem_opt(cmd, key, &pems->key);
  if (rc != CLI_EXIT_OK) {
    cli_flight_pems_free(pems);
    return rc;
  }
  co.tls_root_certs_pem = pems->roots;
  co.tls_cert_chain_pem = pems->cert;
  co.tls_private_key_pem = pems->key;
  if (qv_flight_client_connect(uri, &co, out, &err) == QV_OK && user->present &&
      qv_flight_client_authenticate_basic(*out, user->value, password->value, &err) != QV_OK) {
    qv_flight_client_free(*out);
    *out = NULL;
  }
  if (*out == NULL) {
    cli_flight_pems_free(pems);
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
