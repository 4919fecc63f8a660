/* quiver IPC: the dictionary memo (ids <-> dictionaries) for readers and
 * writers.
 *
 * Invariants: entries are sorted by id and unique; an entry holds one
 * reference to its current dictionary. Reading, a delta is appended with
 * qv__array_concat2 (a new array; arrays already handed out keep the old
 * dictionary, so they never change under their holder). Writing, the
 * decision between delta and replacement compares the new dictionary's
 * prefix with the one sent, by value (qv_array_equals), unless it is the
 * very same array.
 */
#include "ipc/dictionary_memo.h"
#include "concat/internal.h"

#include "core/internal.h"
#include "quiver/compare.h"

static int cmp_entry(const void *a, const void *b) {
  int64_t x = ((const qv_dict_entry *)a)->id, y = ((const qv_dict_entry *)b)->id;
  return x < y ? -1 : x > y;
}

qv_status qv__dict_memo_init_read(qv_dict_memo *m, const qv_ipc_schema_info *info, qv_error *err) {
  memset(m, 0, sizeof *m);
  if (info->n_dicts == 0) return QV_OK;
  m->entries = (qv_dict_entry *)qv__calloc((size_t)info->n_dicts, sizeof *m->entries);
  QV_CHECK_ALLOC(m->entries, err);
  for (int32_t i = 0; i < info->n_dicts; i++) {
    qv_dict_entry *e = &m->entries[i];
    e->id = info->dicts[i].id;
    e->slot = i;
    e->value_type = info->dicts[i].type->value_type;
  }
  qsort(m->entries, (size_t)info->n_dicts, sizeof *m->entries, cmp_entry);
  /* Merge shared ids (qsort is not stable: keep the lowest slot). */
  int32_t n = 0;
  for (int32_t i = 0; i < info->n_dicts; i++) {
    if (n > 0 && m->entries[n - 1].id == m->entries[i].id) {
      qv_dict_entry *keep = &m->entries[n - 1];
      if (!qv_type_equals(keep->value_type, m->entries[i].value_type, false)) {
        char a[128], b[128];
        const long long id = (long long)keep->id; /* read before the entries are freed */
        qv_type_format(keep->value_type, a, sizeof a);
        qv_type_format(m->entries[i].value_type, b, sizeof b);
        qv__free(m->entries);
        m->entries = NULL;
        return qv_error_set(err, QV_ERR_INVALID_DATA,
                            "dictionary id %lld is shared by fields of different value types (%s and %s)", id, a,
                            b);
      }
      if (m->entries[i].slot < keep->slot) keep->slot = m->entries[i].slot;
      continue;
    }
    m->entries[n++] = m->entries[i];
  }
  m->n = n;
  return QV_OK;
}

qv_dict_entry *qv__dict_memo_find(const qv_dict_memo *m, int64_t id) {
  int32_t lo = 0, hi = m->n;
  while (lo < hi) {
    int32_t mid = lo + (hi - lo) / 2;
    if (m->entries[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (lo < m->n && m->entries[lo].id == id) ? &m->entries[lo] : NULL;
}

qv_status qv__dict_memo_apply(qv_dict_memo *m, qv_dict_entry *e, bool is_delta, qv_array *values, qv_error *err) {
  (void)m;
  /* A delta with nothing to extend defines the dictionary, as in Arrow C++. */
  if (!is_delta || e->dict == NULL) {
    qv_array_release(e->dict);
    e->dict = qv_array_retain(values);
    e->deltas = 0;
    return QV_OK;
  }
  qv_array *joined = NULL;
  qv_status st = qv__array_concat2(e->dict, values, &joined, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "delta for dictionary id %lld: ", (long long)e->id);
    return st;
  }
  qv_array_release(e->dict);
  e->dict = joined;
  e->deltas++;
  return QV_OK;
}

void qv__dict_memo_free(qv_dict_memo *m) {
  if (m == NULL) return;
  for (int32_t i = 0; i < m->n; i++) qv_array_release(m->entries[i].dict);
  qv__free(m->entries);
  memset(m, 0, sizeof *m);
}

qv_status qv__dict_memo_init_write(qv_dict_memo *m, int32_t n, qv_error *err) {
  memset(m, 0, sizeof *m);
  if (n == 0) return QV_OK;
  m->entries = (qv_dict_entry *)qv__calloc((size_t)n, sizeof *m->entries);
  QV_CHECK_ALLOC(m->entries, err);
  for (int32_t i = 0; i < n; i++) {
    m->entries[i].id = i;
    m->entries[i].slot = i;
  }
  m->n = n;
  return QV_OK;
}

qv_status qv__dict_memo_decide(const qv_dict_memo *m, int64_t id, const qv_array *dict, bool allow_replace,
                              bool allow_delta, qv_dict_action *action, int64_t *delta_from, qv_error *err) {
  *delta_from = 0;
  qv_dict_entry *e = qv__dict_memo_find(m, id);
  if (e == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "no dictionary slot for id %lld", (long long)id);
  const qv_array *old = e->dict;
  if (old == NULL) {
    *action = QV_DICT_FULL;
    return QV_OK;
  }
  if (old == dict) {
    *action = QV_DICT_SKIP;
    return QV_OK;
  }
  bool extends = false;
  if (dict->length >= old->length) {
    if (dict->length == old->length) {
      extends = qv_array_equals(old, dict);
    } else {
      qv_array *prefix = NULL;
      qv_status st = qv_array_slice((qv_array *)(uintptr_t)dict, 0, old->length, &prefix, err);
      if (st != QV_OK) return st;
      extends = qv_array_equals(old, prefix);
      qv_array_release(prefix);
    }
  }
  if (extends && dict->length == old->length) {
    *action = QV_DICT_SKIP;
    return QV_OK;
  }
  if (extends && allow_delta) {
    *action = QV_DICT_DELTA;
    *delta_from = old->length;
    return QV_OK;
  }
  if (!allow_replace)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "dictionary id %lld changed (%lld values, previously %lld) and the new dictionary does not "
                        "extend the one already written: the IPC file format cannot replace a dictionary (use a "
                        "stream, or unify the dictionaries)",
                        (long long)id, (long long)dict->length, (long long)old->length);
  *action = QV_DICT_REPLACE;
  return QV_OK;
}

void qv__dict_memo_set_sent(qv_dict_memo *m, int64_t id, qv_array *dict, bool delta) {
  qv_dict_entry *e = qv__dict_memo_find(m, id);
  if (e == NULL) return;
  qv_array *old = e->dict;
  e->dict = qv_array_retain(dict);
  e->deltas = delta ? e->deltas + 1 : 0;
  qv_array_release(old);
}
