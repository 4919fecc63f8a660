/* The open-addressing hash table of grouper.h, and the key column set-up of
 * hash_keys.h.
 *
 * Why hand-written: the table is the hot loop of group-by, unique and
 * is_in; it stores group ids (not copies of keys: a key is read back from
 * its first row), probes by value for small fixed-width keys, and must
 * report bad offsets as errors, which no general-purpose C hash map offers.
 *
 * Invariants: capacity is a power of two >= 16; at most half the slots are
 * used (so a probe always ends at an empty slot); group ids are dense,
 * 0..n_groups-1, in order of first appearance; first_row[g] is the row
 * that created g.
 */
#include "compute/grouper.h"

#include "core/internal.h"
#include "core/layout.h"

#define EMPTY_GROUP (-1)
#define FIB_MULT 0x9e3779b97f4a7c15ull

/* A key of at most SHORT_KEY bytes as two little words, zero-padded: two
 * such keys are equal exactly when their lengths and words are. */
#define SHORT_KEY 16

/* The bytes of a key column that has no values or data buffer. */
static const uint8_t k_no_bytes[8];

typedef struct short_key {
  uint64_t lo, hi;
} short_key;

typedef struct slot {
  uint64_t tag;  /* by-value tables: the key; else its hash */
  int32_t group; /* EMPTY_GROUP when free */
} slot;

struct qv__grouper {
  int32_t n_keys;
  qv__key_column *cols;
  bool by_value;      /* one fixed-width (<= 8 bytes, not float) key */
  bool bytes1;        /* one string/binary key with offsets: tag = hash of the bytes */
  int64_t null_group; /* by_value, bytes1: the group of the null key, or -1 */
  const uint8_t **group_data; /* bytes1: each group's bytes (borrowed from the key) */
  int64_t *group_len;         /* bytes1: and their length */
  short_key *group_words;     /* bytes1: a group of at most 16 bytes, as two zero-padded words */
  int32_t *direct;      /* by_value in direct mode: the group of each key of the window, or -1 */
  uint64_t direct_base; /* the window: biased keys [direct_base, direct_base + direct_size) */
  int64_t direct_size, direct_cap;
  bool direct_off;      /* a key fell outside any window: hash probes from now on */
  slot *slots;
  int shift;          /* 64 - log2(capacity) */
  int64_t capacity, n_groups, cap_groups;
  int64_t *first_row;
  int64_t length;
};

qv_status qv__key_column_init(const qv_array *array, const char *fn, qv__key_column *col, qv_error *err) {
  const qv_type *storage = qv_type_storage(array->type);
  const qv__layout *lay = qv__layout_of(array->type);
  memset(col, 0, sizeof *col);
  col->array = array;
  col->storage_id = storage->id;
  col->offset = array->offset;
  col->validity = array->validity_;
  if (lay->nulls == QV__NULLS_ALL) {
    col->access = QV__KEY_NULL_TYPE;
    return QV_OK;
  }
  if (lay->nulls == QV__NULLS_BITMAP && lay->arity == QV__CHILDREN_NONE && !lay->dictionary &&
      storage->id != QV_TYPE_FLOAT16) {
    const qv__buffer_layout *b1 = &lay->buffers[1];
    if (lay->variadic) {
      col->access = QV__KEY_VIEWS;
      return QV_OK;
    }
    if (b1->role == QV__BUF_BITS) {
      col->access = QV__KEY_BITS;
      col->values = qv__buf_data(array, 1);
      return QV_OK;
    }
    if (b1->role == QV__BUF_VALUES && lay->n_buffers == 2) {
      col->width = qv__layout_width(b1, storage);
      col->access = storage->id == QV_TYPE_FLOAT32   ? QV__KEY_FLOAT32
                    : storage->id == QV_TYPE_FLOAT64 ? QV__KEY_FLOAT64
                                                     : QV__KEY_FIXED;
      col->values = qv__buf_data(array, 1);
      if (col->values != NULL) col->values += array->offset * col->width;
      /* Only fixed_size_binary(0) (or an empty array) has no values buffer;
       * its keys are 0 bytes long, read from a real address all the same
       * (memcpy from NULL is undefined even for 0 bytes). */
      else col->values = k_no_bytes;
      return QV_OK;
    }
    if (b1->role == QV__BUF_OFFSETS && lay->n_buffers == 3) {
      int32_t w = qv__layout_width(b1, storage);
      col->access = w == 8 ? QV__KEY_OFFSETS64 : QV__KEY_OFFSETS32;
      col->values = qv__buf_data(array, 1);
      if (col->values != NULL) col->values += array->offset * w;
      col->data = qv__buf_data(array, 2);
      col->data_size = qv__buf_size(array, 2);
      if (col->data == NULL) col->data = k_no_bytes; /* every value empty; keys point at a real address */
      if (col->values == NULL && array->length > 0)
        return qv_error_set(err, QV_ERR_INVALID_DATA, "%s: the offsets buffer is missing", fn);
      return QV_OK;
    }
  }
  char name[96];
  qv_type_format(array->type, name, sizeof name);
  return qv_error_set(err, QV_ERR_TYPE,
                      "%s: keys of type %s are not supported (numbers, bool, temporal, decimal, strings, binary)", fn,
                      name);
}

