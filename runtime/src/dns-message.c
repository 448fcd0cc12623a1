/* dns-message.c: DNS queries and answers (dns-private.h), with ldns.
 *
 * ldns builds and parses the wire format (names, compression, record
 * data); what is ours is deciding whether a message answers the query
 * we sent and what to take from it. An answer must have QR set, our ID,
 * one question equal to ours (name compared case-insensitively, type,
 * class IN); otherwise it is dropped. From the answer section only the
 * records on the chain from the name asked are taken: those of the name,
 * or, through CNAMEs (at most MIRAGE_DNS_MAX_CHAIN), of their targets,
 * so records about other names (cache poisoning attempts) are ignored.
 * The negative TTL comes from a SOA in the authority section (RFC 2308
 * section 5: the lesser of its TTL and its MINIMUM field). No I/O here;
 * fuzzed by tests/fuzz/fuzz-dns-response.c. */
#include "dns-private.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

int
mirage_dns__normalize_name (const char *name, char *out, size_t size)
{
  size_t len = strlen (name);
  if (len == 0 || len > 253 + 1 || size < len + 2)
    return -EINVAL;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char) name[i];
    if (ch <= ' ' || ch >= 127 || ch == '\\')
      return -EINVAL;
    out[i] = (char) tolower (ch);
  }
  if (out[len - 1] != '.')
    out[len++] = '.';
  out[len] = '\0';
  /* ldns checks label lengths and the total */
  ldns_rdf *d = NULL;
  if (strcmp (out, ".") != 0 && strstr (out, "..") != NULL)
    return -EINVAL;
  if (ldns_str2rdf_dname (&d, out) != LDNS_STATUS_OK)
    return -EINVAL;
  ldns_rdf_deep_free (d);
  return 0;
}

int
mirage_dns__build_query (uint16_t id, const char *name, uint16_t type, uint8_t **wire, size_t *len)
{
  ldns_rdf *qname = NULL;
  if (ldns_str2rdf_dname (&qname, name) != LDNS_STATUS_OK)
    return -EINVAL;
  ldns_pkt *q = ldns_pkt_query_new (qname, (ldns_rr_type) type, LDNS_RR_CLASS_IN, LDNS_RD);
  if (!q)
    return -ENOMEM;
  ldns_pkt_set_id (q, id);
  ldns_status s = ldns_pkt2wire (wire, q, len);
  ldns_pkt_free (q);
  return s == LDNS_STATUS_OK ? 0 : -ENOMEM;
}

static char *
rdf_text (const ldns_rdf *rdf)
{
  char *s = ldns_rdf2str (rdf);
  return s;
}

/* The record data in presentation form: the fields joined by spaces. */
static char *
rr_data_text (const ldns_rr *rr)
{
  ldns_buffer *b = ldns_buffer_new (64);
  if (!b)
    return NULL;
  for (size_t i = 0; i < ldns_rr_rd_count (rr); i++) {
    if (i > 0)
      ldns_buffer_printf (b, " ");
    if (ldns_rdf2buffer_str (b, ldns_rr_rdf (rr, i)) != LDNS_STATUS_OK) {
      ldns_buffer_free (b);
      return NULL;
    }
  }
  char *s = ldns_buffer_export2str (b);
  ldns_buffer_free (b);
  return s;
}

static int
add_record (mirage_dns_result *out, const ldns_rr *rr)
{
  mirage_dns_record *grown = realloc (out->answer.records, (out->answer.n + 1) * sizeof *grown);
  if (!grown)
    return -ENOMEM;
  out->answer.records = grown;
  mirage_dns_record *rec = &grown[out->answer.n];
  rec->name = rdf_text (ldns_rr_owner (rr));
  rec->type = (uint16_t) ldns_rr_get_type (rr);
  rec->ttl = ldns_rr_ttl (rr);
  rec->data = rr_data_text (rr);
  if (!rec->name || !rec->data) {
    free (rec->name);
    free (rec->data);
    return -ENOMEM;
  }
  for (char *p = rec->name; *p; p++)
    *p = (char) tolower ((unsigned char) *p);
  out->answer.n++;
  return 0;
}

