/* quiver IPC: the array loader (RecordBatch body -> qv_arrays).
 *
 * The body is untrusted. Invariants kept here (docs/robustness.md, classes 15-21, 26, 27):
 *   - every FieldNode and Buffer is taken through a cursor that fails
 *     cleanly when the header runs out, and qv__body_loader_finish rejects
 *     leftovers, so the counts match the schema exactly;
 *   - a buffer is used only if 0 <= offset, 0 <= length and offset + length
 *     <= body length (checked without overflow), and only if it holds what
 *     the layout needs for the node's length (checked multiplication);
 *   - a buffer whose address is not aligned for its element type is copied
 *     into an aligned buffer: no misaligned typed load ever happens later;
 *   - a validity bitmap is dropped when null_count is 0 and required when
 *     it is not; big-endian bodies are byte-swapped into fresh buffers;
 *   - nothing is allocated from an unchecked length: compressed buffers go
 *     through qv__codec_decompress, which checks the per-message budget.
 * Otherwise buffers are views of the body (zero-copy). Content checks
 * (offsets monotonic, UTF-8, union codes...) are validate/'s job.
 */
#include "ipc/body.h"

#include <stdio.h>

#include "core/internal.h"
#include "core/layout.h"
#include "core/view_block.h"

/* 16 zero bytes: the offsets buffer of an empty binary/list array whose
 * writer sent none (older arrow-rs did). */
static uint8_t k_zero16[16];
static qv_buffer k_zero_offsets = {k_zero16, 16, 16, -1, QV__BUFFER_STATIC, NULL, NULL, NULL, NULL};

qv_buffer *qv__body_zero_offsets(void) { return &k_zero_offsets; }

void qv__body_loader_init(qv_body_loader *l, const qv_ipc_batch_header *h, qv_buffer *body, int64_t body_length,
                         const qv_ipc_schema_info *schema, const qv_dict_memo *memo, qv_codec_ctx *codec_ctx,
                         int64_t budget, bool v4_unions) {
  /* Field by field: path[] (most of the struct) is written before it is read. */
  l->views = NULL;
  l->array_bytes = 0;
  l->arena = NULL;
  l->arena_tried = false;
  l->node_i = l->buffer_i = l->variadic_i = 0;
  l->dict_i = 0;
  l->depth = 0;
  l->header = h;
  l->body = body;
  l->body_length = body_length;
  l->schema = schema;
  l->memo = memo;
  l->codec_ctx = codec_ctx;
  l->budget = budget;
  l->v4_unions = v4_unions;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  l->swap = schema && !schema->big_endian;
#else
  l->swap = schema && schema->big_endian;
#endif
}

void qv__body_loader_free(qv_body_loader *l) {
  qv__view_block_release(l->views);
  l->views = NULL;
  qv__view_block_release(l->arena);
  l->arena = NULL;
}

/* A new block for the next views (cap of them) over the body; the first
 * block also gets the arena for the arrays' structs. */
static qv_status new_view_block(qv_body_loader *l, int32_t cap, qv_error *err) {
  bool with_arena = !l->arena_tried && l->array_bytes > 0;
  QV_RETURN_IF_ERROR(qv__view_block_new(l->body, cap, with_arena ? l->array_bytes : 0, &l->views, err));
  if (with_arena) {
    l->arena = qv__view_block_retain(l->views);
    l->arena_tried = true;
  }
  return QV_OK;
}

/* The block to place the next array's struct in (NULL: allocate alone).
 * A body without views (compressed, or empty) gets an arena-only block
 * that holds no reference to the body. */
static qv__view_block *arena_for_arrays(qv_body_loader *l) {
  if (l->arena == NULL && !l->arena_tried && l->array_bytes > 0) {
    l->arena_tried = true;
    if (qv__view_block_new(NULL, 0, l->array_bytes, &l->arena, NULL) != QV_OK) l->arena = NULL;
  }
  return l->arena;
}

static qv_status load_error(qv_body_loader *l, qv_status code, qv_error *err, const char *fmt, ...) QV_PRINTF(4, 5);
/* Appends the current field path ("a.b.item") to sb. */
static void append_path(const qv_body_loader *l, qv_strbuf *sb) {
  for (int i = 0; i < l->depth; i++) {
    if (i) qv__strbuf_appendc(sb, '.');
    qv__strbuf_append(sb, l->path[i] ? l->path[i] : "");
  }
}

