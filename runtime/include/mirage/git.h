/* mirage/git.h: Git clients, as Mirage's git_tcp, git_http, git_ssh and
 * merge_git_clients (git-net's Mimic contexts), and the operations a
 * unikernel needs on a remote repository: list its refs, fetch a branch
 * into a key-value store, read a file of a commit, push a commit made
 * from a key-value store's content.
 *
 * A mirage_git_client is a device of the graph. Each one speaks some URL
 * schemes and opens its connections through the graph's mimic (happy
 * eyeballs, so the DNS client and the happy-eyeballs knobs apply):
 *
 *   git_tcp    git://HOST[:PORT]/PATH                       (port 9418)
 *   git_http   http://HOST[:PORT]/PATH, https://...          (80, 443)
 *              extra headers (--http-headers name:value,...); HTTPS
 *              certificates checked by --tls-authenticator (mirage/tls.h:
 *              none, key-fp:, cert-fp:, trust-anchor:) or, without one,
 *              against the system's trust store
 *   git_ssh    ssh://[USER@]HOST[:PORT]/PATH, git+ssh://, ssh+git://,
 *              USER@HOST:PATH (scp style; user "git" when none; port 22);
 *              --ssh-key ed25519:BASE64 (awa's form: the 32-byte seed)
 *              and/or --ssh-password, the server's host key checked by
 *              --ssh-authenticator SHA256:BASE64 (as ssh-keygen -lf prints
 *              it; without one any host key is taken, with a warning)
 *   merge_git_clients  whichever of its two clients speaks the URL's scheme
 *
 * A URL may end with #BRANCH (the branch to fetch, as Mirage's git URLs).
 * Other URLs (local paths, file://) are refused: every byte goes through
 * the graph's devices.
 *
 * The Git side (object database, packs, negotiation, the smart protocol)
 * is libgit2's; its network streams are ours (docs/build.md). Shallow
 * fetches, and pushes from a shallow repository, which libgit2 1.5
 * cannot do, speak the smart protocol themselves over the same flows
 * (git-shallow.c, git-proto.c). Objects are
 * kept in a private bare repository in a temporary directory (TMPDIR or
 * /tmp) that mirage_git_close removes. Operations suspend the calling
 * task, never the loop; one git operation runs at a time (others wait
 * their turn). A server that sends nothing for the client's timeout (30 s
 * unless set) ends the operation with -ETIMEDOUT.
 *
 * Errors are negative errno values; functions that take @error also give
 * a malloc'ed message a user can read ("git: the server's host key is
 * SHA256:abc..., the authenticator wants SHA256:xyz..."). -EINVAL: a bad
 * URL, key or argument; -EPROTONOSUPPORT: no client of the graph speaks
 * the URL's scheme; -EKEYREJECTED: a refused host key or certificate;
 * -EACCES: authentication failed; -ENOENT: no such branch, commit or
 * file; -EPROTO: the server or its data is not valid Git; -ETIMEDOUT.
 *
 * Code in libmirage-runtime-git2.a, over libmirage-runtime-gnutls.a
 * (catalog archives git2 and gnutls; libraries git2, gnutls, hogweed,
 * ssh2).
 */
#ifndef MIRAGE_GIT_H
#define MIRAGE_GIT_H

#include <stddef.h>
#include <stdint.h>

#include "mirage/kv_rw.h"
#include "mirage/mimic.h"
#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public head of every client. */
typedef struct mirage_git_client { unsigned schemes; } mirage_git_client;

#define MIRAGE_GIT_SCHEME_GIT   0x1u
#define MIRAGE_GIT_SCHEME_HTTP  0x2u
#define MIRAGE_GIT_SCHEME_HTTPS 0x4u
#define MIRAGE_GIT_SCHEME_SSH   0x8u

/* ---- devices ---- */

/* git_tcp. @tcp is the graph's tcpv4v6 (the stack; connections go
 * through @mimic). */
int mirage_git_tcp (mirage_stack *tcp, mirage_mimic *mimic, mirage_git_client **out);
/* git_http. @authenticator, @headers: NULL or "" for none. */
int mirage_git_http (mirage_stack *tcp, mirage_mimic *mimic, const char *authenticator,
                     const char *headers, mirage_git_client **out);
/* git_ssh. @key, @password, @authenticator: NULL or "" for none. A bad
 * key or authenticator fails with -EINVAL and an error log line saying
 * why (an rsa:SEED key is refused: see docs/build.md). */
int mirage_git_ssh (mirage_stack *tcp, mirage_mimic *mimic, const char *key,
                    const char *password, const char *authenticator,
                    mirage_git_client **out);
