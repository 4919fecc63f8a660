/* Fuzz target body: FlatBuffers verifier + Arrow metadata decoding.
 *
 * The input is treated twice: as a Message flatbuffer (the metadata of one
 * encapsulated IPC message) and as a file Footer flatbuffer. For each:
 *   1. the verifier runs; when it accepts, a descriptor-driven walk reads
 *      every byte the accessors of fb_reader.h can reach (so ASan catches a
 *      bound the verifier missed);
 *   2. the decoder runs (message envelope, then Schema / RecordBatch /
 *      DictionaryBatch by kind; footer, then its Schema); every promise its
 *      header makes about the result is checked (versions, kinds,
 *      non-negative sizes, buffers inside the body, blocks multiples of 8,
 *      dictionary ids in pre-order...);
 *   3. what decoded is encoded again and decoded again, and must come back
 *      equal (schema with metadata, dictionary ids, nodes, buffers,
 *      variadic counts, codec, blocks).
 * A failed decode must fill the qv_error with its status and a message.
 * Whatever the fast path for plain RecordBatch messages accepts, the
 * generic verifier must accept too.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/flatbuf/fb_verify.h"
#include "ipc/flatbuf/fb_verify_batch.h"
#include "ipc/metadata.h"
#include "quiver/schema.h"
#include "quiver/type.h"
#include "support/fuzz_targets.h"

#define NAME "flatbuf"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)

/* Bytes read by the walk end up here so the reads are not optimised away. */
static volatile uint32_t g_sink;

/* ---- descriptor-driven walk of a verified buffer ---- */

static void touch(const uint8_t *p, size_t n) {
  uint32_t h = g_sink;
  for (size_t i = 0; i < n; i++) h = h * 31u + p[i];
  g_sink = h;
}

static void walk_table(const qv_fb_table *t, const qv_fb_table_desc *d, uint64_t *budget);

static void walk_member(const qv_fb_table *t, const qv_fb_union_desc *u, uint8_t tag, uint64_t *budget) {
  const qv_fb_table_desc *m = (u != NULL && tag < u->nmembers) ? u->members[tag] : NULL;
  walk_table(t, m, budget); /* NULL: opaque, header and vtable only */
}

static void walk_table(const qv_fb_table *t, const qv_fb_table_desc *d, uint64_t *budget) {
  if (*budget == 0) return;
  (*budget)--;
  touch(t->buf + t->pos, t->size);
  touch(t->buf + t->vt, t->vt_size);
  if (d == NULL) return;
  for (unsigned i = 0; i < d->nslots; i++) {
    const qv_fb_slot_desc *s = &d->slots[i];
    qv_fb_table sub;
    qv_fb_vector v;
    const char *str;
    size_t n;
    switch (s->kind) {
      case QV_FB_SCALAR:
        switch (s->size) {
          case 1: g_sink += qv_fb_table_get_uint8(t, i, 0); break;
          case 2: g_sink += (uint32_t)qv_fb_table_get_int16(t, i, 0); break;
          case 4: g_sink += (uint32_t)qv_fb_table_get_int32(t, i, 0); break;
          default: g_sink += (uint32_t)qv_fb_table_get_int64(t, i, 0); break;
        }
        break;
      case QV_FB_STRING:
        if (qv_fb_table_get_string(t, i, &str, &n)) touch((const uint8_t *)str, n + 1); /* + NUL */
        break;
      case QV_FB_TABLE:
        if (qv_fb_table_get_table(t, i, &sub)) walk_table(&sub, s->table, budget);
        break;
      case QV_FB_VEC_SCALAR:
      case QV_FB_VEC_STRUCT:
        if (qv_fb_table_get_vector(t, i, &v)) touch(v.buf + v.pos, (size_t)v.len * s->size);
        break;
      case QV_FB_VEC_TABLE:
        if (qv_fb_table_get_vector(t, i, &v)) {
          for (uint32_t j = 0; j < v.len && *budget > 0; j++) {
            qv_fb_vector_get_table(&v, j, &sub);
            walk_table(&sub, s->table, budget);
          }
        }
        break;
      case QV_FB_VEC_STRING:
        if (qv_fb_table_get_vector(t, i, &v)) {
          for (uint32_t j = 0; j < v.len; j++) {
            qv_fb_vector_get_string(&v, j, &str, &n);
            touch((const uint8_t *)str, n + 1);
          }
        }
        break;
      case QV_FB_UNION: {
        uint8_t tag = i > 0 ? qv_fb_table_get_uint8(t, i - 1, 0) : 0;
        if (tag != 0 && qv_fb_table_get_table(t, i, &sub)) walk_member(&sub, s->uni, tag, budget);
        break;
      }
      default:
        break;
    }
  }
}

