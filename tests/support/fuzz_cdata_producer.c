/* The C Data producer of the cdata_import fuzz target
 * (fuzz_cdata_producer.h): ArrowSchema and ArrowArray trees described by a
 * byte program.
 *
 * Schemas: formats from a menu of valid and invalid ones (or raw bytes),
 * children counts (usually what the format needs), flags, names,
 * well-formed binary metadata (extension keys included), dictionaries,
 * nesting (one menu entry is a chain of "+l" up to 70 deep, past
 * QV_CDATA_MAX_DEPTH).
 *
 * Arrays, laid out for a given (imported) type: lengths, offsets, null
 * counts, buffer and child counts, NULL buffers and children, dictionary
 * presence and buffer CONTENTS (offsets, union ids, run ends, views,
 * UTF-8...) come from the bytes, either raw or "plausible" (so that valid
 * data is reached too). C Data producers are trusted for what an importer
 * cannot check, so every buffer is allocated (with malloc, exactly, so ASan
 * sees any over-read) at least as large as the declared type, offset and
 * length imply, binary data as large as the last offset, and view data
 * buffers as large as the trailing sizes buffer says. Lengths that are
 * negative or overflow with the offset are produced (an importer must
 * reject them before touching a buffer); lengths that are merely huge are
 * not (their buffers could not be allocated, and no importer could tell).
 *
 * Release callbacks free what the producer allocated, release children and
 * dictionary first, never assume the struct's address (importers move it)
 * and count themselves in qv_fuzz_cdata.
 */
#include <stdlib.h>
#include <string.h>

#include "quiver/bitmap.h"
#include "support/fuzz_cdata_producer.h"

#define MAX_NODES 48        /* schema nodes built per input (a deep chain aside) */
#define MAX_DEPTH 5         /* ordinary nesting of the built schema */
#define MAX_BYTES (1 << 20) /* total buffer bytes per input; more skips the input */
#define PLAUSIBLE_MAX 4096  /* largest child length aimed at for valid offsets */

#define u8 qv_fuzz_u8
#define chance qv_fuzz_chance
#define G qv_fuzz_cdata

typedef qv_fuzz_prog prog;
typedef qv_fuzz_node_spec node_spec;
typedef qv_fuzz_arr_hint arr_hint;

qv_fuzz_cdata_stats qv_fuzz_cdata;

void qv_fuzz_cdata_reset(void) { memset(&qv_fuzz_cdata, 0, sizeof qv_fuzz_cdata); }

/* ------------------------------------------------------------------ */
/* ArrowSchema producer                                                 */
/* ------------------------------------------------------------------ */

typedef struct schema_priv {
  char *format, *name, *metadata;
  int64_t n_kids; /* length of the children array (n_children may differ only via NULL) */
  bool root;
} schema_priv;

static void schema_release(struct ArrowSchema *s) {
  schema_priv *p = s->private_data;
  for (int64_t i = 0; i < p->n_kids; i++) {
    struct ArrowSchema *c = s->children[i];
    if (c == NULL) continue;
    if (c->release != NULL) c->release(c);
    free(c);
  }
  free(s->children);
  if (s->dictionary != NULL) {
    if (s->dictionary->release != NULL) s->dictionary->release(s->dictionary);
    free(s->dictionary);
  }
  if (p->root) G.schema_root_releases++;
  free(p->format);
  free(p->name);
  free(p->metadata);
  free(p);
  s->release = NULL;
  G.schema_alive--;
}

static const char *const k_formats[] = {
    /* valid, no children */
    "n", "b", "c", "C", "s", "S", "i", "I", "l", "L", "e", "f", "g", "z", "Z", "u", "U", "vz", "vu",
    "d:10,2", "d:38,10", "d:5,0,32", "d:18,4,64", "d:76,38,256", "d:4,2,128", "d:3,-2", "w:0", "w:5", "w:16",
    "tdD", "tdm", "tts", "ttm", "ttu", "ttn", "tss:", "tsm:UTC", "tsu:Europe/Paris", "tsn:+01:00", "tDs", "tDm",
    "tDu", "tDn", "tiM", "tiD", "tin",
    /* valid, nested */
    "+l", "+L", "+vl", "+vL", "+w:0", "+w:1", "+w:3", "+s", "+s", "+m", "+us:", "+us:0,1", "+ud:0,1",
    "+ud:7,3,0", "+us:127", "+r",
    /* invalid */
    "", "x", "+", "+w", "+w:", "+w:-1", "d:", "d:1", "d:1,2,3", "d:39,0,32", "w:", "w:-3", "+us:128", "+ud:1,1",
    "ts", "tsx:", "+q", "ii", "tsu", "d:0,0", "+ud:a", "w:99999999999", "+w:2147483648"};
