/* Hostile arrays from a byte program (fuzz_hostile_build.h).
 *
 * Each array is assembled with qv_array_new from raw buffers. Buffer sizes
 * follow the layout (so that most arrays pass structural validation) and
 * contents are "plausible" (offsets increasing inside the data, run ends
 * increasing, indices and ids in range) with a few hostile values written
 * over them where the program says: offsets backwards, negative, past the
 * data or near INT32/INT64 limits (the first and last offsets, which
 * structural validation checks, are usually left alone), run ends unsorted,
 * duplicated, zero or negative, union type ids undeclared and dense offsets
 * outside the child, dictionary indices negative or past the dictionary,
 * views whose buffer index, offset or size leave their buffers, list-view
 * offsets and sizes past the child or overflowing, null counts that do not
 * match the bitmap. Lengths are sometimes near INT32_MAX or INT64_MAX; every
 * buffer is then a few bytes, and only layouts that need no bytes per slot
 * (or whose size computation overflows) pass structural validation.
 */
#include <stdlib.h>
#include <string.h>

#include "quiver/field.h"
#include "support/fuzz_hostile_build.h"

#define MAX_DEPTH 3                 /* nesting of built types */
#define MAX_NODES 64                /* arrays per input */
#define MAX_BYTES ((int64_t)1 << 20) /* buffer bytes per input */
#define HUGE_NEED ((int64_t)1 << 20) /* lengths above this get tiny buffers */
#define MAX_CHILD_NEED ((int64_t)1 << 16)

typedef qv_fuzz_hostile hctx;

static uint8_t u8(hctx *h) { return qv_fuzz_u8(h->g); }
static bool chance(hctx *h, unsigned one_in) { return qv_fuzz_chance(h->g, one_in); }
static uint32_t u32(hctx *h) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= (uint32_t)u8(h) << (8 * i);
  return v;
}
static uint64_t u64(hctx *h) { return (uint64_t)u32(h) | (uint64_t)u32(h) << 32; }

/* Per-slot choices: a PRNG byte, and "make this one hostile". */
static uint8_t r8(hctx *h) {
  h->rng ^= h->rng << 13, h->rng ^= h->rng >> 17, h->rng ^= h->rng << 5;
  return (uint8_t)(h->rng >> 11);
}
static uint64_t r64(hctx *h) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | r8(h);
  return v;
}
static bool hostile(hctx *h) { return h->hostile_one_in != 0 && r8(h) % h->hostile_one_in == 0; }

void qv_fuzz_hostile_start(qv_fuzz_hostile *h) {
  static const unsigned levels[4] = {0, 8, 3, 1};
  h->rng = u32(h) | 1;
  h->hostile_one_in = levels[u8(h) % 4];
}

/* ------------------------------------------------------------------ */
/* Types                                                                */
/* ------------------------------------------------------------------ */

static qv_type *leaf_type(hctx *h) {
  qv_type *t = NULL;
  qv_status st = QV_OK;
  switch (u8(h) % 33) {
    case 0: return qv_type_null();
    case 1: return qv_type_bool();
    case 2: return qv_type_int8();
    case 3: return qv_type_int16();
    case 4: return qv_type_int32();
    case 5: return qv_type_int64();
    case 6: return qv_type_uint8();
    case 7: return qv_type_uint16();
    case 8: return qv_type_uint32();
    case 9: return qv_type_uint64();
    case 10: return qv_type_float16();
    case 11: return qv_type_float32();
    case 12: return qv_type_float64();
    case 13: st = qv_type_decimal(32, 1 + u8(h) % 9, u8(h) % 12 - 2, &t, NULL); break;
    case 14: st = qv_type_decimal(64, 1 + u8(h) % 18, u8(h) % 20 - 2, &t, NULL); break;
    case 15: st = qv_type_decimal(128, 1 + u8(h) % 38, u8(h) % 40 - 2, &t, NULL); break;
    case 16: st = qv_type_decimal(256, 1 + u8(h) % 76, u8(h) % 78 - 2, &t, NULL); break;
    case 17: return qv_type_date32();
    case 18: return qv_type_date64();
    case 19: st = qv_type_time32(u8(h) % 2 ? QV_UNIT_MILLI : QV_UNIT_SECOND, &t, NULL); break;
    case 20: st = qv_type_time64(u8(h) % 2 ? QV_UNIT_NANO : QV_UNIT_MICRO, &t, NULL); break;
    case 21: st = qv_type_timestamp((qv_time_unit)(u8(h) % 4), u8(h) % 2 ? "UTC" : NULL, &t, NULL); break;
    case 22: st = qv_type_duration((qv_time_unit)(u8(h) % 4), &t, NULL); break;
    case 23: return qv_type_interval_months();
    case 24: return qv_type_interval_day_time();
    case 25: return qv_type_interval_month_day_nano();
    case 26: return qv_type_binary();
    case 27: return qv_type_string();
    case 28: return qv_type_large_binary();
    case 29: return qv_type_large_string();
    case 30: return qv_type_binary_view();
    case 31: return qv_type_string_view();
    default: st = qv_type_fixed_size_binary(u8(h) % 20, &t, NULL); break;
  }
  if (st != QV_OK) h->give_up = true;
  return t;
}

