/* quiver serve: a folder as an Arrow Flight service.
 *
 * Every file quiver reads (IPC files and streams, integration JSON, CSV and
 * TSV, JSON Lines, Parquet) under DIR is a flight named by its path relative to DIR. ListFlights
 * walks DIR (dot files skipped: they include the temporaries of uploads in
 * progress); GetFlightInfo and GetSchema name a flight by a path
 * descriptor; DoGet takes the relative path as its ticket; DoPut writes the
 * uploaded stream to the descriptor's path atomically (a temporary beside
 * it, renamed when the upload is complete, removed if it breaks off).
 * Names are checked before any file is touched: no empty, "." or ".."
 * part, and the resolved path must stay inside DIR (symbolic links
 * included). The server listens on 127.0.0.1 unless --host says otherwise
 * and stops cleanly on SIGINT, SIGTERM or SIGHUP.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "flight_common.h"

static const char serve_help[] =
    "Usage: quiver serve DIR [--port N] [--host H] [--token T [--user U --password P]]\n"
    "                        [--tls-cert FILE --tls-key FILE [--tls-client-roots FILE]]\n"
    "                        [--unix PATH [--no-shm]] [--threads N]\n"
    "\n"
    "Serves every file quiver reads in DIR (IPC, JSON, CSV/TSV, JSON Lines, Parquet)\n"
    "over Arrow Flight, each as a flight named by its path relative to DIR:\n"
    "ListFlights, GetFlightInfo, GetSchema and DoGet (ticket = the path); DoPut\n"
    "writes uploads into DIR atomically (IPC file, or IPC stream for names ending\n"
    ".arrows).\n"
    "Prints \"quiver serve: listening on URI\" once ready; stops on SIGINT/SIGTERM.\n"
    "\n"
    "Options:\n"
    "  --port N           TCP port (default 8815; 0 picks a free one)\n"
    "  --host H           address to listen on (default 127.0.0.1)\n"
    "  --token T          require \"authorization: Bearer T\" on every call\n"
    "  --user U --password P  accept the basic-auth handshake with these, answering\n"
    "                     with the token\n"
    "  --tls-cert FILE --tls-key FILE  serve grpc+tls:// with this certificate\n"
    "  --tls-client-roots FILE  mutual TLS: require a client certificate signed by\n"
    "                     one of these (PEM)\n"
    "  --unix PATH        listen on the Unix socket PATH (grpc+unix://PATH) instead\n"
    "                     of TCP; quiver clients there get bodies through shared\n"
    "                     memory (sealed memfds over PATH.qvshm): each table is\n"
    "                     copied once into a memfd when first read, and every\n"
    "                     DoGet then passes its descriptor, not its bytes\n"
    "  --no-shm           with --unix: plain gRPC bytes only\n"
    "  --threads N        calls served at once (default 8)\n"
    "  -h, --help         show this help\n";

/* Tables read recently, by path and file identity: a file's mapping stays
 * warm between DoGets (mapping it afresh faults every page in again), and a
 * file replaced or changed since (another inode, size or mtime) is read
 * anew. With shared memory on (--unix without --no-shm) a cached table is
 * a copy in a sealed memfd (qv_shm_table_share). */
#define CACHE_SLOTS 16
typedef struct cached_table {
  char path[PATH_MAX];
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
  qv_table *table; /* NULL: empty slot */
} cached_table;

typedef struct served_dir {
  char root[PATH_MAX]; /* realpath of DIR */
  char uri[512];       /* where clients reach us (endpoint locations) */
  bool share;           /* tables live in sealed memfds (grpc+unix with shm) */
  pthread_mutex_t lock; /* guards cache and next_slot */
  cached_table cache[CACHE_SLOTS];
  int next_slot;
} served_dir;

/* ---- names ---- */

