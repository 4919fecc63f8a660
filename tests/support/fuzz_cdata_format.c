/* Fuzz target body: the C Data format-string parser.
 *
 * Input layout: byte 0 = ArrowSchema flags, byte 1 = number of child
 * fields (mod 8), then one byte per child choosing it from a fixed menu
 * (so nested formats get the children they need: an entries struct for
 * "+m", run_ends + values for "+r", anything for "+s" and unions), then the
 * format string itself (up to the end of the input or the first NUL).
 *
 * Oracle: qv_type_from_format must accept or reject with a filled error;
 * when it accepts, qv_type_to_format must print a string (snprintf
 * contract: same length for any cap, NUL-terminated prefix) that parses
 * back, with the same flags and children, to an equal type, and printing
 * that again must give the same string (a fixed point).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "quiver/cdata.h"
#include "quiver/field.h"
#include "quiver/type.h"
#include "support/fuzz_targets.h"

#define NAME "cdata_format"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)
#define MAX_KIDS 8

/* Child field menu entry i (a new reference), NULL on allocation failure. */
static qv_field *menu_field(unsigned i) {
  qv_field *f = NULL, *k = NULL, *v = NULL;
  qv_type *t = NULL;
  switch (i % 12) {
    case 0: qv_field_new("a", qv_type_int32(), true, NULL, &f, NULL); break;
    case 1: qv_field_new("run_ends", qv_type_int16(), false, NULL, &f, NULL); break;
    case 2: qv_field_new("r", qv_type_int64(), true, NULL, &f, NULL); break;
    case 3: qv_field_new("s", qv_type_string(), true, NULL, &f, NULL); break;
    case 4: /* map entries */
    case 10: /* struct with one field (a bad entries struct) */
      if (qv_field_new("key", qv_type_string(), false, NULL, &k, NULL) == QV_OK &&
          (i % 12 == 10 || qv_field_new("value", qv_type_int32(), true, NULL, &v, NULL) == QV_OK)) {
        qv_field *kv[2] = {k, v};
        if (qv_type_struct(kv, i % 12 == 10 ? 1 : 2, &t, NULL) == QV_OK)
          qv_field_new("entries", t, false, NULL, &f, NULL);
      }
      break;
    case 5:
      if (qv_type_struct(NULL, 0, &t, NULL) == QV_OK) qv_field_new("empty", t, true, NULL, &f, NULL);
      break;
    case 6: qv_field_new("", qv_type_null(), true, NULL, &f, NULL); break;
    case 7:
      if (qv_field_new("item", qv_type_int32(), true, NULL, &k, NULL) == QV_OK && qv_type_list(k, &t, NULL) == QV_OK)
        qv_field_new("l", t, true, NULL, &f, NULL);
      break;
    case 8: qv_field_new("g", qv_type_float64(), true, NULL, &f, NULL); break;
    case 9: qv_field_new("c", qv_type_int8(), true, NULL, &f, NULL); break;
    default: qv_field_new("n", qv_type_int32(), false, NULL, &f, NULL); break;
  }
  qv_field_release(k);
  qv_field_release(v);
  qv_type_release(t);
  return f;
}

/* Prints `t` with qv_type_to_format into a new string (NULL: no memory),
 * checking the snprintf contract. Sets *rc on a broken contract. */
static char *print_format(const qv_type *t, int *rc) {
  int64_t n = qv_type_to_format(t, NULL, 0);
  if (n <= 0) {
    *rc = FAIL("qv_type_to_format of an accepted type returned %" PRId64, n);
    return NULL;
  }
  char *s = malloc((size_t)n + 1);
  if (s == NULL) return NULL;
  memset(s, 'X', (size_t)n + 1);
  if (qv_type_to_format(t, s, (size_t)n + 1) != n || strlen(s) != (size_t)n) {
    *rc = FAIL("qv_type_to_format wrote a different length than it reported (%" PRId64 ")", n);
    free(s);
    return NULL;
  }
  for (size_t cap = 1; cap <= (size_t)n && cap < 6; cap++) {
    char small[8];
    memset(small, 'X', sizeof small);
    if (qv_type_to_format(t, small, cap) != n || small[cap - 1] != '\0' || strncmp(small, s, cap - 1) != 0 ||
        small[cap] != 'X') {
      *rc = FAIL("qv_type_to_format with cap %zu broke the snprintf contract for '%s'", cap, s);
      free(s);
      return NULL;
    }
  }
  return s;
}

int qv_fuzz_cdata_format(const uint8_t *data, size_t size) {
  qv_field *kids[MAX_KIDS] = {NULL};
  qv_type *t = NULL, *t2 = NULL;
  char *format = NULL, *printed = NULL, *printed2 = NULL;
  qv_error err;
  int rc = 0;
  int32_t nk = 0;
  if (size < 2) return 0;
  int64_t flags = data[0];
  int32_t want = data[1] % MAX_KIDS;
  size_t pos = 2;
  for (; nk < want && pos < size; nk++, pos++) {
    kids[nk] = menu_field(data[pos]);
    if (kids[nk] == NULL) goto cleanup;
  }
  format = malloc(size - pos + 1);
  if (format == NULL) goto cleanup;
  memcpy(format, data + pos, size - pos);
  format[size - pos] = '\0';

  qv_error_clear(&err);
  qv_status st = qv_type_from_format(format, flags, kids, nk, &t, &err);
  if (st != QV_OK) {
    if (t != NULL) rc = FAIL("'%s' failed but returned a type", format);
    else if (err.code != st || err.message[0] == '\0') rc = FAIL("'%s' failed without an error message", format);
    goto cleanup;
  }
  if (t == NULL) {
    rc = FAIL("'%s' accepted but no type returned", format);
    goto cleanup;
  }
  char desc[64];
  if (qv_type_format(t, desc, sizeof desc) <= 0) {
    rc = FAIL("qv_type_format of '%s' is empty", format);
    goto cleanup;
  }
  printed = print_format(t, &rc);
  if (printed == NULL) goto cleanup;
  st = qv_type_from_format(printed, flags, kids, nk, &t2, &err);
  if (st == QV_ERR_NO_MEMORY) goto cleanup;
  if (st != QV_OK) {
    rc = FAIL("'%s' was accepted and printed as '%s', which is rejected: %s", format, printed, err.message);
    goto cleanup;
  }
  if (!qv_type_equals(t, t2, true)) {
    rc = FAIL("'%s' printed as '%s' parses to a different type", format, printed);
    goto cleanup;
  }
  printed2 = print_format(t2, &rc);
  if (printed2 != NULL && strcmp(printed, printed2) != 0)
    rc = FAIL("'%s' prints as '%s' then as '%s'", format, printed, printed2);
cleanup:
  for (int32_t i = 0; i < nk; i++) qv_field_release(kids[i]);
  qv_type_release(t);
  qv_type_release(t2);
  free(format);
  free(printed);
  free(printed2);
  return rc;
}