#define N_FORMATS (sizeof k_formats / sizeof k_formats[0])
#define F_RAW N_FORMATS          /* raw format bytes from the input */
#define F_DICT (N_FORMATS + 1)   /* an integer format with a dictionary */
#define F_CHAIN (N_FORMATS + 2)  /* a chain of "+l" */
#define N_CHOICES (N_FORMATS + 3)

static const char *const k_index_formats[] = {"c", "C", "s", "S", "i", "I", "l", "L", "g"};
static const char *const k_names[] = {NULL, "", "x", "item", "entries", "key", "value", "a"};
static const char *const k_keys[] = {"k", "ARROW:extension:name", "ARROW:extension:metadata", ""};
static const char *const k_ext_names[] = {"arrow.uuid", "arrow.json", "arrow.bool8", "arrow.fixed_shape_tensor",
                                          "arrow.opaque", "my.ext", ""};

static char *dup_str(const char *s) {
  if (s == NULL) return NULL;
  size_t n = strlen(s);
  char *d = malloc(n + 1);
  if (d != NULL) memcpy(d, s, n + 1);
  return d;
}

static char *raw_str(prog *gp, size_t max) {
  size_t n = u8(gp) % (max + 1);
  char *s = malloc(n + 1);
  if (s == NULL) return NULL;
  for (size_t i = 0; i < n; i++) s[i] = (char)u8(gp);
  s[n] = '\0';
  return s;
}

static void put_i32(char *p, int32_t v) { memcpy(p, &v, 4); }

/* Well-formed C Data metadata (int32 n, then int32 len + bytes per key and
 * value, native endian), or NULL. */
static char *make_metadata(prog *gp) {
  uint8_t mode = u8(gp) % 4;
  if (mode == 0 || mode == 1) return NULL;
  int32_t n = u8(gp) % 4;
  char *keys[4] = {NULL}, *vals[4] = {NULL};
  size_t total = 4;
  char *out = NULL;
  for (int32_t i = 0; i < n; i++) {
    keys[i] = dup_str(k_keys[u8(gp) % 4]);
    vals[i] = (u8(gp) & 1) ? dup_str(k_ext_names[u8(gp) % 7]) : raw_str(gp, 16);
    if (keys[i] == NULL || vals[i] == NULL) goto done;
    total += 8 + strlen(keys[i]) + strlen(vals[i]);
  }
  out = malloc(total);
  if (out == NULL) goto done;
  char *q = out;
  put_i32(q, n), q += 4;
  for (int32_t i = 0; i < n; i++) {
    int32_t kl = (int32_t)strlen(keys[i]), vl = (int32_t)strlen(vals[i]);
    put_i32(q, kl), q += 4;
    memcpy(q, keys[i], (size_t)kl), q += kl;
    put_i32(q, vl), q += 4;
    memcpy(q, vals[i], (size_t)vl), q += vl;
  }
done:
  for (int32_t i = 0; i < 4; i++) free(keys[i]), free(vals[i]);
  return out;
}

/* Children a format wants: -1 = any number. */
static int expected_kids(const char *f) {
  if (f[0] != '+') return 0;
  if (strcmp(f, "+s") == 0) return -1;
  if (strcmp(f, "+r") == 0) return 2;
  if (strncmp(f, "+u", 2) == 0) {
    const char *colon = strchr(f, ':');
    if (colon == NULL || colon[1] == '\0') return 0;
    int n = 1;
    for (const char *c = colon; *c; c++) n += *c == ',';
    return n;
  }
  return 1;
}



