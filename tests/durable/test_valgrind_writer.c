/* The writer tests under valgrind memcheck (issue 6 part 5): every byte a
 * writer hands to writev must be defined, and no writer path may branch on
 * uninitialized memory.
 *
 * Re-executes sibling test binaries of this build directory under
 * `valgrind --error-exitcode=99 --track-origins=yes` (QV_DURABLE_QUICK=1
 * shortens the slow durability scenarios). Skipped when valgrind is not
 * installed, and in sanitizer builds (ASan/TSan binaries cannot run under
 * valgrind). A binary missing from the build directory is skipped with a
 * note, so building a single target still works.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define QV_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define QV_UNDER_SANITIZER 1
#endif
#endif

/* The writer tests: this folder's, and the IPC writer tests. */
static const char *const k_binaries[] = {
    "durable_test_writer_zeroes",  "durable_test_writer_durability", "ipc_test_ipc_roundtrip",
    "ipc_test_ipc_file",           "ipc_test_ipc_compression",       "ipc_test_ipc_dictionary",
    "ipc_test_ipc_io",
};

static bool have_valgrind(void) { return system("command -v valgrind >/dev/null 2>&1") == 0; }

/* This binary's directory (the build directory). */
static void build_dir(char *out, size_t cap) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  assert_true(n > 0);
  self[n] = 0;
  char *slash = strrchr(self, '/');
  assert_non_null(slash);
  *slash = 0;
  snprintf(out, cap, "%s", self);
}

static void print_tail(const char *log) {
  FILE *f = fopen(log, "r");
  if (f == NULL) return;
  char line[1024];
  long total = 0;
  while (fgets(line, sizeof line, f)) total++;
  rewind(f);
  long k = 0;
  while (fgets(line, sizeof line, f))
    if (++k > total - 60) print_message("    %s", line);
  fclose(f);
}

static void test_writer_tests_under_valgrind(void **state) {
  (void)state;
#ifdef QV_UNDER_SANITIZER
  print_message("  [skipped] sanitizer build: valgrind runs in the plain build\n");
  skip();
#endif
  if (!have_valgrind()) {
    print_message("  [skipped] valgrind is not installed\n");
    skip();
  }
  char dir[PATH_MAX];
  build_dir(dir, sizeof dir);
  setenv("QV_DURABLE_QUICK", "1", 1);
  int ran = 0;
  for (size_t i = 0; i < sizeof k_binaries / sizeof k_binaries[0]; i++) {
    char bin[PATH_MAX + 64], log[128], cmd[2 * PATH_MAX + 256];
    snprintf(bin, sizeof bin, "%s/%s", dir, k_binaries[i]);
    if (access(bin, X_OK) != 0) {
      print_message("  [skipped] %s: not built\n", k_binaries[i]);
      continue;
    }
    snprintf(log, sizeof log, "/tmp/qv-valgrind-%ld-%zu.log", (long)getpid(), i);
    snprintf(cmd, sizeof cmd,
             "valgrind --error-exitcode=99 --track-origins=yes --quiet '%s' >'%s' 2>&1", bin, log);
    int status = system(cmd);
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    print_message("  valgrind %s: exit %d%s\n", k_binaries[i], rc, rc == 99 ? " (memcheck errors)" : "");
    if (rc != 0) {
      print_tail(log);
      unlink(log);
      fail_msg("%s under valgrind exited with %d", k_binaries[i], rc);
    }
    unlink(log);
    ran++;
  }
  assert_true(ran >= 1); /* at least this folder's writer tests were built alongside */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writer_tests_under_valgrind),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