static qv_status check_part(const char *p, qv_error *err) {
  if (p[0] == 0 || strcmp(p, ".") == 0 || strcmp(p, "..") == 0 || strchr(p, '/') != NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight name part '%s' is not a file or folder name", p);
  return QV_OK;
}

/* DIR/parts..., checked to stay inside DIR. must_exist: an existing regular
 * file; otherwise (uploads) the parent folder must exist. */
static qv_status resolve(const served_dir *sd, char *const *parts, size_t n, bool must_exist, char *out,
                         qv_error *err) {
  if (n == 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "an empty flight path");
  size_t len = (size_t)snprintf(out, PATH_MAX, "%s", sd->root);
  for (size_t i = 0; i < n; i++) {
    QV_RETURN_IF_ERROR(check_part(parts[i], err));
    len += (size_t)snprintf(out + len, len < PATH_MAX ? PATH_MAX - len : 0, "/%s", parts[i]);
    if (len >= PATH_MAX) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight path too long");
  }
  char real[PATH_MAX];
  const char *check = out;
  char parent[PATH_MAX];
  if (!must_exist) {
    snprintf(parent, sizeof parent, "%s", out);
    char *slash = strrchr(parent, '/');
    *slash = 0;
    check = parent;
  }
  if (realpath(check, real) == NULL)
    return qv_error_set(err, QV_ERR_NOT_FOUND, "no flight named '%s'", out + strlen(sd->root) + 1);
  size_t rl = strlen(sd->root);
  if (strncmp(real, sd->root, rl) != 0 || (real[rl] != 0 && real[rl] != '/'))
    return qv_error_set(err, QV_ERR_NOT_FOUND, "no flight named '%s'", out + rl + 1);
  struct stat stt;
  if (must_exist && (stat(real, &stt) != 0 || !S_ISREG(stt.st_mode)))
    return qv_error_set(err, QV_ERR_NOT_FOUND, "no flight named '%s'", out + rl + 1);
  if (!must_exist && (stat(real, &stt) != 0 || !S_ISDIR(stt.st_mode)))
    return qv_error_set(err, QV_ERR_NOT_FOUND, "no folder for '%s'", out + rl + 1);
  return QV_OK;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Parquet is known by its magic, as everywhere else in the CLI ("PARE":
 * an encrypted footer, which the reader refuses with the reason). */
static bool starts_like_parquet(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return false;
  char magic[4];
  const bool yes = fread(magic, 1, 4, f) == 4 && (memcmp(magic, "PAR1", 4) == 0 || memcmp(magic, "PARE", 4) == 0);
  fclose(f);
  return yes;
}

static qv_status load_file(const char *path, qv_table **out, qv_error *err) {
  if (ends_with(path, ".csv") || ends_with(path, ".tsv")) {
    qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
    if (ends_with(path, ".tsv")) o.delimiter = '\t';
    return qv_csv_read_path(path, &o, out, err);
  }
  if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) return qv_jsonl_read_path(path, NULL, out, err);
  if (ends_with(path, ".json") || ends_with(path, ".json.gz")) return qv_json_read_table_path(path, out, err);
  if (starts_like_parquet(path)) return qv_parquet_read_path(path, NULL, out, err);
  return qv_ipc_read_path(path, NULL, out, err);
}

static bool same_file(const cached_table *c, const char *path, const struct stat *st) {
  return c->table && strcmp(c->path, path) == 0 && c->dev == st->st_dev && c->ino == st->st_ino &&
         c->size == st->st_size && c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The table in `path` (caller owns the reference), from the cache when the
 * file is unchanged. */
static qv_status load(served_dir *sd, const char *path, qv_table **out, qv_error *err) {
  struct stat st;
  if (stat(path, &st) != 0) return qv_error_set(err, QV_ERR_NOT_FOUND, "cannot stat '%s'", path);
  pthread_mutex_lock(&sd->lock);
  for (int i = 0; i < CACHE_SLOTS; i++)
    if (same_file(&sd->cache[i], path, &st)) {
      *out = qv_table_retain(sd->cache[i].table);
      pthread_mutex_unlock(&sd->lock);
      return QV_OK;
    }
  pthread_mutex_unlock(&sd->lock);
  QV_RETURN_IF_ERROR(load_file(path, out, err));
  if (sd->share) {
    /* one copy into shared memory now; each DoGet to a quiver peer on the
     * socket then passes descriptors, not bytes */
    qv_table *shared = NULL;
    qv_status shared_st = qv_shm_table_share(*out, &shared, err);
    qv_table_release(*out);
    *out = shared;
    QV_RETURN_IF_ERROR(shared_st);
  }
  pthread_mutex_lock(&sd->lock);
  cached_table *c = &sd->cache[sd->next_slot];
  sd->next_slot = (sd->next_slot + 1) % CACHE_SLOTS;
  qv_table_release(c->table);
  snprintf(c->path, sizeof c->path, "%s", path);
  c->dev = st.st_dev;
  c->ino = st.st_ino;
  c->size = st.st_size;
  c->mtime = st.st_mtim;
  c->table = qv_table_retain(*out);
  pthread_mutex_unlock(&sd->lock);
  return QV_OK;
}

static qv_status split_name(const char *name, size_t len, char **copy, char **parts, size_t *n, qv_error *err) {
  *copy = malloc(len + 1);
  if (*copy == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  memcpy(*copy, name, len);
  (*copy)[len] = 0;
  if (memchr(name, 0, len)) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "a flight name with a NUL byte");
  *n = 0;
  for (char *save = NULL, *p = strtok_r(*copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
    if (*n == 64) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "a flight name of more than 64 parts");
    parts[(*n)++] = p;
  }
  return QV_OK;
}

/* The info of the flight at relative name `rel` (file `path`). */
static qv_status make_info(served_dir *sd, const char *rel, const char *path, qv_flight_info *out,
                           qv_error *err) {
  qv_table *t = NULL;
  QV_RETURN_IF_ERROR(load(sd, path, &t, err));
  qv_status st = cli_flight_descriptor(rel, &out->descriptor, err);
  if (st == QV_OK) {
    out->schema = qv_schema_retain(t->schema);
    out->total_records = t->n_rows;
    struct stat stt;
    out->total_bytes = stat(path, &stt) == 0 ? (int64_t)stt.st_size : -1;
    out->ordered = true;
    st = qv_flight_info_add_endpoint(out, rel, strlen(rel), sd->uri, err);
  }
  qv_table_release(t);
  return st;
}

/* ---- handlers ---- */

typedef struct info_list {
  qv_flight_info *items;
  size_t n, cap;
} info_list;

static void walk(served_dir *sd, const char *rel, int depth, info_list *l) {
  if (depth > 8 || l->n >= 100000) return;
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s%s%s", sd->root, rel[0] ? "/" : "", rel);
  DIR *d = opendir(dir);
  if (d == NULL) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char sub[PATH_MAX], path[PATH_MAX];
    snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
    snprintf(path, sizeof path, "%s/%s", sd->root, sub);
    struct stat st;
    if (lstat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      walk(sd, sub, depth + 1, l);
      continue;
    }
    if (!S_ISREG(st.st_mode)) continue;
    if (l->n == l->cap) {
      size_t nc = l->cap ? l->cap * 2 : 16;
      qv_flight_info *ni = realloc(l->items, nc * sizeof *ni);
      if (ni == NULL) break;
      l->items = ni;
      l->cap = nc;
    }
    qv_flight_info_init(&l->items[l->n]);
    qv_error err;
    if (make_info(sd, sub, path, &l->items[l->n], &err) == QV_OK)
      l->n++;
    else
      qv_flight_info_clear(&l->items[l->n]); /* not something quiver reads: not a flight */
  }
  closedir(d);
}

static qv_status h_list(void *ctx, qv_flight_call *call, const qv_flight_bytes *criteria, qv_flight_info **out,
                        size_t *n, qv_error *err) {
  info_list l = {NULL, 0, 0};
  walk(ctx, "", 0, &l);
  *out = l.items;
  *n = l.n;
  return QV_OK;
}

static qv_status info_for(served_dir *sd, const qv_flight_descriptor *d, qv_flight_info *out, qv_error *err) {
  if (d->type != QV_FLIGHT_DESCRIPTOR_PATH)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "this server names flights by path descriptors");
  char path[PATH_MAX];
  QV_RETURN_IF_ERROR(resolve(sd, d->path, d->n_path, true, path, err));
  return make_info(sd, path + strlen(sd->root) + 1, path, out, err);
}