/* A new child node (NULL on allocation failure, with nothing leaked). */
static struct ArrowSchema *new_schema_node(prog *gp, int depth, const node_spec *sp) {
  struct ArrowSchema *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  if (!qv_fuzz_fill_schema(gp, c, depth, sp)) {
    if (c->release != NULL) c->release(c);
    free(c);
    return NULL;
  }
  return c;
}

bool qv_fuzz_fill_schema(prog *gp, struct ArrowSchema *s, int depth, const node_spec *sp) {
  memset(s, 0, sizeof *s);
  schema_priv *p = calloc(1, sizeof *p);
  if (p == NULL) return false;
  s->private_data = p;
  s->release = schema_release;
  G.schema_alive++;
  G.nodes++;

  const char *fmt = sp->format;
  int chain = sp->chain;
  bool with_dict = false, raw = false;
  if (chain > 0) {
    fmt = "+l";
  } else if (fmt == NULL) {
    unsigned choice = u8(gp) % N_CHOICES;
    if (depth >= MAX_DEPTH || G.nodes >= MAX_NODES) choice = choice % 46; /* a leaf */
    if (choice < N_FORMATS) {
      fmt = k_formats[choice];
    } else if (choice == F_DICT) {
      fmt = k_index_formats[u8(gp) % 9];
      with_dict = true;
    } else if (choice == F_CHAIN && depth == 0) {
      chain = 1 + u8(gp) % 70;
      fmt = "+l";
    } else {
      raw = true;
    }
  }
  p->format = raw ? raw_str(gp, 12) : dup_str(fmt);
  if (p->format == NULL) return false;
  s->format = p->format;
  p->name = dup_str(k_names[u8(gp) % 8]);
  s->name = p->name;
  p->metadata = chain > 0 ? NULL : make_metadata(gp);
  s->metadata = p->metadata;
  s->flags = ARROW_FLAG_NULLABLE;
  if (sp->entries || sp->non_nullable) s->flags = 0;
  else if (chance(gp, 8)) s->flags = (int64_t)u8(gp);
  if (chain == 0 && depth < MAX_DEPTH && chance(gp, 16)) with_dict = true;

  int64_t n;
  if (chain > 0) {
    n = 1;
  } else if (sp->n_kids >= 0) {
    n = sp->n_kids;
  } else {
    int want = expected_kids(s->format);
    n = want < 0 ? u8(gp) % 4 : want;
    if (chance(gp, 16)) n = u8(gp) % 4; /* a wrong count */
  }
  if (n > 0 && chance(gp, 64)) {
    s->n_children = n; /* children NULL: must be rejected */
  } else if (n > 0) {
    s->children = calloc((size_t)n, sizeof *s->children);
    if (s->children == NULL) return false;
    p->n_kids = n;
    s->n_children = n;
    for (int64_t i = 0; i < n; i++) {
      node_spec cs = {NULL, -1, 0, false, false};
      if (chain > 1) cs.chain = chain - 1;
      else if (chain == 1) cs.format = "i";
      else if (strcmp(s->format, "+m") == 0 && !chance(gp, 16)) cs = (node_spec){"+s", 2, 0, true, true};
      else if (strcmp(s->format, "+r") == 0 && i == 0 && !chance(gp, 16)) cs.format = k_index_formats[2 + 2 * (u8(gp) % 3)];
      else if (sp->entries && i == 0) cs.non_nullable = true;
      s->children[i] = new_schema_node(gp, depth + 1, &cs);
      if (s->children[i] == NULL) return false;
    }
  }
  if (with_dict) {
    node_spec ds = {NULL, -1, 0, false, false};
    s->dictionary = new_schema_node(gp, depth + 1, &ds);
    if (s->dictionary == NULL) return false;
  }
  return true;
}

/* ------------------------------------------------------------------ */
/* ArrowArray producer                                                  */
/* ------------------------------------------------------------------ */

typedef struct array_priv {
  void **bufs; /* owned, exactly the buffers array handed out */
  int64_t n_bufs;
  struct ArrowArray **kids; /* owned, entries may be NULL */
  int64_t n_kids;
  struct ArrowArray *dict;
  bool root;
} array_priv;

