/* Where the apache/arrow-testing data lives, for every C test that reads
 * it (header-only; include after <cmocka.h>).
 *
 * The root is $QV_ARROW_TESTING, else ../shared/arrow-testing relative to
 * the working directory (ctest runs the tests from the repository root).
 * A missing folder FAILS the calling test, whether the variable names a
 * folder that is not there or the default is absent: a gold-data test that
 * skips quietly counts as passed and proves nothing. */
#ifndef QV_TESTS_SUPPORT_ARROW_TESTING_H
#define QV_TESTS_SUPPORT_ARROW_TESTING_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define QVT_ARROW_TESTING_DEFAULT "../shared/arrow-testing"

/* The root folder; fails the test when it (or root/`sub`, a folder or file
 * the caller needs; NULL for none) is missing. */
static inline const char *qvt_arrow_testing_require(const char *sub) {
  const char *env = getenv("QV_ARROW_TESTING");
  const char *root = env != NULL && env[0] != '\0' ? env : QVT_ARROW_TESTING_DEFAULT;
  static char path[4096];
  struct stat sb;
  snprintf(path, sizeof path, "%s%s%s", root, sub ? "/" : "", sub ? sub : "");
  if (stat(path, &sb) != 0)
    fail_msg("arrow-testing data missing: no %s (%s); set QV_ARROW_TESTING to an apache/arrow-testing checkout",
             path, env != NULL && env[0] != '\0' ? "from QV_ARROW_TESTING" : "the default, QV_ARROW_TESTING unset");
  return root;
}

static inline const char *qvt_arrow_testing_root(void) { return qvt_arrow_testing_require(NULL); }

#endif