static qv_status h_info(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_flight_info *out,
                        qv_error *err) {
  return info_for(ctx, d, out, err);
}

static qv_status h_schema(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_schema **out,
                          qv_error *err) {
  qv_flight_info info;
  qv_flight_info_init(&info);
  qv_status st = info_for(ctx, d, &info, err);
  if (st == QV_OK) *out = qv_schema_retain(info.schema);
  qv_flight_info_clear(&info);
  return st;
}

static qv_status h_get(void *ctx, qv_flight_call *call, const qv_flight_bytes *ticket, qv_flight_stream *s,
                       qv_error *err) {
  served_dir *sd = ctx;
  char *copy = NULL, *parts[64], path[PATH_MAX];
  size_t n = 0;
  qv_status st = split_name((const char *)ticket->data, ticket->len, &copy, parts, &n, err);
  if (st == QV_OK) st = resolve(sd, parts, n, true, path, err);
  free(copy);
  qv_table *t = NULL;
  if (st == QV_OK) st = load(sd, path, &t, err);
  if (st == QV_OK) st = qv_flight_stream_write_table(s, t, err);
  qv_table_release(t);
  return st;
}

static qv_status h_put(void *ctx, qv_flight_call *call, qv_flight_stream *s, qv_error *err) {
  const served_dir *sd = ctx;
  const qv_flight_descriptor *d = qv_flight_stream_descriptor(s);
  if (d == NULL || d->type != QV_FLIGHT_DESCRIPTOR_PATH)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "DoPut needs a path descriptor naming the file to write");
  char path[PATH_MAX];
  QV_RETURN_IF_ERROR(resolve(sd, d->path, d->n_path, false, path, err));
  if (d->path[d->n_path - 1][0] == '.')
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "uploads may not be dot files");
  qv_schema *schema = NULL;
  QV_RETURN_IF_ERROR(qv_flight_stream_schema(s, &schema, err));
  qv_ipc_writer *w = NULL;
  qv_ipc_format format = ends_with(path, ".arrows") ? QV_IPC_FORMAT_STREAM : QV_IPC_FORMAT_FILE;
  QV_RETURN_IF_ERROR(qv_ipc_writer_open_path(path, format, schema, NULL, &w, err));
  qv_status st = QV_OK;
  for (;;) {
    qv_flight_chunk c;
    bool end;
    st = qv_flight_stream_next(s, &c, &end, err);
    if (st != QV_OK || end) break;
    if (c.batch) st = qv_ipc_writer_write_batch(w, c.batch, err);
    /* a message with app_metadata is acknowledged with it */
    if (st == QV_OK && c.app_metadata.len > 0)
      st = qv_flight_stream_write_put_result(s, c.app_metadata.data, c.app_metadata.len, err);
    qv_flight_chunk_clear(&c);
    if (st != QV_OK) break;
  }
  if (st == QV_OK) st = qv_ipc_writer_close(w, err);
  qv_ipc_writer_free(w); /* unclosed: the temporary is removed */
  return st;
}

