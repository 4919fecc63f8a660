/* quiver core: the physical layout of every storage type, in one table.
 *
 * Every module that walks an array's buffers or children (the IPC loader and
 * writer, C Data import, the JSON reader, validation, the null-array maker,
 * the accessors) asks this table what an array of a type is made of, instead
 * of restating it in a switch over type ids:
 *   - which buffers it has, in C Data Interface order, and for each one its
 *     role, element width, the alignment typed loads need and how its bytes
 *     are swapped when they come from a big-endian producer;
 *   - where its nulls live (a bitmap, nowhere, or in the children);
 *   - how many children it has and how a window of the parent maps onto a
 *     window of each child (the same slots, a range found through offsets,
 *     a multiple of the list size, the whole child, or through run ends);
 *   - whether it carries a dictionary.
 * A switch over type ids stays right where the *logical* type matters
 * (formatting, decimals, the run-end integer type), and says so.
 *
 * The table is static and constant; qv__layout_of costs one storage walk and
 * one index. Widths that depend on type parameters (fixed_size_binary's byte
 * width, a dictionary's index width) are stored as QV__WIDTH_OF_TYPE and
 * resolved by qv__layout_width.
 */
#ifndef QUIVER_CORE_LAYOUT_H
#define QUIVER_CORE_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/type.h"

/* The most fixed buffers a layout has (views add variadic ones after). */
#define QV__LAYOUT_MAX_BUFFERS 3

/* Element width resolved from the type's parameters (see qv__layout_width). */
#define QV__WIDTH_OF_TYPE (-1)

/* What a buffer holds. Its minimum size for `length` slots follows from the
 * role (qv__layout_min_bytes). */
typedef enum qv__buffer_role {
  QV__BUF_VALIDITY = 0,  /* 1 bit per slot; absent (NULL) when there are no nulls */
  QV__BUF_BITS,          /* boolean values, 1 bit per slot */
  QV__BUF_VALUES,        /* `width` bytes per slot: fixed-width values, dictionary indices */
  QV__BUF_OFFSETS,       /* length + 1 offsets of `width` bytes into the data buffer or the child */
  QV__BUF_DATA,          /* bytes addressed by the offsets: no size of its own */
  QV__BUF_VIEWS,         /* one 16-byte view per slot; variadic data buffers follow the layout */
  QV__BUF_LIST_OFFSETS,  /* list-view: per slot, where its range starts in the child */
  QV__BUF_LIST_SIZES,    /* list-view: per slot, how long its range is */
  QV__BUF_TYPE_IDS,      /* union: the int8 type code of each slot */
  QV__BUF_UNION_OFFSETS  /* dense union: per slot, the int32 slot in the selected child */
} qv__buffer_role;

/* How a buffer from a producer of the other byte order is made native. */
typedef enum qv__swap {
  QV__SWAP_NONE = 0,         /* bytes: bitmaps, data, int8, fixed_size_binary */
  QV__SWAP_ELEMENT,          /* each element is one integer of `width` bytes (2..32) */
  QV__SWAP_DAY_TIME,         /* interval_day_time: two int32 per element */
  QV__SWAP_MONTH_DAY_NANO,   /* interval_month_day_nano: int32, int32, int64 */
  QV__SWAP_VIEW              /* views: int32 size; inline bytes stay, else int32 buffer index and offset */
} qv__swap;

/* Where an array's nulls live. */
typedef enum qv__nulls {
  QV__NULLS_BITMAP = 0, /* buffer 0 is a validity bitmap */
  QV__NULLS_ALL,        /* the null type: every slot is null, there are no buffers */
  QV__NULLS_IN_CHILDREN /* unions and run-end encoded: no bitmap, null_count is 0 */
} qv__nulls;

/* How many children an array of the layout has. */
typedef enum qv__child_arity {
  QV__CHILDREN_NONE = 0,
  QV__CHILDREN_ONE,     /* list-likes, map ("entries"), fixed_size_list */
  QV__CHILDREN_OF_TYPE, /* struct and unions: one per child field */
  QV__CHILDREN_TWO      /* run-end encoded: run_ends, values */
} qv__child_arity;

/* How the parent's window [offset, offset + length) maps onto its children. */
typedef enum qv__child_window {
  QV__WINDOW_NONE = 0,       /* no children */
  QV__WINDOW_SAME,           /* struct, sparse union: the same slots of every child */
  QV__WINDOW_OFFSETS,        /* list, large_list, map: child range [offsets[off], offsets[off + len]) */
  QV__WINDOW_LIST_SIZE,      /* fixed_size_list: slots times list_size */
  QV__WINDOW_PER_SLOT,       /* list views: each slot's own (offset, size); the child is used whole */
  QV__WINDOW_UNION_OFFSETS,  /* dense union: each slot's offset into its child; children used whole */
  QV__WINDOW_RUN_ENDS        /* run-end encoded: the runs that cover the window */
} qv__child_window;

