"""The user's own network: the connections export and contact cards read from
real-shaped files, merged without duplicates, kept in a plain file, and asked
"who do I know here?"."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iisession.core.connections import parse_connections
from iisession.core.people import (
    ImportProblem,
    Known,
    Parsed,
    PeopleError,
    known_at,
    load_network,
    merge,
    name_key,
    network_path,
    parse_network,
    read_import,
    render_network,
    save_network,
    sort_people,
    url_key,
)
from iisession.core.vcard import parse_vcards

DATA = Path(__file__).parent / "data" / "imports"
FIRST = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 9, 18, 30, tzinfo=dt.UTC)


def connections(name: str = "connections.csv", now: dt.datetime = FIRST) -> Parsed:
    return parse_connections(read_import(DATA / name), now=now)


def cards(name: str, now: dt.datetime = FIRST) -> Parsed:
    return parse_vcards(read_import(DATA / name), now=now)


def rows(people: list[Known]) -> list[tuple[str, str, str, str]]:
    return [(p.name, p.organisation, p.title, p.email) for p in people]


def by_name(people: list[Known], name: str) -> Known:
    (found,) = [p for p in people if p.name == name]
    return found


# --- the connections export ---------------------------------------------------------


def test_the_connections_export_past_its_notes_bom_and_crlf() -> None:
    parsed = connections()
    assert rows(parsed.people) == [
        ("Zoë Ó Briain", "Harbour Health", "Head of Data, Clinical Research", ""),
        ("José Álvarez", "Clínica Norte S.L.", "Enfermero jefe", "jose.alvarez@correo.example"),
        ("Nguyễn Thị Hà", "Sài Gòn Data", "Data Analyst", ""),
        ("محمد علي", "مستشفى الأمل", "صيدلي سريري", ""),
        ("Priya Raman 🌱", "Greenleaf Partners, LLP", "Sustainability Lead 🌍", ""),
        # A position on two lines, inside quotes, is one line here.
        ("Tomás Ó Murchú", "HARBOUR HEALTH LTD.", "Research Nurse Part-time lecturer", ""),
        ("Kwame Mensah", "Volta Logistics", "Operations Manager, West Africa", ""),
    ]
    # The row with no name, counted with its line (the position above takes two).
    assert parsed.skipped == ["line 12: no name (Stealth Startup)"]
    zoe = parsed.people[0]
    assert zoe.url == "https://www.linkedin.com/in/zoe-o-briain-4b1a2c"
    assert (zoe.connected_on, zoe.source, zoe.added, zoe.phone) == (
        "14 Mar 2023",
        "connections",
        FIRST,
        "",
    )


def test_a_spreadsheet_resave_with_semicolons_other_order_and_extra_columns() -> None:
    parsed = connections("connections-spreadsheet.csv")
    assert rows(parsed.people) == [
        ("Ingrid Solberg-Hauge", "Nordlys Analytics AS", "Principal Scientist",
         "ingrid@nordlys.example"),
        ("Søren Kierkegaard-Lund", "Greenleaf Partners; LLP", "Analyst", ""),
    ]  # fmt: skip
    assert [p.url for p in parsed.people] == ["", "https://www.linkedin.com/in/soren-kl"]
    assert [p.connected_on for p in parsed.people] == ["12 Jun 2018", "01 Apr 2024"]
    assert parsed.skipped == []


def test_a_ten_thousand_row_export(tmp_path: Path) -> None:
    lines = ["Notes:", '"Some e-mails are missing."', "", "First Name,Last Name,URL,Email Address,"
             "Company,Position,Connected On"]  # fmt: skip
    for n in range(10_000):
        lines.append(
            f'Zoë{n},Ó Briain,https://www.linkedin.com/in/p{n},,"Org {n % 97}, Ltd",'
            f'"Role {n}, ""senior""",{n % 28 + 1:02d} Mar 2023'
        )
    path = tmp_path / "Connections.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    parsed = parse_connections(read_import(path), now=FIRST)
    assert len(parsed.people) == 10_000
    last = parsed.people[-1]
    assert (last.name, last.organisation, last.title) == (
        "Zoë9999 Ó Briain",
        "Org 8, Ltd",
        'Role 9999, "senior"',
    )
    again = merge(parsed.people, parsed.people)
    assert (len(again.added), len(again.updated), len(again.unchanged)) == (0, 0, 10_000)


