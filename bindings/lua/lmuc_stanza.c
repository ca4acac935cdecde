/* libmuc for Lua 5.4: output stanzas as element tables.
 *
 * A host that routes element trees rather than text (Prosody routes
 * util.stanza objects) would otherwise parse every output again in Lua,
 * which costs more than libmuc took to produce it. With the stanza_mt
 * option, the binding builds each output as a table shaped like
 * util.stanza's — { name = …, attr = { … }, tags = { child elements },
 * [1..n] = children and text in order }, every element carrying the given
 * metatable and, as util.xml does, attr.xmlns set to its namespace
 * (declared or inherited) unless that is the stream's default.
 *
 * Only what libmuc writes needs handling (its own serialization of
 * well-formed XML: no comments, CDATA or processing instructions, no
 * namespace prefixes but xml:); anything else makes lmuc_push_stanza fail
 * and the caller hands the text over instead. */
#include "lmuc.h"

#include <string.h>

typedef struct parser {
	const char *p, *end;
	int depth;
} parser;

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name_end(char c)
{
	return is_ws(c) || c == '/' || c == '>' || c == '=';
}

/* Appends code point cp as UTF-8; 0 if it is not a legal XML character. */
static int add_utf8(luaL_Buffer *b, unsigned long cp)
{
	char u[4];
	size_t n;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	luaL_addlstring(b, u, n);
	return 1;
}

/* Decodes one entity reference name (between '&' and ';'). */
static int add_entity(luaL_Buffer *b, const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'},
		     {"apos", '\''}, {"quot", '"'}};
	size_t i;
	unsigned long cp = 0;
	for (i = 0; i < sizeof named / sizeof *named; i++)
		if (strlen(named[i].name) == n &&
		    memcmp(named[i].name, s, n) == 0) {
			luaL_addchar(b, named[i].c);
			return 1;
		}
	if (n < 2 || s[0] != '#')
		return 0;
	if (s[1] == 'x') {
		if (n < 3 || n > 8)
			return 0;
		for (i = 2; i < n; i++) {
			char c = s[i];
			int d = c >= '0' && c <= '9'   ? c - '0'
				: c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10
						       : -1;
			if (d < 0)
				return 0;
			cp = cp * 16 + (unsigned long)d;
		}
	} else {
		if (n > 8)
			return 0;
		for (i = 1; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			cp = cp * 10 + (unsigned long)(s[i] - '0');
		}
	}
	return add_utf8(b, cp);
}

/* Pushes the text of [s, e) with entities decoded; 0 (nothing pushed) on
 * a bad reference. */
static int push_text(lua_State *L, const char *s, const char *e)
{
	const char *amp = memchr(s, '&', (size_t)(e - s));
	luaL_Buffer b;
	if (!amp) {
		lua_pushlstring(L, s, (size_t)(e - s));
		return 1;
	}
	luaL_buffinit(L, &b);
	while (amp) {
		const char *semi = memchr(amp, ';', (size_t)(e - amp));
		luaL_addlstring(&b, s, (size_t)(amp - s));
		if (!semi || !add_entity(&b, amp + 1, (size_t)(semi - amp - 1))) {
			luaL_pushresult(&b);
			lua_pop(L, 1);
			return 0;
		}
		s = semi + 1;
		amp = memchr(s, '&', (size_t)(e - s));
	}
	luaL_addlstring(&b, s, (size_t)(e - s));
	luaL_pushresult(&b);
	return 1;
}

static void skip_ws(parser *p)
{
	while (p->p < p->end && is_ws(*p->p))
		p->p++;
}

/* Reads a name; 0 if empty. */
static int read_name(parser *p, const char **name, size_t *n)
{
	const char *s = p->p;
	while (p->p < p->end && !is_name_end(*p->p))
		p->p++;
	*name = s;
	*n = (size_t)(p->p - s);
	return *n > 0;
}

/* Parses the element at p->p and pushes its table. ns: stack index of the
 * inherited namespace (a string), or 0 for the default. mt: stack index
 * of the metatable. Returns 0 with the stack as it was for anything this
 * parser does not handle. */
