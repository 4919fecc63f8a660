/* quiver core: the layout table (layout.h) and the few computations on it.
 *
 * One entry per type id, written out with designated initialisers so each
 * entry reads as the layout it describes. The order of `buffers` is the C
 * Data Interface order, which is also the IPC order. The extension id has no
 * entry of its own: qv__layout_of resolves an extension to its storage.
 * tests/core/test_layout.c checks every entry against the type's own
 * parameters (bit widths) and the public layout queries.
 */
#include "core/layout.h"

#include <string.h>

#include "quiver/array.h"
#include "quiver/bitmap.h"

/* Buffer shorthands. */
#define VALIDITY {QV__BUF_VALIDITY, "validity", 0, 1, QV__SWAP_NONE}
#define VALUES(w) {QV__BUF_VALUES, "values", (w), 0, QV__SWAP_ELEMENT}
#define VALUES_AS(w, swap) {QV__BUF_VALUES, "values", (w), 0, (swap)}
#define OFFSETS(w) {QV__BUF_OFFSETS, "offsets", (w), (w), QV__SWAP_ELEMENT}
#define DATA {QV__BUF_DATA, "data", 0, 1, QV__SWAP_NONE}

/* A layout with a bitmap and one values buffer of `w` bytes. */
#define FIXED(w) {.nulls = QV__NULLS_BITMAP, .n_buffers = 2, .buffers = {VALIDITY, VALUES(w)}}
#define FIXED_AS(w, swap) {.nulls = QV__NULLS_BITMAP, .n_buffers = 2, .buffers = {VALIDITY, VALUES_AS(w, swap)}}
#define BINARY(w) {.nulls = QV__NULLS_BITMAP, .n_buffers = 3, .buffers = {VALIDITY, OFFSETS(w), DATA}}
#define VIEW                                                                                         \
  {.nulls = QV__NULLS_BITMAP,                                                                        \
   .n_buffers = 2,                                                                                   \
   .buffers = {VALIDITY, {QV__BUF_VIEWS, "views", QV_VIEW_SIZE, 4, QV__SWAP_VIEW}},                  \
   .variadic = true}
#define LIST(w)                                                                                      \
  {.nulls = QV__NULLS_BITMAP,                                                                        \
   .n_buffers = 2,                                                                                   \
   .buffers = {VALIDITY, OFFSETS(w)},                                                                \
   .arity = QV__CHILDREN_ONE,                                                                        \
   .window = QV__WINDOW_OFFSETS}
#define LIST_VIEW(w)                                                                                 \
  {.nulls = QV__NULLS_BITMAP,                                                                        \
   .n_buffers = 3,                                                                                   \
   .buffers = {VALIDITY,                                                                             \
               {QV__BUF_LIST_OFFSETS, "offsets", (w), (w), QV__SWAP_ELEMENT},                        \
               {QV__BUF_LIST_SIZES, "sizes", (w), (w), QV__SWAP_ELEMENT}},                           \
   .arity = QV__CHILDREN_ONE,                                                                        \
   .window = QV__WINDOW_PER_SLOT}
#define TYPE_IDS {QV__BUF_TYPE_IDS, "type ids", 1, 1, QV__SWAP_NONE}

