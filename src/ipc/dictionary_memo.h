/* quiver IPC: dictionaries by id, for readers and writers. Internal header.
 *
 * Reading: the memo holds the current dictionary (values array) of every id
 * the schema declares; a DictionaryBatch either replaces it (isDelta false)
 * or appends to it (isDelta true). Several fields may share an id (their
 * value types must then be equal).
 *
 * Writing: the memo remembers the dictionary last sent for each id and
 * decides what the next batch needs: nothing (same dictionary), the whole
 * dictionary (first use), a delta (the new dictionary starts with the old
 * one), or a replacement (streams only).
 */
#ifndef QV_IPC_DICTIONARY_MEMO_H
#define QV_IPC_DICTIONARY_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/metadata.h"
#include "quiver/array.h"
#include "quiver/status.h"

typedef struct qv_dict_entry {
  int64_t id;
  int32_t slot;             /* first pre-order dictionary slot with this id */
  qv_type *value_type;      /* borrowed from the schema */
  qv_array *dict;           /* current dictionary (owned), NULL until defined/sent */
  int64_t deltas;           /* deltas applied/sent since the last full dictionary */
} qv_dict_entry;

typedef struct qv_dict_memo {
  qv_dict_entry *entries;   /* sorted by id */
  int32_t n;
} qv_dict_memo;

/* Reading: one entry per distinct id of the schema. QV_ERR_INVALID_DATA if
 * two fields share an id with different value types. */
qv_status qv__dict_memo_init_read(qv_dict_memo *m, const qv_ipc_schema_info *info, qv_error *err);
/* The entry of `id`, or NULL. */
qv_dict_entry *qv__dict_memo_find(const qv_dict_memo *m, int64_t id);
/* Applies a decoded DictionaryBatch: retains `values` (replacement) or
 * appends them to the current dictionary (delta; QV_ERR_INVALID_DATA if no
 * dictionary was defined yet). */
qv_status qv__dict_memo_apply(qv_dict_memo *m, qv_dict_entry *e, bool is_delta, qv_array *values, qv_error *err);
void qv__dict_memo_free(qv_dict_memo *m);

/* Writing: entries for ids 0..n-1 (the writer numbers slots in pre-order). */
qv_status qv__dict_memo_init_write(qv_dict_memo *m, int32_t n, qv_error *err);

typedef enum qv_dict_action {
  QV_DICT_SKIP = 0,    /* the same dictionary was sent already */
  QV_DICT_FULL = 1,    /* send it whole, isDelta false (first use) */
  QV_DICT_DELTA = 2,   /* send values [*delta_from, length), isDelta true */
  QV_DICT_REPLACE = 3  /* send it whole, isDelta false, replacing the old one */
} qv_dict_action;

/* Decides what to send for `dict` under id (= slot). allow_replace false
 * (files) turns a needed replacement into QV_ERR_INVALID_ARGUMENT;
 * allow_delta false sends replacements instead of deltas. */
qv_status qv__dict_memo_decide(const qv_dict_memo *m, int64_t id, const qv_array *dict, bool allow_replace,
                              bool allow_delta, qv_dict_action *action, int64_t *delta_from, qv_error *err);
/* Records that `dict` is now the dictionary of id (retains it). */
void qv__dict_memo_set_sent(qv_dict_memo *m, int64_t id, qv_array *dict, bool delta);


#endif