static qv_field *make_field(hctx *h, const char *name, qv_type *type) {
  qv_field *f = NULL;
  if (type == NULL || qv_field_new(name, type, !chance(h, 4), NULL, &f, NULL) != QV_OK) h->give_up = true;
  qv_type_release(type);
  return f;
}

static qv_type *nested_type(hctx *h, int kind, int depth) {
  static const char *const names[] = {"a", "b", "c", "d"};
  qv_type *t = NULL;
  qv_status st = QV_ERR_INVALID_ARGUMENT;
  qv_field *kids[4] = {NULL, NULL, NULL, NULL};
  int n = 0;
  switch (kind) {
    case 0: case 1: case 2: case 3: { /* list, large_list, list_view, large_list_view */
      static const qv_type_id ids[] = {QV_TYPE_LIST, QV_TYPE_LARGE_LIST, QV_TYPE_LIST_VIEW, QV_TYPE_LARGE_LIST_VIEW};
      kids[n++] = make_field(h, "item", qv_fuzz_hostile_build_type(h, depth + 1));
      if (h->give_up) break;
      st = kind == 0 ? qv_type_list(kids[0], &t, NULL)
           : kind == 1 ? qv_type_large_list(kids[0], &t, NULL)
           : kind == 2 ? qv_type_list_view(kids[0], &t, NULL)
                       : qv_type_large_list_view(kids[0], &t, NULL);
      (void)ids;
      break;
    }
    case 4: /* fixed_size_list: sizes 0..4, sometimes larger */
      kids[n++] = make_field(h, "item", qv_fuzz_hostile_build_type(h, depth + 1));
      if (!h->give_up) st = qv_type_fixed_size_list(kids[0], chance(h, 8) ? 100 : u8(h) % 5, &t, NULL);
      break;
    case 5: /* struct of 0..3 fields */
      n = u8(h) % 4;
      for (int i = 0; i < n; i++) kids[i] = make_field(h, names[i], qv_fuzz_hostile_build_type(h, depth + 1));
      if (!h->give_up) st = qv_type_struct(kids, n, &t, NULL);
      break;
    case 6: { /* map<leaf, any> */
      qv_type *key = leaf_type(h), *item = qv_fuzz_hostile_build_type(h, depth + 1);
      if (!h->give_up && key != NULL && item != NULL) st = qv_type_map(key, item, chance(h, 2), &t, NULL);
      qv_type_release(key);
      qv_type_release(item);
      break;
    }
    case 7: case 8: { /* sparse / dense union of 1..3 children, codes from the program */
      int8_t codes[4];
      n = 1 + u8(h) % 3;
      for (int i = 0; i < n; i++) {
        kids[i] = make_field(h, names[i], qv_fuzz_hostile_build_type(h, depth + 1));
        codes[i] = (int8_t)(chance(h, 2) ? i : u8(h) % 128);
      }
      if (h->give_up) break;
      qv_type_id id = kind == 7 ? QV_TYPE_SPARSE_UNION : QV_TYPE_DENSE_UNION;
      st = qv_type_union(id, kids, n, codes, &t, NULL);
      if (st != QV_OK) st = qv_type_union(id, kids, n, NULL, &t, NULL); /* duplicate codes: 0..n-1 */
      break;
    }
    case 9: { /* dictionary<any integer index, any value> */
      static qv_type *(*const index[])(void) = {qv_type_int8,  qv_type_int16,  qv_type_int32,  qv_type_int64,
                                                qv_type_uint8, qv_type_uint16, qv_type_uint32, qv_type_uint64};
      qv_type *values = qv_fuzz_hostile_build_type(h, depth + 1);
      if (values != NULL && qv_type_storage(values)->id == QV_TYPE_DICTIONARY) {
        /* IPC cannot encode a dictionary directly of dictionaries */
        qv_type_release(values);
        values = leaf_type(h);
      }
      if (values != NULL) st = qv_type_dictionary(index[u8(h) % 8](), values, chance(h, 2), &t, NULL);
      qv_type_release(values);
      break;
    }
    case 10: { /* run-end encoded, run ends int16 / int32 / int64 */
      static qv_type *(*const ends[])(void) = {qv_type_int16, qv_type_int32, qv_type_int64};
      qv_type *values = qv_fuzz_hostile_build_type(h, depth + 1);
      if (values != NULL) st = qv_type_run_end_encoded(ends[u8(h) % 3](), values, &t, NULL);
      qv_type_release(values);
      break;
    }
    default: { /* extension: canonical ones over their storage, or any storage */
      qv_type *storage = NULL;
      const char *name = "quiver.hostile";
      switch (u8(h) % 4) {
        case 0: name = "arrow.json"; storage = qv_type_string(); break;
        case 1: name = "arrow.bool8"; storage = qv_type_int8(); break;
        case 2: name = "arrow.uuid"; if (qv_type_fixed_size_binary(16, &storage, NULL) != QV_OK) storage = NULL; break;
        default: storage = qv_fuzz_hostile_build_type(h, depth + 1); break;
      }
      if (storage != NULL && storage->id == QV_TYPE_EXTENSION) { /* IPC cannot encode an extension of one */
        qv_type *inner = qv_type_retain(storage->storage_type);
        qv_type_release(storage);
        storage = inner;
      }
      if (storage != NULL) st = qv_type_extension(name, "m", 1, storage, &t, NULL);
      qv_type_release(storage);
      break;
    }
  }
  for (int i = 0; i < 4; i++) qv_field_release(kids[i]);
  if (st != QV_OK || h->give_up) {
    qv_type_release(t);
    h->give_up = true;
    return NULL;
  }
  return t;
}

