/* Shared helpers for the writer durability, zero-bytes and thread tests
 * (header-only, static): scratch directories under /tmp (never anything
 * outside /tmp or build/), whole-file reads, tables of a chosen size, and
 * the "quick" switch the valgrind runner sets (QV_DURABLE_QUICK=1) to keep
 * the slow scenarios short under instrumentation.
 */
#ifndef QV_TEST_DURABLE_UTIL_H
#define QV_TEST_DURABLE_UTIL_H

#include "ipc/ipc_test_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* True under the valgrind runner: fewer rows, fewer iterations. */
static inline bool du_quick(void) {
  const char *q = getenv("QV_DURABLE_QUICK");
  return q != NULL && *q && *q != '0';
}

/* A fresh directory /tmp/qv-durable-<tag>-XXXXXX (written to `out`). */
static inline void du_tmpdir(char *out, size_t cap, const char *tag) {
  snprintf(out, cap, "/tmp/qv-durable-%s-XXXXXX", tag);
  if (mkdtemp(out) == NULL) fail_msg("mkdtemp(%s): %s", out, strerror(errno));
}

/* Removes every entry of `dir` (one level: the tests create no subfolders)
 * and the directory itself. Refuses anything outside /tmp. */
static inline void du_rmtree(const char *dir) {
  if (strncmp(dir, "/tmp/qv-durable-", 16) != 0) fail_msg("du_rmtree: refusing %s", dir);
  DIR *d = opendir(dir);
  if (d == NULL) return;
  struct dirent *de;
  char p[512];
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* Number of entries of `dir` other than `keep` (NULL: count all); the
 * first such name is copied to `first` when not NULL. */
static inline int du_count_others(const char *dir, const char *keep, char *first, size_t cap) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *de;
  if (first && cap) first[0] = 0;
  while (d && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    if (keep && strcmp(de->d_name, keep) == 0) continue;
    if (n == 0 && first) snprintf(first, cap, "%s", de->d_name);
    n++;
  }
  if (d) closedir(d);
  return n;
}

/* The whole file at `path` (malloc'd, *n bytes), or NULL when absent. */
static inline uint8_t *du_read_file(const char *path, size_t *n) {
  *n = 0;
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 16, len = 0;
  uint8_t *buf = (uint8_t *)malloc(cap);
  for (;;) {
    if (len == cap) buf = (uint8_t *)realloc(buf, cap *= 2);
    size_t r = fread(buf + len, 1, cap - len, f);
    if (r == 0) break;
    len += r;
  }
  fclose(f);
  *n = len;
  return buf;
}

/* A table of `rows` rows (int64, float64, string, list<int32> with nulls)
 * in `n_batches` equal batches. */
static inline qv_table *du_table(int64_t rows, int n_batches) {
  qv_field *f[4];
  f[0] = tu_field("id", qv_type_int64(), true);
  f[1] = tu_field("x", qv_type_float64(), true);
  f[2] = tu_field("name", qv_type_string(), true);
  f[3] = tu_field("l", tu_list(QV_TYPE_LIST, qv_type_int32()), true);
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(f, 4, NULL, &s, NULL), QV_OK);
  for (int i = 0; i < 4; i++) qv_field_release(f[i]);
  int64_t lens[16];
  assert_true(n_batches >= 1 && n_batches <= 16);
  for (int i = 0; i < n_batches; i++) lens[i] = rows / n_batches + (i < rows % n_batches ? 1 : 0);
  qv_table *t = tu_table(s, lens, n_batches, true);
  qv_schema_release(s);
  return t;
}

#endif
