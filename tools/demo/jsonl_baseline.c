/* The row-wise baseline of the seed demo: the table's rows written as JSON
 * Lines and parsed back into per-row C structs, as a row-oriented system
 * would ship them. It stands for "serialize and parse" so the demo can show,
 * in numbers from the same run, what Arrow IPC avoids. The parser handles
 * what the writer emits (objects of string members with JSON escapes) and
 * rejects anything else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

typedef struct row {
  char *a;
  char *b;
} row;

static int append_escaped(char **p, char *end, const uint8_t *s, int64_t n) {
  char *q = *p;
  if (end - q < n * 6 + 2) return -1;
  *q++ = '"';
  for (int64_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c == '"' || c == '\\') {
      *q++ = '\\';
      *q++ = (char)c;
    } else if (c < 0x20) {
      q += sprintf(q, "\\u%04x", c);
    } else {
      *q++ = (char)c;
    }
  }
  *q++ = '"';
  *p = q;
  return 0;
}

/* Parses a JSON string at *p into a fresh malloc'd C string. */
static char *parse_string(const char **p, const char *end) {
  const char *s = *p;
  if (s >= end || *s != '"') return NULL;
  s++;
  const char *start = s;
  while (s < end && *s != '"') s += (*s == '\\') ? 2 : 1;
  if (s >= end) return NULL;
  char *out = malloc((size_t)(s - start) + 1);
  if (!out) return NULL;
  char *o = out;
  for (const char *r = start; r < s; r++) {
    if (*r != '\\') {
      *o++ = *r;
      continue;
    }
    r++;
    if (*r == 'u') {
      unsigned v = 0;
      if (sscanf(r + 1, "%4x", &v) != 1) {
        free(out);
        return NULL;
      }
      *o++ = (char)v;
      r += 4;
    } else {
      *o++ = *r;
    }
  }
  *o = 0;
  *p = s + 1;
  return out;
}

static int parse_line(const char **p, const char *end, row *r) {
  const char *s = *p;
  if (s >= end || *s++ != '{') return -1;
  r->a = r->b = NULL;
  for (;;) {
    char *key = parse_string(&s, end);
    if (!key || s >= end || *s++ != ':') {
      free(key);
      return -1;
    }
    char *val = parse_string(&s, end);
    if (!val) {
      free(key);
      return -1;
    }
    if (strcmp(key, "a") == 0) r->a = val;
    else if (strcmp(key, "b") == 0) r->b = val;
    else free(val);
    free(key);
    if (s < end && *s == ',') {
      s++;
      continue;
    }
    break;
  }
  if (s + 1 > end || s[0] != '}' || s[1] != '\n') return -1;
  *p = s + 2;
  return 0;
}

int64_t demo_jsonl_roundtrip(const qv_table *table, double *write_s, double *read_s, qv_error *err) {
  const qv_batch *batch = table->batches[0];
  int64_t rows = batch->length;
  /* Worst case: every byte escaped. */
  int64_t cap = 16;
  for (int c = 0; c < 2; c++) {
    const qv_array *col = batch->columns[c];
    const int32_t *off = (const int32_t *)(const void *)col->buffers[1]->data + col->offset;
    cap += (off[rows] - off[0]) * 6 + rows * 16;
  }
  char *text = malloc((size_t)cap);
  if (!text) return qv_error_set(err, QV_ERR_NO_MEMORY, "jsonl baseline: cannot allocate %lld bytes", (long long)cap), -1;

  double t0 = demo_now();
  char *p = text, *end = text + cap;
  for (int64_t i = 0; i < rows; i++) {
    int64_t la, lb;
    const uint8_t *va = qv_array_binary_value(batch->columns[0], i, &la);
    const uint8_t *vb = qv_array_binary_value(batch->columns[1], i, &lb);
    memcpy(p, "{\"a\":", 5);
    p += 5;
    append_escaped(&p, end, va, la);
    memcpy(p, ",\"b\":", 5);
    p += 5;
    append_escaped(&p, end, vb, lb);
    *p++ = '}';
    *p++ = '\n';
  }
  int64_t size = p - text;
  double t1 = demo_now();

  row *rowsv = malloc(sizeof(row) * (size_t)(rows ? rows : 1));
  int64_t parsed = 0;
  const char *q = text;
  while (rowsv && q < text + size && parse_line(&q, text + size, &rowsv[parsed]) == 0) parsed++;
  double t2 = demo_now();

  for (int64_t i = 0; rowsv && i < parsed; i++) {
    free(rowsv[i].a);
    free(rowsv[i].b);
  }
  free(rowsv);
  free(text);
  *write_s = t1 - t0;
  *read_s = t2 - t1;
  if (parsed != rows) {
    qv_error_set(err, QV_ERR_INVALID_DATA, "jsonl baseline: parsed %lld of %lld rows", (long long)parsed,
                 (long long)rows);
    return -1;
  }
  return size;
}