static qv_status load_error(qv_body_loader *l, qv_status code, qv_error *err, const char *fmt, ...) {
  if (err == NULL) return code;
  qv_strbuf sb;
  char text[QV_ERROR_MESSAGE_MAX];
  qv__strbuf_init_fixed(&sb, text, sizeof text);
  qv__strbuf_append(&sb, "field '");
  append_path(l, &sb);
  qv__strbuf_append(&sb, "': ");
  va_list ap;
  va_start(ap, fmt);
  qv__strbuf_appendv(&sb, fmt, ap);
  va_end(ap);
  return qv_error_set(err, code, "%s", text);
}

/* Prefixes an error a callee set with the field path. */
static void path_prefix(const qv_body_loader *l, qv_error *err) {
  if (err == NULL) return;
  char text[512];
  qv_strbuf sb;
  qv__strbuf_init_fixed(&sb, text, sizeof text);
  append_path(l, &sb);
  qv_error_prefix(err, "field '%s': ", text);
}

int32_t qv__body_dict_slots(const qv_type *type) {
  const qv_type *s = qv__storage(type);
  int32_t n = 0;
  if (s->id == QV_TYPE_DICTIONARY) {
    n = 1;
    s = qv__storage(s->value_type);
  }
  for (int32_t i = 0; i < s->n_children; i++) n += qv__body_dict_slots(s->children[i]->type);
  return n;
}

static qv_status next_node(qv_body_loader *l, qv_ipc_field_node *node, qv_error *err) {
  if (l->node_i >= l->header->n_nodes)
    return load_error(l, QV_ERR_INVALID_DATA, err,
                      "ran out of field nodes: the schema needs more than the %u the RecordBatch has",
                      l->header->n_nodes);
  *node = qv_ipc_batch_node(l->header, l->node_i++);
  if (node->length < 0 || node->null_count < 0 || node->null_count > node->length)
    return load_error(l, QV_ERR_INVALID_DATA, err, "field node %u has length %lld and null_count %lld",
                      l->node_i - 1, (long long)node->length, (long long)node->null_count);
  return QV_OK;
}

/* Views per block (72 bytes each). */
#define VIEW_BLOCK 256

/* Takes the next Buffer. `need` is the minimum size in bytes the layout
 * requires (0: may be empty, *out NULL then), `align` the alignment typed
 * loads need, `swap` how to byte-swap big-endian data (elements of `width`
 * bytes). */
static qv_status next_buffer(qv_body_loader *l, const char *what, int64_t need, int32_t align, qv__swap swap,
                             int32_t width, qv_buffer **out, qv_error *err) {
  *out = NULL;
  const qv_ipc_batch_header *h = l->header;
  if (l->buffer_i >= h->n_buffers)
    return load_error(l, QV_ERR_INVALID_DATA, err,
                      "ran out of buffers: the schema needs more than the %u the RecordBatch has", h->n_buffers);
  uint32_t bi = l->buffer_i++;
  qv_ipc_buffer_loc loc = qv_ipc_batch_buffer(h, bi);
  int64_t end;
  if (loc.offset < 0 || loc.length < 0 || qv__add_overflow_i64(loc.offset, loc.length, &end) ||
      end > l->body_length)
    return load_error(l, QV_ERR_INVALID_DATA, err,
                      "%s buffer (#%u) at offset %lld, length %lld lies outside the %lld-byte body", what, bi,
                      (long long)loc.offset, (long long)loc.length, (long long)l->body_length);
  qv_buffer *buf = NULL;
  qv_status st = QV_OK;
  if (loc.length == 0) {
    /* empty */
  } else if (h->codec != QV_IPC_NO_COMPRESSION) {
    char label[96];
    snprintf(label, sizeof label, "%s buffer (#%u)", what, bi);
    st = qv__codec_decompress(l->codec_ctx, h->codec, l->body, loc.offset, loc.length, &l->budget, label, &buf, err);
    if (st != QV_OK) {
      path_prefix(l, err);
      return st;
    }
  } else {
    /* The views of this body come in blocks of up to VIEW_BLOCK (one
     * allocation each, small enough to stay off mmap). */
    if (l->views == NULL || qv__view_block_full(l->views)) {
      uint32_t left = h->n_buffers - bi;
      qv__view_block_release(l->views);
      l->views = NULL;
      QV_RETURN_IF_ERROR(new_view_block(l, left > VIEW_BLOCK ? VIEW_BLOCK : (int32_t)left, err));
    }
    QV_RETURN_IF_ERROR(qv__view_block_take(l->views, loc.offset, loc.length, &buf, err));
  }
  int64_t size = buf ? buf->size : 0;
  if (size < need) {
    qv_buffer_release(buf);
    return load_error(l, QV_ERR_INVALID_DATA, err, "%s buffer (#%u) has %lld bytes, the layout needs %lld", what, bi,
                      (long long)size, (long long)need);
  }
  if (buf == NULL) return QV_OK;
  bool misaligned = align > 1 && ((uintptr_t)buf->data & (uintptr_t)(align - 1)) != 0;
  bool do_swap = l->swap && swap != QV__SWAP_NONE;
  if (misaligned || do_swap) {
    qv_buffer *copy = NULL;
    st = qv_buffer_allocate(NULL, size, false, &copy, err);
    if (st != QV_OK) {
      qv_buffer_release(buf);
      return st;
    }
    qv__layout_swap_copy(copy->data, buf->data, size, do_swap ? swap : QV__SWAP_NONE, width);
    qv_buffer_release(buf);
    buf = copy;
  }
  *out = buf;
  return QV_OK;
}