# --- contact cards --------------------------------------------------------------------


def test_address_book_cards_in_vcard_3() -> None:
    parsed = cards("contacts.vcf")
    assert rows(parsed.people) == [
        ("Pepe Álvarez", "Clínica Norte", "", "jose.alvarez@correo.example"),
        # After a photo, escapes undone; the organisation without its department.
        ("Aoife Ní Bhriain", "University of Galway", "Senior Lecturer, Health Informatics",
         "aoife.nibhriain@universityofgalway.example"),
        # A name in quoted-printable, UTF-8.
        ("Björn Jónsson", "Landspítali", "Chief Information Officer", "bjorn@landspitali.example"),
        # A long organisation folded in the middle of "í".
        ("María José Fernández García",
         "Servicio Andaluz de Salud \u2013 Hospital Universitario Virgen del Rocío",
         "Investigadora principal", ""),
        ("Kwame Mensah", "", "", "kwame.mensah@volta.example"),  # only N
        ("Kwame Mensah", "Volta Logistics", "Operations Manager", "kwame.mensah@volta.example"),
    ]  # fmt: skip
    pepe, aoife = parsed.people[:2]
    # The preferred e-mail and telephone; Apple's "https\://" unescaped.
    assert (pepe.phone, pepe.url) == ("+34 600 123 456", "https://clinicanorte.example")
    assert aoife.url == "https://www.linkedin.com/in/aoife-ni-bhriain/"
    assert {p.source for p in parsed.people} == {"vcard"}
    assert parsed.skipped == [
        "card 7 (line 83): no name (recruitment@northwind.example)",
        "card 8 (line 88): Harbour Health, an organisation rather than a person",
    ]


def test_a_vcard_4_card_and_a_group() -> None:
    parsed = cards("contact-v4.vcf")  # LF line ends; a line folded with a tab
    (ingrid,) = parsed.people
    assert (ingrid.name, ingrid.organisation, ingrid.title) == (
        "Ingrid Solberg-Hauge",
        "Nordlys Analytics AS",
        "Principal Scientist, Climate and Health Modelling",
    )
    # PREF=1 wins over the first; a tel: URI is the number; a quoted ":" in a
    # parameter does not end the property's name.
    assert (ingrid.email, ingrid.phone) == ("ingrid@nordlys.example", "+47-555-01234")
    assert ingrid.url == "https://nordlys.example/people/ingrid"
    assert parsed.skipped == [
        "card 2 (line 21): Nordlys research team, a group rather than a person"
    ]


def test_an_old_phone_export_in_vcard_2_1() -> None:
    parsed = cards("old-phone.vcf")
    assert rows(parsed.people) == [
        # Quoted-printable over several lines, each "=" at the end going on.
        ("Tomás Ó Murchú", "Harbour Health Ltd", "", "tomas.omurchu@post.example"),
        ("Анна Кузнецова", "", "Data Engineer", ""),  # after an unindented photo's end
        # ISO-8859-1 quoted-printable, and raw Windows-1252 bytes.
        ("Françoise Dubois", "Société Générale", "", "francoise.dubois@banque.example"),
    ]
    assert [p.phone for p in parsed.people] == ["+353875550123", "+79165550123", ""]


def test_a_photo_is_passed_over_unread() -> None:
    photo = b"PHOTO;ENCODING=b;TYPE=JPEG:" + b"not base64 at all" + b"\r\n :: \xff\xfe\r\n"
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zo\xc3\xab\r\n" + photo + b"END:VCARD\r\n"
    assert rows(parse_vcards(card, now=FIRST).people) == [("Zoë", "", "", "")]