const qv__layout qv__layouts[QV_TYPE_ID_COUNT] = {
    [QV_TYPE_NULL] = {.nulls = QV__NULLS_ALL},
    [QV_TYPE_BOOL] = {.nulls = QV__NULLS_BITMAP,
                      .n_buffers = 2,
                      .buffers = {VALIDITY, {QV__BUF_BITS, "values", 0, 1, QV__SWAP_NONE}}},
    [QV_TYPE_INT8] = FIXED(1),
    [QV_TYPE_INT16] = FIXED(2),
    [QV_TYPE_INT32] = FIXED(4),
    [QV_TYPE_INT64] = FIXED(8),
    [QV_TYPE_UINT8] = FIXED(1),
    [QV_TYPE_UINT16] = FIXED(2),
    [QV_TYPE_UINT32] = FIXED(4),
    [QV_TYPE_UINT64] = FIXED(8),
    [QV_TYPE_FLOAT16] = FIXED(2),
    [QV_TYPE_FLOAT32] = FIXED(4),
    [QV_TYPE_FLOAT64] = FIXED(8),
    [QV_TYPE_DECIMAL32] = FIXED(4),
    [QV_TYPE_DECIMAL64] = FIXED(8),
    [QV_TYPE_DECIMAL128] = FIXED(16),
    [QV_TYPE_DECIMAL256] = FIXED(32),
    [QV_TYPE_DATE32] = FIXED(4),
    [QV_TYPE_DATE64] = FIXED(8),
    [QV_TYPE_TIME32] = FIXED(4),
    [QV_TYPE_TIME64] = FIXED(8),
    [QV_TYPE_TIMESTAMP] = FIXED(8),
    [QV_TYPE_DURATION] = FIXED(8),
    [QV_TYPE_INTERVAL_MONTHS] = FIXED(4),
    [QV_TYPE_INTERVAL_DAY_TIME] = FIXED_AS(8, QV__SWAP_DAY_TIME),
    [QV_TYPE_INTERVAL_MONTH_DAY_NANO] = FIXED_AS(16, QV__SWAP_MONTH_DAY_NANO),
    [QV_TYPE_BINARY] = BINARY(4),
    [QV_TYPE_STRING] = BINARY(4),
    [QV_TYPE_LARGE_BINARY] = BINARY(8),
    [QV_TYPE_LARGE_STRING] = BINARY(8),
    [QV_TYPE_BINARY_VIEW] = VIEW,
    [QV_TYPE_STRING_VIEW] = VIEW,
    /* Opaque bytes: never swapped, but aligned like any value of its width. */
    [QV_TYPE_FIXED_SIZE_BINARY] = FIXED_AS(QV__WIDTH_OF_TYPE, QV__SWAP_NONE),
    [QV_TYPE_LIST] = LIST(4),
    [QV_TYPE_LARGE_LIST] = LIST(8),
    [QV_TYPE_LIST_VIEW] = LIST_VIEW(4),
    [QV_TYPE_LARGE_LIST_VIEW] = LIST_VIEW(8),
    [QV_TYPE_FIXED_SIZE_LIST] = {.nulls = QV__NULLS_BITMAP,
                                 .n_buffers = 1,
                                 .buffers = {VALIDITY},
                                 .arity = QV__CHILDREN_ONE,
                                 .window = QV__WINDOW_LIST_SIZE},
    [QV_TYPE_STRUCT] = {.nulls = QV__NULLS_BITMAP,
                        .n_buffers = 1,
                        .buffers = {VALIDITY},
                        .arity = QV__CHILDREN_OF_TYPE,
                        .window = QV__WINDOW_SAME},
    [QV_TYPE_MAP] = LIST(4),
    [QV_TYPE_SPARSE_UNION] = {.nulls = QV__NULLS_IN_CHILDREN,
                              .n_buffers = 1,
                              .buffers = {TYPE_IDS},
                              .arity = QV__CHILDREN_OF_TYPE,
                              .window = QV__WINDOW_SAME},
    [QV_TYPE_DENSE_UNION] = {.nulls = QV__NULLS_IN_CHILDREN,
                             .n_buffers = 2,
                             .buffers = {TYPE_IDS, {QV__BUF_UNION_OFFSETS, "offsets", 4, 4, QV__SWAP_ELEMENT}},
                             .arity = QV__CHILDREN_OF_TYPE,
                             .window = QV__WINDOW_UNION_OFFSETS},
    [QV_TYPE_DICTIONARY] = {.nulls = QV__NULLS_BITMAP,
                            .n_buffers = 2,
                            .buffers = {VALIDITY, {QV__BUF_VALUES, "indices", QV__WIDTH_OF_TYPE, 0, QV__SWAP_ELEMENT}},
                            .dictionary = true},
    [QV_TYPE_RUN_END_ENCODED] = {.nulls = QV__NULLS_IN_CHILDREN,
                                 .arity = QV__CHILDREN_TWO,
                                 .window = QV__WINDOW_RUN_ENDS},
    /* Never looked up: qv__layout_of resolves extensions to their storage. */
    [QV_TYPE_EXTENSION] = {.nulls = QV__NULLS_ALL},
};