/* Checked n * w for buffer sizes. */
static qv_status bytes_for(qv_body_loader *l, int64_t n, int64_t w, int64_t *out, qv_error *err) {
  if (qv__mul_overflow_i64(n, w, out))
    return load_error(l, QV_ERR_OVERFLOW, err, "%lld values of %lld bytes overflow", (long long)n, (long long)w);
  return QV_OK;
}

static qv_status load_validity(qv_body_loader *l, const qv_ipc_field_node *node, qv_buffer **out, qv_error *err) {
  *out = NULL;
  if (node->null_count == 0) {
    /* The slot must exist; its bytes (if any) are not needed. */
    if (l->buffer_i >= l->header->n_buffers)
      return load_error(l, QV_ERR_INVALID_DATA, err,
                        "ran out of buffers: the schema needs more than the %u the RecordBatch has",
                        l->header->n_buffers);
    qv_ipc_buffer_loc loc = qv_ipc_batch_buffer(l->header, l->buffer_i);
    int64_t end;
    if (loc.offset < 0 || loc.length < 0 || qv__add_overflow_i64(loc.offset, loc.length, &end) ||
        end > l->body_length)
      return load_error(l, QV_ERR_INVALID_DATA, err,
                        "validity buffer (#%u) at offset %lld, length %lld lies outside the %lld-byte body",
                        l->buffer_i, (long long)loc.offset, (long long)loc.length, (long long)l->body_length);
    l->buffer_i++;
    return QV_OK;
  }
  QV_RETURN_IF_ERROR(next_buffer(l, "validity", 0, 1, QV__SWAP_NONE, 0, out, err));
  if (*out == NULL)
    return load_error(l, QV_ERR_INVALID_DATA, err, "null_count is %lld but the validity bitmap is empty",
                      (long long)node->null_count);
  int64_t need = qv_bitmap_bytes(node->length);
  if ((*out)->size < need) {
    int64_t have = (*out)->size;
    qv_buffer_release(*out);
    *out = NULL;
    return load_error(l, QV_ERR_INVALID_DATA, err, "validity buffer (#%u) has %lld bytes, the layout needs %lld",
                      l->buffer_i - 1, (long long)have, (long long)need);
  }
  return QV_OK;
}

/* Offsets buffer of `node->length + 1` entries of `w` bytes; an empty one is
 * accepted for an empty array. */
static qv_status load_offsets(qv_body_loader *l, const qv_ipc_field_node *node, int32_t w, const char *what,
                              qv_buffer **out, qv_error *err) {
  int64_t need = 0, entries;
  if (qv__add_overflow_i64(node->length, 1, &entries))
    return load_error(l, QV_ERR_OVERFLOW, err, "%s of %lld slots overflow", what, (long long)node->length);
  QV_RETURN_IF_ERROR(bytes_for(l, entries, w, &need, err));
  QV_RETURN_IF_ERROR(next_buffer(l, what, node->length > 0 ? need : 0, w, QV__SWAP_ELEMENT, w, out, err));
  if (*out == NULL) {
    *out = &k_zero_offsets; /* static: retain/release are no-ops */
  } else if ((*out)->size < need) {
    qv_buffer_release(*out);
    *out = NULL;
    return load_error(l, QV_ERR_INVALID_DATA, err, "%s buffer of an empty array has fewer than %d bytes", what, w);
  }
  return QV_OK;
}

