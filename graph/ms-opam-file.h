/* ms-opam-file.h: the opam file format 2.0 as a syntax tree.
 *
 * No C library reads opam files, so this is a parser of the format as the
 * opam manual defines it: fields (`name: value`) and sections
 * (`url { ... }`, `extra-source "f" { ... }`); values that are booleans,
 * integers, strings (triple-quoted too), identifiers and variables
 * (`os`, `ocaml:version`, `_:name`), lists, parenthesised groups, options
 * (`value { filter }`), relational, logical and prefix operators, with
 * opam's precedence. Comments (`#` to the end of the line and nested
 * `(* *)`) are skipped. Every node keeps its line and column so that a
 * consumer can point at what it did not understand. The meaning of the
 * fields (depends, available, ...) is in ms-opam-repo.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MS_OPAM_BOOL,
  MS_OPAM_INT,
  MS_OPAM_STRING,
  MS_OPAM_IDENT,        /* an identifier or a variable: "build", "os", "ocaml:version" */
  MS_OPAM_RELOP,        /* left op right; op one of = != < <= > >= */
  MS_OPAM_PREFIX_RELOP, /* op left, as in {>= "1.0"} */
  MS_OPAM_ENVOP,        /* left op right; op one of += =+ := =: =+= */
  MS_OPAM_AND,          /* left & right */
  MS_OPAM_OR,           /* left | right */
  MS_OPAM_NOT,          /* ! left */
  MS_OPAM_DEFINED,      /* ? left */
  MS_OPAM_LIST,         /* [ items ] */
  MS_OPAM_GROUP,        /* ( items ) */
  MS_OPAM_OPTION,       /* left { items } */
} MsOpamKind;

typedef struct MsOpamValue MsOpamValue;
struct MsOpamValue {
  MsOpamKind kind;
  guint line, col;        /* 1-based, where the value starts */
  char *text;             /* STRING: the string, escapes applied; IDENT: the name;
                             *RELOP, ENVOP: the operator */
  gint64 number;          /* INT; BOOL: 0 or 1 */
  MsOpamValue *left, *right;
  GPtrArray *items;       /* LIST, GROUP, OPTION: MsOpamValue* */
};

typedef struct MsOpamItem MsOpamItem;
struct MsOpamItem {
  char *name;             /* the field or section kind: "depends", "url" */
  char *label;            /* a section's name ("extra-source" sections), or NULL */
  guint line, col;
  MsOpamValue *value;     /* a field's value; NULL for a section */
  GPtrArray *items;       /* a section's fields: MsOpamItem*; NULL for a field */
};

typedef struct {
  char *path;             /* as given to the parser, for messages */
  GPtrArray *items;       /* MsOpamItem*, in file order */
  /* private: the tree's memory (its nodes and strings; its lists) */
  struct _MsArena *arena;     /* MsArena (ms-arena.h) */
  GPtrArray *arrays;
} MsOpamFile;

/* Parses the text of an opam file. path is only used in messages. On a
 * syntax error returns NULL and an error "PATH:LINE:COL: what" (G_IO_ERROR,
 * G_IO_ERROR_INVALID_DATA). Never aborts on any input. */
MsOpamFile        *ms_opam_file_parse (const char *path,
                                       const char *text,
                                       gsize       length,
                                       GError    **error);
void               ms_opam_file_free  (MsOpamFile *file);

/* The value of the top-level field `name`, or NULL. */
const MsOpamValue *ms_opam_file_get   (const MsOpamFile *file,
                                       const char       *name);
/* The first section of kind `name` (e.g. "url"), or NULL. */
const MsOpamItem  *ms_opam_file_get_section (const MsOpamFile *file,
                                             const char       *name);
/* A field of a section, or NULL. */
const MsOpamValue *ms_opam_item_get   (const MsOpamItem *section,
                                       const char       *name);

/* The value written back in opam syntax (for messages and tests). */
char              *ms_opam_value_to_string (const MsOpamValue *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsOpamFile, ms_opam_file_free)

G_END_DECLS