static void array_release(struct ArrowArray *a) {
  array_priv *p = a->private_data;
  for (int64_t i = 0; i < p->n_kids; i++) {
    struct ArrowArray *c = p->kids[i];
    if (c == NULL) continue;
    if (c->release != NULL) c->release(c);
    free(c);
  }
  free(p->kids);
  if (p->dict != NULL) {
    if (p->dict->release != NULL) p->dict->release(p->dict);
    free(p->dict);
  }
  for (int64_t i = 0; i < p->n_bufs; i++) free(p->bufs[i]);
  free(p->bufs);
  if (p->root) G.array_root_releases++;
  free(p);
  a->release = NULL;
  G.array_alive--;
}

/* Buffer roles, to fill contents. */
enum role {
  R_VALIDITY, R_VALUES, R_OFFSETS, R_DATA, R_LV_OFFSETS, R_LV_SIZES, R_TYPE_IDS, R_UNION_OFFSETS,
  R_VIEWS, R_VARIADIC, R_VAR_SIZES, R_EXTRA
};

/* Exactly `size` bytes (NULL and G.skip set past the per-input budget). */
static uint8_t *alloc_buf(int64_t size) {
  if (size < 0 || size > MAX_BYTES - G.bytes) {
    G.skip = true;
    return NULL;
  }
  G.bytes += size;
  return malloc(size > 0 ? (size_t)size : 1);
}

static void fill_raw(prog *gp, uint8_t *b, int64_t size) {
  uint8_t mode = u8(gp) % 4;
  for (int64_t i = 0; i < size; i++) b[i] = mode == 0 ? 0 : mode == 1 ? 0xFF : u8(gp);
}

static void store(uint8_t *b, int64_t i, int w, int64_t v) {
  if (w == 1) {
    int8_t x = (int8_t)v;
    memcpy(b + i, &x, 1);
  } else if (w == 2) {
    int16_t x = (int16_t)v;
    memcpy(b + 2 * i, &x, 2);
  } else if (w == 4) {
    int32_t x = (int32_t)v;
    memcpy(b + 4 * i, &x, 4);
  } else {
    memcpy(b + 8 * i, &v, 8);
  }
}

static int64_t load(const uint8_t *b, int64_t i, int w) {
  if (w == 4) {
    int32_t x;
    memcpy(&x, b + 4 * i, 4);
    return x;
  }
  int64_t x;
  memcpy(&x, b + 8 * i, 8);
  return x;
}

static int offset_width(qv_type_id id) {
  switch (id) {
    case QV_TYPE_LARGE_BINARY: case QV_TYPE_LARGE_STRING: case QV_TYPE_LARGE_LIST: case QV_TYPE_LARGE_LIST_VIEW:
      return 8;
    default:
      return 4;
  }
}

static bool is_view(qv_type_id id) { return id == QV_TYPE_BINARY_VIEW || id == QV_TYPE_STRING_VIEW; }

static int64_t bitmap_bytes(int64_t L) { return (L + 7) / 8; }

/* Layout of `st` for L = offset + length: roles and sizes of the fixed
 * buffers (binary data size 0 here: it comes from the last offset). */