bool qv__key_columns_compatible(const qv__key_column *a, const qv__key_column *b) {
  return a->access == b->access && a->storage_id == b->storage_id && a->width == b->width;
}

/* A fixed-width key of up to 8 bytes as an integer (zero-extended). */
static inline uint64_t load_small(const uint8_t *p, int32_t width) {
  uint64_t v = 0;
  switch (width) { /* constant sizes: one load each, not a call to memcpy */
    case 8: memcpy(&v, p, 8); break;
    case 4: { uint32_t x; memcpy(&x, p, 4); v = x; break; }
    case 2: { uint16_t x; memcpy(&x, p, 2); v = x; break; }
    case 1: v = p[0]; break;
    default: memcpy(&v, p, (size_t)width); break;
  }
  return v;
}

static inline int64_t home_of(const qv__grouper *g, uint64_t tag) { return (int64_t)((tag * FIB_MULT) >> g->shift); }

static qv_status alloc_slots(int64_t capacity, slot **out, qv_error *err) {
  int64_t bytes;
  if (qv__mul_overflow_i64(capacity, (int64_t)sizeof(slot), &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "hash table of %lld slots overflows", (long long)capacity);
  slot *s = qv__malloc((size_t)bytes);
  if (s == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "no memory for a hash table of %lld slots", (long long)capacity);
  for (int64_t k = 0; k < capacity; k++) {
    s[k].tag = 0; /* never read while empty, but kept defined for memory checkers */
    s[k].group = EMPTY_GROUP;
  }
  *out = s;
  return QV_OK;
}

qv_status qv__grouper_new(const qv_array *const *keys, int32_t n_keys, const char *fn, qv__grouper **out,
                          qv_error *err) {
  qv__grouper *g;
  qv_status st = QV_OK;
  *out = NULL;
  if (n_keys < 1) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: no key column", fn);
  for (int32_t k = 0; k < n_keys; k++) {
    if (keys[k] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: key %d is NULL", fn, (int)k);
    if (keys[k]->length != keys[0]->length)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: key %d has %lld rows, key 0 has %lld", fn, (int)k,
                          (long long)keys[k]->length, (long long)keys[0]->length);
  }
  g = qv__calloc(1, sizeof *g);
  if (g == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "%s: no memory", fn);
  g->cols = qv__calloc((size_t)n_keys, sizeof *g->cols);
  if (g->cols == NULL) {
    qv__free(g);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "%s: no memory", fn);
  }
  g->n_keys = n_keys;
  g->length = keys[0]->length;
  g->null_group = -1;
  for (int32_t k = 0; k < n_keys && st == QV_OK; k++) st = qv__key_column_init(keys[k], fn, &g->cols[k], err);
  g->by_value = n_keys == 1 && g->cols[0].access == QV__KEY_FIXED && g->cols[0].width <= 8;
  g->bytes1 = n_keys == 1 && (g->cols[0].access == QV__KEY_OFFSETS32 || g->cols[0].access == QV__KEY_OFFSETS64);
  g->capacity = 16;
  g->shift = 64 - 4;
  if (st == QV_OK) st = alloc_slots(g->capacity, &g->slots, err);
  if (st != QV_OK) {
    qv__grouper_free(g);
    return st;
  }
  *out = g;
  return QV_OK;
}