/* ---- helpers ---- */

static int check_error(qv_status st, const qv_error *err, const char *what) {
  return qv_fuzz_check_error(NAME, st, err, what);
}

/* Exercises schema printing (snprintf contract: same length with a small buffer). */
static int print_schema(const qv_schema *s) {
  int64_t n = qv_schema_format(s, NULL, 0);
  if (n < 0) return FAIL("qv_schema_format returned %" PRId64, n);
  char *buf = malloc((size_t)n + 1);
  if (buf == NULL) return 0;
  char small[8];
  int rc = 0;
  if (qv_schema_format(s, buf, (size_t)n + 1) != n || strlen(buf) != (size_t)n) {
    rc = FAIL("qv_schema_format length changed between calls");
  } else if (qv_schema_format(s, small, sizeof small) != n || strncmp(small, buf, sizeof small - 1) != 0) {
    rc = FAIL("qv_schema_format with a small buffer is not a prefix of the full text");
  }
  free(buf);
  return rc;
}

/* What a decoded schema must satisfy, whatever the bytes were. */
static int check_schema_info(const qv_ipc_schema_info *info) {
  if (info->schema == NULL) return FAIL("schema decoded as NULL");
  if (info->n_dicts < 0 || (info->n_dicts > 0 && info->dicts == NULL)) return FAIL("bad n_dicts %d", info->n_dicts);
  if (info->n_dicts != qv__ipc_schema_count_dicts(info->schema))
    return FAIL("n_dicts %d but the schema has %d dictionary fields", info->n_dicts,
                qv__ipc_schema_count_dicts(info->schema));
  for (int32_t i = 0; i < info->n_dicts; i++) {
    const qv_ipc_dict_field *d = &info->dicts[i];
    if (d->field == NULL || d->type == NULL || d->type->id != QV_TYPE_DICTIONARY)
      return FAIL("dictionary %d has no field or a non-dictionary type", i);
    if (d->type->index_type == NULL || !qv_type_is_integer(d->type->index_type->id))
      return FAIL("dictionary %d has a non-integer index type", i);
    /* Ids may repeat: fields can share a dictionary (arrow-testing 4.0.0-shareddict). */
  }
  return print_schema(info->schema);
}

static int64_t *dict_ids(const qv_ipc_schema_info *info) {
  int64_t *ids = malloc(sizeof(int64_t) * (size_t)(info->n_dicts > 0 ? info->n_dicts : 1));
  if (ids != NULL)
    for (int32_t i = 0; i < info->n_dicts; i++) ids[i] = info->dicts[i].id;
  return ids;
}

/* The decoded schema `a` against the decode of its re-encoding `b`. */
static int same_schema(const qv_ipc_schema_info *a, const qv_ipc_schema_info *b) {
  if (!qv_schema_equals(a->schema, b->schema, true)) return FAIL("schema changed in an encode/decode round trip");
  if (a->n_dicts != b->n_dicts) return FAIL("dictionary count changed in a round trip");
  for (int32_t i = 0; i < a->n_dicts; i++)
    if (a->dicts[i].id != b->dicts[i].id) return FAIL("dictionary id %d changed in a round trip", i);
  return 0;
}

/* ---- Schema messages ---- */

