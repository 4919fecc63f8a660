/* CSV reader: malformed input. One named test per class of bad input, each
 * checking the status and that the message names the line (and column)
 * and what was expected; a mutation test feeds corrupted texts through the
 * reader (under ASan in the sanitizer build) to show it never crashes and
 * that whatever it accepts is a fully valid table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "csv/csv_test_util.h"

#define EXPECT(text, opts, code, substr) csvt_expect_error((text), strlen(text), (opts), (code), (substr))

static void test_unterminated_quote(void **state) {
  (void)state;
  EXPECT("a,b\n1,2\n3,\"never closed\n4,5\n", NULL, QV_ERR_INVALID_DATA,
         "CSV line 3, column 2: the quoted field that opens here is never closed");
  EXPECT("\"", NULL, QV_ERR_INVALID_DATA, "CSV line 1, column 1: the quoted field");
}

static void test_text_after_closing_quote(void **state) {
  (void)state;
  EXPECT("a,b\n\"x\"y,1\n", NULL, QV_ERR_INVALID_DATA,
         "CSV line 2, column 1: expected the delimiter or a line end after the closing quote, found 'y'");
  EXPECT("a,b\n1,\"x\"\x01\n", NULL, QV_ERR_INVALID_DATA, "CSV line 2, column 2: expected the delimiter or a line "
                                                          "end after the closing quote, found byte 0x01");
}

static void test_ragged_rows(void **state) {
  (void)state;
  EXPECT("a,b,c\n1,2,3\n4,5\n", NULL, QV_ERR_INVALID_DATA, "CSV line 3: expected 3 fields (as in the header), found 2");
  EXPECT("a,b\n1,2\n3,4,5\n", NULL, QV_ERR_INVALID_DATA, "CSV line 3: expected 2 fields (as in the header), found 3");
  /* Line numbers count the line breaks inside quoted fields and blank lines. */
  EXPECT("a,b\n\"x\ny\r\nz\",1\n\n2\n", NULL, QV_ERR_INVALID_DATA, "CSV line 6: expected 2 fields");
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.no_header = true;
  EXPECT("1,2\n3\n", &o, QV_ERR_INVALID_DATA, "CSV line 2: expected 2 fields (as in the first record), found 1");
  const char *names[] = {"x", "y", "z"};
  o.column_names = names;
  o.n_column_names = 3;
  EXPECT("1,2,3\n4,5\n", &o, QV_ERR_INVALID_DATA, "CSV line 2: expected 3 fields (as in the column names given)");
  o.no_header = false;
  EXPECT("a,b\n1,2\n", &o, QV_ERR_INVALID_DATA, "CSV line 1: the header has 2 fields but 3 column names were given");
}

static void test_invalid_utf8(void **state) {
  (void)state;
  EXPECT("id,name\n1,ok\n2,bad\xC3(\n", NULL, QV_ERR_INVALID_DATA,
         "CSV line 3, column 2 ('name'): invalid UTF-8 at byte 3 of the value");
  EXPECT("id,\xFF\n1,2\n", NULL, QV_ERR_INVALID_DATA, "CSV line 1, column 2 (the header): invalid UTF-8");
  /* A binary file: NULs and high bytes, no valid text. */
  const char bin[] = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
  csvt_expect_error(bin, sizeof bin - 1, NULL, QV_ERR_INVALID_DATA, "CSV line ");
}

static void test_empty_input(void **state) {
  (void)state;
  EXPECT("", NULL, QV_ERR_INVALID_DATA, "CSV input is empty: expected a header line");
  EXPECT("\n\r\n\r", NULL, QV_ERR_INVALID_DATA, "CSV input is empty");
  EXPECT("\xEF\xBB\xBF", NULL, QV_ERR_INVALID_DATA, "CSV input is empty");
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.skip_rows = 5;
  EXPECT("a\n1\n", &o, QV_ERR_INVALID_DATA, "CSV input is empty after the skipped rows");
}

static void test_bad_options(void **state) {
  (void)state;
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.delimiter = '\n';
  EXPECT("a\n", &o, QV_ERR_INVALID_ARGUMENT, "delimiter cannot be a line break");
  o.delimiter = '"';
  EXPECT("a\n", &o, QV_ERR_INVALID_ARGUMENT, "quote character must differ from the delimiter");
  qv_csv_read_options n = QV_CSV_READ_OPTIONS_DEFAULT;
  n.n_column_names = 2;
  EXPECT("a\n", &n, QV_ERR_INVALID_ARGUMENT, "column_names is NULL");
  n.n_column_names = 0;
  n.skip_rows = -1;
  EXPECT("a\n", &n, QV_ERR_INVALID_ARGUMENT, "must not be negative");
  qv_table *t = NULL;
  assert_int_equal(qv_csv_read_memory(NULL, 3, NULL, &t, NULL), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_csv_read_memory("a", 1, NULL, NULL, NULL), QV_ERR_INVALID_ARGUMENT);
}

