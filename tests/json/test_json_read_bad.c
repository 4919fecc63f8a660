/* JSON reader: malformed input. Each class of bad input has its own test
 * that checks the status code and the message (the JSON path of the
 * offending value and what was expected), and a mutation test feeds
 * thousands of corrupted documents through the reader (under ASan in the
 * sanitizer build) to show it never crashes and that whatever it accepts
 * passes structural validation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "quiver/json.h"
#include "quiver/validate.h"
#include "json/json_test_util.h"

#define FIELD(name, type) "{\"name\":\"" name "\",\"nullable\":true,\"type\":" type ",\"children\":[]}"
#define INT(bits) "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":" #bits "}"
#define DOC1(field, count, col) \
  "{\"schema\":{\"fields\":[" field "]},\"batches\":[{\"count\":" #count ",\"columns\":[" col "]}]}"
#define SCHEMA1(field) "{\"schema\":{\"fields\":[" field "]},\"batches\":[]}"

static void expect_error_n(const void *doc, size_t n, qv_status code, const char *substr) {
  qv_error err;
  qv_json_file *f = (qv_json_file *)(uintptr_t)1;
  qv_status st = qv_json_read_memory(doc, n, &f, &err);
  if (st != code || strstr(err.message, substr) == NULL) {
    print_message("got %s: %s\nwanted %s containing: %s\n", qv_status_name(st), st ? err.message : "",
                  qv_status_name(code), substr);
  }
  assert_int_equal(st, code);
  assert_int_equal(err.code, code);
  assert_null(f);
  assert_non_null(strstr(err.message, substr));
}

static void expect_error(const char *doc, qv_status code, const char *substr) {
  expect_error_n(doc, strlen(doc), code, substr);
}

static void test_malformed_json(void **state) {
  (void)state;
  expect_error("{\"schema\": ", QV_ERR_INVALID_DATA, "malformed JSON at line 1");
  expect_error("{\n\"schema\": {},\n\"schema\": {}}", QV_ERR_INVALID_DATA, "malformed JSON at line 3");
  expect_error("", QV_ERR_INVALID_DATA, "malformed JSON");
  expect_error("{\"schema\":{\"fields\":[]},\"batches\":[]} trailing", QV_ERR_INVALID_DATA, "malformed JSON");
}

static void test_bad_document_shape(void **state) {
  (void)state;
  expect_error("[]", QV_ERR_INVALID_DATA, "the document must be an object, found an array");
  expect_error("{}", QV_ERR_INVALID_DATA, "missing member \"schema\"");
  expect_error("{\"schema\":{\"fields\":[]}}", QV_ERR_INVALID_DATA, "missing member \"batches\"");
  expect_error("{\"schema\":{\"fields\":[]},\"batches\":{}}", QV_ERR_INVALID_DATA,
               "batches: expected an array, found an object");
  expect_error("{\"schema\":{},\"batches\":[]}", QV_ERR_INVALID_DATA, "schema: missing member \"fields\"");
  expect_error("{\"schema\":{\"fields\":[]},\"batches\":[7]}", QV_ERR_INVALID_DATA,
               "batches[0]: expected an object, found an integer");
  expect_error("{\"schema\":{\"fields\":[]},\"batches\":[],\"dictionaries\":\"x\"}", QV_ERR_INVALID_DATA,
               "dictionaries: expected an array, found a string");
  expect_error("{\"schema\":{\"fields\":[],\"metadata\":7},\"batches\":[]}", QV_ERR_INVALID_DATA,
               "schema.metadata: expected null or an array of {\"key\", \"value\"}, found an integer");
  expect_error("{\"schema\":{\"fields\":[],\"metadata\":[{\"key\":\"a\"}]},\"batches\":[]}", QV_ERR_INVALID_DATA,
               "schema.metadata[0]: missing member \"value\"");
}

static void test_bad_fields(void **state) {
  (void)state;
  expect_error(SCHEMA1("{\"name\":\"a\",\"type\":{\"name\":\"bool\"}}"), QV_ERR_INVALID_DATA,
               "schema.fields[0]: missing member \"nullable\"");
  expect_error(SCHEMA1("{\"name\":1,\"nullable\":true,\"type\":{\"name\":\"bool\"}}"), QV_ERR_INVALID_DATA,
               "schema.fields[0].name: expected a string, found an integer");
  expect_error(SCHEMA1("[]"), QV_ERR_INVALID_DATA, "schema.fields[0]: expected a field object, found an array");
  expect_error(SCHEMA1("{\"name\":\"a\",\"nullable\":\"yes\",\"type\":{\"name\":\"bool\"}}"), QV_ERR_INVALID_DATA,
               "schema.fields[0].nullable: expected a boolean, found a string");
  expect_error(SCHEMA1("{\"name\":\"a\\u0000b\",\"nullable\":true,\"type\":{\"name\":\"bool\"}}"),
               QV_ERR_INVALID_DATA, "schema.fields[0]: the field name contains a NUL character");
}

static void test_bad_types(void **state) {
  (void)state;
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"int33\"}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.name: unknown type name \"int33\"");
  expect_error(SCHEMA1(FIELD("a", INT(7))), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.bitWidth: expected 8, 16, 32 or 64, found 7");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"floatingpoint\",\"precision\":\"QUAD\"}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.precision: expected one of HALF|SINGLE|DOUBLE, found \"QUAD\"");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"time\",\"unit\":\"SECOND\",\"bitWidth\":64}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type: time unit SECOND needs bitWidth 32, found 64");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"list\"}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type: type \"list\" needs 1 child field, found 0");
  expect_error(SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"bool\"},\"children\":["
                       FIELD("b", "{\"name\":\"bool\"}") "]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type: type \"bool\" needs 0 child fields, found 1");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"decimal\",\"precision\":0,\"scale\":0}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type: ");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"decimal\",\"precision\":5,\"scale\":0,\"bitWidth\":48}")),
               QV_ERR_INVALID_DATA, "schema.fields[0].type: ");
  expect_error(SCHEMA1("{\"name\":\"u\",\"nullable\":true,\"type\":{\"name\":\"union\",\"mode\":\"DENSE\","
                       "\"typeIds\":[1,200]},\"children\":[" FIELD("a", INT(8)) "," FIELD("b", INT(8)) "]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type.typeIds[1]: value 200 out of range [0, 127]");
  expect_error(SCHEMA1("{\"name\":\"u\",\"nullable\":true,\"type\":{\"name\":\"union\",\"mode\":\"SPARSE\","
                       "\"typeIds\":[1]},\"children\":[" FIELD("a", INT(8)) "," FIELD("b", INT(8)) "]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type.typeIds: expected 2 type ids (one per child), found 1");
  expect_error(SCHEMA1("{\"name\":\"u\",\"nullable\":true,\"type\":{\"name\":\"union\",\"mode\":\"SPARSE\","
                       "\"typeIds\":[3,3]},\"children\":[" FIELD("a", INT(8)) "," FIELD("b", INT(8)) "]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type: ");
  /* paths into children */
  expect_error(SCHEMA1("{\"name\":\"s\",\"nullable\":true,\"type\":{\"name\":\"struct\"},\"children\":["
                       FIELD("a", INT(8)) "," FIELD("b", "{\"name\":\"utf9\"}") "]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].children[1].type.name: unknown type name \"utf9\"");
  expect_error(SCHEMA1("{\"name\":\"r\",\"nullable\":true,\"type\":{\"name\":\"runendencoded\"},\"children\":["
                       FIELD("run_ends", INT(32)) "," FIELD("values", INT(8)) "]}"),
               QV_ERR_INVALID_DATA, "must not be nullable");
  expect_error(SCHEMA1("{\"name\":\"d\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],"
                       "\"dictionary\":{\"id\":0,\"indexType\":{\"name\":\"utf8\"}}}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].dictionary.indexType: the index type must be");
  expect_error(SCHEMA1("{\"name\":\"d\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],"
                       "\"dictionary\":{\"indexType\":" INT(8) "}}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].dictionary: missing member \"id\"");
  expect_error(SCHEMA1("{\"name\":\"t\",\"nullable\":true,\"type\":{\"name\":\"timestamp\",\"unit\":\"SECOND\","
                       "\"timezone\":5},\"children\":[]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type.timezone: expected a string, found an integer");
}

/* A member of a type object with the wrong kind or value, one per type
 * parameter the reader parses. */
static void test_bad_type_members(void **state) {
  (void)state;
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"int\",\"isSigned\":\"yes\",\"bitWidth\":8}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.isSigned: expected a boolean, found a string");
  expect_error(SCHEMA1("{\"name\":\"u\",\"nullable\":true,\"type\":{\"name\":\"union\",\"mode\":\"SPARSE\","
                       "\"typeIds\":{}},\"children\":[" FIELD("a", INT(8)) "]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type.typeIds: expected an array, found an object");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"fixedsizebinary\"}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type: missing member \"byteWidth\"");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"decimal\",\"precision\":5,\"scale\":\"2\"}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.scale: expected an integer, found a string");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"decimal\",\"precision\":5,\"scale\":2,\"bitWidth\":\"x\"}")),
               QV_ERR_INVALID_DATA, "schema.fields[0].type.bitWidth: expected an integer, found a string");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"date\",\"unit\":\"WEEK\"}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.unit: expected one of DAY|MILLISECOND, found \"WEEK\"");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"time\",\"unit\":\"HOUR\",\"bitWidth\":32}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.unit: expected one of SECOND|MILLISECOND|MICROSECOND|NANOSECOND, found \"HOUR\"");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"time\",\"unit\":\"MICROSECOND\",\"bitWidth\":\"64\"}")),
               QV_ERR_INVALID_DATA, "schema.fields[0].type.bitWidth: expected an integer, found a string");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"time\",\"unit\":\"MICROSECOND\",\"bitWidth\":16}")),
               QV_ERR_INVALID_DATA, "schema.fields[0].type: time bitWidth must be 32 or 64, found 16");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"timestamp\",\"unit\":\"DAY\"}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.unit: expected one of SECOND|MILLISECOND|MICROSECOND|NANOSECOND, found \"DAY\"");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"duration\",\"unit\":7}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.unit: expected a string, found an integer");
  expect_error(SCHEMA1(FIELD("a", "{\"name\":\"interval\",\"unit\":\"WEEK\"}")), QV_ERR_INVALID_DATA,
               "schema.fields[0].type.unit: expected one of YEAR_MONTH|DAY_TIME|MONTH_DAY_NANO, found \"WEEK\"");
  expect_error(SCHEMA1("{\"name\":\"l\",\"nullable\":true,\"type\":{\"name\":\"fixedsizelist\"},\"children\":["
                       FIELD("a", INT(8)) "]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type: missing member \"listSize\"");
  expect_error(SCHEMA1("{\"name\":\"l\",\"nullable\":true,\"type\":{\"name\":\"fixedsizelist\",\"listSize\":2},"
                       "\"children\":[]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type: type \"fixedsizelist\" needs 1 child field, found 0");
  expect_error(SCHEMA1("{\"name\":\"m\",\"nullable\":true,\"type\":{\"name\":\"map\"},\"children\":[]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type: type \"map\" needs 1 child field, found 0");
  expect_error(SCHEMA1("{\"name\":\"m\",\"nullable\":true,\"type\":{\"name\":\"map\",\"keysSorted\":1},"
                       "\"children\":[" FIELD("e", "{\"name\":\"struct\"}") "]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].type.keysSorted: expected a boolean, found an integer");
}

/* Field and schema metadata: an array of {"key", "value"} (or null; an
 * object of strings is tolerated), nothing else. */
static void test_bad_metadata(void **state) {
  (void)state;
  expect_error(SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"bool\"},\"children\":[],"
                       "\"metadata\":{\"k\":5}}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].metadata.k: expected a string, found an integer");
  expect_error(SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"bool\"},\"children\":[],"
                       "\"metadata\":[5]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].metadata[0]: expected an object {\"key\", \"value\"}, found an integer");
  expect_error(SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"bool\"},\"children\":[],"
                       "\"metadata\":[{\"value\":\"v\"}]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].metadata[0]: missing member \"key\"");
  expect_error(SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"bool\"},\"children\":[],"
                       "\"metadata\":\"k=v\"}"),
               QV_ERR_INVALID_DATA,
               "schema.fields[0].metadata: expected null or an array of {\"key\", \"value\"}, found a string");
  expect_error("{\"schema\":{\"fields\":[],\"metadata\":7},\"batches\":[]}", QV_ERR_INVALID_DATA,
               "schema.metadata: expected null or an array of {\"key\", \"value\"}, found an integer");
}

/* Members of a field and of its dictionary encoding with the wrong kind. */
static void test_bad_field_and_dictionary_members(void **state) {
  (void)state;
  expect_error(SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"bool\"},\"children\":{}}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].children: expected an array, found an object");
  expect_error(SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"bool\"},\"dictionary\":[]}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].dictionary: expected an object, found an array");
  expect_error(SCHEMA1("{\"name\":\"d\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],"
                       "\"dictionary\":{\"id\":0,\"indexType\":[]}}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].dictionary.indexType: expected an object, found an array");
  expect_error(SCHEMA1("{\"name\":\"d\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],"
                       "\"dictionary\":{\"id\":0,\"isOrdered\":\"no\"}}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].dictionary.isOrdered: expected a boolean, found a string");
  expect_error(SCHEMA1("{\"name\":\"d\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],"
                       "\"dictionary\":{\"id\":0,\"indexType\":{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":\"8\"}}}"),
               QV_ERR_INVALID_DATA, "schema.fields[0].dictionary.indexType.bitWidth: expected an integer, found a string");
}

/* Shapes other writers produce that the reader accepts, read as meant. */
static void test_tolerated_shapes(void **state) {
  (void)state;
  static const char metadata_object[] = "{\"schema\":{\"fields\":[],\"metadata\":{\"k\":\"v\"}},\"batches\":[]}";
  static const char int_without_sign[] =
      SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"int\",\"bitWidth\":8},\"children\":[]}");
  static const char extension_with_more_metadata[] =
      SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],\"metadata\":["
              "{\"key\":\"ARROW:extension:name\",\"value\":\"arrow.json\"},{\"key\":\"x\",\"value\":\"y\"}]}");
  static const char empty_extension_name[] =
      SCHEMA1("{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"bool\"},\"children\":[],\"metadata\":["
              "{\"key\":\"ARROW:extension:name\",\"value\":\"\"}]}");
  qv_error err;
  qv_json_file *f = NULL;
  assert_int_equal(qv_json_read_memory(metadata_object, strlen(metadata_object), &f, &err), QV_OK);
  const qv_kv *kv = qv_metadata_find(f->schema->metadata, "k");
  assert_non_null(kv);
  assert_memory_equal(kv->value, "v", 1);
  qv_json_file_free(f);
  assert_int_equal(qv_json_read_memory(int_without_sign, strlen(int_without_sign), &f, &err), QV_OK);
  assert_int_equal(f->schema->fields[0]->type->id, QV_TYPE_INT8); /* isSigned defaults to true */
  qv_json_file_free(f);
  assert_int_equal(qv_json_read_memory(extension_with_more_metadata, strlen(extension_with_more_metadata), &f, &err),
                   QV_OK);
  const qv_field *fld = f->schema->fields[0];
  assert_int_equal(fld->type->id, QV_TYPE_EXTENSION);
  assert_string_equal(fld->type->extension_name, "arrow.json");
  assert_non_null(qv_metadata_find(fld->metadata, "x")); /* the other keys stay on the field */
  assert_null(qv_metadata_find(fld->metadata, "ARROW:extension:name"));
  qv_json_file_free(f);
  assert_int_equal(qv_json_read_memory(empty_extension_name, strlen(empty_extension_name), &f, &err), QV_OK);
  assert_int_equal(f->schema->fields[0]->type->id, QV_TYPE_BOOL); /* an empty name is no extension */
  qv_json_file_free(f);
}

static void test_bad_counts(void **state) {
  (void)state;
  expect_error(DOC1(FIELD("a", INT(8)), 3, "{\"name\":\"a\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[1,2]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].DATA: expected 3 entries (from count), found 2");
  expect_error(DOC1(FIELD("a", INT(8)), 3, "{\"name\":\"a\",\"count\":3,\"VALIDITY\":[1,1],\"DATA\":[1,2,3]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].VALIDITY: expected 3 entries (from count), found 2");
  expect_error(DOC1(FIELD("a", INT(8)), 2, "{\"name\":\"a\",\"count\":2,\"DATA\":[1,2]},{\"name\":\"b\"}"),
               QV_ERR_INVALID_DATA, "batches[0].columns: expected 1 columns (one per schema field), found 2");
  expect_error(DOC1(FIELD("a", INT(8)), 3, "{\"name\":\"a\",\"count\":2,\"DATA\":[1,2]}"), QV_ERR_INVALID_DATA,
               "batches[0].columns[0]: count 2 differs from the batch count 3");
  expect_error(DOC1(FIELD("a", INT(8)), 0, "{\"name\":\"a\",\"count\":-1,\"DATA\":[]}"), QV_ERR_INVALID_DATA,
               "batches[0].columns[0].count: value -1 out of range");
  expect_error(DOC1(FIELD("a", INT(8)), 1, "{\"name\":\"a\",\"DATA\":[1]}"), QV_ERR_INVALID_DATA,
               "batches[0].columns[0]: missing member \"count\"");
  expect_error(DOC1(FIELD("a", INT(8)), 1, "[1]"), QV_ERR_INVALID_DATA,
               "batches[0].columns[0]: expected a FieldData object, found an array");
  expect_error(DOC1("{\"name\":\"s\",\"nullable\":true,\"type\":{\"name\":\"struct\"},\"children\":["
                    FIELD("a", INT(8)) "]}", 1, "{\"name\":\"s\",\"count\":1,\"VALIDITY\":[1],\"children\":[]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].children: expected 1 children (one per child field), found 0");
  /* a struct child shorter than its parent: caught by structural validation */
  expect_error(DOC1("{\"name\":\"s\",\"nullable\":true,\"type\":{\"name\":\"struct\"},\"children\":["
                    FIELD("a", INT(8)) "]}", 2,
                    "{\"name\":\"s\",\"count\":2,\"VALIDITY\":[1,1],\"children\":["
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[1]}]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0]: ");
}

static void test_bad_values(void **state) {
  (void)state;
  /* the message names the JSON path of the bad value */
  expect_error("{\"schema\":{\"fields\":[" FIELD("a", INT(8)) "," FIELD("b", INT(16)) "," FIELD("c", INT(64))
               "]},\"batches\":[{\"count\":6,\"columns\":["
               "{\"name\":\"a\",\"count\":6,\"VALIDITY\":[1,1,1,1,1,1],\"DATA\":[1,2,3,4,5,6]},"
               "{\"name\":\"b\",\"count\":6,\"VALIDITY\":[1,1,1,1,1,1],\"DATA\":[1,2,3,4,5,6]},"
               "{\"name\":\"c\",\"count\":6,\"VALIDITY\":[1,1,1,1,1,1],\"DATA\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"12x\"]}"
               "]}]}",
               QV_ERR_INVALID_DATA, "batches[0].columns[2].DATA[5]: expected a string of digits, found \"12x\"");
  expect_error(DOC1(FIELD("a", INT(8)), 2, "{\"name\":\"a\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[1,300]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].DATA[1]: value 300 out of range [-128, 127]");
  expect_error(DOC1(FIELD("a", INT(8)), 1, "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[1.5]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: expected an integer or a string of digits, found a real number");
  expect_error(DOC1(FIELD("a", INT(8)), 1, "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[2],\"DATA\":[1]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].VALIDITY[0]: expected 0, 1, true or false, found an integer");
  expect_error(DOC1(FIELD("a", "{\"name\":\"floatingpoint\",\"precision\":\"DOUBLE\"}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"abc\"]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: expected a number, found a string");
  expect_error(DOC1(FIELD("a", "{\"name\":\"decimal\",\"precision\":9,\"scale\":0,\"bitWidth\":32}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"2147483648\"]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: value \"2147483648\" does not fit in 32 bits");
  expect_error(DOC1(FIELD("a", "{\"name\":\"decimal\",\"precision\":9,\"scale\":0,\"bitWidth\":128}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"1.5\"]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: expected a string of digits, found \"1.5\"");
  expect_error(DOC1(FIELD("a", "{\"name\":\"int\",\"isSigned\":false,\"bitWidth\":64}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"-1\"]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: expected a string of digits, found \"-1\"");
  expect_error(DOC1(FIELD("a", "{\"name\":\"int\",\"isSigned\":false,\"bitWidth\":64}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"18446744073709551616\"]}"),
               QV_ERR_INVALID_DATA, "out of range for uint64");
  expect_error(DOC1(FIELD("a", INT(64)), 1, "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],"
                                            "\"DATA\":[\"9223372036854775808\"]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: value \"9223372036854775808\" out of range");
  expect_error(DOC1(FIELD("a", "{\"name\":\"binary\"}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"OFFSET\":[0,1],\"DATA\":[\"0G\"]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].DATA[0]: invalid hex string \"0G\"");
  expect_error(DOC1(FIELD("a", "{\"name\":\"binary\"}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"ABC\"]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: odd number of hex digits (3)");
  expect_error(DOC1(FIELD("a", "{\"name\":\"utf8\"}"), 1, "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[5]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: expected a string, found an integer");
  expect_error(DOC1(FIELD("a", "{\"name\":\"fixedsizebinary\",\"byteWidth\":3}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"ABCD\"]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: expected 6 hex digits (3 bytes), found 4");
  expect_error(DOC1(FIELD("a", "{\"name\":\"interval\",\"unit\":\"DAY_TIME\"}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[{\"days\":1}]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: expected an object with \"milliseconds\", found an object");
  expect_error(DOC1(FIELD("a", "{\"name\":\"interval\",\"unit\":\"MONTH_DAY_NANO\"}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],"
                    "\"DATA\":[{\"months\":1,\"days\":1,\"nanoseconds\":1.5}]}"),
               QV_ERR_INVALID_DATA,
               "batches[0].columns[0].DATA[0].nanoseconds: expected an integer or a string of digits, found a real");
  expect_error(DOC1(FIELD("a", "{\"name\":\"bool\"}"), 1, "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[null]}"),
               QV_ERR_INVALID_DATA, "DATA[0]: expected 0, 1, true or false, found null");
  expect_error(DOC1("{\"name\":\"u\",\"nullable\":true,\"type\":{\"name\":\"union\",\"mode\":\"SPARSE\","
                    "\"typeIds\":[1]},\"children\":[" FIELD("a", INT(8)) "]}", 1,
                    "{\"name\":\"u\",\"count\":1,\"TYPE_ID\":[128],\"children\":["
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[1]}]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].TYPE_ID[0]: value 128 out of range [0, 127]");
}

static void test_bad_offsets(void **state) {
  (void)state;
  expect_error(DOC1(FIELD("a", "{\"name\":\"utf8\"}"), 2,
                    "{\"name\":\"a\",\"count\":2,\"VALIDITY\":[1,1],\"OFFSET\":[0,1,5],\"DATA\":[\"a\",\"b\"]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].OFFSET[2]: offsets 1..5 span 4 bytes but DATA[1] holds 1");
  expect_error(DOC1(FIELD("a", "{\"name\":\"utf8\"}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"OFFSET\":[-1,0],\"DATA\":[\"a\"]}"),
               QV_ERR_INVALID_DATA, "OFFSET[0]: value -1 out of range");
  expect_error(DOC1(FIELD("a", "{\"name\":\"utf8\"}"), 1,
                    "{\"name\":\"a\",\"count\":1,\"VALIDITY\":[1],\"OFFSET\":[0],\"DATA\":[\"a\"]}"),
               QV_ERR_INVALID_DATA, "OFFSET: expected 2 entries (from count), found 1");
  /* list offsets past the child: structural validation, prefixed with the column path */
  expect_error(DOC1("{\"name\":\"l\",\"nullable\":true,\"type\":{\"name\":\"list\"},\"children\":["
                    FIELD("item", INT(8)) "]}", 1,
                    "{\"name\":\"l\",\"count\":1,\"VALIDITY\":[1],\"OFFSET\":[0,5],\"children\":["
                    "{\"name\":\"item\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[1]}]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0]: ");
  expect_error(DOC1("{\"name\":\"l\",\"nullable\":true,\"type\":{\"name\":\"largelist\"},\"children\":["
                    FIELD("item", INT(8)) "]}", 1,
                    "{\"name\":\"l\",\"count\":1,\"VALIDITY\":[1],\"OFFSET\":[\"0\",\"x\"],\"children\":["
                    "{\"name\":\"item\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[1]}]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].OFFSET[1]: expected a string of digits, found \"x\"");
  expect_error(DOC1("{\"name\":\"l\",\"nullable\":true,\"type\":{\"name\":\"listview\"},\"children\":["
                    FIELD("item", INT(8)) "]}", 1,
                    "{\"name\":\"l\",\"count\":1,\"VALIDITY\":[1],\"OFFSET\":[0],\"children\":["
                    "{\"name\":\"item\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[1]}]}"),
               QV_ERR_INVALID_DATA, "batches[0].columns[0]: missing member \"SIZE\"");
}

#define VIEWDOC(views, bufs)                                                                   \
  DOC1(FIELD("v", "{\"name\":\"binaryview\"}"), 1,                                             \
       "{\"name\":\"v\",\"count\":1,\"VALIDITY\":[1],\"VIEWS\":[" views "],\"VARIADIC_DATA_BUFFERS\":[" bufs "]}")

static void test_bad_views(void **state) {
  (void)state;
  expect_error(VIEWDOC("{\"SIZE\":13,\"PREFIX_HEX\":\"00000000\",\"BUFFER_INDEX\":1,\"OFFSET\":0}",
                       "\"00000000000000000000000000\""),
               QV_ERR_INVALID_DATA, "batches[0].columns[0].VIEWS[0]: BUFFER_INDEX 1 is past the 1 VARIADIC_DATA_BUFFERS");
  expect_error(VIEWDOC("{\"SIZE\":13,\"PREFIX_HEX\":\"00000000\",\"BUFFER_INDEX\":0,\"OFFSET\":1}",
                       "\"00000000000000000000000000\""),
               QV_ERR_INVALID_DATA, "VIEWS[0]: OFFSET + SIZE = 14 is past the end of variadic buffer 0 (13 bytes)");
  expect_error(VIEWDOC("{\"SIZE\":3,\"INLINED\":\"AB\"}", ""), QV_ERR_INVALID_DATA,
               "VIEWS[0]: INLINED \"AB\" does not hold SIZE 3 bytes");
  expect_error(VIEWDOC("{\"SIZE\":13,\"BUFFER_INDEX\":0,\"OFFSET\":0}", "\"00000000000000000000000000\""),
               QV_ERR_INVALID_DATA, "VIEWS[0]: PREFIX_HEX must be 8 hex digits");
  expect_error(VIEWDOC("{\"SIZE\":-1,\"INLINED\":\"\"}", ""), QV_ERR_INVALID_DATA,
               "VIEWS[0].SIZE: value -1 out of range");
  expect_error(VIEWDOC("{\"SIZE\":1,\"INLINED\":\"AB\"}", "7"), QV_ERR_INVALID_DATA,
               "VARIADIC_DATA_BUFFERS[0]: expected a hex string, found an integer");
  expect_error(VIEWDOC("7", ""), QV_ERR_INVALID_DATA, "VIEWS[0]: expected an object, found an integer");
}

#define DICTFIELD(name, id) \
  "{\"name\":\"" name "\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],\"dictionary\":{\"id\":" #id "}}"
#define DICTCOL(name) "{\"name\":\"" name "\",\"count\":2,\"VALIDITY\":[1,0],\"DATA\":[0,0]}"
#define UTF8DICT(id) \
  "{\"id\":" #id ",\"data\":{\"count\":1,\"columns\":[{\"name\":\"D\",\"count\":1,\"VALIDITY\":[1],\"OFFSET\":[0,1],\"DATA\":[\"x\"]}]}}"

static void test_bad_dictionaries(void **state) {
  (void)state;
  expect_error("{\"schema\":{\"fields\":[" DICTFIELD("a", 3) "]},\"batches\":[{\"count\":2,\"columns\":["
               DICTCOL("a") "]}]}",
               QV_ERR_INVALID_DATA, "batches[0].columns[0]: dictionary id 3 is missing from \"dictionaries\"");
  expect_error("{\"schema\":{\"fields\":[" DICTFIELD("a", 0) "]},\"batches\":[],\"dictionaries\":[" UTF8DICT(0) ","
               UTF8DICT(5) "]}",
               QV_ERR_INVALID_DATA, "dictionaries[1]: dictionary id 5 is not used by any field");
  expect_error("{\"schema\":{\"fields\":[" DICTFIELD("a", 0) "]},\"batches\":[],\"dictionaries\":[" UTF8DICT(0) ","
               UTF8DICT(0) "]}",
               QV_ERR_INVALID_DATA, "dictionaries[1]: dictionary id 0 appears twice (first at dictionaries[0])");
  expect_error("{\"schema\":{\"fields\":[" DICTFIELD("a", 0) ","
               "{\"name\":\"b\",\"nullable\":true,\"type\":" INT(32) ",\"children\":[],\"dictionary\":{\"id\":0}}"
               "]},\"batches\":[]}",
               QV_ERR_INVALID_DATA, "schema.fields[1].dictionary: dictionary id 0 is used with value type string and int32");
  expect_error("{\"schema\":{\"fields\":[" DICTFIELD("a", 0) "]},\"batches\":[],\"dictionaries\":["
               "{\"id\":0,\"data\":{\"count\":1,\"columns\":[{\"name\":\"D\",\"count\":1,\"VALIDITY\":[1],"
               "\"OFFSET\":[0,1],\"DATA\":[7]}]}}]}",
               QV_ERR_INVALID_DATA, "dictionaries[0].data.columns[0].DATA[0]: expected a string, found an integer");
  expect_error("{\"schema\":{\"fields\":[" DICTFIELD("a", 0) "]},\"batches\":[],\"dictionaries\":["
               "{\"id\":0,\"data\":{\"count\":1,\"columns\":[]}}]}",
               QV_ERR_INVALID_DATA, "dictionaries[0].data.columns: expected 1 column, found 0");
  expect_error("{\"schema\":{\"fields\":[" DICTFIELD("a", 0) "]},\"batches\":[],\"dictionaries\":["
               "{\"id\":0,\"data\":{\"count\":2,\"columns\":[{\"name\":\"D\",\"count\":1,\"VALIDITY\":[1],"
               "\"OFFSET\":[0,1],\"DATA\":[\"x\"]}]}}]}",
               QV_ERR_INVALID_DATA, "dictionaries[0].data.columns[0]: count 1 differs from the dictionary's count 2");
  expect_error("{\"schema\":{\"fields\":[" DICTFIELD("a", 0) "]},\"batches\":[],\"dictionaries\":[{\"id\":0,"
               "\"data\":5}]}",
               QV_ERR_INVALID_DATA, "dictionaries[0].data: expected a RecordBatch object, found an integer");
  expect_error("{\"schema\":{\"fields\":[" DICTFIELD("a", 0) "]},\"batches\":[],\"dictionaries\":[{\"id\":\"0\"}]}",
               QV_ERR_INVALID_DATA, "dictionaries[0].id: expected an integer, found a string");

  /* an index past the dictionary is a value-level problem: read, then caught by full validation */
  const char *doc = "{\"schema\":{\"fields\":[" DICTFIELD("a", 0) "]},\"batches\":[{\"count\":2,\"columns\":["
                    "{\"name\":\"a\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[0,9]}]}],\"dictionaries\":["
                    UTF8DICT(0) "]}";
  qv_error err;
  qv_json_file *f = NULL;
  assert_int_equal(qv_json_read_memory(doc, strlen(doc), &f, &err), QV_OK);
  assert_int_equal(qv_batch_validate(f->batches[0], QV_VALIDATE_FULL, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "column 'a'"));
  qv_json_file_free(f);
}

static size_t gzip_text(const char *text, uint8_t *out, size_t cap) {
  uLongf n = (uLongf)cap;
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = (Bytef *)(uintptr_t)text;
  zs.avail_in = (uInt)strlen(text);
  zs.next_out = out;
  zs.avail_out = (uInt)cap;
  assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
  n = zs.total_out;
  deflateEnd(&zs);
  return (size_t)n;
}

static void test_bad_gzip(void **state) {
  (void)state;
  const char *doc = DOC1(FIELD("a", INT(8)), 3, "{\"name\":\"a\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[1,2,3]}");
  uint8_t gz[1024];
  size_t n = gzip_text(doc, gz, sizeof gz);
  qv_error err;
  qv_json_file *f = NULL;
  assert_int_equal(qv_json_read_memory(gz, n, &f, &err), QV_OK); /* the intact stream reads */
  assert_int_equal(f->batches[0]->length, 3);
  qv_json_file_free(f);
  expect_error_n(gz, n / 2, QV_ERR_TRUNCATED, "gzip: the compressed data ends early");
  uint8_t bad[1024];
  memcpy(bad, gz, n);
  for (size_t i = 12; i < n - 8; i += 3) bad[i] ^= 0x5a;
  expect_error_n(bad, n, QV_ERR_INVALID_DATA, "gzip: ");
  expect_error_n("\x1f\x8b", 2, QV_ERR_TRUNCATED, "gzip");
}

static void test_io_and_arguments(void **state) {
  (void)state;
  qv_error err;
  qv_json_file *f = NULL;
  assert_int_equal(qv_json_read_path("/nonexistent/qv/x.json.gz", &f, &err), QV_ERR_IO);
  assert_non_null(strstr(err.message, "/nonexistent/qv/x.json.gz"));
  assert_non_null(strstr(err.message, "No such file"));
  assert_null(f);
  assert_int_equal(qv_json_read_path("/tmp", &f, &err), QV_ERR_IO);
  assert_int_equal(qv_json_read_path(NULL, &f, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_json_read_memory("{}", 2, NULL, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_json_read_memory(NULL, 5, &f, &err), QV_ERR_INVALID_ARGUMENT);
  qv_table *t = NULL;
  assert_int_equal(qv_json_read_table_memory("[", 1, &t, &err), QV_ERR_INVALID_DATA);
  assert_null(t);
  assert_int_equal(qv_json_file_to_table(NULL, &t, &err), QV_ERR_INVALID_ARGUMENT);
  qv_json_file_free(NULL);
  /* errors from a file name the file */
  assert_int_equal(qv_json_read_table_path("/nonexistent.json", &t, NULL), QV_ERR_IO); /* err may be NULL */
}

static void test_depth_limit(void **state) {
  (void)state;
  char doc[16384];
  size_t n = (size_t)snprintf(doc, sizeof doc, "{\"schema\":{\"fields\":[");
  for (int i = 0; i < 70; i++) {
    n += (size_t)snprintf(doc + n, sizeof doc - n,
                          "{\"name\":\"s\",\"nullable\":true,\"type\":{\"name\":\"struct\"},\"children\":[");
  }
  n += (size_t)snprintf(doc + n, sizeof doc - n, FIELD("x", INT(8)));
  for (int i = 0; i < 70; i++) n += (size_t)snprintf(doc + n, sizeof doc - n, "]}");
  snprintf(doc + n, sizeof doc - n, "]},\"batches\":[]}");
  expect_error(doc, QV_ERR_LIMIT, "fields nested more than 64 levels deep");
}

static void test_mutations(void **state) {
  (void)state;
  static const char alphabet[] = "0123456789-\"[]{},:e.x ";
  const char *k_rich = qvt_rich_doc();
  size_t n = strlen(k_rich);
  char *buf = malloc(n + 8);
  uint64_t rng = 0x9E3779B97F4A7C15ull;
  int accepted = 0, rejected = 0;
  qv_error err;
  qv_json_file *f = NULL;
  assert_int_equal(qv_json_read_memory(k_rich, n, &f, &err), QV_OK); /* the original is fine */
  for (int32_t i = 0; i < f->schema->n_fields; i++) {
    assert_int_equal(qv_array_validate(f->batches[0]->columns[i], QV_VALIDATE_FULL, &err), QV_OK);
  }
  qv_json_file_free(f);
  for (int iter = 0; iter < 4000; iter++) {
    memcpy(buf, k_rich, n);
    size_t len = n;
    int edits = 1 + (int)(rng % 3);
    for (int e = 0; e < edits; e++) {
      rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
      size_t pos = (size_t)(rng >> 16) % len;
      int op = (int)(rng & 3);
      if (op == 0 && len > 1) { /* delete */
        memmove(buf + pos, buf + pos + 1, len - pos - 1);
        len--;
      } else if (op == 1 && len < n + 7) { /* insert */
        memmove(buf + pos + 1, buf + pos, len - pos);
        buf[pos] = alphabet[(rng >> 40) % (sizeof alphabet - 1)];
        len++;
      } else { /* replace */
        buf[pos] = alphabet[(rng >> 40) % (sizeof alphabet - 1)];
      }
    }
    f = NULL;
    qv_status st = qv_json_read_memory(buf, len, &f, &err);
    if (st == QV_OK) {
      accepted++;
      for (int64_t b = 0; b < f->n_batches; b++) {
        assert_int_equal(qv_batch_validate(f->batches[b], QV_VALIDATE_STRUCTURE, &err), QV_OK);
      }
      qv_json_file_free(f);
    } else {
      rejected++;
      assert_null(f);
      assert_true(strlen(err.message) > 0);
      assert_true(st == QV_ERR_INVALID_DATA || st == QV_ERR_LIMIT || st == QV_ERR_OVERFLOW);
    }
  }
  free(buf);
  print_message("mutations: %d accepted, %d rejected\n", accepted, rejected);
  assert_true(rejected > 1000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_malformed_json),
      cmocka_unit_test(test_bad_document_shape),
      cmocka_unit_test(test_bad_fields),
      cmocka_unit_test(test_bad_types),
      cmocka_unit_test(test_bad_type_members),
      cmocka_unit_test(test_bad_metadata),
      cmocka_unit_test(test_bad_field_and_dictionary_members),
      cmocka_unit_test(test_tolerated_shapes),
      cmocka_unit_test(test_bad_counts),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_bad_offsets),
      cmocka_unit_test(test_bad_views),
      cmocka_unit_test(test_bad_dictionaries),
      cmocka_unit_test(test_bad_gzip),
      cmocka_unit_test(test_io_and_arguments),
      cmocka_unit_test(test_depth_limit),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