static int layout(const qv_type *st, int64_t L, int *roles, int64_t *sizes) {
  int w = offset_width(st->id);
  switch (st->id) {
    case QV_TYPE_NULL:
    case QV_TYPE_RUN_END_ENCODED:
      return 0;
    case QV_TYPE_STRUCT:
    case QV_TYPE_FIXED_SIZE_LIST:
      roles[0] = R_VALIDITY, sizes[0] = bitmap_bytes(L);
      return 1;
    case QV_TYPE_BINARY: case QV_TYPE_STRING: case QV_TYPE_LARGE_BINARY: case QV_TYPE_LARGE_STRING:
      roles[0] = R_VALIDITY, sizes[0] = bitmap_bytes(L);
      roles[1] = R_OFFSETS, sizes[1] = (L + 1) * w;
      roles[2] = R_DATA, sizes[2] = 0;
      return 3;
    case QV_TYPE_LIST: case QV_TYPE_LARGE_LIST: case QV_TYPE_MAP:
      roles[0] = R_VALIDITY, sizes[0] = bitmap_bytes(L);
      roles[1] = R_OFFSETS, sizes[1] = (L + 1) * w;
      return 2;
    case QV_TYPE_LIST_VIEW: case QV_TYPE_LARGE_LIST_VIEW:
      roles[0] = R_VALIDITY, sizes[0] = bitmap_bytes(L);
      roles[1] = R_LV_OFFSETS, sizes[1] = L * w;
      roles[2] = R_LV_SIZES, sizes[2] = L * w;
      return 3;
    case QV_TYPE_BINARY_VIEW: case QV_TYPE_STRING_VIEW:
      roles[0] = R_VALIDITY, sizes[0] = bitmap_bytes(L);
      roles[1] = R_VIEWS, sizes[1] = L * QV_VIEW_SIZE;
      return 2;
    case QV_TYPE_SPARSE_UNION:
      roles[0] = R_TYPE_IDS, sizes[0] = L;
      return 1;
    case QV_TYPE_DENSE_UNION:
      roles[0] = R_TYPE_IDS, sizes[0] = L;
      roles[1] = R_UNION_OFFSETS, sizes[1] = L * 4;
      return 2;
    case QV_TYPE_BOOL:
      roles[0] = R_VALIDITY, sizes[0] = bitmap_bytes(L);
      roles[1] = R_VALUES, sizes[1] = bitmap_bytes(L);
      return 2;
    default: {
      int64_t bits = st->id == QV_TYPE_DICTIONARY ? st->index_type->bit_width : st->bit_width;
      roles[0] = R_VALIDITY, sizes[0] = bitmap_bytes(L);
      roles[1] = R_VALUES;
      sizes[1] = bits / 8 > 0 && L > INT64_MAX / (bits / 8) ? -1 : L * (bits / 8);
      return 2;
    }
  }
}


static const arr_hint k_any = {-1, false, 0};


static struct ArrowArray *new_array_node(prog *gp, const qv_type *type, int depth, const arr_hint *h) {
  struct ArrowArray *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  if (!qv_fuzz_fill_array(gp, c, type, depth, h)) {
    if (c->release != NULL) c->release(c);
    free(c);
    return NULL;
  }
  return c;
}

static int64_t small_len(prog *gp) {
  uint8_t v = u8(gp);
  return v < 200 ? v % 24 : (int64_t)(v % 8) * 64 + (v % 7);
}

/* Length of a built child (0 if absent or malformed), for plausible contents. */
static int64_t kid_len(const array_priv *p, int64_t i) {
  if (i < 0 || i >= p->n_kids || p->kids[i] == NULL) return 0;
  const struct ArrowArray *c = p->kids[i];
  if (c->length < 0 || c->offset < 0 || c->length > INT64_MAX - c->offset) return 0;
  return c->length;
}