# --- files that are not what they should be -----------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "says"),
    [
        ("profile-photo.png", "csv", "this is not a connections export (CSV): it is a PNG image"),
        ("profile-photo.png", "vcf", "this is not a vCard file: it is a PNG image"),
        ("google-contacts.csv", "csv", "no header row with the columns First Name, Last Name, "
         "Company, Position (the nearest, line 1, has Name, Given Name, Additional Name"),
        ("connections-windows-1252.csv", "csv", "this is not UTF-8 text (line 2 has a byte "
         "UTF-8 does not use). If a spreadsheet saved it, save it again as CSV UTF-8"),
        ("contacts.vcf", "csv", "no header row"),
        ("no-card.vcf", "vcf", "it is a calendar (BEGIN:VCALENDAR), with no contact card"),
        ("connections.csv", "vcf", "this is not a vCard file: it has no card (no BEGIN:VCARD"),
        ("cut-short.vcf", "vcf", "the file ends inside card 2 (from line 14, with no END:VCARD)"),
    ],
)  # fmt: skip
def test_bad_files_say_what_is_wrong(name: str, kind: str, says: str) -> None:
    parse = parse_connections if kind == "csv" else parse_vcards
    with pytest.raises(ImportProblem) as problem:
        parse(read_import(DATA / name))
    assert says in str(problem.value)
    assert "again" in str(problem.value)  # and what to do


SAMPLES = sorted(p.name for p in DATA.iterdir())
PIECES = [b'"', b";", b",", b"\r\n", b"\n ", b"=", b":", b"\\", b"\x00", b"\xff", b"\t",
          b"BEGIN:VCARD\r\n", b"END:VCARD\r\n", "\u2028😀".encode()]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(SAMPLES),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 20), st.sampled_from(PIECES)), max_size=6
    ),
)
def test_a_damaged_file_is_read_or_refused_never_a_crash(
    name: str, edits: list[tuple[float, int, bytes]]
) -> None:
    data = bytearray((DATA / name).read_bytes())
    for where, cut, piece in edits:
        at = int(where * len(data))
        data[at : at + cut] = piece
    for parse in (parse_connections, parse_vcards):
        try:
            parsed = parse(bytes(data), now=FIRST)
        except ImportProblem:
            continue
        people = merge([], parsed.people).people
        assert parse_network(render_network(people)) == people


def test_a_header_lacking_a_column_names_it() -> None:
    data = b"First Name,Last Name,Company\r\nZo\xc3\xab,\xc3\x93 Briain,Harbour Health\r\n"
    with pytest.raises(ImportProblem, match=r"header on line 1 has no Position column"):
        parse_connections(data)


def test_an_empty_file_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportProblem, match="the file is empty"):
        parse_connections(b"\xef\xbb\xbf\r\n")
    with pytest.raises(ImportProblem, match="is a folder"):
        read_import(tmp_path)


# --- merging ----------------------------------------------------------------------------


def test_importing_again_changes_nothing_and_a_later_export_updates() -> None:
    first = merge([], connections().people)
    assert (len(first.added), len(first.updated), len(first.unchanged)) == (7, 0, 0)
    again = merge(first.people, connections(now=LATER).people)
    assert (len(again.added), len(again.updated)) == (0, 0)
    assert sort_people(again.unchanged) == first.people == again.people
    later = merge(first.people, connections("connections-later.csv", now=LATER).people)
    assert rows(later.updated) == [
        ("Zoë Ó Briain", "Harbour Health", "Director of Data, Clinical Research", "")
    ]
    assert later.updated[0].added == FIRST  # when she first came in
    assert rows(later.added) == [("Ana Lúcia Ferreira", "Banco Atlântico", "Analista de Risco", "")]
    assert later.added[0].added == LATER
    assert len(later.unchanged) == 6
    assert len(later.people) == 8
    assert by_name(first.people, "Zoë Ó Briain").title == "Head of Data, Clinical Research"