static int parse_element(lua_State *L, parser *p, int ns, int mt)
{
	int top = lua_gettop(L), e, a, t, child_ns, own_ns = 0;
	lua_Integer n = 0, ntags = 0;
	const char *name, *an;
	size_t nlen, alen;
	if (++p->depth > 64 || !lua_checkstack(L, 12))
		goto fail;
	if (p->p >= p->end || *p->p != '<')
		goto fail;
	p->p++;
	if (!read_name(p, &name, &nlen) || memchr(name, ':', nlen) ||
	    name[0] == '!' || name[0] == '?')
		goto fail;
	lua_createtable(L, 0, 3);
	e = lua_gettop(L);
	lua_pushlstring(L, name, nlen);
	lua_setfield(L, e, "name");
	lua_createtable(L, 0, 4);
	a = lua_gettop(L);
	for (;;) {
		const char *vs, *ve;
		char q;
		skip_ws(p);
		if (p->p >= p->end)
			goto fail;
		if (*p->p == '/' || *p->p == '>')
			break;
		if (!read_name(p, &an, &alen))
			goto fail;
		if (memchr(an, ':', alen) &&
		    !(alen > 4 && memcmp(an, "xml:", 4) == 0))
			goto fail; /* a namespace prefix (xmlns:…, foo:…) */
		skip_ws(p);
		if (p->p >= p->end || *p->p != '=')
			goto fail;
		p->p++;
		skip_ws(p);
		if (p->p >= p->end || (*p->p != '\'' && *p->p != '"'))
			goto fail;
		q = *p->p++;
		vs = p->p;
		ve = memchr(vs, q, (size_t)(p->end - vs));
		if (!ve)
			goto fail;
		p->p = ve + 1;
		lua_pushlstring(L, an, alen);
		if (!push_text(L, vs, ve))
			goto fail;
		if (alen == 5 && memcmp(an, "xmlns", 5) == 0) {
			own_ns = 1;
			if (vs == ve) { /* xmlns='': back to no namespace */
				lua_pop(L, 2);
				continue;
			}
		}
		lua_rawset(L, a);
	}
	if (own_ns) {
		if (lua_getfield(L, a, "xmlns") == LUA_TNIL) {
			lua_pop(L, 1);
			child_ns = 0;
		} else {
			child_ns = lua_gettop(L);
		}
	} else {
		child_ns = ns;
		if (ns) {
			lua_pushvalue(L, ns);
			lua_setfield(L, a, "xmlns");
		}
	}
	lua_pushvalue(L, a);
	lua_setfield(L, e, "attr");
	lua_newtable(L);
	t = lua_gettop(L);
	if (*p->p == '/') {
		if (p->p + 1 >= p->end || p->p[1] != '>')
			goto fail;
		p->p += 2;
	} else {
		p->p++; /* '>' */
		for (;;) {
			const char *lt = memchr(p->p, '<', (size_t)(p->end - p->p));
			if (!lt)
				goto fail;
			if (lt > p->p) {
				if (!push_text(L, p->p, lt))
					goto fail;
				lua_rawseti(L, e, ++n);
			}
			p->p = lt;
			if (lt + 1 < p->end && lt[1] == '/') {
				const char *en;
				size_t elen;
				p->p += 2;
				if (!read_name(p, &en, &elen) || elen != nlen ||
				    memcmp(en, name, nlen) != 0)
					goto fail;
				skip_ws(p);
				if (p->p >= p->end || *p->p != '>')
					goto fail;
				p->p++;
				break;
			}
			if (!parse_element(L, p, child_ns, mt))
				goto fail;
			lua_pushvalue(L, -1);
			lua_rawseti(L, t, ++ntags);
			lua_rawseti(L, e, ++n);
		}
	}
	lua_pushvalue(L, t);
	lua_setfield(L, e, "tags");
	lua_pushvalue(L, mt);
	lua_setmetatable(L, e);
	lua_settop(L, e);
	p->depth--;
	return 1;
fail:
	lua_settop(L, top);
	return 0;
}

int lmuc_push_stanza(lua_State *L, const char *xml, size_t len, int mt)
{
	parser p;
	int top = lua_gettop(L);
	p.p = xml;
	p.end = xml + len;
	p.depth = 0;
	mt = lua_absindex(L, mt);
	if (!parse_element(L, &p, 0, mt))
		return 0;
	skip_ws(&p);
	if (p.p != p.end) {
		lua_settop(L, top);
		return 0;
	}
	return 1;
}

int lmuc_to_span(const char *xml, size_t len, size_t *vs, size_t *ve)
{
	parser p;
	const char *name;
	size_t n;
	p.p = xml;
	p.end = xml + len;
	if (len == 0 || *xml != '<')
		return 0;
	p.p++;
	if (!read_name(&p, &name, &n))
		return 0;
	for (;;) {
		const char *v, *e;
		char q;
		skip_ws(&p);
		if (p.p >= p.end || *p.p == '/' || *p.p == '>')
			return 0;
		if (!read_name(&p, &name, &n))
			return 0;
		skip_ws(&p);
		if (p.p >= p.end || *p.p != '=')
			return 0;
		p.p++;
		skip_ws(&p);
		if (p.p >= p.end || (*p.p != '\'' && *p.p != '"'))
			return 0;
		q = *p.p++;
		v = p.p;
		e = memchr(v, q, (size_t)(p.end - v));
		if (!e)
			return 0;
		p.p = e + 1;
		if (n == 2 && name[0] == 't' && name[1] == 'o') {
			*vs = (size_t)(v - xml);
			*ve = (size_t)(e - xml);
			return 1;
		}
	}
}

/* libmuc.stanza(xml, mt) -> the element table, or nil if the text uses
 * XML the builder does not handle (what deliver gets with stanza_mt). */
int lmuc_l_stanza(lua_State *L)
{
	size_t len;
	const char *xml = luaL_checklstring(L, 1, &len);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	if (!lmuc_push_stanza(L, xml, len, 2))
		lua_pushnil(L);
	return 1;
}