static int check_schema_message(const qv_ipc_message *msg) {
  qv_ipc_schema_info a = {0}, b = {0};
  qv_fb_builder fb;
  qv_error err;
  const uint8_t *bytes;
  size_t len;
  int64_t *ids = NULL;
  int rc = 0;
  qv__fb_builder_init(&fb);
  qv_error_clear(&err);
  qv_status st = qv__ipc_schema_decode(&msg->header, &a, &err);
  if (st != QV_OK) {
    rc = check_error(st, &err, "qv__ipc_schema_decode");
    goto cleanup;
  }
  if ((rc = check_schema_info(&a)) != 0) goto cleanup;
  ids = dict_ids(&a);
  if (ids == NULL) goto cleanup;
  st = qv__ipc_schema_message_encode(&fb, a.schema, ids, a.n_dicts, &bytes, &len, &err);
  if (st == QV_ERR_NO_MEMORY) goto cleanup;
  if (st != QV_OK) {
    rc = FAIL("a decoded schema does not encode again: %s", err.message);
    goto cleanup;
  }
  qv_ipc_message m2;
  st = qv__ipc_message_decode(bytes, len, &m2, &err);
  if (st == QV_OK && m2.type == FB_HEADER_SCHEMA) st = qv__ipc_schema_decode(&m2.header, &b, &err);
  if (st == QV_ERR_NO_MEMORY) goto cleanup;
  if (st != QV_OK || m2.type != FB_HEADER_SCHEMA) {
    rc = FAIL("a re-encoded schema does not decode: %s", err.message);
    goto cleanup;
  }
  rc = same_schema(&a, &b);
cleanup:
  free(ids);
  qv__ipc_schema_info_free(&a);
  qv__ipc_schema_info_free(&b);
  qv__fb_builder_free(&fb);
  return rc;
}

/* ---- RecordBatch / DictionaryBatch ---- */

typedef struct batch_copy {
  qv_ipc_field_node *nodes;
  qv_ipc_buffer_loc *buffers;
  int64_t *variadic;
} batch_copy;

static void batch_copy_free(batch_copy *c) {
  free(c->nodes);
  free(c->buffers);
  free(c->variadic);
}

/* Checks the promises of qv__ipc_batch_decode and copies the header out. */
static int check_batch_header(const qv_ipc_batch_header *h, int64_t body_length, batch_copy *c) {
  if (h->length < 0) return FAIL("batch length %" PRId64 " is negative", h->length);
  if (h->codec != QV_IPC_NO_COMPRESSION && h->codec != FB_COMPRESSION_LZ4_FRAME && h->codec != FB_COMPRESSION_ZSTD)
    return FAIL("batch codec %d is not a known one", h->codec);
  c->nodes = malloc(sizeof *c->nodes * (h->n_nodes + 1u));
  c->buffers = malloc(sizeof *c->buffers * (h->n_buffers + 1u));
  c->variadic = malloc(sizeof *c->variadic * (h->n_variadic + 1u));
  if (c->nodes == NULL || c->buffers == NULL || c->variadic == NULL) return 0;
  for (uint32_t i = 0; i < h->n_nodes; i++) {
    qv_ipc_field_node n = qv_ipc_batch_node(h, i);
    if (n.length < 0 || n.null_count < 0 || n.null_count > n.length)
      return FAIL("node %u: length %" PRId64 ", null_count %" PRId64 " accepted", i, n.length, n.null_count);
    c->nodes[i] = n;
  }
  for (uint32_t i = 0; i < h->n_buffers; i++) {
    qv_ipc_buffer_loc b = qv_ipc_batch_buffer(h, i);
    if (b.offset < 0 || b.length < 0 || b.offset > body_length - b.length)
      return FAIL("buffer %u: offset %" PRId64 ", length %" PRId64 " outside body %" PRId64 " accepted", i,
                  b.offset, b.length, body_length);
    c->buffers[i] = b;
  }
  for (uint32_t i = 0; i < h->n_variadic; i++) {
    int64_t v = qv_ipc_batch_variadic_count(h, i);
    if (v < 0) return FAIL("variadic count %u = %" PRId64 " accepted", i, v);
    c->variadic[i] = v;
  }
  return 0;
}

