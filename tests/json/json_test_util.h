/* Helpers shared by the JSON tests (header-only, static inline functions).
 *
 * Gold files: $QV_ARROW_TESTING (default ../shared/arrow-testing relative to
 * the working directory, the repo root); missing, the test fails
 * (support/arrow_testing.h).
 */
#ifndef QV_TESTS_JSON_TEST_UTIL_H
#define QV_TESTS_JSON_TEST_UTIL_H

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "quiver/json.h"
#include "support/arrow_testing.h"

#define QVT_GOLD_SUBDIR "data/arrow-ipc-stream/integration"

/* The arrow-testing root holding the gold files; fails the calling test
 * when they are missing. */
static inline const char *qvt_testing_root(void) { return qvt_arrow_testing_require(QVT_GOLD_SUBDIR); }

/* Sorted paths of root/<gold>/<dir>/<pattern> (e.g. "generated_*.json.gz");
 * free with globfree. Returns the count. */
static inline size_t qvt_gold_glob(const char *root, const char *pattern, glob_t *g) {
  char pat[4096];
  snprintf(pat, sizeof pat, "%s/%s/*/%s", root, QVT_GOLD_SUBDIR, pattern);
  memset(g, 0, sizeof *g);
  if (glob(pat, 0, NULL, g) != 0) return 0;
  return g->gl_pathc;
}

/* "cpp-21.0.0/generated_union.json.gz" from a full path. */
static inline const char *qvt_short_name(const char *path) {
  const char *last = strrchr(path, '/');
  if (last == NULL) return path;
  const char *p = last;
  while (p > path && p[-1] != '/') p--;
  return p;
}

/* True for gold directories whose JSON holds decimals beyond their
 * precision, date64 values that are not whole days and times of day of
 * exactly 24h (archery's no_decimal_validate quirk covers the first; the old
 * generator produced all three). */
static inline int qvt_legacy_dir(const char *path) {
  return strstr(path, "/0.14.1/") != NULL || strstr(path, "/0.17.1/") != NULL || strstr(path, "/1.0.0-") != NULL;
}

/* Reads a whole file into memory (malloc'd); NULL on failure. */
static inline char *qvt_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    if (got == 0) break;
    n += got;
  }
  fclose(f);
  *len = n;
  return buf;
}

#define QVT_FIELD(name, type) "{\"name\":\"" name "\",\"nullable\":true,\"type\":" type ",\"children\":[]}"
#define QVT_INT(bits) "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":" #bits "}"

/* A document touching most layouts, to corrupt in the mutation test. */
static inline const char *qvt_rich_doc(void) {
  return
    "{\"schema\":{\"fields\":["
    QVT_FIELD("i", QVT_INT(32)) "," QVT_FIELD("s", "{\"name\":\"utf8\"}") ","
    QVT_FIELD("d", "{\"name\":\"decimal\",\"precision\":10,\"scale\":2,\"bitWidth\":128}") ","
    QVT_FIELD("bv", "{\"name\":\"binaryview\"}") ","
    "{\"name\":\"l\",\"nullable\":true,\"type\":{\"name\":\"list\"},\"children\":[" QVT_FIELD("item", QVT_INT(8)) "]},"
    "{\"name\":\"u\",\"nullable\":true,\"type\":{\"name\":\"union\",\"mode\":\"DENSE\",\"typeIds\":[3,4]},"
    "\"children\":[" QVT_FIELD("a", QVT_INT(16)) "," QVT_FIELD("b", "{\"name\":\"bool\"}") "]},"
    "{\"name\":\"r\",\"nullable\":true,\"type\":{\"name\":\"runendencoded\"},\"children\":["
    "{\"name\":\"run_ends\",\"nullable\":false,\"type\":" QVT_INT(32) ",\"children\":[]}," QVT_FIELD("values", QVT_INT(8)) "]},"
    "{\"name\":\"dd\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],\"dictionary\":{\"id\":4}},"
    "{\"name\":\"lv\",\"nullable\":true,\"type\":{\"name\":\"largelistview\"},\"children\":[" QVT_FIELD("item", QVT_INT(8)) "]}"
    "]},\"batches\":[{\"count\":3,\"columns\":["
    "{\"name\":\"i\",\"count\":3,\"VALIDITY\":[1,0,1],\"DATA\":[1,2,3]},"
    "{\"name\":\"s\",\"count\":3,\"VALIDITY\":[1,1,0],\"OFFSET\":[0,2,5,5],\"DATA\":[\"ab\",\"cde\",\"\"]},"
    "{\"name\":\"d\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[\"-12345\",\"0\",\"99\"]},"
    "{\"name\":\"bv\",\"count\":3,\"VALIDITY\":[1,1,0],\"VIEWS\":[{\"SIZE\":2,\"INLINED\":\"ABCD\"},"
    "{\"SIZE\":13,\"PREFIX_HEX\":\"01020304\",\"BUFFER_INDEX\":0,\"OFFSET\":1},{\"SIZE\":0,\"INLINED\":\"\"}],"
    "\"VARIADIC_DATA_BUFFERS\":[\"FF01020304050607080910111213\"]},"
    "{\"name\":\"l\",\"count\":3,\"VALIDITY\":[1,1,1],\"OFFSET\":[0,1,1,3],\"children\":["
    "{\"name\":\"item\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[4,5,6]}]},"
    "{\"name\":\"u\",\"count\":3,\"TYPE_ID\":[3,4,3],\"OFFSET\":[0,0,1],\"children\":["
    "{\"name\":\"a\",\"count\":2,\"VALIDITY\":[1,0],\"DATA\":[7,8]},"
    "{\"name\":\"b\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[true]}]},"
    "{\"name\":\"r\",\"count\":3,\"children\":[{\"name\":\"run_ends\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[1,3]},"
    "{\"name\":\"values\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[9,10]}]},"
    "{\"name\":\"dd\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[0,1,0]},"
    "{\"name\":\"lv\",\"count\":3,\"VALIDITY\":[1,1,1],\"OFFSET\":[\"0\",\"1\",\"0\"],\"SIZE\":[\"1\",\"1\",\"0\"],"
    "\"children\":[{\"name\":\"item\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[1,2]}]}"
    "]}],\"dictionaries\":[{\"id\":4,\"data\":{\"count\":2,\"columns\":[{\"name\":\"D\",\"count\":2,"
    "\"VALIDITY\":[1,1],\"OFFSET\":[0,1,2],\"DATA\":[\"x\",\"y\"]}]}}]}";
}

#endif
