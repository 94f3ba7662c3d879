"""Contact cards from an address book (vCard 2.1, 3.0 and 4.0), as people known.

Standard library only: vobject, the maintained parser, brings python-dateutil
and pytz and is written around vCard 3.0 and iCalendar, and the seven
properties read here (FN, N, ORG, TITLE, EMAIL, URL, TEL) need only the line
grammar of RFC 6350 and the quoted-printable of older phones.

What real exports hold, and how it is read: several cards in a file; lines
folded (a line break then a space or a tab); groups (``item1.EMAIL``);
parameters in both styles (``TYPE=work,pref`` and 2.1's bare ``WORK;PREF``);
names in quoted-printable with a charset (``=C3=89``, "=" at a line's end
going on to the next line, indented or not); escaped ``\\,`` ``\\;`` ``\\n``
(and Apple's ``\\:`` in addresses); photos, which are passed over without
being decoded or even joined.
"""

from __future__ import annotations

import binascii
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .organisations import organisation_key
from .people import ImportProblem, Known, Parsed, name_key, refuse_binary

KIND = "a vCard file"
ADVICE = "Export the contacts again from your address book as vCard (.vcf)."
_SKIPPED = frozenset({b"PHOTO", b"LOGO", b"SOUND", b"KEY"})
"""Large values (base64), not wanted: never decoded."""
_WANTED = frozenset(
    {"FN", "N", "ORG", "TITLE", "EMAIL", "URL", "TEL", "KIND", "X-ADDRESSBOOKSERVER-KIND"}
    | {"X-ABSHOWAS"}  # Apple's marks of a group's card and of an organisation's
)
_BARE_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
_QP = re.compile(rb"QUOTED-PRINTABLE", re.IGNORECASE)
_NOT_PREFERRED = 101
"""A value with no preference: after PREF=1..100 and TYPE=pref (RFC 6350 5.3)."""


@dataclass
class _Property:
    name: str
    params: dict[str, list[str]]
    raw: bytes

    @property
    def rank(self) -> int:
        pref = self.params.get("PREF")
        if pref:
            try:
                return max(1, min(100, int(pref[0])))
            except ValueError:
                return 1
        types = {t.casefold() for t in self.params.get("TYPE", [])}
        return 1 if "pref" in types else _NOT_PREFERRED

    def text(self) -> str:
        """The value as text: quoted-printable undone, in its charset (UTF-8 if
        none is named; an old card's bytes that are not UTF-8 read as Windows-1252)."""
        raw = self.raw
        encoding = [e.upper() for e in self.params.get("ENCODING", [])]
        if "QUOTED-PRINTABLE" in encoding:
            raw = binascii.a2b_qp(raw)
        for charset in (*self.params.get("CHARSET", [])[:1], "utf-8"):
            try:
                return raw.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
        return raw.decode("cp1252", errors="replace")


@dataclass
class _Card:
    line: int
    properties: dict[str, list[_Property]] = field(default_factory=dict)

    def best(self, name: str) -> _Property | None:
        """The preferred of the values of ``name``, else the first."""
        found = self.properties.get(name, [])
        return min(found, key=lambda p: p.rank) if found else None

    def value(self, name: str) -> str:
        best = self.best(name)
        return _unescape(best.text()).strip() if best else ""

    def components(self, name: str, *, unescape: bool = True) -> list[str]:
        best = self.best(name)
        return _split(best.text(), ";", unescape=unescape) if best else []


def _split(value: str, separator: str, *, unescape: bool = True) -> list[str]:
    """A structured value's components (``\\;`` stays in its component)."""
    parts: list[str] = []
    start = 0
    for match in re.finditer(r"\\.|" + re.escape(separator), value, re.DOTALL):
        if match.group() == separator:
            parts.append(value[start : match.start()])
            start = match.end()
    parts.append(value[start:])
    return [_unescape(p) for p in parts] if unescape else parts


def _unescape(value: str) -> str:
    return re.sub(
        r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value, flags=re.DOTALL
    )


def _outside_quotes(text: str, mark: str) -> list[int]:
    """Where ``mark`` is in ``text``, outside double quotes (4.0 parameter values)."""
    found: list[int] = []
    quoted = False
    for n, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c == mark and not quoted:
            found.append(n)
    return found


def _cut(text: str, mark: str) -> list[str]:
    if '"' not in text:
        return text.split(mark)
    parts, start = [], 0
    for at in _outside_quotes(text, mark):
        parts.append(text[start:at])
        start = at + 1
    parts.append(text[start:])
    return parts


def _property(line: bytes) -> _Property | None:
    """One content line (``group.NAME;PARAM=value:value``), or None if it has no colon."""
    colon = line.find(b":")
    if colon < 0:
        return None
    if b'"' in line[:colon]:
        # Latin-1 maps byte to character one for one: the places stay the same.
        colons = _outside_quotes(line.decode("latin-1"), ":")
        if not colons:
            return None
        colon = colons[0]
    head = line[:colon].decode("utf-8", errors="replace")
    name, *rest = _cut(head, ";")
    params: dict[str, list[str]] = {}
    for param in rest:
        key, equals, values = param.partition("=")
        key = key.strip().upper()
        if not equals:  # vCard 2.1: a bare value
            values, key = key, "ENCODING" if key in _BARE_ENCODINGS else "TYPE"
        for value in _cut(values, ","):
            params.setdefault(key, []).append(value.strip().strip('"'))
    return _Property(name.rpartition(".")[2].strip().upper(), params, line[colon + 1 :])


