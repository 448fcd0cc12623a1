/* git-private.h: what the Git client's files share (git-client.c: the
 * devices and operations; git-stream.c: libgit2's streams over mimic and
 * TLS; git-ssh.c: the SSH transport over libssh2; git-proto.c: the
 * server's side of a fetch or push, parsed; git-shallow.c: shallow
 * fetches and pushes over our own protocol code). */
#ifndef MIRAGE_GIT_PRIVATE_H
#define MIRAGE_GIT_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>


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

/* git-stream.c's connections, for git-shallow.c: to @host:@port of the
 * operation's device, through TLS when @tls. Each returns a negative
 * errno, already reported with _mirage_git_fail, on failure; the read
 * has git_read_fn's shape (@ctx: the git_conn). */
typedef struct git_conn git_conn;
int _mirage_git_conn_open (const char *host, uint16_t port, bool tls, git_conn **out);
ssize_t _mirage_git_conn_read (void *ctx, void *buf, size_t len);
int _mirage_git_conn_write (git_conn *c, const void *buf, size_t len);
void _mirage_git_conn_free (git_conn *c);
int _mirage_git_ssh_register (void);
/* Unpadded base64 of @len bytes into @out (at least 4 * len / 3 + 4). */
void _mirage_git_b64 (const unsigned char *in, size_t len, char *out);


/* ---- git-proto.c: a fetch's server side, parsed without I/O ---- */

typedef ssize_t (*git_read_fn) (void *ctx, void *buf, size_t len);
typedef int (*git_sink_fn) (void *ctx, const void *data, size_t len);
typedef struct git_rd git_rd;

enum { GIT_PKT_FLUSH = 0, GIT_PKT_DATA = 1 };

typedef struct {
  char oid[41];
  char *name;
} git_adv_ref;

typedef struct {
  git_adv_ref *refs;
  size_t n;
  char *caps;            /* the first line's capabilities, space-separated */
  char *head_target;     /* from symref=HEAD:..., or NULL */
} git_adv;

typedef struct {
  char (*oids)[41];
  size_t n, cap;
} git_oids;

typedef struct {
  git_rd *rd;
  int status;
  char reason[64];
  char content_type[128];
  int64_t length;        /* Content-Length, or -1 */
  bool chunked, in_chunk, done;
  uint64_t left;
  char err[256];         /* the body reader's failure */
} git_http_resp;

git_rd *_mirage_git_rd_new (git_read_fn fn, void *ctx);
void _mirage_git_rd_free (git_rd *r);
/* A git_read_fn over the buffered reader @ctx. */
ssize_t _mirage_git_rd_read (void *ctx, void *buf, size_t len);
/* GIT_PKT_DATA (*data, *len valid until the next call), GIT_PKT_FLUSH,
 * or -errno with a message in @err. */
int _mirage_git_pkt_next (git_rd *r, const char **data, size_t *len, char *err, size_t n);
/* The ref advertisement (@http_service: NULL, or over HTTP the service,
 * "git-upload-pack", whose "# service=..." line comes first). */
int _mirage_git_adv_read (git_rd *r, const char *http_service, git_adv *a, char *err, size_t n);
/* receive-pack's report-status up to a flush: 0 when it says "unpack ok"
 * and "ok @ref"; *@rejected (malloc'ed) names the reason of an "ng". */
int _mirage_git_report_read (git_rd *r, const char *ref, char **rejected, char *err, size_t n);
void _mirage_git_adv_clear (git_adv *a);
bool _mirage_git_cap (const char *caps, const char *name);
int _mirage_git_oids_add (git_oids *l, const char *hex);
void _mirage_git_oids_clear (git_oids *l);
/* shallow/unshallow lines up to a flush. */
int _mirage_git_shallow_read (git_rd *r, git_oids *shallow, git_oids *unshallow, char *err, size_t n);
/* One ACK <id> or NAK line. */
int _mirage_git_ack_read (git_rd *r, char *err, size_t n);
/* The pack on side-band channel 1 up to a flush, handed to @sink;
 * @max_pkt: 1000 (side-band) or 65520 (side-band-64k). */
int _mirage_git_pack_read (git_rd *r, size_t max_pkt, git_sink_fn sink, void *ctx, char *err, size_t n);
/* An HTTP/1.x response head; its body is then read with
 * _mirage_git_http_body_read (@h as the context). */
int _mirage_git_http_head (git_rd *r, git_http_resp *h, char *err, size_t n);
ssize_t _mirage_git_http_body_read (void *h, void *buf, size_t len);

/* ---- git-ssh.c, for git-shallow.c ---- */

/* (C11 allows these typedefs again in files that include git2.h) */
typedef struct git_repository git_repository;
typedef struct git_smart_subtransport_stream git_smart_subtransport_stream;
/* An exec channel running @service (git-upload-pack) on the operation's
 * SSH server for its URL's path. */
int _mirage_git_ssh_exec (const char *service, git_smart_subtransport_stream **out);

/* ---- git-shallow.c ---- */

typedef struct mirage_git_repo mirage_git_repo;
/* Fetches @branch's commit (@depth > 0: that many commits deep) over
 * our own upload-pack negotiation; the branch fetched and its id go to
 * @chosen (malloc'ed) and @oid. */
int _mirage_git_fetch_shallow (git_repository *repo, const char *remote_url, const char *branch,
                               int depth, char **chosen, char oid[41]);
/* Pushes @new_oid to @refname with our own receive-pack exchange (the
 * new commit and its whole tree in the pack): libgit2 1.5's push cannot
 * walk a shallow repository. A refusal is 0 with *@rejected set. */
typedef struct git_oid git_oid;
int _mirage_git_push_own (git_repository *repo, const char *remote_url, const char *refname,
                          const git_oid *new_oid, char **rejected);
/* The repository's shallow commits (its "shallow" file). */
int _mirage_git_shallow_load (git_repository *repo, git_oids *out);

#endif /* MIRAGE_GIT_PRIVATE_H */