void qv__grouper_free(qv__grouper *g) {
  if (g == NULL) return;
  qv__free(g->slots);
  qv__free(g->direct);
  qv__free(g->first_row);
  qv__free(g->group_data);
  qv__free(g->group_len);
  qv__free(g->group_words);
  qv__free(g->cols);
  qv__free(g);
}

int64_t qv__grouper_n_groups(const qv__grouper *g) { return g->n_groups; }
const int64_t *qv__grouper_first_rows(const qv__grouper *g) { return g->first_row; }
const qv__key_column *qv__grouper_columns(const qv__grouper *g) { return g->cols; }

/* Doubles the table (tags are kept, so nothing is re-read). */
static qv_status grow(qv__grouper *g, qv_error *err) {
  slot *old = g->slots, *fresh = NULL;
  int64_t old_cap = g->capacity;
  if (g->capacity > INT64_MAX / 4) return qv_error_set(err, QV_ERR_OVERFLOW, "hash table too large");
  QV_RETURN_IF_ERROR(alloc_slots(old_cap * 2, &fresh, err));
  g->slots = fresh;
  g->capacity = old_cap * 2;
  g->shift--;
  int64_t mask = g->capacity - 1;
  for (int64_t k = 0; k < old_cap; k++) {
    if (old[k].group == EMPTY_GROUP) continue;
    int64_t at = home_of(g, old[k].tag);
    while (fresh[at].group != EMPTY_GROUP) at = (at + 1) & mask;
    fresh[at] = old[k];
  }
  qv__free(old);
  return QV_OK;
}

/* A new group whose first row is `row`. */
/* Whether a table holding `used` keys should double: at most half full,
 * and at most a quarter while it is small enough to stay in cache (fewer
 * collisions there mean fewer mispredicted probe loops). */
static inline bool too_full(const qv__grouper *g, int64_t used) {
  return 2 * used > g->capacity || (g->capacity < (1 << 16) && 4 * used > g->capacity);
}

static qv_status add_group(qv__grouper *g, int64_t row, int64_t *group, qv_error *err) {
  if (g->n_groups >= INT32_MAX)
    return qv_error_set(err, QV_ERR_OVERFLOW, "more than %d distinct keys (at row %lld)", INT32_MAX, (long long)row);
  if (g->n_groups == g->cap_groups) {
    int64_t cap = g->cap_groups ? g->cap_groups * 2 : 64;
    int64_t *fr = qv__realloc(g->first_row, (size_t)cap * sizeof *fr);
    if (fr == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "no memory for %lld groups", (long long)cap);
    g->first_row = fr;
    if (g->bytes1) {
      const uint8_t **gd = qv__realloc(g->group_data, (size_t)cap * sizeof *gd);
      if (gd != NULL) g->group_data = gd;
      int64_t *gl = gd != NULL ? qv__realloc(g->group_len, (size_t)cap * sizeof *gl) : NULL;
      if (gl != NULL) g->group_len = gl;
      short_key *gw = gl != NULL ? qv__realloc(g->group_words, (size_t)cap * sizeof *gw) : NULL;
      if (gw == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "no memory for %lld groups", (long long)cap);
      g->group_words = gw;
    }
    g->cap_groups = cap;
  }
  g->first_row[g->n_groups] = row;
  *group = g->n_groups++;
  return QV_OK;
}

static qv_status bad_slot(int64_t row, qv_error *err) {
  return qv_error_set(err, QV_ERR_INVALID_DATA, "row %lld: its offsets or view point outside the data",
                      (long long)row);
}

/* Whether row ra of columns a equals row rb of columns b. -1: bad slot. */
static int rows_equal(const qv__key_column *a, int64_t ra, const qv__key_column *b, int64_t rb, int32_t n) {
  for (int32_t k = 0; k < n; k++) {
    const uint8_t *pa = NULL, *pb = NULL;
    int64_t la = 0, lb = 0;
    uint64_t sa, sb;
    int va = qv__key_get(&a[k], ra, &pa, &la, &sa), vb = qv__key_get(&b[k], rb, &pb, &lb, &sb);
    if (va < 0 || vb < 0) return -1;
    if (va != vb) return 0;
    if (va == 0) continue;
    if (la != lb || !qv__bytes_equal(pa, pb, la)) return 0;
  }
  return 1;
}