/* One buffer of a layout. */
typedef struct qv__buffer_layout {
  qv__buffer_role role;
  const char *name; /* how messages name it: "validity", "values", "offsets", "type ids", ... */
  int32_t width;    /* bytes per element; 0 for bitmaps and data; QV__WIDTH_OF_TYPE */
  int32_t align;    /* alignment typed loads of it need; 0: the natural one of `width` */
  qv__swap swap;
} qv__buffer_layout;

/* The physical layout of one storage type. */
typedef struct qv__layout {
  qv__nulls nulls;
  int32_t n_buffers; /* fixed buffers; views have 2 plus any number of variadic data buffers */
  qv__buffer_layout buffers[QV__LAYOUT_MAX_BUFFERS];
  bool variadic;     /* views: data buffers (bytes, no swap) follow the fixed ones */
  qv__child_arity arity;
  qv__child_window window;
  bool dictionary;   /* array->dictionary holds the values (of type->value_type) */
} qv__layout;

/* The table, indexed by storage type id (core/layout.c). */
extern const qv__layout qv__layouts[QV_TYPE_ID_COUNT];

/* The layout of a storage type id (not QV_TYPE_EXTENSION, whose layout is
 * its storage's); ids out of range read as the null layout. Widths marked
 * QV__WIDTH_OF_TYPE still need the type. Inline, like qv__layout_of: array
 * construction, loading and validation ask it several times per array. */
static inline const qv__layout *qv__layout_of_id(qv_type_id id) {
  return (unsigned)id < QV_TYPE_ID_COUNT ? &qv__layouts[id] : &qv__layouts[QV_TYPE_NULL];
}

/* The layout of the storage type of `type` (extension -> storage). Never
 * NULL: a NULL type reads as the null layout. */
static inline const qv__layout *qv__layout_of(const qv_type *type) {
  while (type != NULL && type->id == QV_TYPE_EXTENSION) type = type->storage_type;
  return type == NULL ? &qv__layouts[QV_TYPE_NULL] : qv__layout_of_id(type->id);
}

/* Bytes per element of buffer `b` of the layout of `storage` (a storage
 * type, as qv_type_storage returns): the table's width, or the type's for
 * QV__WIDTH_OF_TYPE. */
int32_t qv__layout_width(const qv__buffer_layout *b, const qv_type *storage);

/* Alignment typed loads of buffer `b` need, given its resolved width: the
 * table's, or the natural alignment of the width (a power of two up to 8;
 * 1 for other widths). */
int32_t qv__layout_align(const qv__buffer_layout *b, int32_t width);

/* Children an array of `storage` must have. */
static inline int32_t qv__layout_num_children(const qv__layout *layout, const qv_type *storage) {
  switch (layout->arity) {
    case QV__CHILDREN_ONE: return 1;
    case QV__CHILDREN_TWO: return 2;
    case QV__CHILDREN_OF_TYPE: return storage->n_children;
    default: return 0;
  }
}

/* Least size in bytes buffer `b` (elements of `width` bytes) must have for
 * `slots` slots: bitmaps ceil(slots / 8), offsets (slots + 1) * width, data
 * 0, the others slots * width. False when that overflows int64. */
bool qv__layout_min_bytes(const qv__buffer_layout *b, int32_t width, int64_t slots, int64_t *out);

/* Copies n bytes from src to dst swapping each element as `swap` says
 * (`width` is the element width for QV__SWAP_ELEMENT); a trailing partial
 * element is left unwritten. QV__SWAP_NONE is a plain copy. */
void qv__layout_swap_copy(uint8_t *dst, const uint8_t *src, int64_t n, qv__swap swap, int32_t width);

/* The swap rule of buffer `b` with elements of `width` bytes: none for
 * one-byte elements, whose bytes need no reordering. */
static inline qv__swap qv__layout_swap(const qv__buffer_layout *b, int32_t width) {
  return (b->swap == QV__SWAP_ELEMENT && width <= 1) ? QV__SWAP_NONE : b->swap;
}

/* True when buffer `b`'s role puts one element per slot (values, views,
 * list-view offsets and sizes, type ids, union offsets). */
static inline bool qv__layout_per_slot(const qv__buffer_layout *b) {
  return b->role == QV__BUF_VALUES || b->role == QV__BUF_VIEWS || b->role == QV__BUF_LIST_OFFSETS ||
         b->role == QV__BUF_LIST_SIZES || b->role == QV__BUF_TYPE_IDS || b->role == QV__BUF_UNION_OFFSETS;
}

#endif
