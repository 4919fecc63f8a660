/* Group-by when every aggregate folds (group_by_internal.h): the rows go
 * through in blocks of BLOCK_ROWS. A block's group ids (assigned by the
 * grouper) stay in cache while each aggregate folds the block's values, so
 * no array of one group id per row is ever written to memory and read
 * back.
 *
 * Large inputs whose first SAMPLE_ROWS rows repeat their keys are split in
 * two halves, each with its own grouper and states, on two threads
 * (split.h); keys that hardly repeat stay on one thread, where one
 * table beats two tables of nearly every key and their merge. The second
 * half's groups are then merged into the first's in their order of first
 * appearance: looking up each one's first row in the first half's grouper
 * adds the groups the first half never saw after its own, which is
 * exactly the order of first appearance over all the rows, so the result
 * equals a serial pass (up to the order of float additions, which pyarrow
 * leaves open too).
 *
 * Errors (a key slot whose offsets point outside its data) name the row;
 * when both halves fail, the first half's error (the lower row) wins.
 */
#include "compute/group_by_internal.h"
#include "compute/grouper.h"
#include "compute/gather_internal.h"
#include "compute/split.h"
#include "core/parallel.h"
#include "core/internal.h"

#define BLOCK_ROWS 4096
/* Rows the first half groups alone before the split is decided, and the
 * most distinct keys (one in DISTINCT_RATIO rows) they may show for the
 * split to go ahead. */
#define SAMPLE_ROWS ((int64_t)1 << 16)
#define DISTINCT_RATIO 16

/* One aggregate's state in one half. */
typedef struct agg_state {
  uint8_t *acc;   /* 8 bytes per group */
  int64_t *count; /* per group */
} agg_state;

typedef struct half {
  qv_array *const *keys;
  int32_t n_keys;
  const qv_group_aggregate *aggs;
  int32_t n_aggs;
  int64_t begin, end;   /* rows of this half */
  qv__grouper *grouper;
  agg_state *states;    /* n_aggs */
  int64_t cap;          /* groups the states have room for */
  qv_status st;
  qv_error err;
} half;

static const qv_array *agg_values(const half *h, int32_t a) {
  return h->aggs[a].values != NULL ? h->aggs[a].values : h->keys[0];
}

/* Gives every state room for `need` groups, new ones zeroed. */
static qv_status reserve(half *h, int64_t need, qv_error *err) {
  if (need <= h->cap) return QV_OK;
  int64_t cap = h->cap > 0 ? h->cap : 1024;
  while (cap < need) cap *= 2; /* need <= INT32_MAX groups: no overflow */
  for (int32_t a = 0; a < h->n_aggs; a++) {
    uint8_t *acc = qv__realloc(h->states[a].acc, (size_t)cap * 8);
    if (acc != NULL) h->states[a].acc = acc;
    int64_t *count = acc != NULL ? qv__realloc(h->states[a].count, (size_t)cap * sizeof *count) : NULL;
    if (count == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "group_by: no memory for %lld groups", (long long)cap);
    h->states[a].count = count;
    memset(acc + h->cap * 8, 0, (size_t)(cap - h->cap) * 8);
    memset(count + h->cap, 0, (size_t)(cap - h->cap) * sizeof *count);
  }
  h->cap = cap;
  return QV_OK;
}

static void run_half(half *h) {
  int32_t block[BLOCK_ROWS];
  qv_error *err = &h->err;
  if (h->grouper == NULL && h->st == QV_OK) /* else a later range of the same half */
    h->st = qv__grouper_new((const qv_array *const *)h->keys, h->n_keys, "group_by", &h->grouper, err);
  for (int64_t lo = h->begin; lo < h->end && h->st == QV_OK; lo += BLOCK_ROWS) {
    int64_t hi = h->end - lo > BLOCK_ROWS ? lo + BLOCK_ROWS : h->end;
    h->st = qv__grouper_assign_range(h->grouper, lo, hi, block, err);
    if (h->st != QV_OK) {
      qv_error_prefix(err, "group_by: keys: ");
      break;
    }
    h->st = reserve(h, qv__grouper_n_groups(h->grouper), err);
    for (int32_t a = 0; a < h->n_aggs && h->st == QV_OK; a++)
      qv__group_fold(&h->aggs[a], agg_values(h, a), block, lo, hi, h->states[a].acc, h->states[a].count);
  }
}

/* Half `which` as a task of qv__parallel_run: its failure, with its error. */
static qv_status half_task(void *ctx, int64_t which, int worker, qv_error *err) {
  half *h = (half *)ctx + which;
  run_half(h);
  if (h->st != QV_OK) *err = h->err;
  return h->st;
}

/* Merges half 1 into half 0. */
static qv_status merge_halves(half *h, qv_error *err) {
  int64_t n1 = qv__grouper_n_groups(h[1].grouper);
  const int64_t *first1 = qv__grouper_first_rows(h[1].grouper);
  int32_t *map = qv__malloc((size_t)(n1 > 0 ? n1 : 1) * sizeof *map);
  qv_status st = QV_OK;
  if (map == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "group_by: no memory for %lld groups", (long long)n1);
  st = qv__grouper_assign_rows(h[0].grouper, first1, n1, map, err);
  if (st != QV_OK) qv_error_prefix(err, "group_by: keys: ");
  if (st == QV_OK) st = reserve(&h[0], qv__grouper_n_groups(h[0].grouper), err);
  for (int32_t a = 0; a < h[0].n_aggs && st == QV_OK; a++)
    qv__group_merge(&h[0].aggs[a], agg_values(&h[0], a), h[0].states[a].acc, h[0].states[a].count,
                    h[1].states[a].acc, h[1].states[a].count, map, n1);
  qv__free(map);
  return st;
}