/* Hash of row r of columns c. -1: bad slot. */
static int row_hash(const qv__key_column *c, int32_t n, int64_t r, uint64_t *out) {
  uint64_t h = 0x243f6a8885a308d3ull;
  for (int32_t k = 0; k < n; k++) {
    const uint8_t *p = NULL;
    int64_t len = 0;
    uint64_t scratch;
    int v = qv__key_get(&c[k], r, &p, &len, &scratch);
    if (v < 0) return -1;
    h = qv__hash_mix(h ^ (v == 0 ? 0x5bd1e9955bd1e995ull : qv__hash_bytes(p, len, (uint64_t)k)));
  }
  *out = h;
  return 1;
}

/* Tables larger than this many slots do not stay in cache: the loops
 * prefetch the home slot of the row PREFETCH_AHEAD rows on, so the misses
 * of several rows overlap instead of each stalling its row in turn. */
#define PREFETCH_FROM_CAPACITY ((int64_t)1 << 15)
#define PREFETCH_AHEAD 16

/* Finds or adds the by-value key `key` of row r (valid) in the table. */
static inline qv_status probe_by_value(qv__grouper *g, int64_t r, uint64_t key, int64_t *group, qv_error *err) {
  int64_t mask = g->capacity - 1, at = home_of(g, key);
  for (;;) {
    slot *s = &g->slots[at];
    if (s->group == EMPTY_GROUP) {
      QV_RETURN_IF_ERROR(add_group(g, r, group, err));
      s->tag = key;
      s->group = (int32_t)*group;
      if (too_full(g, g->n_groups - (g->null_group >= 0))) QV_RETURN_IF_ERROR(grow(g, err));
      return QV_OK;
    }
    if (s->tag == key) {
      *group = s->group;
      return QV_OK;
    }
    at = (at + 1) & mask;
  }
}

/* The by-value loop: one fixed-width key of width W. */
static qv_status assign_by_value(qv__grouper *g, int64_t begin, int64_t end, int32_t *group_of, qv_error *err) {
  const qv__key_column *c = &g->cols[0];
  int32_t w = c->width;
  for (int64_t r = begin; r < end; r++) {
    int64_t group;
    if (g->capacity >= PREFETCH_FROM_CAPACITY && r + PREFETCH_AHEAD < end) /* a null row's bytes are harmless */
      __builtin_prefetch(&g->slots[home_of(g, load_small(c->values + (r + PREFETCH_AHEAD) * w, w))]);
    if (c->validity != NULL && !qv_bit_get(c->validity, c->offset + r)) {
      if (g->null_group < 0) QV_RETURN_IF_ERROR(add_group(g, r, &g->null_group, err));
      group = g->null_group;
    } else {
      QV_RETURN_IF_ERROR(probe_by_value(g, r, load_small(c->values + r * w, w), &group, err));
    }
    if (group_of != NULL) group_of[r - begin] = (int32_t)group;
  }
  return QV_OK;
}

/* ---- direct mode: by-value keys of a small range ----
 * While every key seen lies in a window of at most DIRECT_MAX values, a
 * key's group is found by indexing direct[key - base]: no hash, no probe
 * loop, and the array (4 bytes a value) stays in cache. The keys are
 * compared as `biased` values (the sign bit of their width flipped), so
 * that small negative and positive integers make one small range. A new
 * group also goes into the hash table, which therefore always holds every
 * group: leaving direct mode (a key far outside the window) is a flag. */
#define DIRECT_MAX ((int64_t)1 << 16)

static inline uint64_t biased_key(const qv__key_column *c, int64_t r, int32_t w) {
  return load_small(c->values + r * w, w) ^ ((uint64_t)1 << (8 * w - 1));
}

/* Makes the window cover [lo, hi] (hi - lo < DIRECT_MAX), refilling it
 * from the groups' first rows. */
