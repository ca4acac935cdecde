-- Output stanzas as element tables (the stanza_mt option): the same trees
-- as Prosody's util.xml.parse builds from the text, and one tree per
-- broadcast. Compared with Prosody's own parser when it is installed.
local T = require "harness"
local libmuc = T.libmuc

local MT = { __index = {} }
MT.__index.kind = "stanza"

package.path = package.path .. ";/usr/lib/prosody/?.lua"
package.cpath = package.cpath .. ";/usr/lib/prosody/?.so"
local have_prosody, xml = pcall(require, "util.xml")

-- The structure util.stanza relies on: name, attr, tags (the child
-- elements, the same tables as in the array part), children in order.
local function check_shape(t, path)
	T.eq(getmetatable(t), MT, path .. ": metatable")
	T.eq(type(t.name), "string", path .. ".name")
	T.eq(type(t.attr), "table", path .. ".attr")
	local k = 0
	for i, c in ipairs(t) do
		if type(c) == "table" then
			k = k + 1
			T.ok(t.tags[k] == c, path .. ": tags[" .. k .. "] is child " .. i)
			check_shape(c, path .. "/" .. c.name)
		else
			T.eq(type(c), "string", path .. "[" .. i .. "]")
		end
	end
	T.eq(#t.tags, k, path .. ": number of tags")
end

-- Equal as util.stanza sees them (util.xml adds empty 'namespaces').
local function same_tree(a, b, path)
	T.eq(a.name, b.name, path .. ".name")
	for k, v in pairs(b.attr) do T.eq(a.attr[k], v, path .. ".attr." .. k) end
	for k, v in pairs(a.attr) do T.eq(b.attr[k], v, path .. ".attr." .. k) end
	T.eq(#a, #b, path .. ": number of children")
	for i = 1, #b do
		if type(b[i]) == "table" then
			same_tree(a[i], b[i], path .. "/" .. b[i].name)
		else
			T.eq(a[i], b[i], path .. "[" .. i .. "]")
		end
	end
end

local SAMPLES = {
	"<message to='a@b/c' from='r@muc/n' type='groupchat' id='x'><body>Hi &amp; &lt;bye&gt; &apos;&quot;</body></message>",
	"<presence to='a@b/c' xml:lang='en'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator'/><status code='110'/></x></presence>",
	"<message to='a@b/c'><body>caf\195\169 &#233; &#x1F916; &#10;</body><x xmlns='jabber:x:conference' jid='r@muc'/></message>",
	"<iq to='a@b/c' type='result' id='1'><query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text' name='R'/><feature var='f1'/><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>ns</value></field></x></query></iq>",
	"<message to=\"a@b/c\" from=\"x\"><body>  spaced  \n text </body><html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'><p>x<b>y</b>z</p></body></html></message>",
	"<presence to='a@b/c'><x xmlns='a'><y xmlns=''><z/></y></x></presence>",
	"<message to='a@b/c'/>",
}

local UNHANDLED = {
	"<message to='a'><foo:bar xmlns:foo='urn:x'/></message>",
	"<message to='a'><!-- c --></message>",
	"<message to='a'><![CDATA[x]]></message>",
	"<message to='a'><body>&nbsp;</body></message>",
	"<message to='a'><body>&#0;</body></message>",
	"<message to='a'><body></message>",
	"<message to='a'>",
	"<message to='a'/>trailing",
	"",
}

T.test("element tables have util.stanza's shape", function()
	for _, x in ipairs(SAMPLES) do
		local t = T.ok(libmuc.stanza(x, MT), "builds: " .. x)
		check_shape(t, t.name)
		T.eq(t.kind, "stanza")
	end
	local t = libmuc.stanza(SAMPLES[2], MT)
	T.eq(t.attr["xml:lang"], "en")
	T.eq(t.tags[1].attr.xmlns, "http://jabber.org/protocol/muc#user")
	T.eq(t.tags[1].tags[1].attr.xmlns, "http://jabber.org/protocol/muc#user", "inherited, as util.xml does")
	T.eq(t.attr.xmlns, nil, "the stream's namespace is not written")
	T.eq(libmuc.stanza(SAMPLES[1], MT)[1][1], "Hi & <bye> '\"")
	T.eq(libmuc.stanza(SAMPLES[3], MT)[1][1], "caf\195\169 \195\169 \240\159\164\150 \n")
end)

T.test("what the builder does not handle comes back as nil", function()
	for _, x in ipairs(UNHANDLED) do
		T.eq(libmuc.stanza(x, MT), nil, x)
	end
end)

T.test("the same trees as util.xml.parse", function()
	if not have_prosody then
		io.write("  (Prosody's util.xml not found: comparison skipped)\n")
		return
	end
	for _, x in ipairs(SAMPLES) do
		same_tree(libmuc.stanza(x, MT), xml.parse(x), "sample")
	end
end)

T.test("deliver with stanza_mt: every output as a tree, one tree per broadcast", function()
	-- two services fed alike: one hands text, the other trees
	local texts = {}
	local svc_text = T.service({ deliver = function(to, x) texts[#texts + 1] = x end })
	local objects = {}
	local svc_tree = T.service({ stanza_mt = MT, deliver = function(to, t, from)
		T.eq(type(t), "table")
		T.eq(t.attr.to, to, "attr.to is this output's")
		T.eq(t.attr.from, from)
		check_shape(t, t.name)
		objects[#objects + 1] = t
		if have_prosody then
			same_tree(t, xml.parse(texts[#objects]), "output " .. #objects)
		end
	end })
	local function both(s)
		svc_text:feed(s)
		svc_tree:feed(s)
	end
	both(T.JOIN:format("owner@localhost/o", "room@conference.localhost/owner"))
	both("<iq from='owner@localhost/o' to='room@conference.localhost' type='set' id='cfg'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/></query></iq>")
	for i = 1, 4 do
		both(T.JOIN:format("u" .. i .. "@localhost/r", "room@conference.localhost/u" .. i))
	end
	local first = #objects + 1
	both("<message from='u1@localhost/r' to='room@conference.localhost' type='groupchat' id='g'><body>to all</body></message>")
	T.eq(#objects - first + 1, 5, "five recipients")
	for i = first + 1, #objects do
		T.ok(objects[i] == objects[first], "the broadcast reuses one table")
	end
	both("<iq from='owner@localhost/o' to='room@conference.localhost' type='get' id='d'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>")
	T.eq(#objects, #texts)
end)

T.test("a deliver function that keeps no tree can still get text", function()
	local got
	local svc = T.service({ stanza_mt = MT, deliver = function(to, t) got = t end })
	T.join(svc, "owner@localhost/o", "room@conference.localhost/owner")
	T.eq(type(got), "table")
end)

T.done()