def test_cards_after_the_export_join_the_people_already_known() -> None:
    network = merge([], connections().people).people
    merged = merge(network, cards("contacts.vcf").people)
    # Pepe is José, by e-mail: his card adds the phone; the export's name,
    # organisation and position stay (an address book's can be years old).
    jose = by_name(merged.people, "José Álvarez")
    assert (jose.organisation, jose.title, jose.phone, jose.source) == (
        "Clínica Norte S.L.",
        "Enfermero jefe",
        "+34 600 123 456",
        "connections",
    )
    # Kwame's two cards: the first (no organisation) found him by name, the
    # second by the e-mail the first brought.
    kwame = by_name(merged.people, "Kwame Mensah")
    assert (kwame.email, kwame.phone, kwame.title) == (
        "kwame.mensah@volta.example",
        "+233 24 555 0147",
        "Operations Manager, West Africa",
    )
    assert sorted(p.name for p in merged.updated) == ["José Álvarez", "Kwame Mensah"]
    assert [p.name for p in merged.added] == [
        "Aoife Ní Bhriain",
        "Björn Jónsson",
        "María José Fernández García",
    ]
    assert len(merged.people) == 10
    assert not any(p.name == "Pepe Álvarez" for p in merged.people)
    again = merge(merged.people, cards("contacts.vcf", now=LATER).people)
    assert (len(again.added), len(again.updated), again.people) == (0, 0, merged.people)


def test_two_cards_of_one_person_become_one() -> None:
    merged = merge([], cards("contacts.vcf").people)
    kwame = by_name(merged.people, "Kwame Mensah")
    assert (kwame.organisation, kwame.title, kwame.phone) == (
        "Volta Logistics",
        "Operations Manager",
        "+233 24 555 0147",
    )
    assert len(merged.added) == 5


def test_matching_by_profile_address_email_then_name_and_organisation() -> None:
    known = [
        Known(
            "Zoë Ó Briain", "Harbour Health", url="https://www.linkedin.com/in/zoe/", added=FIRST
        ),
        Known("José Álvarez", "Clínica Norte", email="Jose@Correo.example", added=FIRST),
        Known("Nguyễn Thị Hà", "Sài Gòn Data Ltd", title="Analyst", added=FIRST),
    ]
    incoming = [
        # A new surname, the same profile (the address written another way).
        Known(
            "Zoë Ó Briain-Walsh", "Harbour Health", url="http://LinkedIn.com/in/zoe", added=LATER
        ),
        Known("Pepe Álvarez", email="jose@correo.EXAMPLE", phone="+34 600", added=LATER),
        Known("nguyen  thi ha", "The Sai Gon Data", title="", email="ha@sgd.example", added=LATER),
    ]
    merged = merge(known, incoming)
    assert [p.name for p in merged.updated] == ["José Álvarez", "Nguyễn Thị Hà"]
    assert [p.name for p in merged.unchanged] == ["Zoë Ó Briain"]
    ha = by_name(merged.people, "Nguyễn Thị Hà")
    assert (ha.title, ha.email, ha.organisation) == (
        "Analyst",
        "ha@sgd.example",
        "The Sai Gon Data",
    )
    assert known[2].email == ""  # the network given is not changed


def test_namesakes_and_a_shared_company_page_stay_apart() -> None:
    export = [
        Known("Ana Silva", "Acme", url="https://www.linkedin.com/in/ana-silva-1", added=FIRST),
        Known("Ana Silva", "Acme", url="https://www.linkedin.com/in/ana-silva-2", added=FIRST),
    ]
    assert len(merge([], export).people) == 2
    colleagues = [
        Known("Ana Silva", "Acme", url="https://acme.example/team", source="vcard", added=FIRST),
        Known("Rui Costa", "Acme", url="https://acme.example/team", source="vcard", added=FIRST),
        Known("Ivo Sá", "Acme", url="https://acme.example/", source="vcard", added=FIRST),
        Known("Eva Sá", "Acme", url="https://acme.example", source="vcard", added=FIRST),
    ]
    assert len(merge([], colleagues).people) == 4