static qv_ipc_batch_desc batch_desc(const qv_ipc_batch_header *h, const batch_copy *c) {
  qv_ipc_batch_desc d = {h->length, c->nodes, h->n_nodes, c->buffers, h->n_buffers,
                         h->n_variadic ? c->variadic : NULL, h->n_variadic, h->codec};
  return d;
}

static int same_batch(const qv_ipc_batch_header *a, const qv_ipc_batch_header *b) {
  if (a->length != b->length || a->codec != b->codec || a->n_nodes != b->n_nodes ||
      a->n_buffers != b->n_buffers || a->n_variadic != b->n_variadic)
    return FAIL("batch header changed in a round trip");
  for (uint32_t i = 0; i < a->n_nodes; i++) {
    qv_ipc_field_node x = qv_ipc_batch_node(a, i), y = qv_ipc_batch_node(b, i);
    if (x.length != y.length || x.null_count != y.null_count) return FAIL("node %u changed in a round trip", i);
  }
  for (uint32_t i = 0; i < a->n_buffers; i++) {
    qv_ipc_buffer_loc x = qv_ipc_batch_buffer(a, i), y = qv_ipc_batch_buffer(b, i);
    if (x.offset != y.offset || x.length != y.length) return FAIL("buffer %u changed in a round trip", i);
  }
  for (uint32_t i = 0; i < a->n_variadic; i++)
    if (qv_ipc_batch_variadic_count(a, i) != qv_ipc_batch_variadic_count(b, i))
      return FAIL("variadic count %u changed in a round trip", i);
  return 0;
}

static int check_batch_message(const qv_ipc_message *msg) {
  bool dict = msg->type == FB_HEADER_DICTIONARY_BATCH;
  qv_ipc_dict_batch_header dh;
  qv_ipc_batch_header *h = &dh.data;
  batch_copy c = {NULL, NULL, NULL};
  qv_fb_builder fb;
  qv_error err;
  const uint8_t *bytes;
  size_t len;
  int rc = 0;
  qv__fb_builder_init(&fb);
  qv_error_clear(&err);
  qv_status st = dict ? qv__ipc_dict_batch_decode(&msg->header, msg->body_length, &dh, &err)
                      : qv__ipc_batch_decode(&msg->header, msg->body_length, h, &err);
  if (st != QV_OK) {
    rc = check_error(st, &err, dict ? "qv__ipc_dict_batch_decode" : "qv__ipc_batch_decode");
    goto cleanup;
  }
  if ((rc = check_batch_header(h, msg->body_length, &c)) != 0) goto cleanup;
  if (c.nodes == NULL || c.buffers == NULL || c.variadic == NULL) goto cleanup;
  qv_ipc_batch_desc d = batch_desc(h, &c);
  st = dict ? qv__ipc_dict_batch_message_encode(&fb, dh.id, dh.is_delta, &d, msg->body_length, &bytes, &len, &err)
            : qv__ipc_batch_message_encode(&fb, &d, msg->body_length, &bytes, &len, &err);
  if (st == QV_ERR_NO_MEMORY) goto cleanup;
  if (st != QV_OK) {
    rc = FAIL("a decoded batch header does not encode again: %s", err.message);
    goto cleanup;
  }
  qv_ipc_message m2;
  qv_ipc_dict_batch_header dh2;
  st = qv__ipc_message_decode(bytes, len, &m2, &err);
  if (st == QV_OK && m2.type != msg->type) {
    rc = FAIL("message kind changed in a round trip");
    goto cleanup;
  }
  if (st == QV_OK)
    st = dict ? qv__ipc_dict_batch_decode(&m2.header, m2.body_length, &dh2, &err)
              : qv__ipc_batch_decode(&m2.header, m2.body_length, &dh2.data, &err);
  if (st != QV_OK) {
    rc = FAIL("a re-encoded batch header does not decode: %s", err.message);
    goto cleanup;
  }
  if (m2.body_length != msg->body_length) {
    rc = FAIL("bodyLength changed in a round trip");
    goto cleanup;
  }
  if (dict && (dh.id != dh2.id || dh.is_delta != dh2.is_delta)) {
    rc = FAIL("dictionary id or isDelta changed in a round trip");
    goto cleanup;
  }
  rc = same_batch(h, &dh2.data);
cleanup:
  batch_copy_free(&c);
  qv__fb_builder_free(&fb);
  return rc;
}

