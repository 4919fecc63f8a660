/* quiver: verifier descriptors for Arrow's IPC metadata tables.
 *
 * One qv_fb_table_desc per table of Schema.fbs, Message.fbs and File.fbs,
 * listing every slot in .fbs order (slot numbers match fb_arrow.h; a test
 * checks the names line up). Scalars carry their byte size, vectors of
 * structs their size and alignment (FieldNode and Buffer: 16 bytes, Block:
 * 24 bytes, all 8-aligned). Tensor and SparseTensor are left opaque: quiver
 * does not read them, so the verifier checks only their table shape and the
 * decoder rejects them.
 */
#include "ipc/flatbuf/fb_arrow.h"

#include "ipc/flatbuf/fb_verify_batch.h"

#define SCALAR(n, sz) {n, QV_FB_SCALAR, sz, sz, NULL, NULL}
#define STRING(n) {n, QV_FB_STRING, 4, 4, NULL, NULL}
#define TABLE(n, t) {n, QV_FB_TABLE, 4, 4, &(t), NULL}
#define VEC_SCALAR(n, sz) {n, QV_FB_VEC_SCALAR, sz, sz, NULL, NULL}
#define VEC_STRUCT(n, sz, al) {n, QV_FB_VEC_STRUCT, sz, al, NULL, NULL}
#define VEC_TABLE(n, t) {n, QV_FB_VEC_TABLE, 4, 4, &(t), NULL}
#define UNION_TYPE(n) {n, QV_FB_UNION_TYPE, 1, 1, NULL, NULL}
#define UNION(n, u) {n, QV_FB_UNION, 4, 4, NULL, &(u)}

#define NSLOTS(a) ((uint16_t)(sizeof(a) / sizeof((a)[0])))
#define DESC(var, name, slots) static const qv_fb_table_desc var = {name, NSLOTS(slots), slots}
#define EMPTY(var, name) static const qv_fb_table_desc var = {name, 0, NULL}

/* ---- Type union members ---- */
EMPTY(d_null, "Null");
EMPTY(d_binary, "Binary");
EMPTY(d_utf8, "Utf8");
EMPTY(d_bool, "Bool");
EMPTY(d_list, "List");
EMPTY(d_struct, "Struct_");
EMPTY(d_large_binary, "LargeBinary");
EMPTY(d_large_utf8, "LargeUtf8");
EMPTY(d_large_list, "LargeList");
EMPTY(d_run_end_encoded, "RunEndEncoded");
EMPTY(d_binary_view, "BinaryView");
EMPTY(d_utf8_view, "Utf8View");
EMPTY(d_list_view, "ListView");
EMPTY(d_large_list_view, "LargeListView");

static const qv_fb_slot_desc s_int[] = {SCALAR("bitWidth", 4), SCALAR("is_signed", 1)};
DESC(d_int, "Int", s_int);
static const qv_fb_slot_desc s_floating_point[] = {SCALAR("precision", 2)};
DESC(d_floating_point, "FloatingPoint", s_floating_point);
static const qv_fb_slot_desc s_decimal[] = {SCALAR("precision", 4), SCALAR("scale", 4),
                                            SCALAR("bitWidth", 4)};
DESC(d_decimal, "Decimal", s_decimal);
static const qv_fb_slot_desc s_date[] = {SCALAR("unit", 2)};
DESC(d_date, "Date", s_date);
static const qv_fb_slot_desc s_time[] = {SCALAR("unit", 2), SCALAR("bitWidth", 4)};
DESC(d_time, "Time", s_time);
static const qv_fb_slot_desc s_timestamp[] = {SCALAR("unit", 2), STRING("timezone")};
DESC(d_timestamp, "Timestamp", s_timestamp);
static const qv_fb_slot_desc s_interval[] = {SCALAR("unit", 2)};
DESC(d_interval, "Interval", s_interval);
static const qv_fb_slot_desc s_duration[] = {SCALAR("unit", 2)};
DESC(d_duration, "Duration", s_duration);
static const qv_fb_slot_desc s_union[] = {SCALAR("mode", 2), VEC_SCALAR("typeIds", 4)};
DESC(d_union, "Union", s_union);
static const qv_fb_slot_desc s_fixed_size_binary[] = {SCALAR("byteWidth", 4)};
DESC(d_fixed_size_binary, "FixedSizeBinary", s_fixed_size_binary);
static const qv_fb_slot_desc s_fixed_size_list[] = {SCALAR("listSize", 4)};
DESC(d_fixed_size_list, "FixedSizeList", s_fixed_size_list);
static const qv_fb_slot_desc s_map[] = {SCALAR("keysSorted", 1)};
DESC(d_map, "Map", s_map);