int
mirage_dns__parse_response (const uint8_t *wire, size_t len, uint16_t id, const char *name,
                            uint16_t type, mirage_dns_result *out)
{
  memset (out, 0, sizeof *out);
  ldns_pkt *p = NULL;
  if (ldns_wire2pkt (&p, wire, len) != LDNS_STATUS_OK)
    return -EPROTO;
  int r = -EPROTO;
  ldns_rdf *want = NULL, *current = NULL;
  if (ldns_pkt_id (p) != id || !ldns_pkt_qr (p) || ldns_pkt_get_opcode (p) != LDNS_PACKET_QUERY)
    goto done;
  ldns_rr_list *question = ldns_pkt_question (p);
  if (ldns_rr_list_rr_count (question) != 1)
    goto done;
  const ldns_rr *q = ldns_rr_list_rr (question, 0);
  if (ldns_str2rdf_dname (&want, name) != LDNS_STATUS_OK)
    goto done;
  if (ldns_dname_compare (ldns_rr_owner (q), want) != 0
      || (uint16_t) ldns_rr_get_type (q) != type || ldns_rr_get_class (q) != LDNS_RR_CLASS_IN)
    goto done;
  out->rcode = (int) ldns_pkt_get_rcode (p);
  out->truncated = ldns_pkt_tc (p);
  r = 0;
  if (out->truncated || (out->rcode != LDNS_RCODE_NOERROR && out->rcode != LDNS_RCODE_NXDOMAIN))
    goto done;

  /* the chain from the name asked */
  ldns_rr_list *an = ldns_pkt_answer (p);
  current = ldns_rdf_clone (want);
  uint32_t ttl = UINT32_MAX;
  for (int step = 0; current && step <= MIRAGE_DNS_MAX_CHAIN; step++) {
    const ldns_rr *cname = NULL;
    bool found = false;
    for (size_t i = 0; i < ldns_rr_list_rr_count (an); i++) {
      const ldns_rr *rr = ldns_rr_list_rr (an, i);
      if (ldns_rr_get_class (rr) != LDNS_RR_CLASS_IN
          || ldns_dname_compare (ldns_rr_owner (rr), current) != 0)
        continue;
      if ((uint16_t) ldns_rr_get_type (rr) == type) {
        if ((r = add_record (out, rr)) < 0)
          goto done;
        if (ldns_rr_ttl (rr) < ttl)
          ttl = ldns_rr_ttl (rr);
        found = true;
      } else if (ldns_rr_get_type (rr) == LDNS_RR_TYPE_CNAME && !cname
                 && ldns_rr_rd_count (rr) == 1) {
        cname = rr;
      }
    }
    if (found || !cname)
      break;
    if (ldns_rr_ttl (cname) < ttl)
      ttl = ldns_rr_ttl (cname);
    ldns_rdf_deep_free (current);
    current = ldns_rdf_clone (ldns_rr_rdf (cname, 0));
  }
  out->ttl = out->answer.n > 0 ? ttl : 0;
  if (out->answer.n == 0 && current && ldns_dname_compare (current, want) != 0) {
    /* a CNAME whose target the server did not include: the caller asks for it */
    char *t = ldns_rdf2str (current);
    if (!t) {
      r = -ENOMEM;
      goto done;
    }
    if (strlen (t) < sizeof out->cname_target)
      for (size_t i = 0; (out->cname_target[i] = (char) tolower ((unsigned char) t[i])); i++)
        ;
    free (t);
  }

  /* negative answers: the SOA's negative TTL */
  if (out->answer.n == 0) {
    ldns_rr_list *ns = ldns_pkt_authority (p);
    for (size_t i = 0; i < ldns_rr_list_rr_count (ns); i++) {
      const ldns_rr *rr = ldns_rr_list_rr (ns, i);
      if (ldns_rr_get_type (rr) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count (rr) != 7)
        continue;
      const ldns_rdf *min = ldns_rr_rdf (rr, 6);
      if (ldns_rdf_get_type (min) != LDNS_RDF_TYPE_INT32 && ldns_rdf_get_type (min) != LDNS_RDF_TYPE_PERIOD)
        continue;
      uint32_t minimum = ldns_rdf2native_int32 (min);
      out->negative_ttl = ldns_rr_ttl (rr) < minimum ? ldns_rr_ttl (rr) : minimum;
      out->has_negative_ttl = true;
      break;
    }
  }
done:
  ldns_rdf_deep_free (want);
  ldns_rdf_deep_free (current);
  ldns_pkt_free (p);
  if (r < 0)
    mirage_dns__result_clear (out);
  return r;
}

void
mirage_dns__result_clear (mirage_dns_result *r)
{
  mirage_dns_answer_clear (&r->answer);
  memset (r, 0, sizeof *r);
}

void
mirage_dns_answer_clear (mirage_dns_answer *a)
{
  for (size_t i = 0; i < a->n; i++) {
    free (a->records[i].name);
    free (a->records[i].data);
  }
  free (a->records);
  a->records = NULL;
  a->n = 0;
}
