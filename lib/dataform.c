/* Reading XEP-0004 data forms that clients submit: the one place that
 * knows a field is <field var='…'><value>…</value></field>. */
#include "common.h"

#include <string.h>

const xnode *form_field(const xnode *form, const char *var)
{
	const xnode *f;
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