qv_type *qv_fuzz_hostile_build_type(qv_fuzz_hostile *h, int depth) {
  if (h->give_up) return NULL;
  uint8_t pick = u8(h);
  if (depth >= MAX_DEPTH || pick < 128) return leaf_type(h);
  return nested_type(h, pick % 12, depth);
}

/* ------------------------------------------------------------------ */
/* Buffers                                                              */
/* ------------------------------------------------------------------ */

static void free_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)ctx;
  (void)size;
  free((void *)(uintptr_t)data);
}

/* A new buffer of exactly `size` bytes filled as the program says (zeros,
 * ones, pseudo-random); NULL when over budget. *bytes receives the data. */
static qv_buffer *new_buffer(hctx *h, int64_t size, uint8_t **bytes) {
  *bytes = NULL;
  if (size < 0 || size > MAX_BYTES - h->bytes) {
    h->give_up = true;
    return NULL;
  }
  h->bytes += size;
  uint8_t *p = malloc(size > 0 ? (size_t)size : 1);
  if (p == NULL) {
    h->give_up = true;
    return NULL;
  }
  uint8_t mode = u8(h) % 4;
  uint32_t x = u32(h) | 1;
  for (int64_t i = 0; i < size; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    p[i] = mode == 0 ? 0 : mode == 1 ? 0xFF : (uint8_t)x;
  }
  qv_buffer *b = NULL;
  /* a 0-byte buffer is sometimes wrapped with no data at all */
  bool no_data = size == 0 && chance(h, 2);
  if (qv_buffer_wrap(no_data ? NULL : p, size, no_data ? NULL : free_release, NULL, &b, NULL) != QV_OK) {
    free(p);
    h->give_up = true;
    return NULL;
  }
  if (no_data) free(p);
  *bytes = no_data ? NULL : p;
  return b;
}