static const qv_fb_table_desc *const type_members[FB_TYPE_COUNT] = {
    [FB_TYPE_NULL] = &d_null,
    [FB_TYPE_INT] = &d_int,
    [FB_TYPE_FLOATING_POINT] = &d_floating_point,
    [FB_TYPE_BINARY] = &d_binary,
    [FB_TYPE_UTF8] = &d_utf8,
    [FB_TYPE_BOOL] = &d_bool,
    [FB_TYPE_DECIMAL] = &d_decimal,
    [FB_TYPE_DATE] = &d_date,
    [FB_TYPE_TIME] = &d_time,
    [FB_TYPE_TIMESTAMP] = &d_timestamp,
    [FB_TYPE_INTERVAL] = &d_interval,
    [FB_TYPE_LIST] = &d_list,
    [FB_TYPE_STRUCT] = &d_struct,
    [FB_TYPE_UNION] = &d_union,
    [FB_TYPE_FIXED_SIZE_BINARY] = &d_fixed_size_binary,
    [FB_TYPE_FIXED_SIZE_LIST] = &d_fixed_size_list,
    [FB_TYPE_MAP] = &d_map,
    [FB_TYPE_DURATION] = &d_duration,
    [FB_TYPE_LARGE_BINARY] = &d_large_binary,
    [FB_TYPE_LARGE_UTF8] = &d_large_utf8,
    [FB_TYPE_LARGE_LIST] = &d_large_list,
    [FB_TYPE_RUN_END_ENCODED] = &d_run_end_encoded,
    [FB_TYPE_BINARY_VIEW] = &d_binary_view,
    [FB_TYPE_UTF8_VIEW] = &d_utf8_view,
    [FB_TYPE_LIST_VIEW] = &d_list_view,
    [FB_TYPE_LARGE_LIST_VIEW] = &d_large_list_view,
};
static const qv_fb_union_desc u_type = {"Type", FB_TYPE_COUNT, type_members};

/* ---- Schema ---- */
static const qv_fb_slot_desc s_key_value[] = {STRING("key"), STRING("value")};
DESC(d_key_value, "KeyValue", s_key_value);

static const qv_fb_slot_desc s_dictionary_encoding[] = {
    SCALAR("id", 8), TABLE("indexType", d_int), SCALAR("isOrdered", 1),
    SCALAR("dictionaryKind", 2)};
DESC(d_dictionary_encoding, "DictionaryEncoding", s_dictionary_encoding);

static const qv_fb_table_desc d_field; /* recursive through children */
static const qv_fb_slot_desc s_field[] = {
    STRING("name"),
    SCALAR("nullable", 1),
    UNION_TYPE("type_type"),
    UNION("type", u_type),
    TABLE("dictionary", d_dictionary_encoding),
    VEC_TABLE("children", d_field),
    VEC_TABLE("custom_metadata", d_key_value)};
static const qv_fb_table_desc d_field = {"Field", NSLOTS(s_field), s_field};

static const qv_fb_slot_desc s_schema[] = {SCALAR("endianness", 2), VEC_TABLE("fields", d_field),
                                           VEC_TABLE("custom_metadata", d_key_value),
                                           VEC_SCALAR("features", 8)};
const qv_fb_table_desc qv__fb_desc_schema = {"Schema", NSLOTS(s_schema), s_schema};