/* Fills the contents of buffer `b` (role r) of node `a` under `st`. */
static void fill_contents(prog *gp, uint8_t *b, int64_t size, int r, const qv_type *st, const struct ArrowArray *a,
                          const array_priv *p, const arr_hint *h, int64_t L, bool plausible,
                          const int64_t *var_sizes, int64_t nvar, uint8_t *const *var_bufs) {
  int w = offset_width(st->id);
  if (!plausible || r == R_EXTRA) {
    fill_raw(gp, b, size);
    return;
  }
  switch (r) {
    case R_VALIDITY:
      for (int64_t i = 0; i < size; i++) b[i] = chance(gp, 2) ? 0xFF : u8(gp);
      break;
    case R_VALUES: {
      memset(b, 0, (size_t)size);
      int bw = st->bit_width / 8;
      if (st->id == QV_TYPE_DICTIONARY) {
        int64_t dl = p->dict != NULL && p->dict->length > 0 && p->dict->length < INT32_MAX ? p->dict->length : 0;
        bw = st->index_type->bit_width / 8;
        for (int64_t i = 0; i < L && dl > 0; i++) store(b, i, bw, u8(gp) % dl);
      } else if (h->run_ends && bw >= 2) {
        int64_t end = 0;
        for (int64_t i = 0; i < L; i++) {
          end += 1 + u8(gp) % 3;
          if (i == L - 1 && end < h->run_end_min) end = h->run_end_min;
          store(b, i, bw, end);
        }
      } else if (st->id == QV_TYPE_DATE64) {
        /* zero: whole days */
      } else if ((st->id >= QV_TYPE_DECIMAL32 && st->id <= QV_TYPE_DECIMAL256) || st->id == QV_TYPE_TIME32 ||
                 st->id == QV_TYPE_TIME64) {
        for (int64_t i = 0; bw > 0 && i < L; i++) b[i * bw] = u8(gp) % 100;
      } else {
        fill_raw(gp, b, size);
      }
      break;
    }
    case R_OFFSETS: {
      bool list = st->id == QV_TYPE_LIST || st->id == QV_TYPE_LARGE_LIST || st->id == QV_TYPE_MAP;
      int64_t bound = list ? kid_len(p, 0) : 4 * L + 8;
      int64_t o = u8(gp) % 3;
      if (o > bound) o = bound;
      for (int64_t i = 0; i <= L; i++) {
        store(b, i, w, o);
        o += u8(gp) % 4;
        if (o > bound) o = bound;
      }
      break;
    }
    case R_DATA:
    case R_VARIADIC:
      for (int64_t i = 0; i < size; i++) b[i] = (uint8_t)('a' + u8(gp) % 26);
      if (size > 0 && chance(gp, 16)) b[u8(gp) % size] = u8(gp); /* maybe invalid UTF-8 */
      break;
    case R_LV_OFFSETS:
    case R_LV_SIZES: {
      /* sizes are written with the offsets (both buffers exist when this runs for offsets) */
      int64_t cl = kid_len(p, 0);
      for (int64_t i = 0; i < L; i++) {
        int64_t off = u8(gp) % (cl + 1), sz = u8(gp) % (cl - off + 1);
        store(b, i, w, r == R_LV_OFFSETS ? off : sz);
      }
      break;
    }
    case R_TYPE_IDS:
      for (int64_t i = 0; i < L; i++)
        b[i] = st->n_children > 0 && st->type_codes != NULL ? (uint8_t)st->type_codes[u8(gp) % st->n_children] : u8(gp);
      break;
    case R_UNION_OFFSETS: {
      const uint8_t *ids = (a->n_buffers > 0 && a->buffers != NULL) ? a->buffers[0] : NULL;
      for (int64_t i = 0; i < L; i++) {
        int64_t child = (ids != NULL && st->child_index != NULL && (int8_t)ids[i] >= 0) ? st->child_index[ids[i]] : -1;
        int64_t cl = kid_len(p, child);
        store(b, i, 4, cl > 0 ? u8(gp) % cl : 0);
      }
      break;
    }
    case R_VIEWS:
      memset(b, 0, (size_t)size);
      for (int64_t i = 0; i < L; i++) {
        uint8_t *v = b + i * QV_VIEW_SIZE;
        int32_t sz = u8(gp) % 24;
        int64_t bi = nvar > 0 ? u8(gp) % nvar : -1;
        if (sz > QV_VIEW_INLINE_MAX && bi >= 0 && var_sizes[bi] > QV_VIEW_INLINE_MAX) {
          int32_t off = (int32_t)(u8(gp) % (var_sizes[bi] - QV_VIEW_INLINE_MAX));
          if (sz > var_sizes[bi] - off) sz = (int32_t)(var_sizes[bi] - off);
          int32_t idx = (int32_t)bi;
          memcpy(v, &sz, 4);
          memcpy(v + 4, var_bufs[bi] != NULL ? var_bufs[bi] + off : (const uint8_t *)"\0\0\0\0", 4);
          memcpy(v + 8, &idx, 4);
          memcpy(v + 12, &off, 4);
        } else {
          if (sz > QV_VIEW_INLINE_MAX) sz = QV_VIEW_INLINE_MAX;
          memcpy(v, &sz, 4);
          for (int32_t j = 0; j < sz; j++) v[4 + j] = (uint8_t)('a' + u8(gp) % 26);
        }
      }
      break;
    case R_VAR_SIZES:
      for (int64_t i = 0; i < nvar; i++) store(b, i, 8, var_sizes[i]);
      break;
    default:
      fill_raw(gp, b, size);
      break;
  }
}