static void store(uint8_t *p, int64_t i, int w, int64_t v) {
  switch (w) {
    case 1: p[i] = (uint8_t)v; break;
    case 2: { int16_t x = (int16_t)v; memcpy(p + i * 2, &x, 2); break; }
    case 4: { int32_t x = (int32_t)v; memcpy(p + i * 4, &x, 4); break; }
    default: memcpy(p + i * 8, &v, 8); break;
  }
}

static int64_t load(const uint8_t *p, int64_t i, int w) {
  switch (w) {
    case 1: return (int8_t)p[i];
    case 2: { int16_t x; memcpy(&x, p + i * 2, 2); return x; }
    case 4: { int32_t x; memcpy(&x, p + i * 4, 4); return x; }
    default: { int64_t x; memcpy(&x, p + i * 8, 8); return x; }
  }
}

/* A value an offset, size, index or run end should not have, relative to
 * `limit` (the data size, child length or dictionary length). */
/* Two's complement addition: hostile values may wrap, the builder must not
 * overflow while making them. */
static int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }

static int64_t hostile_value(hctx *h, int64_t limit, int64_t prev) {
  switch (r8(h) % 14) {
    case 0: return -1;
    case 1: return INT32_MIN;
    case 2: return INT32_MAX;
    case 3: return wrap_add(limit, 1);
    case 4: return wrap_add(limit, 1 + r8(h));
    case 5: return wrap_add(prev, -1 - r8(h) % 4); /* backwards */
    case 6: return prev;                  /* duplicated */
    case 7: return INT32_MAX - r8(h);
    case 8: return INT32_MIN + r8(h);
    case 9: return INT64_MAX - r8(h);
    case 10: return INT64_MIN + r8(h);
    case 11: return (int64_t)r64(h);
    case 12: return 0;
    default: return limit;
  }
}

/* ------------------------------------------------------------------ */
/* Arrays                                                               */
/* ------------------------------------------------------------------ */

typedef struct parts {
  int64_t length, offset, end, null_count;
  bool huge;
  qv_buffer *buf[8];
  int32_t n_buf;
  qv_array *kid[4];
  int32_t n_kid;
  qv_array *dict;
} parts;

static void parts_free(parts *p) {
  for (int i = 0; i < p->n_buf; i++) qv_buffer_release(p->buf[i]);
  for (int i = 0; i < p->n_kid; i++) qv_array_release(p->kid[i]);
  qv_array_release(p->dict);
}

/* The next buffer: `size` bytes, or a few bytes for a huge array. */
static uint8_t *add_buffer(hctx *h, parts *p, int64_t size) {
  uint8_t *bytes = NULL;
  if (p->huge) size = u8(h) % 16;
  if (h->give_up) return NULL;
  p->buf[p->n_buf++] = new_buffer(h, size, &bytes);
  return bytes;
}

static int64_t safe_mul(int64_t a, int64_t b) { return (b != 0 && a > INT64_MAX / b) ? INT64_MAX : a * b; }

/* Validity bitmap (absent, random, all set, all clear) and a null count
 * that is exact, unknown, or a lie. */