int32_t qv__layout_width(const qv__buffer_layout *b, const qv_type *storage) {
  if (b->width != QV__WIDTH_OF_TYPE) return b->width;
  if (storage->id == QV_TYPE_DICTIONARY) return storage->index_type ? storage->index_type->bit_width / 8 : 0;
  return storage->byte_width; /* fixed_size_binary */
}

int32_t qv__layout_align(const qv__buffer_layout *b, int32_t width) {
  if (b->align > 0) return b->align;
  if (width <= 0 || (width & (width - 1)) != 0) return 1;
  return width < 8 ? width : 8;
}

bool qv__layout_min_bytes(const qv__buffer_layout *b, int32_t width, int64_t slots, int64_t *out) {
  switch (b->role) {
    case QV__BUF_VALIDITY:
    case QV__BUF_BITS:
      *out = qv_bitmap_bytes(slots);
      return true;
    case QV__BUF_DATA:
      *out = 0;
      return true;
    case QV__BUF_OFFSETS: {
      int64_t n;
      return !__builtin_add_overflow(slots, 1, &n) && !__builtin_mul_overflow(n, (int64_t)width, out);
    }
    default:
      return !__builtin_mul_overflow(slots, (int64_t)width, out);
  }
}

/* Reverses the bytes of each `w`-byte element of [src, src + n). */
static void reverse_elements(uint8_t *dst, const uint8_t *src, int64_t n, int32_t w) {
  switch (w) {
    case 2:
      for (int64_t i = 0; i + 2 <= n; i += 2) {
        uint16_t v;
        memcpy(&v, src + i, 2);
        v = __builtin_bswap16(v);
        memcpy(dst + i, &v, 2);
      }
      return;
    case 4:
      for (int64_t i = 0; i + 4 <= n; i += 4) {
        uint32_t v;
        memcpy(&v, src + i, 4);
        v = __builtin_bswap32(v);
        memcpy(dst + i, &v, 4);
      }
      return;
    case 8:
      for (int64_t i = 0; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, src + i, 8);
        v = __builtin_bswap64(v);
        memcpy(dst + i, &v, 8);
      }
      return;
    default:
      if (w <= 1) {
        memcpy(dst, src, (size_t)n);
        return;
      }
      for (int64_t i = 0; i + w <= n; i += w)
        for (int32_t j = 0; j < w; j++) dst[i + j] = src[i + w - 1 - j];
  }
}

void qv__layout_swap_copy(uint8_t *dst, const uint8_t *src, int64_t n, qv__swap swap, int32_t width) {
  switch (swap) {
    case QV__SWAP_ELEMENT:
      reverse_elements(dst, src, n, width);
      return;
    case QV__SWAP_DAY_TIME:
      reverse_elements(dst, src, n, 4);
      return;
    case QV__SWAP_MONTH_DAY_NANO:
      for (int64_t i = 0; i + 16 <= n; i += 16) {
        reverse_elements(dst + i, src + i, 8, 4);
        reverse_elements(dst + i + 8, src + i + 8, 8, 8);
      }
      return;
    case QV__SWAP_VIEW:
      for (int64_t i = 0; i + QV_VIEW_SIZE <= n; i += QV_VIEW_SIZE) {
        int32_t len;
        reverse_elements(dst + i, src + i, 4, 4);
        memcpy(&len, dst + i, 4);
        memcpy(dst + i + 4, src + i + 4, 4); /* inline bytes or prefix: bytes either way */
        if (len > QV_VIEW_INLINE_MAX)
          reverse_elements(dst + i + 8, src + i + 8, 8, 4);
        else
          memcpy(dst + i + 8, src + i + 8, 8);
      }
      return;
    default:
      memcpy(dst, src, (size_t)n);
  }
}