static qv_status direct_cover(qv__grouper *g, uint64_t lo, uint64_t hi, qv_error *err) {
  int64_t size = 256;
  while ((uint64_t)size <= hi - lo) size *= 2;
  if (size < DIRECT_MAX) size *= 2; /* room for the range to widen without a refill */
  uint64_t base = lo > UINT64_MAX - (uint64_t)(size - 1) ? UINT64_MAX - (uint64_t)(size - 1) : lo;
  if (size > g->direct_cap) {
    int32_t *d = qv__realloc(g->direct, (size_t)size * sizeof *d);
    if (d == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "no memory for a table of %lld keys", (long long)size);
    g->direct = d;
    g->direct_cap = size;
  }
  memset(g->direct, 0xff, (size_t)size * sizeof *g->direct); /* every entry EMPTY_GROUP (-1) */
  for (int64_t grp = 0; grp < g->n_groups; grp++)
    if (grp != g->null_group) g->direct[biased_key(&g->cols[0], g->first_row[grp], g->cols[0].width) - base] = (int32_t)grp;
  g->direct_base = base;
  g->direct_size = size;
  return QV_OK;
}

/* Rows [begin, end) in direct mode, keys of width w (a constant where
 * assign_direct calls it, so each width gets its own loops); *used false
 * (and direct mode left) when their keys do not fit a window. */
static inline __attribute__((always_inline)) qv_status direct_block(qv__grouper *g, int64_t begin, int64_t end,
                                                                    int32_t *group_of, bool *used, qv_error *err,
                                                                    int32_t w) {
  const qv__key_column *c = &g->cols[0];
  const uint8_t *values = c->values, *validity = c->validity;
  const uint64_t flip = (uint64_t)1 << (8 * w - 1);
  uint64_t lo = UINT64_MAX, hi = 0;
  for (int64_t r = begin; r < end; r++) { /* null slots too: their bytes only widen the range */
    uint64_t k = load_small(values + r * w, w) ^ flip;
    lo = k < lo ? k : lo;
    hi = k > hi ? k : hi;
  }
  *used = false;
  if (begin >= end) return QV_OK;
  if (g->direct_size > 0) {
    uint64_t top = g->direct_base + (uint64_t)(g->direct_size - 1);
    if (lo >= g->direct_base && hi <= top) goto fill;
    for (int64_t grp = 0; grp < g->n_groups; grp++) { /* the window's keys must stay covered */
      if (grp == g->null_group) continue;
      uint64_t k = biased_key(c, g->first_row[grp], w);
      lo = k < lo ? k : lo;
      hi = k > hi ? k : hi;
    }
  }
  if (hi - lo >= (uint64_t)DIRECT_MAX) {
    g->direct_off = true;
    return QV_OK;
  }
  QV_RETURN_IF_ERROR(direct_cover(g, lo, hi, err));
fill:
  *used = true;
  int32_t *direct = g->direct;
  uint64_t base = g->direct_base;
  if (group_of != NULL && qv__key_rows_valid(c, begin, end)) { /* the common case, kept free of per-row tests */
    for (int64_t r = begin; r < end; r++) {
      int32_t *entry = &direct[(load_small(values + r * w, w) ^ flip) - base];
      int64_t group = *entry;
      if (group == EMPTY_GROUP) {
        QV_RETURN_IF_ERROR(probe_by_value(g, r, load_small(values + r * w, w), &group, err));
        *entry = (int32_t)group;
      }
      group_of[r - begin] = (int32_t)group;
    }
    return QV_OK;
  }
  for (int64_t r = begin; r < end; r++) {
    int64_t group;
    if (validity != NULL && !qv_bit_get(validity, c->offset + r)) {
      if (g->null_group < 0) QV_RETURN_IF_ERROR(add_group(g, r, &g->null_group, err));
      group = g->null_group;
    } else {
      int32_t *entry = &direct[biased_key(c, r, w) - base];
      group = *entry;
      if (group == EMPTY_GROUP) {
        QV_RETURN_IF_ERROR(probe_by_value(g, r, load_small(c->values + r * w, w), &group, err));
        *entry = (int32_t)group;
      }
    }
    if (group_of != NULL) group_of[r - begin] = (int32_t)group;
  }
  return QV_OK;
}