static void add_validity(hctx *h, parts *p) {
  uint8_t mode = u8(h) % 4;
  if (mode == 0 || (p->huge && !chance(h, 4))) {
    p->buf[p->n_buf++] = NULL;
    p->null_count = chance(h, 8) ? (int64_t)(u64(h) % ((uint64_t)p->length + 1)) : (chance(h, 2) ? 0 : -1);
    return;
  }
  int64_t bytes = p->end / 8 + (p->end % 8 != 0);
  uint8_t *bits = add_buffer(h, p, bytes);
  if (bits != NULL && !p->huge) {
    if (mode == 2) memset(bits, 0xFF, (size_t)bytes);
    if (mode == 3) memset(bits, 0, (size_t)bytes);
  }
  int64_t zeros = 0;
  if (bits != NULL && !p->huge)
    for (int64_t i = p->offset; i < p->end; i++) zeros += !((bits[i >> 3] >> (i & 7)) & 1);
  switch (u8(h) % 4) {
    case 0: p->null_count = -1; break;
    case 1: p->null_count = (int64_t)(u64(h) % ((uint64_t)p->length + 1)); break; /* a lie, most likely */
    default: p->null_count = p->huge ? -1 : zeros; break;
  }
}

/* Offsets (end + 1 entries of width w): increasing inside [0, limit], then
 * a few entries overwritten with hostile values. */
static void fill_offsets(hctx *h, parts *p, uint8_t *offs, int w, int64_t limit) {
  if (offs == NULL || p->huge) return;
  int64_t n = p->end + 1, cur = 0;
  for (int64_t i = 0; i < n; i++) {
    if (limit > 0 && cur < limit && r8(h) % 3 != 0) cur += 1 + (int64_t)(r8(h) % (uint64_t)(limit - cur));
    if (cur > limit) cur = limit;
    store(offs, i, w, cur);
  }
  int hits = h->hostile_one_in ? 1 + r8(h) % (8 / h->hostile_one_in + 1) : 0;
  for (int k = 0; k < hits; k++) {
    int64_t i = (int64_t)(r8(h) % (uint64_t)n);
    if ((i == p->offset || i == p->end) && r8(h) % 4 != 0) continue; /* keep the checked ends, mostly */
    store(offs, i, w, hostile_value(h, limit, i > 0 ? load(offs, i - 1, w) : 0));
  }
}

/* Integers of width w in [0, limit) (indices, dense offsets, type codes),
 * with hostile ones mixed in. */
static void fill_indices(hctx *h, uint8_t *p, int64_t from, int64_t to, int w, int64_t limit) {
  if (p == NULL) return;
  for (int64_t i = from; i < to; i++) {
    int64_t v = limit > 0 ? (int64_t)(r8(h) % (uint64_t)limit) : 0;
    if (hostile(h)) v = hostile_value(h, limit, i > from ? load(p, i - 1, w) : 0);
    store(p, i, w, v);
  }
}

static void build_views(hctx *h, parts *p) {
  int32_t n_var = u8(h) % 4;
  int64_t sizes[3] = {0, 0, 0};
  uint8_t *views = add_buffer(h, p, safe_mul(p->end, QV_VIEW_SIZE));
  uint8_t *data[3] = {NULL, NULL, NULL};
  for (int32_t k = 0; k < n_var && !h->give_up; k++) {
    sizes[k] = u8(h) % 64;
    data[k] = add_buffer(h, p, sizes[k]);
  }
  if (views == NULL || p->huge || h->give_up) return;
  for (int64_t i = 0; i < p->end; i++) {
    uint8_t *v = views + i * QV_VIEW_SIZE;
    int32_t size, idx = 0, off = 0;
    uint8_t mode = r8(h) % 6;
    if (mode < 2 || n_var == 0) { /* inline */
      size = r8(h) % 13;
      memcpy(v, &size, 4);
      if (hostile(h)) size = r8(h) % 2 ? -1 - r8(h) : 13 + r8(h) % 8; /* an inline size that is not */
      memcpy(v, &size, 4);
      continue;
    }
    idx = (int32_t)(r8(h) % (unsigned)n_var);
    int64_t room = sizes[idx];
    size = room > 13 ? 13 + (int32_t)(r8(h) % (unsigned)(room - 12)) : 13;
    off = size <= room ? (int32_t)(r8(h) % (unsigned)(room - size + 1)) : 0;
    if (hostile(h)) { /* hostile: one of size, index, offset out of its range */
      switch (r8(h) % 3) {
        case 0: size = (int32_t)hostile_value(h, room, size); break;
        case 1: idx = (int32_t)hostile_value(h, n_var, idx); break;
        default: off = (int32_t)hostile_value(h, room, off); break;
      }
    }
    memcpy(v, &size, 4);
    if (idx >= 0 && idx < n_var && off >= 0 && size > 0 && (int64_t)off + 4 <= sizes[idx] && data[idx] != NULL)
      memcpy(v + 4, data[idx] + off, 4); /* the right prefix, when there is one */
    memcpy(v + 8, &idx, 4);
    memcpy(v + 12, &off, 4);
  }
}

