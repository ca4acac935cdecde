/* The library's own element tree: what every stanza becomes once it has
 * crossed the edge. Namespaces are resolved (each element knows its own),
 * text is unescaped, and the tree is allocated through the service's
 * allocator. mini-XML is used only to read text into this tree (xml_parse.c);
 * nothing else in the library touches mxml. */
#ifndef MUC_XNODE_H
#define MUC_XNODE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "mem.h"

#define NS_CLIENT "jabber:client"

typedef struct xattr {
	char *name;
	char *value;
} xattr;

typedef struct xnode {
	struct xnode *next;     /* next sibling */
	struct xnode *children; /* first child (element or text) */
	struct xnode *last;     /* last child */
	char *name;             /* NULL for a text node */
	char *ns;               /* element's namespace */
	char *text;             /* text node's content */
	xattr *attrs;
	size_t nattrs;
} xnode;

/* Limits the parser enforces before mini-XML sees the input. */
typedef struct xml_limits {
	size_t max_bytes;
	unsigned max_depth;
	bool lenient_prefixes; /* keep undeclared attribute prefixes (for
				* test scripts' scansion:strict); the
				* library itself never allows them */
} xml_limits;

xnode *xnode_new(const muc_mem *m, const char *name, const char *ns);
void xnode_free(const muc_mem *m, xnode *n);
xnode *xnode_clone(const muc_mem *m, const xnode *n);

/* Adds a child element; ns NULL means the parent's namespace. */
xnode *xnode_add(const muc_mem *m, xnode *parent, const char *name,
		 const char *ns);
/* Adds a text child (len bytes of s). Returns the node or NULL. */
xnode *xnode_add_text(const muc_mem *m, xnode *parent, const char *s,
		      size_t len);
/* Adds <name>text</name> (text may be empty). False on failure. */
bool xnode_add_text_child(const muc_mem *m, xnode *parent, const char *name,
			  const char *text);
void xnode_append(xnode *parent, xnode *child);
void xnode_prepend(xnode *parent, xnode *child);
/* Detaches child from parent (no free). */
void xnode_unlink(xnode *parent, xnode *child);
/* Unlinks and frees every child element named name in namespace ns. */
void xnode_remove_children(const muc_mem *m, xnode *parent, const char *name,
			   const char *ns);

/* Sets (adds or replaces) an attribute; value NULL removes it.
 * Returns false on allocation failure. */
bool xnode_set_attr(const muc_mem *m, xnode *n, const char *name,
		    const char *value);
const char *xnode_attr(const xnode *n, const char *name);

/* First child element with that name (NULL: any) and namespace (NULL:
 * any). */
xnode *xnode_child(const xnode *n, const char *name, const char *ns);
/* Next sibling element after c with that name/ns (NULL: any). */
xnode *xnode_next(const xnode *c, const char *name, const char *ns);
/* First child element, whatever its name. */
xnode *xnode_first(const xnode *n);
/* Text content directly inside n (its first text child), or NULL. */
const char *xnode_text(const xnode *n);
/* Text of the named child, or NULL when absent. */
const char *xnode_child_text(const xnode *n, const char *name, const char *ns);
/* Counts child elements. */
size_t xnode_count(const xnode *n);

/* Writes n as XML; parent_ns decides whether xmlns is written. */
void xnode_write(buf *b, const xnode *n, const char *parent_ns);

/* True when s is text XML can carry: valid UTF-8, no control characters
 * but tab, newline and carriage return. */
bool xml_text_valid(const char *s);

/* Parses exactly one element from len bytes of UTF-8 text. The root's
 * default namespace is default_ns. Returns MUC_OK, MUC_ERR_PARSE,
 * MUC_ERR_TOO_LARGE or MUC_ERR_NOMEM. */
int xml_parse(const muc_mem *m, const char *xml, size_t len,
	      const xml_limits *limits, const char *default_ns, xnode **out);

/* Converts a mini-XML element (an mxml_node_t *) into an xnode tree. */
int xml_from_mxml(const muc_mem *m, const void *mxml_node,
		  const xml_limits *limits, const char *default_ns,
		  xnode **out);

#endif