def test_the_loose_keys() -> None:
    assert name_key("  Zoë   Ó Briain ") == name_key("zoe o'briain") == "zoe o briain"
    assert name_key("Priya Raman 🌱") == "priya raman"
    assert url_key("https://www.LinkedIn.com/in/zoe/") == url_key("linkedin.com/in/zoe#about")
    assert url_key("https://example.com/in/zo%C3%AB") == "example.com/in/zoë"
    assert url_key("") == ""


# --- who do I know here? ----------------------------------------------------------------


def test_known_at_an_organisation_matched_loosely() -> None:
    network = merge(merge([], connections().people).people, cards("old-phone.vcf").people).people
    here = known_at(network, "Harbour Health Ltd")
    # Tomás's card ("Harbour Health Ltd") joined his export row ("HARBOUR HEALTH LTD.").
    assert [p.name for p in here] == ["Tomás Ó Murchú", "Zoë Ó Briain"]
    assert by_name(here, "Tomás Ó Murchú").phone == "+353875550123"
    assert [p.name for p in known_at(network, "the harbour health")] == [p.name for p in here]
    assert known_at(network, "Harbour") == []
    assert known_at(network, "  ") == []


# --- the network file -------------------------------------------------------------------


def test_the_network_file_both_ways(sessions_dir: Path) -> None:
    assert load_network(sessions_dir) == []
    people = merge(merge([], connections().people).people, cards("contacts.vcf").people).people
    path = save_network(sessions_dir, people)
    assert path == network_path(sessions_dir) == sessions_dir / "lists" / "network.toml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_network(sessions_dir) == people
    text = path.read_text("utf-8")
    assert text.startswith("# The people you know")
    assert 'name = "محمد علي"' in text
    assert "phone" in text
    # The same network again leaves the file, and the user's comment in it, alone.
    path.write_text(text + "# checked in November\n", "utf-8")
    save_network(sessions_dir, list(reversed(people)))
    assert path.read_text("utf-8").endswith("# checked in November\n")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("schema_version = 1\n[[person]\n", "not valid TOML"),
        ('[[person]]\nname = "Zoë"\nadded = 2026-11-02T10:00:00Z\nnickname = "Z"\n',
         "person 1 (Zoë) has unknown keys: nickname"),
        ('[[person]]\nname = "Zoë"\n', "person 1 (Zoë): `added` should be a time"),
        ('[[person]]\nname = "Zoë"\nsource = "fax"\nadded = 2026-11-02T10:00:00Z\n',
         "`source` should be 'connections' or 'vcard'"),
        ("schema_version = 2\n", "schema_version 2 is not one this version reads"),
    ],
)  # fmt: skip
def test_a_broken_network_file_is_refused_never_emptied(
    sessions_dir: Path, content: str, says: str
) -> None:
    path = network_path(sessions_dir)
    path.parent.mkdir(parents=True)
    path.write_text(content, "utf-8")
    with pytest.raises(PeopleError) as error:
        load_network(sessions_dir)
    assert str(path) in str(error.value)
    assert says in str(error.value)
    with pytest.raises(PeopleError, match="fix it, or move it away"):
        save_network(sessions_dir, connections().people)
    assert path.read_text("utf-8") == content


def test_a_shared_mailbox_is_not_one_person() -> None:
    cards = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nORG:Acme\r\nEMAIL:team@acme.example\r\n"
        b"END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Kim\r\nORG:Acme\r\n"
        b"EMAIL:team@acme.example\r\nEND:VCARD\r\n"
    )
    merged = merge([], parse_vcards(cards).people)
    assert sorted(p.name for p in merged.people) == ["Ann Lee", "Bob Kim"]
    assert len(merged.added) == 2


def test_a_quote_left_open_refuses_the_file_rather_than_make_one_person_of_it() -> None:
    rows = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    rows.append("Ann,Lee,,,Acme,Engineer,01 Jan 2026")
    rows.append('"Bob,Kim,,,Acme,Engineer,01 Jan 2026')  # the quote never closes
    rows += ["Cy,Doe,,,Globex,Analyst,02 Jan 2026"] * 50
    with pytest.raises(ImportProblem, match="line 3: the name runs on"):
        parse_connections("\n".join(rows).encode())