/* ---- Message ---- */
static const qv_fb_slot_desc s_body_compression[] = {SCALAR("codec", 1), SCALAR("method", 1)};
DESC(d_body_compression, "BodyCompression", s_body_compression);

static const qv_fb_slot_desc s_record_batch[] = {
    SCALAR("length", 8), VEC_STRUCT("nodes", FB_FIELD_NODE_SIZE, 8),
    VEC_STRUCT("buffers", FB_BUFFER_SIZE, 8), TABLE("compression", d_body_compression),
    VEC_SCALAR("variadicBufferCounts", 8)};
DESC(d_record_batch, "RecordBatch", s_record_batch);

static const qv_fb_slot_desc s_dictionary_batch[] = {
    SCALAR("id", 8), TABLE("data", d_record_batch), SCALAR("isDelta", 1)};
DESC(d_dictionary_batch, "DictionaryBatch", s_dictionary_batch);

static const qv_fb_table_desc *const header_members[] = {
    [FB_HEADER_SCHEMA] = &qv__fb_desc_schema,
    [FB_HEADER_DICTIONARY_BATCH] = &d_dictionary_batch,
    [FB_HEADER_RECORD_BATCH] = &d_record_batch,
    [FB_HEADER_TENSOR] = NULL,        /* opaque */
    [FB_HEADER_SPARSE_TENSOR] = NULL, /* opaque */
};
static const qv_fb_union_desc u_header = {"MessageHeader", NSLOTS(header_members), header_members};

static const qv_fb_slot_desc s_message[] = {
    SCALAR("version", 2), UNION_TYPE("header_type"), UNION("header", u_header),
    SCALAR("bodyLength", 8), VEC_TABLE("custom_metadata", d_key_value)};
const qv_fb_table_desc qv__fb_desc_message = {"Message", NSLOTS(s_message), s_message};

/* ---- File ---- */
static const qv_fb_slot_desc s_footer[] = {
    SCALAR("version", 2), TABLE("schema", qv__fb_desc_schema),
    VEC_STRUCT("dictionaries", FB_BLOCK_SIZE, 8), VEC_STRUCT("recordBatches", FB_BLOCK_SIZE, 8)};
const qv_fb_table_desc qv__fb_desc_footer = {"Footer", NSLOTS(s_footer), s_footer};

/* Table depth of the deepest metadata a schema of 64 field levels (the
 * limit the writer and the schema decoder enforce, QV_IPC_MAX_FIELD_DEPTH)
 * produces: Message or Footer -> Schema -> 64 nested Fields -> the leaf's
 * DictionaryEncoding -> its indexType Int. With the verifier's default of
 * 64 tables, schemas of 62-64 levels that quiver writes could not be read
 * back. */
static const qv_fb_verify_opts k_ipc_verify_opts = {64 + 4, 0, false};

qv_status qv__fb_verify_message(const uint8_t *buf, size_t len, qv_fb_table *root, qv_error *err) {
  if (qv__fb_batch_message_plain(buf, len)) { /* the same verdict, straight-line */
    if (root != NULL) *root = qv_fb_root(buf);
    return QV_OK;
  }
  return qv__fb_verify(buf, len, &qv__fb_desc_message, &k_ipc_verify_opts, root, err);
}

qv_status qv__fb_verify_footer(const uint8_t *buf, size_t len, qv_fb_table *root, qv_error *err) {
  return qv__fb_verify(buf, len, &qv__fb_desc_footer, &k_ipc_verify_opts, root, err);
}

const char *qv__fb_type_name(uint8_t tag) {
  if (tag == FB_TYPE_NONE) return "NONE";
  return tag < FB_TYPE_COUNT ? type_members[tag]->name : "unknown";
}

const char *qv__fb_header_name(uint8_t tag) {
  static const char *const names[] = {"NONE", "Schema", "DictionaryBatch", "RecordBatch",
                                      "Tensor", "SparseTensor"};
  return tag < NSLOTS(names) ? names[tag] : "unknown";
}