/* Takes the next Buffer as buffer `b` of the layout of `s` says: its least
 * size for the node's length, alignment and swap rule. */
static qv_status load_buffer(qv_body_loader *l, const qv_ipc_field_node *node, const qv_type *s,
                             const qv__buffer_layout *b, qv_buffer **out, qv_error *err) {
  const int32_t w = qv__layout_width(b, s);
  int64_t need;
  if (b->role == QV__BUF_VALIDITY) return load_validity(l, node, out, err);
  if (b->role == QV__BUF_OFFSETS) return load_offsets(l, node, w, b->name, out, err);
  /* fixed_size_binary(0) is a legal type whose values take no bytes */
  if (b->role == QV__BUF_VALUES && w <= 0 && !(w == 0 && s->id == QV_TYPE_FIXED_SIZE_BINARY))
    return load_error(l, QV_ERR_NOT_IMPLEMENTED, err, "cannot load arrays of type %s", qv_type_id_name(s->id));
  if (!qv__layout_min_bytes(b, w, node->length, &need))
    return load_error(l, QV_ERR_OVERFLOW, err, "%lld values of %lld bytes overflow", (long long)node->length,
                      (long long)w);
  return next_buffer(l, b->name, need, qv__layout_align(b, w), qv__layout_swap(b, w), w, out, err);
}

/* Pre-1.0 (V4) unions had a validity slot before the type ids; quiver
 * (like Arrow C++) reads them only when it carries no nulls. */
static qv_status skip_v4_union_validity(qv_body_loader *l, const qv_ipc_field_node *node, qv_error *err) {
  qv_buffer *skip = NULL;
  QV_RETURN_IF_ERROR(next_buffer(l, "union validity", 0, 1, QV__SWAP_NONE, 0, &skip, err));
  bool has_bitmap = skip != NULL;
  qv_buffer_release(skip);
  if (node->null_count != 0 && has_bitmap)
    return load_error(l, QV_ERR_UNSUPPORTED, err,
                      "pre-1.0 (V4) union with a top-level validity bitmap (%lld nulls) is not supported",
                      (long long)node->null_count);
  return QV_OK;
}

static qv_status load_children(qv_body_loader *l, const qv_type *s, qv_array **kids, qv_error *err) {
  for (int32_t i = 0; i < s->n_children; i++) {
    qv_field *f = s->children[i];
    QV_RETURN_IF_ERROR(qv__body_load(l, f->name, f->type, &kids[i], err));
  }
  return QV_OK;
}

/* Looks up the dictionary for the dictionary field being loaded. */
static qv_status find_dictionary(qv_body_loader *l, const qv_type *s, const qv_ipc_field_node *node, qv_array **out,
                                 qv_error *err) {
  *out = NULL;
  int32_t slot = l->dict_i;
  l->dict_i += qv__body_dict_slots(s);
  if (l->schema == NULL || slot >= l->schema->n_dicts)
    return load_error(l, QV_ERR_INVALID_DATA, err, "dictionary-encoded field has no dictionary id in the schema");
  int64_t id = l->schema->dicts[slot].id;
  qv_dict_entry *e = l->memo ? qv__dict_memo_find(l->memo, id) : NULL;
  if (e != NULL && e->dict != NULL) {
    *out = qv_array_retain(e->dict);
    return QV_OK;
  }
  if (node->null_count == node->length) /* all null: the dictionary may come later (spec edge case) */
    return qv_array_new_null(s->value_type, 0, out, err);
  return load_error(l, QV_ERR_INVALID_DATA, err,
                    "dictionary id %lld is used before any DictionaryBatch defined it", (long long)id);
}

