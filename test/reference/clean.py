#!/usr/bin/python3
"""Cleans a recording of real Prosody of what its deployment adds rather
than its MUC service, and of orders it leaves to Lua's hash tables, so that
libmuc's output can be compared with it (see compare.sh):
- xml:lang copied from the client's stream; muc_mam's <stanza-id/>, its
  archive features and its muc#roomconfig_enablearchiving form field;
- the server's contact-address form (XEP-0157) in service disco#info;
- 13's room vCard support (mod_vcard): the vcard-temp feature and the
  muc#roominfo_avatarhash field (libmuc leaves room vCards to the host);
- what Prosody lists in hash order, matched order-free: the <value/>s of
  muc#roomconfig_presencebroadcast, disco#info features and the roominfo
  form's fields.
Usage: clean.py IN.scs > OUT.scs"""
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
text = text.replace(' xml:lang="en"', "")
drop_lines = [
    r'<stanza-id xmlns="urn:xmpp:sid:0"[^>]*/>',
    r'<feature var="urn:xmpp:(mam:2(#extended)?|sid:0)"/>',
    r'<feature var="vcard-temp"/>',
    r'<field type="text-multi" var="muc#roominfo_avatarhash"/>',
]
for pat in drop_lines:
    text = re.sub(r"\n[ \t]*" + pat + r"[ \t]*(?=\n)", "", text)
# whole fields and forms spanning several lines
text = re.sub(r'\n([ \t]*)<field type="boolean" label="Archive chat on server"'
              r' var="muc#roomconfig_enablearchiving">\n.*?\n\1</field>',
              "", text, flags=re.S)
text = re.sub(r'\n([ \t]*)<x xmlns="jabber:x:data" type="result">\n'
              r'(?:(?!\n\1</x>).)*?http://jabber.org/network/serverinfo.*?\n\1</x>',
              "", text, flags=re.S)
# disco#info features and form fields come in hash order in Prosody 13
text = re.sub(r'(\n\t\t<query xmlns="http://jabber.org/protocol/disco#info")>',
              r'\1 scansion:strict="false">', text)
text = re.sub(r'(\n\t\t\t<x xmlns="jabber:x:data" type="result")>',
              r'\1 scansion:strict="false">', text)
text = re.sub(r'(<field type="list-multi" label="Only show participants with'
              r' roles:" var="muc#roomconfig_presencebroadcast")>',
              r'\1 scansion:strict="false">', text)
sys.stdout.write(text)