static qv_status assign_direct(qv__grouper *g, int64_t begin, int64_t end, int32_t *group_of, bool *used,
                               qv_error *err) {
  switch (g->cols[0].width) { /* physical width: one set of loops each */
    case 8: return direct_block(g, begin, end, group_of, used, err, 8);
    case 4: return direct_block(g, begin, end, group_of, used, err, 4);
    case 2: return direct_block(g, begin, end, group_of, used, err, 2);
    case 1: return direct_block(g, begin, end, group_of, used, err, 1);
    default: return direct_block(g, begin, end, group_of, used, err, g->cols[0].width);
  }
}

/* The low k bytes of a word set (0 <= k <= 8), the others clear. */
static inline uint64_t low_bytes(int64_t k) { return k >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * k)) - 1; }

/* A key of len <= SHORT_KEY bytes at p as zero-padded words. When 16
 * bytes can be read from p without passing `end` (nearly always), two
 * loads and two masks, no branch on the length; else a byte copy. */
static inline short_key short_words(const uint8_t *p, int64_t len, const uint8_t *end) {
  short_key k;
  if (end - p >= SHORT_KEY) {
    k.lo = qv__load_uint(p, 8, 0) & low_bytes(len);
    k.hi = qv__load_uint(p + 8, 8, 0) & low_bytes(len > 8 ? len - 8 : 0);
  } else {
    uint8_t buf[SHORT_KEY] = {0};
    if (len > 0) memcpy(buf, p, (size_t)len);
    k.lo = qv__load_uint(buf, 8, 0);
    k.hi = qv__load_uint(buf + 8, 8, 0);
  }
  return k;
}

/* The tag of a one-string key: short keys hash their words (the same for
 * either way of loading them), longer ones their bytes. */
static inline uint64_t bytes1_tag(const uint8_t *p, int64_t len, const uint8_t *end, short_key *words) {
  if (len <= SHORT_KEY) {
    *words = short_words(p, len, end);
    /* two multiplies: home_of multiplies once more and keeps the top bits,
     * which depend on every bit of both words */
    return (words->lo * 0xc2b2ae3d27d4eb4full) ^ ((words->hi ^ (uint64_t)len) * 0x165667b19e3779f9ull);
  }
  return qv__hash_bytes(p, len, 0);
}

/* Whether group `grp` holds the key (p, len, words) whose tag matched. */
static inline bool bytes1_equal(const qv__grouper *g, int32_t grp, const uint8_t *p, int64_t len,
                                const short_key *words) {
  if (g->group_len[grp] != len) return false;
  if (len <= SHORT_KEY) return g->group_words[grp].lo == words->lo && g->group_words[grp].hi == words->hi;
  return qv__bytes_equal(g->group_data[grp], p, len);
}

/* Finds or adds the one-string key (p, len) of row r. */
static inline qv_status probe_bytes1(qv__grouper *g, int64_t r, const uint8_t *p, int64_t len, const uint8_t *end,
                                     int64_t *group, qv_error *err) {
  short_key words = {0, 0};
  uint64_t h = bytes1_tag(p, len, end, &words);
  int64_t mask = g->capacity - 1, at = home_of(g, h);
  for (;;) {
    slot *s = &g->slots[at];
    if (s->group == EMPTY_GROUP) {
      QV_RETURN_IF_ERROR(add_group(g, r, group, err));
      g->group_data[*group] = p;
      g->group_len[*group] = len;
      g->group_words[*group] = words;
      s->tag = h;
      s->group = (int32_t)*group;
      if (too_full(g, g->n_groups - (g->null_group >= 0))) QV_RETURN_IF_ERROR(grow(g, err));
      return QV_OK;
    }
    if (s->tag == h && bytes1_equal(g, s->group, p, len, &words)) {
      *group = s->group;
      return QV_OK;
    }
    at = (at + 1) & mask;
  }
}

/* The one-string-key loop of a column without nulls, offsets of width ow
 * (a constant where it is called): the offsets are read and checked in
 * place, with no per-row dispatch on the access path or the validity. */
