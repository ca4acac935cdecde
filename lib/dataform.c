/* XEP-0004 data forms: reading what clients submit, and building the
 * forms the room offers — the one place that knows a field is
 * <field var='…'><value>…</value></field>. */
#include "common.h"

#include <string.h>

const xnode *form_field(const xnode *form, const char *var)
{
	const xnode *f;
	if (!form)
		return NULL;
	for (f = xnode_child(form, "field", NULL); f;
	     f = xnode_next(f, "field", NULL)) {
		const char *v = xnode_attr(f, "var");
		if (v && strcmp(v, var) == 0)
			return f;
	}
	return NULL;
}

const char *form_value(const xnode *form, const char *var)
{
	const xnode *f = form_field(form, var);
	return f ? xnode_child_text(f, "value", NULL) : NULL;
}

xnode *form_add_field(const muc_mem *m, xnode *form, const char *var,
		      const char *type, const char *label, const char *desc)
{
	xnode *f = form ? xnode_add(m, form, "field", NULL) : NULL;
	if (!f || (type && !xnode_set_attr(m, f, "type", type)) ||
	    (label && !xnode_set_attr(m, f, "label", label)) ||
	    (var && !xnode_set_attr(m, f, "var", var)) ||
	    (desc && !xnode_add_text_child(m, f, "desc", desc)))
		return NULL;
	return f;
}

bool form_add_value(const muc_mem *m, xnode *field, const char *value)
{
	return field && xnode_add_text_child(m, field, "value", value);
}

bool form_add_option(const muc_mem *m, xnode *field, const char *label,
		     const char *value)
{
	xnode *o = field ? xnode_add(m, field, "option", NULL) : NULL;
	return o && xnode_set_attr(m, o, "label", label) &&
	       form_add_value(m, o, value);
}

bool form_begin(const muc_mem *m, xnode *x, const char *type,
		const char *title, const char *instructions,
		const char *form_type)
{
	return x && xnode_set_attr(m, x, "type", type) &&
	       (!title || xnode_add_text_child(m, x, "title", title)) &&
	       (!instructions ||
		xnode_add_text_child(m, x, "instructions", instructions)) &&
	       form_add_value(m,
			      form_add_field(m, x, "FORM_TYPE", "hidden", NULL,
					     NULL),
			      form_type);
}

const char *form_text(const xnode *form, const char *var)
{
	const xnode *f = form_field(form, var);
	const char *v = f ? xnode_child_text(f, "value", NULL) : NULL;
	return f && !v ? "" : v;
}