/* ---- command ---- */

static int run_serve(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_serve;
  cli_opt opts[] = {{"port", true, false, NULL},    {"host", true, false, NULL},     {"token", true, false, NULL},
                    {"user", true, false, NULL},    {"password", true, false, NULL}, {"tls-cert", true, false, NULL},
                    {"tls-key", true, false, NULL}, {"threads", true, false, NULL},
                    {"tls-client-roots", true, false, NULL}, {"unix", true, false, NULL},
                    {"no-shm", false, false, NULL}};
  const char *pos[1];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, (int)(sizeof opts / sizeof opts[0]), pos, 1, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos == 0) return cli_usage_error(cmd, "missing the folder to serve");
  int64_t port = 8815, threads = 8;
  if (opts[0].present && (!cli_parse_count(opts[0].value, &port) || port > 65535))
    return cli_usage_error(cmd, "--port takes a number from 0 to 65535");
  if (opts[7].present && (!cli_parse_count(opts[7].value, &threads) || threads < 1 || threads > 1024))
    return cli_usage_error(cmd, "--threads takes a number from 1 to 1024");
  if (opts[3].present != opts[4].present) return cli_usage_error(cmd, "--user and --password go together");
  if (opts[3].present && !opts[2].present) return cli_usage_error(cmd, "--user needs --token (the token it hands out)");
  if (opts[5].present != opts[6].present) return cli_usage_error(cmd, "--tls-cert and --tls-key go together");
  if (opts[8].present && !opts[5].present) return cli_usage_error(cmd, "--tls-client-roots needs --tls-cert");
  if (opts[9].present && (opts[5].present || opts[0].present || opts[1].present))
    return cli_usage_error(cmd, "--unix listens on a socket file: no --port, --host or TLS with it");
  if (opts[9].present && opts[9].value[0] != '/') return cli_usage_error(cmd, "--unix takes an absolute path");
  if (opts[10].present && !opts[9].present) return cli_usage_error(cmd, "--no-shm goes with --unix");
  served_dir *sd = calloc(1, sizeof *sd);
  if (sd == NULL) return CLI_EXIT_DATA;
  pthread_mutex_init(&sd->lock, NULL);
  qv_error err = {0};
  struct stat stt;
  if (realpath(pos[0], sd->root) == NULL || stat(sd->root, &stt) != 0 || !S_ISDIR(stt.st_mode)) {
    free(sd);
    qv_error_set(&err, QV_ERR_NOT_FOUND, "not a folder");
    return cli_data_error(cmd, pos[0], &err);
  }
  const char *host = opts[1].present ? opts[1].value : "127.0.0.1";
  bool tls = opts[5].present;
  qv_flight_server_options so;
  memset(&so, 0, sizeof so);
  so.threads = (int)threads;
  so.token = opts[2].value;
  so.basic_user = opts[3].value;
  so.basic_password = opts[4].value;
  so.disable_shm = opts[10].present;
  sd->share = opts[9].present && !opts[10].present;
  char *cert = NULL, *key = NULL, *client_roots = NULL;
  if (tls) {
    cert = cli_flight_read_pem(opts[5].value, &err);
    key = cert ? cli_flight_read_pem(opts[6].value, &err) : NULL;
    if (key && opts[8].present && (client_roots = cli_flight_read_pem(opts[8].value, &err)) == NULL) {
      free(cert);
      free(key);
      free(sd);
      return cli_data_error(cmd, opts[8].value, &err);
    }
    if (key == NULL) {
      free(cert);
      free(sd);
      return cli_data_error(cmd, cert ? opts[6].value : opts[5].value, &err);
    }
    so.tls_cert_chain_pem = cert;
    so.tls_private_key_pem = key;
    so.tls_client_roots_pem = client_roots;
  }
  const char *scheme = tls ? "grpc+tls" : "grpc";
  bool v6 = strchr(host, ':') != NULL;
  char uri[512];
  if (opts[9].present)
    snprintf(uri, sizeof uri, "grpc+unix://%s", opts[9].value);
  else
    snprintf(uri, sizeof uri, "%s://%s%s%s:%d", scheme, v6 ? "[" : "", host, v6 ? "]" : "", (int)port);
  qv_flight_handlers h;
  memset(&h, 0, sizeof h);
  h.ctx = sd;
  h.list_flights = h_list;
  h.get_flight_info = h_info;
  h.get_schema = h_schema;
  h.do_get = h_get;
  h.do_put = h_put;
  /* the handlers' threads must not take the stop signals: main waits for them */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  qv_flight_server *srv = NULL;
  qv_status st = qv_flight_server_start(uri, &h, &so, &srv, &err);
  if (st != QV_OK) {
    free(cert);
    free(key);
    free(client_roots);
    free(sd);
    return cli_data_error(cmd, uri, &err);
  }
  if (opts[9].present)
    snprintf(sd->uri, sizeof sd->uri, "%s", uri);
  else
    snprintf(sd->uri, sizeof sd->uri, "%s://%s%s%s:%d", scheme, v6 ? "[" : "", host, v6 ? "]" : "",
             qv_flight_server_port(srv));
  printf("quiver serve: listening on %s\n", sd->uri);
  fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  qv_flight_server_free(srv);
  for (int i = 0; i < CACHE_SLOTS; i++) qv_table_release(sd->cache[i].table);
  pthread_mutex_destroy(&sd->lock);
  free(cert);
  free(key);
  free(client_roots);
  free(sd);
  return CLI_EXIT_OK;
}

const cli_command cli_cmd_serve = {"serve", "serve a folder's files over Arrow Flight", serve_help, run_serve};