/* ---- the two roots ---- */

static int fuzz_message(const uint8_t *data, size_t size) {
  qv_fb_table root;
  qv_ipc_message msg;
  qv_error err;
  qv_metadata *md = NULL;
  uint64_t budget = QV_FB_DEFAULT_MAX_TABLES;
  qv_error_clear(&err);
  qv_status vst = qv__fb_verify_message(data, size, &root, &err);
  /* The fast path for plain RecordBatch messages accepts only what the
   * generic verifier accepts (ipc/flatbuf/fb_verify_batch.c). */
  if (qv__fb_batch_message_plain(data, size)) {
    const qv_fb_verify_opts opts = {64 + 4, 0, false};
    if (qv__fb_verify(data, size, &qv__fb_desc_message, &opts, NULL, NULL) != QV_OK)
      return FAIL("the batch fast path accepted what the generic verifier rejects");
  }
  if (vst != QV_OK) {
    if (check_error(vst, &err, "qv__fb_verify_message")) return 1;
  } else {
    walk_table(&root, &qv__fb_desc_message, &budget);
  }
  qv_error_clear(&err);
  qv_status st = qv__ipc_message_decode(data, size, &msg, &err);
  if (st != QV_OK) return check_error(st, &err, "qv__ipc_message_decode");
  if (vst != QV_OK) return FAIL("the verifier rejected what qv__ipc_message_decode accepted");
  if (msg.version < FB_METADATA_V4 || msg.version > FB_METADATA_V5) return FAIL("version %d accepted", msg.version);
  if (msg.body_length < 0) return FAIL("negative bodyLength accepted");
  st = qv__ipc_metadata_decode(&msg.message, FB_MESSAGE_CUSTOM_METADATA, &md, &err);
  qv_metadata_free(md);
  if (st != QV_OK && st != QV_ERR_NO_MEMORY) return FAIL("custom_metadata of a verified message fails: %s", err.message);
  switch (msg.type) {
    case FB_HEADER_SCHEMA:
      if (msg.body_length != 0) return FAIL("a Schema message with a body was accepted");
      return check_schema_message(&msg);
    case FB_HEADER_RECORD_BATCH:
    case FB_HEADER_DICTIONARY_BATCH:
      return check_batch_message(&msg);
    default:
      return FAIL("message header kind %u accepted", (unsigned)msg.type);
  }
}

static int check_blocks(const qv_ipc_footer *f, qv_ipc_block *dicts, qv_ipc_block *batches) {
  for (uint32_t i = 0; i < f->n_dictionaries + f->n_record_batches; i++) {
    bool d = i < f->n_dictionaries;
    qv_ipc_block b = d ? qv_ipc_footer_dictionary(f, i) : qv_ipc_footer_record_batch(f, i - f->n_dictionaries);
    if (b.offset < 0 || b.metadata_length <= 0 || b.body_length < 0 || b.offset % 8 || b.metadata_length % 8 ||
        b.body_length % 8)
      return FAIL("footer block %u: offset %" PRId64 ", metaDataLength %d, bodyLength %" PRId64 " accepted", i,
                  b.offset, (int)b.metadata_length, b.body_length);
    if (d)
      dicts[i] = b;
    else
      batches[i - f->n_dictionaries] = b;
  }
  return 0;
}