static bool null_typed(const qv_array *a) { return qv_type_storage(a->type)->id == QV_TYPE_NULL; }

/* Every key and every counted column of the null type: their length is
 * backed by no buffer, so it may be anything up to INT64_MAX, and a pass
 * over the rows could take forever. All rows are one group (the null key);
 * the counts follow from the length alone. */
static qv_status all_null_counts(qv_array *const *out_keys, int32_t n_keys, const qv_group_aggregate *aggs,
                                 int32_t n_aggs, int64_t n_rows, qv_array **out, qv_error *err) {
  static const int64_t first_row = 0;
  int64_t n_groups = n_rows > 0 ? 1 : 0, zero = 0;
  qv_status st = QV_OK;
  for (int32_t k = 0; k < n_keys && st == QV_OK; k++)
    st = qv__compute_gather(out_keys[k], &first_row, n_groups, &out[k], err);
  for (int32_t a = 0; a < n_aggs && st == QV_OK; a++) {
    bool counts_valid = aggs[a].op == QV_GROUP_COUNT && aggs[a].mode == QV_COUNT_VALID;
    int64_t acc = counts_valid ? 0 : n_rows; /* null-typed slots are all null */
    st = qv__group_finish(&aggs[a], aggs[a].values != NULL ? aggs[a].values : out_keys[0], &acc, &zero, n_groups,
                          &out[n_keys + a], err);
  }
  return st;
}

qv_status qv__group_by_folded(qv_array *const *keys, qv_array *const *out_keys, int32_t n_keys,
                              const qv_group_aggregate *aggs, int32_t n_aggs, qv_array **out, qv_error *err) {
  int64_t n_rows = keys[0]->length;
  bool every_null = true;
  for (int32_t k = 0; k < n_keys && every_null; k++)
    every_null = keys[k] != NULL && keys[k]->length == n_rows && null_typed(keys[k]);
  for (int32_t a = 0; a < n_aggs && every_null; a++) every_null = aggs[a].values == NULL || null_typed(aggs[a].values);
  if (every_null) return all_null_counts(out_keys, n_keys, aggs, n_aggs, n_rows, out, err);
  bool split = qv__compute_pair_threads(n_rows) > 1; /* two halves only pay on two threads */
  int64_t sample = split ? SAMPLE_ROWS : n_rows; /* split >= 2 * SAMPLE_ROWS rows */
  half h[2];
  qv_status st = QV_OK;
  for (int k = 0; k < 2; k++) {
    memset(&h[k], 0, sizeof h[k]);
    h[k].keys = keys;
    h[k].n_keys = n_keys;
    h[k].aggs = aggs;
    h[k].n_aggs = n_aggs;
    h[k].begin = k == 0 ? 0 : split ? n_rows / 2 : n_rows;
    h[k].end = k == 0 && split ? n_rows / 2 : n_rows;
    h[k].states = qv__calloc((size_t)(n_aggs > 0 ? n_aggs : 1), sizeof *h[k].states);
    if (h[k].states == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "group_by: no memory");
  }
  if (st == QV_OK) {
    /* The first rows tell whether the keys repeat: when they do not, two
     * tables of nearly every key and a merge of them cost more than the
     * second thread saves, and the rest goes on in the first half. */
    int64_t first_end = h[0].end;
    h[0].end = sample;
    run_half(&h[0]);
    h[0].begin = sample;
    h[0].end = first_end;
    if (split && h[0].st == QV_OK && qv__grouper_n_groups(h[0].grouper) * DISTINCT_RATIO > sample) {
      h[0].end = n_rows;
      h[1].begin = n_rows;
      split = false;
    }
    st = qv__parallel_run(split ? 2 : 1, 2, half_task, h, err);
  }
  if (st == QV_OK && split) st = merge_halves(h, err);
  int64_t n_groups = st == QV_OK ? qv__grouper_n_groups(h[0].grouper) : 0;
  if (st == QV_OK) st = reserve(&h[0], n_groups > 0 ? n_groups : 1, err);
  for (int32_t k = 0; k < n_keys && st == QV_OK; k++)
    st = qv__compute_gather(out_keys[k], qv__grouper_first_rows(h[0].grouper), n_groups, &out[k], err);
  for (int32_t a = 0; a < n_aggs && st == QV_OK; a++) {
    st = qv__group_finish(&aggs[a], agg_values(&h[0], a), h[0].states[a].acc, h[0].states[a].count, n_groups,
                          &out[n_keys + a], err);
    if (st != QV_OK) qv_error_prefix(err, "group_by: aggregate %d: ", (int)a);
  }
  for (int k = 0; k < 2; k++) {
    for (int32_t a = 0; h[k].states != NULL && a < n_aggs; a++) {
      qv__free(h[k].states[a].acc);
      qv__free(h[k].states[a].count);
    }
    qv__free(h[k].states);
    qv__grouper_free(h[k].grouper);
  }
  return st;
}