def _lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The content lines, unfolded, each with the number of its first line."""
    current: list[bytes] = []
    start = 0
    skipping = False
    quoted_printable = False
    for n, line in enumerate(data.splitlines(), 1):
        if skipping and (line[:1] in b" \t" or b":" not in line) and line.strip():
            continue  # a photo's base64, folded, or in 2.1's unindented lines
        if quoted_printable and current and current[-1].endswith(b"="):
            # 2.1 quoted-printable: a soft line break, the next line going on.
            current[-1] = current[-1][:-1]
            current.append(line.lstrip(b" \t"))
            continue
        if line[:1] in (b" ", b"\t"):
            if current:
                current.append(line[1:])
            continue
        if current:
            yield start, b"".join(current)
        current, start = [], n
        skipping = quoted_printable = False
        if not line.strip():
            continue
        if b":" not in line:
            continue  # a stray line, not a property
        head = line[: line.find(b":")]
        name = head.split(b";", 1)[0].rpartition(b".")[2].strip().upper()
        if name in _SKIPPED:
            skipping = True
            continue
        quoted_printable = _QP.search(head) is not None
        current = [line]
    if current:
        yield start, b"".join(current)


def _name(card: _Card) -> tuple[str, bool]:
    """The card's name (FN, else from N), and whether N names a person."""
    parts = card.components("N", unescape=False) + [""] * 3
    # Each component may hold several values ("Ann,Marie"): words of one name.
    family, given, additional = (" ".join(_split(p, ",")).strip() for p in parts[:3])
    from_n = " ".join(p for p in (given, additional, family) if p)
    return card.value("FN") or from_n, bool(given or family)


def _person(card: _Card, number: int, added: dt.datetime) -> Known | str:
    """The card's person, or why it is left out."""
    organisation = (card.components("ORG") or [""])[0].strip()
    email = card.value("EMAIL")
    name, personal = _name(card)
    kind = (card.value("KIND") or card.value("X-ADDRESSBOOKSERVER-KIND")).casefold()
    where = f"card {number} (line {card.line})"
    if kind in ("group", "org", "location"):
        return f"{where}: {name or 'no name'}, a {kind} rather than a person"
    shows_as = card.value("X-ABSHOWAS").casefold()
    if (
        name
        and not personal
        and (shows_as == "company" or organisation_key(name) == organisation_key(organisation))
    ):
        return f"{where}: {name}, an organisation rather than a person"
    if not name_key(name):
        what = organisation or email
        return f"{where}: no name" + (f" ({what})" if what else "")
    url = card.value("URL")
    phone = re.sub(r"(?i)\Atel:", "", card.value("TEL"))
    return Known(
        name=name,
        organisation=organisation,
        title=card.value("TITLE"),
        email=email,
        url=url,
        phone=phone,
        source="vcard",
        added=added,
    )


def parse_vcards(data: bytes, *, now: dt.datetime | None = None) -> Parsed:
    """The people of a vCard file, in its order, each ``added`` at ``now`` (the
    current time if not given). A card with no name is left out and named in
    ``skipped``. Raises ``ImportProblem`` for a file with no card, or one cut
    short inside a card."""
    refuse_binary(data, KIND, ADVICE)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # some Windows exports
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise ImportProblem(f"this is not {KIND}: it is not readable text. {ADVICE}") from None
    data = data.removeprefix(b"\xef\xbb\xbf")
    added = now or dt.datetime.now(dt.UTC)
    result = Parsed(people=[])
    card: _Card | None = None
    depth = 0  # 2.1 puts an AGENT's card inside a card: its lines are not this person's
    cards = 0
    for line, content in _lines(data):
        item = _property(content)
        if item is None:
            continue
        marker = _unescape(item.text()).strip().upper()
        if item.name == "BEGIN" and marker == "VCARD":
            if card is None:
                cards += 1
                card = _Card(line)
            else:
                depth += 1
        elif item.name == "END" and marker == "VCARD" and card is not None:
            if depth:
                depth -= 1
                continue
            person = _person(card, cards, added)
            if isinstance(person, Known):
                result.people.append(person)
            else:
                result.skipped.append(person)
            card = None
        elif card is not None and not depth and item.name in _WANTED:
            card.properties.setdefault(item.name, []).append(item)
    if card is not None:
        raise ImportProblem(
            f"the file ends inside card {cards} (from line {card.line}, with no END:VCARD): "
            f"it may be cut short, and nothing of it was taken. {ADVICE}"
        )
    if not cards:
        if re.search(rb"(?im)^BEGIN:VCALENDAR", data):
            raise ImportProblem(
                f"this is not {KIND}: it is a calendar (BEGIN:VCALENDAR), with no contact "
                f"card in it. {ADVICE}"
            )
        raise ImportProblem(f"this is not {KIND}: it has no card (no BEGIN:VCARD line). {ADVICE}")
    return result