static int same_blocks(const qv_ipc_footer *a, const qv_ipc_footer *b) {
  if (a->n_dictionaries != b->n_dictionaries || a->n_record_batches != b->n_record_batches)
    return FAIL("footer block counts changed in a round trip");
  for (uint32_t i = 0; i < a->n_dictionaries + a->n_record_batches; i++) {
    bool d = i < a->n_dictionaries;
    uint32_t j = d ? i : i - a->n_dictionaries;
    qv_ipc_block x = d ? qv_ipc_footer_dictionary(a, j) : qv_ipc_footer_record_batch(a, j);
    qv_ipc_block y = d ? qv_ipc_footer_dictionary(b, j) : qv_ipc_footer_record_batch(b, j);
    if (x.offset != y.offset || x.metadata_length != y.metadata_length || x.body_length != y.body_length)
      return FAIL("footer block %u changed in a round trip", i);
  }
  return 0;
}

static int fuzz_footer(const uint8_t *data, size_t size) {
  qv_fb_table root;
  qv_ipc_footer f, f2;
  qv_ipc_schema_info a = {0}, b = {0};
  qv_ipc_block *dicts = NULL, *batches = NULL;
  int64_t *ids = NULL;
  qv_fb_builder fb;
  qv_error err;
  const uint8_t *bytes;
  size_t len;
  uint64_t budget = QV_FB_DEFAULT_MAX_TABLES;
  int rc = 0;
  qv__fb_builder_init(&fb);
  qv_error_clear(&err);
  qv_status vst = qv__fb_verify_footer(data, size, &root, &err);
  if (vst != QV_OK) {
    if ((rc = check_error(vst, &err, "qv__fb_verify_footer")) != 0) goto cleanup;
  } else {
    walk_table(&root, &qv__fb_desc_footer, &budget);
  }
  qv_error_clear(&err);
  qv_status st = qv__ipc_footer_decode(data, size, &f, &err);
  if (st != QV_OK) {
    rc = check_error(st, &err, "qv__ipc_footer_decode");
    goto cleanup;
  }
  if (vst != QV_OK) {
    rc = FAIL("the verifier rejected what qv__ipc_footer_decode accepted");
    goto cleanup;
  }
  if (f.version != FB_METADATA_V1 && (f.version < FB_METADATA_V4 || f.version > FB_METADATA_V5)) {
    rc = FAIL("footer version %d accepted", f.version);
    goto cleanup;
  }
  dicts = malloc(sizeof *dicts * (f.n_dictionaries + 1u));
  batches = malloc(sizeof *batches * (f.n_record_batches + 1u));
  if (dicts == NULL || batches == NULL) goto cleanup;
  if ((rc = check_blocks(&f, dicts, batches)) != 0) goto cleanup;
  st = qv__ipc_schema_decode(&f.schema, &a, &err);
  if (st != QV_OK) {
    rc = check_error(st, &err, "qv__ipc_schema_decode (footer)");
    goto cleanup;
  }
  if ((rc = check_schema_info(&a)) != 0) goto cleanup;
  if ((ids = dict_ids(&a)) == NULL) goto cleanup;
  st = qv__ipc_footer_encode(&fb, a.schema, ids, a.n_dicts, dicts, f.n_dictionaries, batches, f.n_record_batches,
                            &bytes, &len, &err);
  if (st == QV_ERR_NO_MEMORY) goto cleanup;
  if (st != QV_OK) {
    rc = FAIL("a decoded footer does not encode again: %s", err.message);
    goto cleanup;
  }
  st = qv__ipc_footer_decode(bytes, len, &f2, &err);
  if (st == QV_OK) st = qv__ipc_schema_decode(&f2.schema, &b, &err);
  if (st == QV_ERR_NO_MEMORY) goto cleanup;
  if (st != QV_OK) {
    rc = FAIL("a re-encoded footer does not decode: %s", err.message);
    goto cleanup;
  }
  if ((rc = same_schema(&a, &b)) != 0) goto cleanup;
  rc = same_blocks(&f, &f2);
cleanup:
  free(ids);
  free(dicts);
  free(batches);
  qv__ipc_schema_info_free(&a);
  qv__ipc_schema_info_free(&b);
  qv__fb_builder_free(&fb);
  return rc;
}

int qv_fuzz_flatbuf(const uint8_t *data, size_t size) {
  int rc = fuzz_message(data, size);
  if (rc == 0) rc = fuzz_footer(data, size);
  return rc;
}