static void test_input_limit(void **state) {
  (void)state;
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.max_input_size = 8;
  EXPECT("a,b\n1,2\n3,4\n", &o, QV_ERR_LIMIT, "past the limit of 8");
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  const char *text = "a,b\n1,2\n3,4\n";
  assert_int_equal(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
  close(fds[1]);
  qv_error err;
  qv_table *t = NULL;
  assert_int_equal(qv_csv_read_fd(fds[0], &o, &t, &err), QV_ERR_LIMIT);
  assert_non_null(strstr(err.message, "past the limit of 8 bytes"));
  assert_null(t);
  close(fds[0]);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CSVT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CSVT_SANITIZED 1
#endif
#endif

#ifndef CSVT_SANITIZED
/* The virtual memory this process has mapped now (bytes), from /proc. */
static int64_t mapped_bytes(void) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) return -1;
  char line[256];
  int64_t kb = -1;
  while (fgets(line, sizeof line, f) != NULL)
    if (sscanf(line, "VmSize: %lld kB", (long long *)&kb) == 1) break;
  fclose(f);
  return kb < 0 ? -1 : kb * 1024;
}

/* Reads `text` whole and streamed in a child whose address space is capped
 * at what it maps now plus `headroom`; the child's exit status is 0 when
 * both reads succeed with `cols` columns and 3 rows. */
static int read_capped(const char *text, size_t n, int32_t cols, int64_t headroom) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int64_t now = mapped_bytes();
    if (now < 0) _exit(10);
    const struct rlimit cap = {(rlim_t)(now + headroom), (rlim_t)(now + headroom)};
    if (setrlimit(RLIMIT_AS, &cap) != 0) _exit(11);
    qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
    o.block_size = 64 << 10; /* each record is a block of its own */
    o.n_threads = 1;
    qv_table *t = NULL;
    if (qv_csv_read_memory(text, n, &o, &t, NULL) != QV_OK) _exit(12);
    const bool whole_ok = t->schema->n_fields == cols && t->n_rows == 3;
    qv_table_release(t);
    if (!whole_ok) _exit(13);
    qv_csv_reader *r = NULL;
    if (qv_csv_reader_open_memory(text, n, &o, &r, NULL) != QV_OK) _exit(14);
    int64_t rows = 0;
    for (int k = 0; k < 100; k++) {
      qv_batch *b = NULL;
      if (qv_csv_reader_next(r, &b, NULL) != QV_OK) _exit(15);
      if (b == NULL) break;
      rows += b->length;
      qv_batch_release(b);
    }
    qv_csv_reader_free(r);
    _exit(rows == 3 ? 0 : 16);
  }
  assert_true(pid > 0);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

#endif

/* A wide record (here 50,000 one-digit columns, 100 KB a record) in a
 * block of its own: the typed reader's scratch guessed 64 bytes a record
 * for every column, so each column reserved room for 1,600 rows (640 MB for
 * one 100 KB block), and no column's buffer started below a page (a 7 MB
 * CSV of a million columns ran out of memory; 150,000 columns took 1.4 GB).
 * A record holds at least one byte per column, which now bounds the guess,
 * and buffers start small: the scratch stays in proportion to the block.
 * Address space is capped in a child (not under the sanitizers, whose
 * shadow memory needs more). */
static void test_wide_records_take_memory_in_proportion_to_the_block(void **state) {
  (void)state;
#ifdef CSVT_SANITIZED
  skip();
#else
  enum { COLS = 50000 };
  const size_t cap = (size_t)COLS * 8 * 4 + 64;
  char *text = malloc(cap);
  assert_non_null(text);
  size_t n = 0;
  for (int i = 0; i < COLS; i++) n += (size_t)snprintf(text + n, cap - n, "%sc%d", i ? "," : "", i);
  text[n++] = '\n';
  for (int row = 0; row < 3; row++) {
    for (int i = 0; i < COLS; i++) {
      if (i) text[n++] = ',';
      text[n++] = (char)('0' + (row + i) % 10);
    }
    text[n++] = '\n';
  }
  assert_int_equal(read_capped(text, n, COLS, (int64_t)320 << 20), 0);
  free(text);
#endif
}

/* Seeded corruptions of a valid text: every read either fails with a
 * message or gives a fully valid table. Bounded count. */
static void test_mutations(void **state) {
  (void)state;
  const char base[] = "id,name,score,when\n1,\"a,b\",1.5,2020-01-01\n2,\"say \"\"x\"\"\",,2020-01-02 03:04:05Z\n"
                      "3,\"multi\nline\",NaN,\n";
  const size_t n = sizeof base - 1;
  static const char alphabet[] = {',', '"', '\n', '\r', 'x', '1', '.', '-', ':', 'T', 'Z', '\0', '\xC3', '\xFF'};
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  char buf[sizeof base];
  for (int round = 0; round < 3000; round++) {
    memcpy(buf, base, n);
    const int edits = 1 + (int)(seed % 4);
    for (int e = 0; e < edits; e++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      const size_t at = (size_t)(seed >> 33) % n;
      buf[at] = alphabet[(seed >> 17) % sizeof alphabet];
    }
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    const size_t len = (seed >> 40) % 4 == 0 ? (size_t)(seed >> 20) % n : n;
    qv_error err;
    qv_table *t = NULL;
    qv_status st = qv_csv_read_memory(buf, len, NULL, &t, &err);
    if (st == QV_OK) {
      assert_int_equal(qv_table_validate(t, QV_VALIDATE_FULL, &err), QV_OK);
      qv_table_release(t);
    } else {
      assert_null(t);
      assert_true(strlen(err.message) > 0);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unterminated_quote),
      cmocka_unit_test(test_text_after_closing_quote),
      cmocka_unit_test(test_ragged_rows),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_empty_input),
      cmocka_unit_test(test_bad_options),
      cmocka_unit_test(test_input_limit),
      cmocka_unit_test(test_wide_records_take_memory_in_proportion_to_the_block),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