bool qv_fuzz_fill_array(prog *gp, struct ArrowArray *a, const qv_type *type, int depth, const arr_hint *h) {
  memset(a, 0, sizeof *a);
  array_priv *p = calloc(1, sizeof *p);
  if (p == NULL) return false;
  a->private_data = p;
  a->release = array_release;
  G.array_alive++;
  const qv_type *st = qv_type_storage(type);
  bool plausible = !chance(gp, 4);

  /* Length and offset. */
  int64_t offset = chance(gp, 4) ? u8(gp) % 5 : 0;
  int64_t length = h->len >= 0 && plausible ? h->len + (chance(gp, 8) ? u8(gp) % 3 : 0) : small_len(gp);
  switch (chance(gp, 32) ? u8(gp) % 6 : 6) {
    case 0: length = -1; break;
    case 1: length = INT64_MIN; break;
    case 2: length = INT64_MIN + 1; break;
    case 3: offset = offset > 0 ? offset : 1, length = INT64_MAX - offset + 1; break; /* the sum overflows */
    case 4: offset = -1; break;
    case 5: offset = INT64_MAX, length = length > 0 ? length : 1; break; /* the sum overflows */
    default: break;
  }
  bool bad = length < 0 || offset < 0 || length > INT64_MAX - offset;
  int64_t L = bad ? 0 : offset + length;
  a->length = length;
  a->offset = offset;

  /* Children first: offsets and ids aim inside them. */
  int64_t n_kids = 0;
  switch (st->id) {
    case QV_TYPE_LIST: case QV_TYPE_LARGE_LIST: case QV_TYPE_LIST_VIEW: case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST: case QV_TYPE_STRUCT: case QV_TYPE_MAP: case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION: case QV_TYPE_RUN_END_ENCODED:
      n_kids = st->n_children;
      break;
    default:
      break;
  }
  if (depth < MAX_DEPTH && chance(gp, 32)) n_kids = u8(gp) % 3; /* a wrong count */
  if (n_kids > 0 && chance(gp, 64)) {
    a->n_children = n_kids; /* children NULL: must be rejected */
  } else if (n_kids > 0) {
    p->kids = calloc((size_t)n_kids, sizeof *p->kids);
    if (p->kids == NULL) return false;
    p->n_kids = n_kids;
    for (int64_t i = 0; i < n_kids; i++) {
      const qv_type *kt = i < st->n_children ? st->children[i]->type : qv_type_int32();
      arr_hint kh = k_any;
      if (st->id == QV_TYPE_STRUCT || st->id == QV_TYPE_SPARSE_UNION) kh.len = L;
      if (st->id == QV_TYPE_FIXED_SIZE_LIST && st->list_size >= 0 && L <= PLAUSIBLE_MAX &&
          (int64_t)st->list_size * L <= PLAUSIBLE_MAX)
        kh.len = (int64_t)st->list_size * L;
      if (st->id == QV_TYPE_RUN_END_ENCODED && i == 0) kh.run_ends = true, kh.run_end_min = L;
      if (st->id == QV_TYPE_RUN_END_ENCODED && i == 1) kh.len = kid_len(p, 0);
      if (chance(gp, 64)) continue; /* a NULL child pointer */
      p->kids[i] = new_array_node(gp, kt, depth + 1, &kh);
      if (p->kids[i] == NULL) return false;
    }
    a->n_children = n_kids;
    a->children = p->kids;
  }

  /* Dictionary. */
  bool dict = st->id == QV_TYPE_DICTIONARY;
  if (depth < MAX_DEPTH && chance(gp, 32)) dict = !dict;
  if (dict) {
    p->dict = new_array_node(gp, st->id == QV_TYPE_DICTIONARY ? st->value_type : qv_type_int32(), depth + 1, &k_any);
    if (p->dict == NULL) return false;
    a->dictionary = p->dict;
  }

  /* Buffers. */
  int roles[3];
  int64_t sizes[3];
  int fixed = layout(st, L, roles, sizes);
  int64_t n_bufs = is_view(st->id) ? 2 + (u8(gp) % 4) + 1 : fixed;
  if (chance(gp, 32)) n_bufs = u8(gp) % 6;
  int64_t nvar = is_view(st->id) && n_bufs >= 3 ? n_bufs - 3 : 0;
  const uint8_t *validity_buf = NULL; /* buffer 0 when allocated as a bitmap of L bits */
  int64_t var_sizes[8] = {0};
  uint8_t *var_bufs[8] = {NULL};
  if (n_bufs > 0) {
    p->bufs = calloc((size_t)n_bufs, sizeof *p->bufs);
    if (p->bufs == NULL) return false;
    p->n_bufs = n_bufs;
    a->buffers = (const void **)p->bufs;
    a->n_buffers = n_bufs;
  }
  /* View data buffers first: the views point into them. */
  for (int64_t j = 0; j < nvar; j++) {
    var_sizes[j] = u8(gp) % 64;
    if (chance(gp, 16)) continue; /* NULL data buffer */
    p->bufs[2 + j] = var_bufs[j] = alloc_buf(var_sizes[j]);
    if (var_bufs[j] == NULL) return G.skip; /* over budget: stop building, skip the input */
    fill_contents(gp, var_bufs[j], var_sizes[j], R_VARIADIC, st, a, p, h, L, plausible, NULL, 0, NULL);
  }
  if (nvar > 0 && chance(gp, 32)) var_sizes[u8(gp) % nvar] = -1 - u8(gp); /* a negative declared size */
  for (int64_t i = 0; i < n_bufs; i++) {
    if (is_view(st->id) && i >= 2 && i < 2 + nvar) continue;
    int r = R_EXTRA;
    int64_t size = u8(gp) % 16;
    if (is_view(st->id) && n_bufs >= 3 && i == n_bufs - 1) r = R_VAR_SIZES, size = nvar * 8;
    else if (i < fixed && (is_view(st->id) || n_bufs == fixed)) r = roles[i], size = sizes[i];
    if (bad) r = R_EXTRA, size = 8;
    if (r == R_DATA) {
      /* as long as the last offset says (producer-trusted) */
      int w = offset_width(st->id);
      uint8_t *offs = p->bufs[1];
      int64_t last = offs != NULL ? load(offs, L, w) : 0;
      if (last > 4 * PLAUSIBLE_MAX) {
        last = u8(gp) % 64;
        store(offs, L, w, last);
      }
      size = last > 0 ? last : 0;
    }
    if (r != R_VAR_SIZES && r != R_VALIDITY && chance(gp, 24)) continue; /* a NULL buffer */
    if (r == R_VALIDITY && chance(gp, 3)) continue; /* absent bitmap */
    if (size < 0) {
      G.skip = true;
      return true;
    }
    p->bufs[i] = alloc_buf(size);
    if (p->bufs[i] == NULL) return G.skip;
    if (i == 0 && r == R_VALIDITY) validity_buf = p->bufs[0];
    fill_contents(gp, p->bufs[i], size, r, st, a, p, h, L, plausible, var_sizes, nvar, var_bufs);
    if (r == R_LV_SIZES && plausible && p->bufs[1] != NULL) {
      /* keep offset + size inside the child, slot by slot */
      int w = offset_width(st->id);
      int64_t cl = kid_len(p, 0);
      for (int64_t k = 0; k < L; k++) {
        int64_t off = load(p->bufs[1], k, w), sz = load(p->bufs[i], k, w);
        if (off >= 0 && off <= cl && sz > cl - off) store(p->bufs[i], k, w, cl - off);
      }
    }
  }

  /* Null count. */
  const uint8_t *validity = validity_buf;
  switch (u8(gp) % 6) {
    case 0: a->null_count = -1; break;
    case 1: a->null_count = 0; break;
    case 4: a->null_count = bad ? 0 : u8(gp) % (length + 2); break;
    case 5: a->null_count = length; break;
    default:
      if (st->id == QV_TYPE_NULL) a->null_count = length;
      else if (bad || validity == NULL || !qv_type_has_validity(st)) a->null_count = 0;
      else a->null_count = length - qv_bitmap_count_set(validity, offset, length);
      break;
  }
  return true;
}


void qv_fuzz_schema_set_root(struct ArrowSchema *s) {
  if (s->private_data != NULL) ((schema_priv *)s->private_data)->root = true;
}

void qv_fuzz_array_set_root(struct ArrowArray *a) {
  if (a->private_data != NULL) ((array_priv *)a->private_data)->root = true;
}