static qv_array *child(hctx *h, const qv_type *t, int32_t k, int64_t need, int depth) {
  return qv_fuzz_hostile_build_array(h, t->children[k]->type, need, depth + 1);
}

/* Run ends of an REE array: `runs` values, increasing and covering `end`,
 * then some made unsorted, duplicated, zero or negative. */
static qv_array *run_ends(hctx *h, qv_type *rt, int64_t runs, int64_t end) {
  parts p;
  memset(&p, 0, sizeof p);
  const int w = rt->bit_width / 8;
  const int64_t max = w == 2 ? INT16_MAX : w == 4 ? INT32_MAX : INT64_MAX;
  p.offset = u8(h) % 3;
  p.length = runs;
  p.end = p.offset + runs;
  p.null_count = 0;
  if (chance(h, 16)) { /* nulls among the run ends that the null count does not admit */
    add_validity(h, &p);
    if (p.null_count > 0) p.null_count = -1;
  } else {
    p.buf[p.n_buf++] = NULL;
  }
  uint8_t *vals = add_buffer(h, &p, safe_mul(p.end, w));
  if (vals != NULL) {
    int64_t cur = 0;
    for (int64_t i = 0; i < runs; i++) {
      int64_t left = runs - i;
      int64_t step = end > cur ? (end - cur) / left : 1;
      cur = (i == runs - 1) ? (end > cur ? end : wrap_add(cur, 1)) : wrap_add(cur, 1 + (step > 1 ? (int64_t)(r64(h) % (uint64_t)step) : 0));
      if (cur > max) cur = max;
      store(vals, p.offset + i, w, cur);
    }
    int hits = h->hostile_one_in ? 1 + r8(h) % 3 : 0;
    for (int k = 0; k < hits && runs > 0; k++) {
      int64_t i = p.offset + (int64_t)(r8(h) % (uint64_t)runs);
      if (i == p.end - 1 && r8(h) % 4 != 0) continue; /* the last run end must cover the array */
      store(vals, i, w, hostile_value(h, end, i > 0 ? load(vals, i - 1, w) : 0));
    }
  }
  qv_array *a = NULL;
  if (!h->give_up &&
      qv_array_new(rt, p.length, p.offset, p.null_count, p.n_buf, p.buf, 0, NULL, NULL, &a, NULL) != QV_OK)
    h->give_up = true;
  parts_free(&p);
  return a;
}