static inline __attribute__((always_inline)) qv_status bytes1_no_nulls(qv__grouper *g, int64_t begin, int64_t stop,
                                                                       int32_t *group_of, qv_error *err, int ow) {
  const qv__key_column *c = &g->cols[0];
  const uint8_t *offsets = c->values, *data = c->data, *end = c->data + c->data_size;
  int64_t size = c->data_size;
  for (int64_t r = begin; r < stop; r++) {
    int64_t o0, o1, group = -1;
    if (ow == 4) {
      int32_t o[2];
      memcpy(o, offsets + r * 4, 8);
      o0 = o[0];
      o1 = o[1];
    } else {
      int64_t o[2];
      memcpy(o, offsets + r * 8, 16);
      o0 = o[0];
      o1 = o[1];
    }
    if (o0 < 0 || o1 < o0 || o1 > size) return bad_slot(r, err);
    QV_RETURN_IF_ERROR(probe_bytes1(g, r, data + o0, o1 - o0, end, &group, err));
    group_of[r - begin] = (int32_t)group;
  }
  return QV_OK;
}

/* The one-string-key loop: the tag is the hash of the bytes, and a group
 * keeps its bytes' address (and, when short, its bytes as two words) so a
 * match is one comparison of words or one memcmp, no offsets re-read. */
static qv_status assign_bytes1(qv__grouper *g, int64_t begin, int64_t stop, int32_t *group_of, qv_error *err) {
  const qv__key_column *c = &g->cols[0];
  const uint8_t *end = c->data + c->data_size;
  if (group_of != NULL && qv__key_rows_valid(c, begin, stop))
    return c->access == QV__KEY_OFFSETS32 ? bytes1_no_nulls(g, begin, stop, group_of, err, 4)
                                          : bytes1_no_nulls(g, begin, stop, group_of, err, 8);
  for (int64_t r = begin; r < stop; r++) {
    const uint8_t *p = NULL;
    int64_t len = 0, group = -1;
    uint64_t scratch;
    int v = qv__key_get(c, r, &p, &len, &scratch);
    if (v < 0) return bad_slot(r, err);
    if (v == 0) {
      if (g->null_group < 0) QV_RETURN_IF_ERROR(add_group(g, r, &g->null_group, err));
      group = g->null_group;
    } else {
      QV_RETURN_IF_ERROR(probe_bytes1(g, r, p, len, end, &group, err));
    }
    if (group_of != NULL) group_of[r - begin] = (int32_t)group;
  }
  return QV_OK;
}

static qv_status assign_hashed(qv__grouper *g, int64_t begin, int64_t end, int32_t *group_of, qv_error *err) {
  for (int64_t r = begin; r < end; r++) {
    uint64_t h;
    int64_t group = -1;
    if (row_hash(g->cols, g->n_keys, r, &h) < 0) return bad_slot(r, err);
    int64_t mask = g->capacity - 1, at = home_of(g, h);
    for (;;) {
      slot *s = &g->slots[at];
      if (s->group == EMPTY_GROUP) {
        QV_RETURN_IF_ERROR(add_group(g, r, &group, err));
        s->tag = h;
        s->group = (int32_t)group;
        if (too_full(g, g->n_groups)) QV_RETURN_IF_ERROR(grow(g, err));
        break;
      }
      if (s->tag == h) {
        int eq = rows_equal(g->cols, r, g->cols, g->first_row[s->group], g->n_keys);
        if (eq < 0) return bad_slot(r, err);
        if (eq) {
          group = s->group;
          break;
        }
      }
      at = (at + 1) & mask;
    }
    if (group_of != NULL) group_of[r - begin] = (int32_t)group;
  }
  return QV_OK;
}

qv_status qv__grouper_assign_range(qv__grouper *g, int64_t begin, int64_t end, int32_t *group_of, qv_error *err) {
  if (begin < 0 || end > g->length || begin > end)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "rows %lld..%lld are outside the %lld keys", (long long)begin,
                        (long long)end, (long long)g->length);
  if (g->by_value && !g->direct_off && g->cols[0].width > 0) { /* width 0 (fixed_size_binary(0)): one key anyway */
    bool used = false;
    QV_RETURN_IF_ERROR(assign_direct(g, begin, end, group_of, &used, err));
    if (used) return QV_OK;
  }
  if (g->by_value) return assign_by_value(g, begin, end, group_of, err);
  if (g->bytes1) return assign_bytes1(g, begin, end, group_of, err);
  return assign_hashed(g, begin, end, group_of, err);
}

