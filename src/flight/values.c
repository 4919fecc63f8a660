/* quiver Flight: the public value types (bytes, descriptors, infos, poll
 * infos, action types): construction and release. Every struct owns its
 * members; _clear frees them and leaves the struct zeroed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "flight/internal.h"

qv_status qv_flight_bytes_set(qv_flight_bytes *b, const void *data, size_t len, qv_error *err) {
  uint8_t *p = NULL;
  if (len > 0) {
    p = (uint8_t *)malloc(len);
    QV_CHECK_ALLOC(p, err);
    memcpy(p, data, len);
  }
  free(b->data);
  b->data = p;
  b->len = len;
  return QV_OK;
}

void qv_flight_bytes_clear(qv_flight_bytes *b) {
  if (b == NULL) return;
  free(b->data);
  b->data = NULL;
  b->len = 0;
}

void qv_flight_bytes_array_free(qv_flight_bytes *items, size_t n) {
  for (size_t i = 0; items && i < n; i++) qv_flight_bytes_clear(&items[i]);
  free(items);
}

static void free_strings(char **s, size_t n) {
  for (size_t i = 0; s && i < n; i++) free(s[i]);
  free(s);
}

static qv_status copy_strings(char *const *src, size_t n, char ***out, qv_error *err) {
  *out = NULL;
  if (n == 0) return QV_OK;
  char **s = (char **)calloc(n, sizeof *s);
  QV_CHECK_ALLOC(s, err);
  for (size_t i = 0; i < n; i++) {
    s[i] = qv__strndup(src[i], strlen(src[i]));
    if (s[i] == NULL) {
      free_strings(s, i);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
    }
  }
  *out = s;
  return QV_OK;
}

qv_status qv_flight_descriptor_init_path(qv_flight_descriptor *d, const char *const *parts, size_t n,
                                         qv_error *err) {
  memset(d, 0, sizeof *d);
  for (size_t i = 0; i < n; i++)
    if (parts[i] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight descriptor: path part %zu is NULL", i);
  QV_RETURN_IF_ERROR(copy_strings((char *const *)parts, n, &d->path, err));
  d->n_path = n;
  d->type = QV_FLIGHT_DESCRIPTOR_PATH;
  return QV_OK;
}

qv_status qv_flight_descriptor_init_cmd(qv_flight_descriptor *d, const void *cmd, size_t n, qv_error *err) {
  memset(d, 0, sizeof *d);
  QV_RETURN_IF_ERROR(qv_flight_bytes_set(&d->cmd, cmd, n, err));
  d->type = QV_FLIGHT_DESCRIPTOR_CMD;
  return QV_OK;
}

qv_status qv_flight_descriptor_copy(qv_flight_descriptor *dst, const qv_flight_descriptor *src, qv_error *err) {
  memset(dst, 0, sizeof *dst);
  dst->type = src->type;
  QV_RETURN_IF_ERROR(qv_flight_bytes_set(&dst->cmd, src->cmd.data, src->cmd.len, err));
  qv_status st = copy_strings(src->path, src->n_path, &dst->path, err);
  if (st != QV_OK) {
    qv_flight_bytes_clear(&dst->cmd);
    return st;
  }
  dst->n_path = src->n_path;
  return QV_OK;
}

void qv_flight_descriptor_clear(qv_flight_descriptor *d) {
  if (d == NULL) return;
  qv_flight_bytes_clear(&d->cmd);
  free_strings(d->path, d->n_path);
  memset(d, 0, sizeof *d);
}

void qv_flight_info_init(qv_flight_info *info) {
  memset(info, 0, sizeof *info);
  info->total_records = -1;
  info->total_bytes = -1;
}

qv_status qv_flight_info_add_endpoint(qv_flight_info *info, const void *ticket, size_t ticket_len,
                                      const char *location, qv_error *err) {
  qv_flight_endpoint *e =
      (qv_flight_endpoint *)realloc(info->endpoints, (info->n_endpoints + 1) * sizeof *info->endpoints);
  QV_CHECK_ALLOC(e, err);
  info->endpoints = e;
  qv_flight_endpoint *ep = &e[info->n_endpoints];
  memset(ep, 0, sizeof *ep);
  QV_RETURN_IF_ERROR(qv_flight_bytes_set(&ep->ticket, ticket, ticket_len, err));
  if (location) {
    qv_status st = copy_strings((char *const *)&location, 1, &ep->locations, err);
    if (st != QV_OK) {
      qv_flight_bytes_clear(&ep->ticket);
      return st;
    }
    ep->n_locations = 1;
  }
  info->n_endpoints++;
  return QV_OK;
}

static void endpoint_clear(qv_flight_endpoint *e) {
  qv_flight_bytes_clear(&e->ticket);
  free_strings(e->locations, e->n_locations);
  qv_flight_bytes_clear(&e->app_metadata);
  memset(e, 0, sizeof *e);
}

void qv_flight_info_clear(qv_flight_info *info) {
  if (info == NULL) return;
  qv_schema_release(info->schema);
  qv_flight_descriptor_clear(&info->descriptor);
  for (size_t i = 0; i < info->n_endpoints; i++) endpoint_clear(&info->endpoints[i]);
  free(info->endpoints);
  qv_flight_bytes_clear(&info->app_metadata);
  qv_flight_info_init(info);
}

void qv_flight_info_array_free(qv_flight_info *infos, size_t n) {
  for (size_t i = 0; infos && i < n; i++) qv_flight_info_clear(&infos[i]);
  free(infos);
}

void qv_flight_poll_info_clear(qv_flight_poll_info *p) {
  if (p == NULL) return;
  qv_flight_info_clear(&p->info);
  qv_flight_descriptor_clear(&p->next);
  memset(p, 0, sizeof *p);
}

void qv_flight_action_types_free(qv_flight_action_type *types, size_t n) {
  for (size_t i = 0; types && i < n; i++) {
    free(types[i].type);
    free(types[i].description);
  }
  free(types);
}

void qv_flight_chunk_clear(qv_flight_chunk *c) {
  if (c == NULL) return;
  qv_batch_release(c->batch);
  c->batch = NULL;
  qv_flight_bytes_clear(&c->app_metadata);
}

/* ---- base64 (RFC 4648, with padding), for the basic-auth header ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *qv__base64_encode(const uint8_t *p, size_t n) {
  char *out = (char *)malloc((n + 2) / 3 * 4 + 1);
  if (out == NULL) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16;
    if (i + 1 < n) v |= (uint32_t)p[i + 1] << 8;
    if (i + 2 < n) v |= p[i + 2];
    out[o++] = b64[(v >> 18) & 63];
    out[o++] = b64[(v >> 12) & 63];
    out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < n ? b64[v & 63] : '=';
  }
  out[o] = 0;
  return out;
}

static int b64_value(char c) {
  const char *f = c ? strchr(b64, c) : NULL;
  return f ? (int)(f - b64) : -1;
}

uint8_t *qv__base64_decode(const char *s, size_t n, size_t *out_len) {
  if (n % 4 != 0) return NULL;
  uint8_t *out = (uint8_t *)malloc(n / 4 * 3 + 1);
  if (out == NULL) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; k++) {
      if (s[i + k] == '=' && i + 4 == n && k >= 2) {
        v[k] = 0;
        pad++;
      } else if (pad > 0 || (v[k] = b64_value(s[i + k])) < 0) {
        free(out);
        return NULL;
      }
    }
    uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    out[o++] = (uint8_t)(x >> 16);
    if (pad < 2) out[o++] = (uint8_t)(x >> 8);
    if (pad < 1) out[o++] = (uint8_t)x;
  }
  *out_len = o;
  return out;
}