/* Buffers and children of the layout of `t` for the slots [0, p->end). */
static void build_layout(hctx *h, const qv_type *t, parts *p, int depth) {
  switch (t->id) {
    case QV_TYPE_NULL:
      p->null_count = chance(h, 2) ? -1 : p->length;
      return;
    case QV_TYPE_BOOL:
      add_validity(h, p);
      add_buffer(h, p, p->end / 8 + (p->end % 8 != 0));
      return;
    case QV_TYPE_BINARY: case QV_TYPE_STRING: case QV_TYPE_LARGE_BINARY: case QV_TYPE_LARGE_STRING: {
      const int w = t->id == QV_TYPE_LARGE_BINARY || t->id == QV_TYPE_LARGE_STRING ? 8 : 4;
      add_validity(h, p);
      int64_t data = u8(h) % 64;
      uint8_t *offs = add_buffer(h, p, p->length == 0 && chance(h, 2) ? 0 : safe_mul(wrap_add(p->end, 1) < 0 ? INT64_MAX : p->end + 1, w));
      uint8_t *bytes = add_buffer(h, p, data);
      if (bytes != NULL && chance(h, 2))
        for (int64_t i = 0; i < p->buf[2]->size; i++) bytes[i] = (uint8_t)('a' + i % 26); /* valid UTF-8, often */
      if (p->n_buf >= 2 && p->buf[1] != NULL && p->buf[1]->size > 0) fill_offsets(h, p, offs, w, data);
      return;
    }
    case QV_TYPE_BINARY_VIEW: case QV_TYPE_STRING_VIEW:
      add_validity(h, p);
      build_views(h, p);
      return;
    case QV_TYPE_LIST: case QV_TYPE_LARGE_LIST: case QV_TYPE_MAP: {
      const int w = t->id == QV_TYPE_LARGE_LIST ? 8 : 4;
      add_validity(h, p);
      uint8_t *offs = add_buffer(h, p, p->length == 0 && chance(h, 4) ? 0 : safe_mul(wrap_add(p->end, 1) < 0 ? INT64_MAX : p->end + 1, w));
      p->kid[p->n_kid++] = child(h, t, 0, u8(h) % 24, depth);
      if (p->kid[0] != NULL && p->buf[1] != NULL && p->buf[1]->size > 0) fill_offsets(h, p, offs, w, p->kid[0]->length);
      return;
    }
    case QV_TYPE_LIST_VIEW: case QV_TYPE_LARGE_LIST_VIEW: {
      const int w = t->id == QV_TYPE_LARGE_LIST_VIEW ? 8 : 4;
      add_validity(h, p);
      uint8_t *offs = add_buffer(h, p, safe_mul(p->end, w));
      uint8_t *sizes = add_buffer(h, p, safe_mul(p->end, w));
      p->kid[p->n_kid++] = child(h, t, 0, u8(h) % 24, depth);
      if (offs == NULL || sizes == NULL || p->kid[0] == NULL || p->huge) return;
      const int64_t n = p->kid[0]->length;
      for (int64_t i = 0; i < p->end; i++) {
        int64_t o = (int64_t)(r8(h) % (uint64_t)(n + 1)), s = (int64_t)(r8(h) % (uint64_t)(n - o + 1));
        if (hostile(h)) o = hostile_value(h, n, o);
        if (hostile(h)) s = hostile_value(h, wrap_add(n, (int64_t)(0 - (uint64_t)o)), s);
        store(offs, i, w, o);
        store(sizes, i, w, s);
      }
      return;
    }
    case QV_TYPE_FIXED_SIZE_LIST:
      add_validity(h, p);
      p->kid[p->n_kid++] = child(h, t, 0, safe_mul(p->end, t->list_size), depth);
      return;
    case QV_TYPE_STRUCT:
      add_validity(h, p);
      for (int32_t k = 0; k < t->n_children && !h->give_up; k++) p->kid[p->n_kid++] = child(h, t, k, p->end, depth);
      return;
    case QV_TYPE_SPARSE_UNION: case QV_TYPE_DENSE_UNION: {
      const bool dense = t->id == QV_TYPE_DENSE_UNION;
      uint8_t *ids = add_buffer(h, p, p->end);
      uint8_t *offs = dense ? add_buffer(h, p, safe_mul(p->end, 4)) : NULL;
      for (int32_t k = 0; k < t->n_children && !h->give_up; k++)
        p->kid[p->n_kid++] = child(h, t, k, dense ? u8(h) % 8 : p->end, depth);
      if (ids == NULL || p->huge || h->give_up || t->n_children == 0) return;
      for (int64_t i = 0; i < p->end; i++) {
        int32_t k = (int32_t)(r8(h) % (unsigned)t->n_children);
        ids[i] = hostile(h) ? r8(h) : (uint8_t)t->type_codes[k];
        if (dense && offs != NULL) {
          int64_t len = p->kid[k]->length, o = len > 0 ? (int64_t)(r8(h) % (uint64_t)len) : 0;
          if (len == 0 || hostile(h)) o = hostile_value(h, len, o);
          store(offs, i, 4, o);
        }
      }
      return;
    }
    case QV_TYPE_DICTIONARY: {
      const int w = t->index_type->bit_width / 8;
      add_validity(h, p);
      uint8_t *idx = add_buffer(h, p, safe_mul(p->end, w));
      p->dict = qv_fuzz_hostile_build_array(h, t->value_type, u8(h) % 8, depth + 1);
      if (p->dict != NULL && !p->huge) fill_indices(h, idx, 0, p->end, w, p->dict->length);
      return;
    }
    case QV_TYPE_RUN_END_ENCODED: {
      int64_t runs = p->length == 0 && chance(h, 2) ? 0 : 1 + u8(h) % 6;
      p->null_count = chance(h, 4) ? -1 : 0;
      p->kid[p->n_kid++] = run_ends(h, t->children[0]->type, runs, p->end);
      if (!h->give_up) p->kid[p->n_kid++] = child(h, t, 1, runs + u8(h) % 2, depth);
      return;
    }
    default: { /* fixed width: values as random bytes (NaNs, decimals past precision, ...) */
      add_validity(h, p);
      int64_t w = t->id == QV_TYPE_FIXED_SIZE_BINARY ? t->byte_width : t->bit_width / 8;
      add_buffer(h, p, safe_mul(p->end, w));
      return;
    }
  }
}