qv_status qv__grouper_assign_rows(qv__grouper *g, const int64_t *rows, int64_t n, int32_t *group_of, qv_error *err) {
  for (int64_t j = 0; j < n; j++)
    if (rows[j] < 0 || rows[j] >= g->length)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "row %lld is outside the %lld keys", (long long)rows[j],
                          (long long)g->length);
  if (!g->by_value || !g->direct_off) { /* one row at a time through the range loops */
    for (int64_t j = 0; j < n; j++) QV_RETURN_IF_ERROR(qv__grouper_assign_range(g, rows[j], rows[j] + 1, &group_of[j], err));
    return QV_OK;
  }
  /* a large by-value table: the home slot of the key PREFETCH_AHEAD rows
   * on is fetched early, as in assign_by_value */
  const qv__key_column *c = &g->cols[0];
  int32_t w = c->width;
  for (int64_t j = 0; j < n; j++) {
    int64_t r = rows[j], group;
    if (j + PREFETCH_AHEAD < n)
      __builtin_prefetch(&g->slots[home_of(g, load_small(c->values + rows[j + PREFETCH_AHEAD] * w, w))]);
    if (c->validity != NULL && !qv_bit_get(c->validity, c->offset + r)) {
      if (g->null_group < 0) QV_RETURN_IF_ERROR(add_group(g, r, &g->null_group, err));
      group = g->null_group;
    } else {
      QV_RETURN_IF_ERROR(probe_by_value(g, r, load_small(c->values + r * w, w), &group, err));
    }
    group_of[j] = (int32_t)group;
  }
  return QV_OK;
}

qv_status qv__grouper_assign(qv__grouper *g, int32_t *group_of, qv_error *err) {
  return qv__grouper_assign_range(g, 0, g->length, group_of, err);
}

int qv__grouper_find(const qv__grouper *g, const qv__key_column *probe, int64_t row, int64_t *group) {
  int64_t mask = g->capacity - 1, at;
  *group = -1;
  if (g->by_value) {
    const uint8_t *p = NULL;
    int64_t len = 0;
    uint64_t scratch;
    int v = qv__key_get(probe, row, &p, &len, &scratch);
    if (v == 0) {
      *group = g->null_group;
      return 1;
    }
    uint64_t key = load_small(p, (int32_t)len);
    for (at = home_of(g, key); g->slots[at].group != EMPTY_GROUP; at = (at + 1) & mask)
      if (g->slots[at].tag == key) {
        *group = g->slots[at].group;
        break;
      }
    return 1;
  }
  if (g->bytes1) {
    const uint8_t *p = NULL;
    int64_t len = 0;
    uint64_t scratch;
    int v = qv__key_get(probe, row, &p, &len, &scratch);
    if (v < 0) return -1;
    if (v == 0) {
      *group = g->null_group;
      return 1;
    }
    short_key words = {0, 0};
    uint64_t h = bytes1_tag(p, len, probe->data + probe->data_size, &words);
    for (at = home_of(g, h); g->slots[at].group != EMPTY_GROUP; at = (at + 1) & mask) {
      int32_t cand = g->slots[at].group;
      if (g->slots[at].tag == h && bytes1_equal(g, cand, p, len, &words)) {
        *group = cand;
        break;
      }
    }
    return 1;
  }
  uint64_t h;
  if (row_hash(probe, g->n_keys, row, &h) < 0) return -1;
  for (at = home_of(g, h); g->slots[at].group != EMPTY_GROUP; at = (at + 1) & mask) {
    if (g->slots[at].tag != h) continue;
    int eq = rows_equal(probe, row, g->cols, g->first_row[g->slots[at].group], g->n_keys);
    if (eq < 0) return -1;
    if (eq) {
      *group = g->slots[at].group;
      break;
    }
  }
  return 1;
}
