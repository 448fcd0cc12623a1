/* git-private.h: what the Git client's files share (git-client.c: the
 * devices and operations; git-stream.c: libgit2's streams over mimic and
 * TLS; git-ssh.c: the SSH transport over libssh2). */
#ifndef MIRAGE_GIT_PRIVATE_H
#define MIRAGE_GIT_PRIVATE_H

#include <stdbool.h>

#include "mirage/git.h"
#include "mirage/tls.h"

enum { GIT_CLIENT_LEAF, GIT_CLIENT_MERGE };

typedef struct git_client {
  mirage_git_client base;          /* the public head: schemes spoken */
  int kind;
  mirage_git_client *a, *b;        /* merge */
  mirage_mimic *mimic;
  mirage_tls_config *tls;          /* git_http */
  char **headers;                  /* git_http: "name: value" lines */
  bool have_key;                   /* git_ssh */
  unsigned char seed[32], pub[32];
  char *password;
  bool have_host_auth;
  unsigned char host_sha256[32];
  uint64_t timeout_ns;
} git_client;

/* The operation running now (one at a time: libgit2's stream hooks have
 * no per-call argument, so they find their device here). */
typedef struct git_op {
  git_client *leaf;
  const mirage_git_url *url;
  uint64_t last_activity_ns;
  int status;                      /* the first failure our glue saw */
  char *error;                     /* its message */
} git_op;

extern git_op *_mirage_git_op;

/* Records the first failure of the current operation (later ones are
 * consequences) and sets it as libgit2's error; returns -1, libgit2's
 * generic error, for the callbacks to return. */
int _mirage_git_fail (int status, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* The server sent or took bytes: the idle timeout starts again. */
void _mirage_git_activity (void);

int _mirage_git_streams_register (void);
int _mirage_git_ssh_register (void);
/* Unpadded base64 of @len bytes into @out (at least 4 * len / 3 + 4). */
void _mirage_git_b64 (const unsigned char *in, size_t len, char *out);

#endif /* MIRAGE_GIT_PRIVATE_H */