qv_status qv__body_load(qv_body_loader *l, const char *name, qv_type *type, qv_array **out, qv_error *err) {
  *out = NULL;
  if (l->depth >= (int)(sizeof l->path / sizeof l->path[0]))
    return load_error(l, QV_ERR_LIMIT, err, "fields nested deeper than %d", QV_IPC_MAX_FIELD_DEPTH);
  l->path[l->depth++] = name;
  const qv_type *s = qv__storage(type);
  const qv__layout *lay = qv__layout_of(s);
  qv_ipc_field_node node = {0, 0};
  qv_status st = QV_OK;
  qv_buffer *small[3] = {NULL, NULL, NULL};
  qv_buffer **bufs = small;
  int32_t n_bufs = 0;
  qv_array *kids_small[4] = {NULL, NULL, NULL, NULL};
  qv_array **kids = kids_small;
  qv_array *dict = NULL;
  int64_t null_count;

  QV_GOTO_IF_ERROR(st, next_node(l, &node, err), done);
  null_count = node.null_count;
  if (s->n_children > 4) {
    kids = (qv_array **)qv__calloc((size_t)s->n_children, sizeof *kids);
    QV_CHECK_ALLOC_GOTO(kids, st, err, done);
  }

  /* Every buffer, child and dictionary comes from the layout table. */
  if (lay->nulls == QV__NULLS_ALL) null_count = node.length;
  if (lay->nulls == QV__NULLS_IN_CHILDREN) null_count = 0;
  n_bufs = lay->n_buffers;
  if (lay->variadic) {
    if (l->variadic_i >= l->header->n_variadic) {
      st = load_error(l, QV_ERR_INVALID_DATA, err, "variadicBufferCounts has no entry for this view field");
      goto done;
    }
    int64_t nv = qv_ipc_batch_variadic_count(l->header, l->variadic_i++);
    uint32_t left = l->header->n_buffers - l->buffer_i;
    if (nv < 0 || left < 2 || nv > (int64_t)left - 2) {
      st = load_error(l, QV_ERR_INVALID_DATA, err,
                      "variadicBufferCounts says %lld data buffers, but only %u buffers remain", (long long)nv, left);
      goto done;
    }
    n_bufs = lay->n_buffers + (int32_t)nv;
    if (n_bufs > 3) {
      bufs = (qv_buffer **)qv__calloc((size_t)n_bufs, sizeof *bufs);
      QV_CHECK_ALLOC_GOTO(bufs, st, err, done);
    }
  }
  if (l->v4_unions && lay->n_buffers > 0 && lay->buffers[0].role == QV__BUF_TYPE_IDS)
    QV_GOTO_IF_ERROR(st, skip_v4_union_validity(l, &node, err), done);
  for (int32_t i = 0; i < lay->n_buffers; i++)
    QV_GOTO_IF_ERROR(st, load_buffer(l, &node, s, &lay->buffers[i], &bufs[i], err), done);
  for (int32_t i = lay->n_buffers; i < n_bufs; i++)
    QV_GOTO_IF_ERROR(st, next_buffer(l, "variadic data", 0, 1, QV__SWAP_NONE, 0, &bufs[i], err), done);
  if (lay->arity != QV__CHILDREN_NONE) QV_GOTO_IF_ERROR(st, load_children(l, s, kids, err), done);
  if (lay->dictionary) QV_GOTO_IF_ERROR(st, find_dictionary(l, s, &node, &dict, err), done);
  if (lay->nulls == QV__NULLS_BITMAP && bufs[0] == NULL) null_count = 0;
  st = qv__array_new_take_in(arena_for_arrays(l), type, node.length, 0, null_count, n_bufs, bufs, s->n_children,
                             kids, dict, out, err);
  if (st != QV_OK) {
    path_prefix(l, err);
  } else { /* the array took these references */
    n_bufs = 0;
    for (int32_t i = 0; i < s->n_children; i++) kids[i] = NULL;
    dict = NULL;
  }

done:
  for (int32_t i = 0; i < n_bufs; i++) qv_buffer_release(bufs[i]);
  if (bufs != small) qv__free(bufs);
  for (int32_t i = 0; i < s->n_children; i++) qv_array_release(kids[i]);
  if (kids != kids_small) qv__free(kids);
  qv_array_release(dict);
  l->depth--;
  return st;
}

qv_status qv__body_loader_finish(const qv_body_loader *l, qv_error *err) {
  const qv_ipc_batch_header *h = l->header;
  if (l->node_i != h->n_nodes)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "RecordBatch has %u field nodes but the schema uses %u", h->n_nodes, l->node_i);
  if (l->buffer_i != h->n_buffers)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "RecordBatch has %u buffers but the schema uses %u",
                        h->n_buffers, l->buffer_i);
  if (l->variadic_i != h->n_variadic)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "RecordBatch has %u variadicBufferCounts but the schema has %u view fields", h->n_variadic,
                        l->variadic_i);
  return QV_OK;
}