qv_array *qv_fuzz_hostile_build_array(qv_fuzz_hostile *h, qv_type *type, int64_t need, int depth) {
  if (h->give_up || type == NULL) return NULL;
  if (++h->nodes > MAX_NODES || depth > 2 * MAX_DEPTH + 2) {
    h->give_up = true;
    return NULL;
  }
  const qv_type *t = qv_type_storage(type);
  parts p;
  memset(&p, 0, sizeof p);
  p.offset = chance(h, 2) ? 0 : u8(h) % 4;
  if (need < 0) { /* the top: a short length, or one near a limit */
    switch (chance(h, 6) ? u8(h) % 6 : 6) {
      case 0: p.length = INT64_MAX - p.offset - u8(h) % 9; break;
      case 1: p.length = INT32_MAX - p.offset + 1 - u8(h) % 3; break;
      case 2: p.length = (int64_t)INT32_MAX + 1 + u8(h); break;
      case 3: p.length = INT16_MAX - p.offset + 1 - u8(h) % 3; break;
      case 4: p.length = INT64_MAX / 2 + u8(h); break;
      case 5: p.offset = INT64_MAX - 8 - u8(h) % 8; p.length = u8(h) % 8; break;
      default: p.length = u8(h) % 20; break;
    }
  } else {
    int64_t extra = chance(h, 2) ? 0 : u8(h) % 4;
    p.length = need > INT64_MAX - extra ? need : need + extra;
  }
  if (p.length > INT64_MAX - p.offset) p.offset = INT64_MAX - p.length;
  p.end = p.offset + p.length;
  p.huge = p.end > HUGE_NEED;
  if (!p.huge && need > MAX_CHILD_NEED) {
    h->give_up = true;
    return NULL;
  }
  p.null_count = -1;
  build_layout(h, t, &p, depth);
  qv_array *a = NULL;
  if (!h->give_up) {
    if (qv_array_new(type, p.length, p.offset, p.null_count, p.n_buf, p.buf, p.n_kid, p.kid, p.dict, &a, NULL) != QV_OK)
      h->give_up = true;
  }
  parts_free(&p);
  if (a != NULL && a->length > 0 && chance(h, 8)) { /* sometimes a slice of what was built */
    int64_t drop = (int64_t)(u8(h) % 4);
    int64_t keep_min = need < 0 ? 0 : need;
    qv_array *s = NULL;
    if (drop <= a->length - keep_min && qv_array_slice(a, drop, a->length - drop, &s, NULL) == QV_OK) {
      qv_array_release(a);
      a = s;
    }
  }
  return a;
}
