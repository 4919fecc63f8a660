/* quiver compare: the range comparator shared by the array, batch and table
 * entry points (not installed).
 *
 * qv__cmp_range compares the logical window a[ai, ai+n) with b[bi, bi+n)
 * of two arrays of equal types and returns the first differing position
 * (0..n-1) or -1. On a difference the context holds a description
 * (`detail`, e.g. "left 5, right 6") and the path *below* that position
 * (`path`, e.g. "[1].b"), built while the recursion unwinds: the place
 * where a difference is found resets the path, each enclosing level
 * prepends its segment. Messages are only formatted when want_msg is set,
 * so qv_array_equals pays nothing for them.
 */
#ifndef QUIVER_COMPARE_INTERNAL_H
#define QUIVER_COMPARE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/compare.h"

typedef struct qv__cmp {
  qv_equal_options o;
  bool want_msg;
  bool invalid; /* the difference is bad content in one of the arrays */
  bool no_row;  /* the difference is inside a dictionary, not at a row */
  size_t path_len;
  char path[512];
  char detail[768];
  /* Dictionary pairs already found equal (list<dictionary> compares the
   * same dictionaries once per list element otherwise). */
  const qv_array *dict_eq[8][2];
  int n_dict_eq;
  /* run_ends children already found strictly increasing (list<ree> would
   * otherwise check the same run ends once per list element). The arrays
   * outlive the comparison, so their addresses stay theirs. */
  const qv_array *ree_ok[8];
  int n_ree_ok;
} qv__cmp;

void qv__cmp_init(qv__cmp *c, const qv_equal_options *opts, bool want_msg);
int64_t qv__cmp_range(qv__cmp *c, const qv_array *a, int64_t ai, const qv_array *b, int64_t bi, int64_t n);

#endif
