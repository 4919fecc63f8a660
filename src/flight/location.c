/* quiver Flight: Flight location URIs -> gRPC targets.
 *
 *   grpc://HOST:PORT, grpc+tcp://HOST:PORT -> "HOST:PORT" (plaintext)
 *   grpc+tls://HOST:PORT                   -> "HOST:PORT" (TLS)
 *   grpc+unix:///path                      -> "unix:/path"
 * IPv6 hosts keep their brackets ("[::1]:8815"), which gRPC expects.
 */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "flight/internal.h"

qv_status qv__location_parse(const char *uri, qv__scheme *scheme, char **target, qv_error *err) {
  *target = NULL;
  if (uri == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight: no location given");
  static const struct {
    const char *prefix;
    qv__scheme scheme;
  } schemes[] = {{"grpc://", QV__SCHEME_TCP},
                 {"grpc+tcp://", QV__SCHEME_TCP},
                 {"grpc+tls://", QV__SCHEME_TLS},
                 {"grpc+unix://", QV__SCHEME_UNIX}};
  for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
    size_t pl = strlen(schemes[i].prefix);
    if (strncmp(uri, schemes[i].prefix, pl) != 0) continue;
    const char *rest = uri + pl;
    *scheme = schemes[i].scheme;
    if (*scheme == QV__SCHEME_UNIX) {
      if (rest[0] != '/')
        return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                            "flight location '%s': a grpc+unix URI names an absolute path (grpc+unix:///tmp/s)", uri);
      size_t n = strlen(rest);
      char *t = (char *)malloc(n + 6);
      QV_CHECK_ALLOC(t, err);
      memcpy(t, "unix:", 5);
      memcpy(t + 5, rest, n + 1);
      *target = t;
      return QV_OK;
    }
    size_t n = strcspn(rest, "/?#");
    const char *colon = memrchr(rest, ':', n);
    const char *bracket = memrchr(rest, ']', n);
    if (n == 0 || colon == NULL || (bracket && colon < bracket) || colon + 1 == rest + n)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight location '%s': expected HOST:PORT after the scheme",
                          uri);
    for (const char *p = colon + 1; p < rest + n; p++)
      if (*p < '0' || *p > '9')
        return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight location '%s': the port is not a number", uri);
    *target = qv__strndup(rest, n);
    QV_CHECK_ALLOC(*target, err);
    return QV_OK;
  }
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                      "flight location '%s': expected grpc://, grpc+tcp://, grpc+tls:// or grpc+unix://", uri);
}