/* merge_git_clients: @a is asked first. */
int mirage_git_merge (mirage_git_client *a, mirage_git_client *b, mirage_git_client **out);
/* How long a server may stay silent during an operation (default 30 s). */
void mirage_git_client_set_timeout (mirage_git_client *c, uint64_t timeout_ns);
void mirage_git_client_free (mirage_git_client *c);

/* ---- operations ---- */

typedef struct mirage_git_repo mirage_git_repo;

typedef struct {
  char *name;            /* "refs/heads/main", "HEAD" */
  char oid[41];          /* hex object id */
  char *symref_target;   /* HEAD's branch when the server says, else NULL */
} mirage_git_ref;

typedef struct {
  const char *name;      /* NULL: "Mirage" */
  const char *email;     /* NULL: "mirage@localhost" */
  int64_t time_s;        /* seconds since the epoch; 0: now */
} mirage_git_author;

/* A local repository for the remote at @url (nothing is sent yet). */
int mirage_git_open (mirage_git_client *c, const char *url, mirage_git_repo **out,
                     char **error);
/* The remote's refs. Free with mirage_git_refs_free. */
int mirage_git_ls_refs (mirage_git_repo *r, mirage_git_ref **refs, size_t *n, char **error);
void mirage_git_refs_free (mirage_git_ref *refs, size_t n);
/* Fetches @branch (NULL: the URL's #BRANCH, else the remote's HEAD) and
 * writes its commit id to @oid. Fetching again gets only what is new.
 * @depth > 0 asks for a shallow fetch of that many commits (1: the
 * branch's commit alone); 0 the whole history (or, in a repository a
 * shallow fetch made, what is new down to its shallow boundary). The
 * server must offer the "shallow" capability (-ENOTSUP otherwise). */
int mirage_git_fetch (mirage_git_repo *r, const char *branch, int depth, char oid[41],
                      char **error);
/* The shallow boundary: the commits whose parents were left out by
 * shallow fetches, as a malloc'ed array of @n hex ids (@oids may be
 * NULL to count them). @n = 0: the fetched history is whole. Reading
 * files of fetched commits works the same either way; reading a commit
 * beyond the boundary is -ENOENT. */
int mirage_git_shallow (mirage_git_repo *r, char (**oids)[41], size_t *n);
/* Makes @kv hold exactly the files of commit @oid (hex, or a fetched
 * branch name): values written, keys not in the commit removed. */
int mirage_git_checkout (mirage_git_repo *r, const char *oid, mirage_kv_rw *kv, char **error);
/* The file @path of commit @oid (hex or fetched branch name), malloc'ed. */
int mirage_git_read (mirage_git_repo *r, const char *oid, const char *path, void **data,
                     size_t *len, char **error);
/* Commits the whole content of @kv (its values are the files) on top of
 * the fetched @branch (NULL: the one fetched last) and pushes it there;
 * the new commit's id goes to @oid (may be NULL). */
int mirage_git_push (mirage_git_repo *r, const char *branch, mirage_kv_rw *kv,
                     const mirage_git_author *author, const char *message, char oid[41],
                     char **error);
/* Removes the local repository and frees @r. */
void mirage_git_close (mirage_git_repo *r);

/* open + fetch + checkout + close: @kv holds the branch's files. */
int mirage_git_clone (mirage_git_client *c, const char *url, const char *branch,
                      mirage_kv_rw *kv, char oid[41], char **error);

/* ---- parsers (plain C; fuzzed) ---- */

typedef struct {
  unsigned scheme;       /* one MIRAGE_GIT_SCHEME_* */
  char *user;            /* ssh: the user (default "git"); else NULL */
  char *host;            /* without brackets */
  uint16_t port;
  char *path;            /* "/repo.git"; scp style: as written */
  char *branch;          /* from #BRANCH, or NULL */
} mirage_git_url;

#define MIRAGE_GIT_URL_MAX 4096

int mirage_git_url_parse (const char *text, mirage_git_url *out, char *err, size_t err_size);
void mirage_git_url_clear (mirage_git_url *u);

/* --ssh-key: ed25519:BASE64 (32 bytes). rsa:SEED is refused (-ENOTSUP). */
int mirage_git_ssh_key_parse (const char *text, unsigned char seed[32], char *err,
                              size_t err_size);
/* --ssh-authenticator: SHA256:BASE64 (32 bytes, padding optional). */
int mirage_git_ssh_authenticator_parse (const char *text, unsigned char sha256[32],
                                        char *err, size_t err_size);
/* --http-headers: name:value,name:value into "name: value" lines
 * (a NULL-terminated malloc'ed array). */
int mirage_git_headers_parse (const char *text, char ***out, char *err, size_t err_size);
void mirage_git_headers_free (char **headers);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_GIT_H */
