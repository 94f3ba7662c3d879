"""Target organisations: the 2-Hour Job Search order, the plain file both ways,
broken files refused with a reason, and the people at each organisation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from iisession.core.model import Outreach, Person, Reply, Request, Session, SessionState
from iisession.core.organisations import (
    AtOrganisation,
    OrganisationsError,
    Target,
    load_organisations,
    organisation_key,
    organisations_path,
    parse_organisations,
    people_at,
    render_organisations,
    save_organisations,
    sort_targets,
)
from tests.factories import make_session

SENT = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def names(targets: list[Target]) -> list[str]:
    return [t.name for t in targets]


def test_sorted_by_motivation_then_postings_then_advocate_then_name() -> None:
    targets = [
        Target("zed labs", motivation=2),
        Target("Low Ltd", motivation=0, postings=True, advocate=True),
        Target("Harbour Health", motivation=2, advocate=True),
        Target("Acme Inc", motivation=2),
        Target("Quiet Co", motivation=3),
        Target("Birch", motivation=2, postings=True),
        Target("Cedar", motivation=2, postings=True, advocate=True),
    ]
    assert names(sort_targets(targets)) == [
        "Quiet Co",
        "Cedar",  # postings and an advocate
        "Birch",  # postings
        "Harbour Health",  # an advocate
        "Acme Inc",
        "zed labs",  # by name, whatever the case
        "Low Ltd",  # everything but motivation
    ]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Acme Inc.", "ACME"),
        ("Acme, Inc", "acme"),
        ("The Acme Company", "Acme"),
        ("Café Nord GmbH", "cafe nord"),
        ("Smith & Jones LLP", "Smith and Jones"),
        ("  Harbour   Health  ", "harbour health"),
    ],
)
def test_organisation_names_match_loosely(one: str, other: str) -> None:
    assert organisation_key(one) == organisation_key(other)


def test_loose_matching_keeps_what_tells_organisations_apart() -> None:
    assert organisation_key("Acme Health") != organisation_key("Acme")
    assert organisation_key("Inc") == "inc"  # a legal form alone is the name
    assert organisation_key("The") == "the"
    assert organisation_key("") == ""
    assert organisation_key("+++") == "+++"  # symbols only: matched as written
    assert organisation_key("+++") != organisation_key("---")
    assert organisation_key("شركة النور") == "شركة النور"


def test_the_file_round_trips(sessions_dir: Path) -> None:
    targets = [
        Target("Harbour Health", motivation=3, advocate=True, notes="Research team\npublishes"),
        Target("Acme Inc", motivation=2, postings=True),
        Target("🦊 Foxes", motivation=1),
        Target("شركة النور", notes='quotes " and \\ backslash'),
    ]
    path = save_organisations(sessions_dir, targets)
    assert path == organisations_path(sessions_dir) == sessions_dir / "lists" / "organisations.toml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Your target organisations")
    assert "schema_version = 1\n" in text
    assert load_organisations(sessions_dir) == sort_targets(targets)
    assert parse_organisations(render_organisations(targets)) == targets
    # An empty list is a file too; an absent file is an empty list.
    save_organisations(sessions_dir, [])
    assert load_organisations(sessions_dir) == []
    path.unlink()
    assert load_organisations(sessions_dir) == []


def test_a_list_unchanged_is_not_written_again_so_hand_edits_stay(sessions_dir: Path) -> None:
    path = organisations_path(sessions_dir)
    path.parent.mkdir(parents=True)
    hand = (
        "# my own notes on the list\n"
        "[[organisation]]\n"
        'name = "Acme"   # met Ana there\n'
        "motivation = 2\n"
    )
    path.write_text(hand, encoding="utf-8")
    targets = load_organisations(sessions_dir)
    save_organisations(sessions_dir, targets)
    assert path.read_text(encoding="utf-8") == hand
    targets[0].advocate = True
    save_organisations(sessions_dir, targets)
    assert load_organisations(sessions_dir) == [Target("Acme", motivation=2, advocate=True)]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[[organisation]\nname = 'x'\n", "not valid TOML"),
        (
            "[[organisation]]\nname = 'Acme'\nmotivation = 5\n",
            "`motivation` should be 0, 1, 2 or 3",
        ),
        (
            "[[organisation]]\nname = 'Acme'\nmotivation = -1\n",
            "`motivation` should be 0, 1, 2 or 3",
        ),
        ("[[organisation]]\nname = 'Acme'\nmotivation = true\n", "`motivation` should be 0, 1, 2"),
        ("[[organisation]]\nname = 'Acme'\nmotivation = '3'\n", "`motivation` should be 0, 1, 2"),
        (
            "[[organisation]]\nname = 'Acme'\n[[organisation]]\nname = 'ACME Ltd'\n",
            "'ACME Ltd' is listed twice (as 'Acme' too); keep one",
        ),
        ("[[organisation]]\nname = 'Acme'\nsize = 3\n", "organisation 1 has unknown keys: size"),
        ("[[organisation]]\nmotivation = 1\n", "organisation 1 needs a `name`"),
        ("[[organisation]]\nname = '   '\n", "organisation 1 needs a `name`"),
        (
            "[[organisation]]\nname = 'Acme'\nadvocate = 'yes'\n",
            "`advocate` should be true or false",
        ),
        ("[[organisation]]\nname = 'Acme'\nnotes = 3\n", "`notes` should be text"),
        ("organisation = 'Acme'\n", "should be a list of tables"),
        ("organisation = [1]\n", "organisation 1 should be a table"),
        ("schema_version = 2\n", "schema_version 2 is not one this version reads"),
        ("schema_version = true\n", "schema_version True is not one this version reads"),
        ("[[organisations]]\nname = 'Acme'\n", "unknown keys: organisations"),
    ],
)
def test_broken_files_are_refused_with_a_clear_reason(
    sessions_dir: Path, text: str, said: str
) -> None:
    path = organisations_path(sessions_dir)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OrganisationsError) as caught:
        load_organisations(sessions_dir)
    assert str(caught.value).startswith(f"{path}: ")
    assert said in str(caught.value)
    # Saving over it would lose the user's edits: refused, the file as it was.
    with pytest.raises(OrganisationsError) as refused:
        save_organisations(sessions_dir, [Target("Harbour Health")])
    assert "fix it, or move it away" in str(refused.value)
    assert path.read_text(encoding="utf-8") == text


def test_files_that_are_not_text_are_refused(sessions_dir: Path) -> None:
    path = organisations_path(sessions_dir)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe name = 1")
    with pytest.raises(OrganisationsError, match="not UTF-8 text"):
        load_organisations(sessions_dir)
    path.unlink()
    path.mkdir()
    with pytest.raises(OrganisationsError) as caught:
        load_organisations(sessions_dir)
    assert str(caught.value).startswith(f"{path}: ")


def test_save_refuses_two_of_the_same_name_and_one_without_a_name(sessions_dir: Path) -> None:
    with pytest.raises(OrganisationsError, match="are the same organisation"):
        save_organisations(sessions_dir, [Target("Acme"), Target("ACME Ltd")])
    with pytest.raises(OrganisationsError, match="needs a name"):
        save_organisations(sessions_dir, [Target("   ")])
    assert not organisations_path(sessions_dir).exists()


def test_odd_values_are_made_safe_on_the_way_in() -> None:
    assert Target("  Acme \n Inc ", motivation=9).motivation == 3
    assert Target("Acme  \n Inc").name == "Acme Inc"
    assert Target("Acme", motivation=-4).motivation == 0
    assert Target("Acme", motivation="x").motivation == 0  # type: ignore[arg-type]
    assert Target("Acme", notes="  a\r\nb  ").notes == "a\nb"


def requested(name: str, organisation: str, **request: object) -> Session:
    return Session(
        person=Person(name=name, organisation=organisation),
        state=SessionState.REQUESTED,
        request=Request(**request),  # type: ignore[arg-type]
    )


def test_people_at_counts_found_asked_waiting_and_met() -> None:
    met = make_session(name="Gil Moreau")
    met.person.organisation = "ACME"
    met.referrals[0].name = "Ivo Stone"
    met.referrals[0].organisation = "Acme Inc."
    met.referrals[1].name = "Jo Park"
    met.referrals[1].organisation = "Acme"
    met.referrals[1].outreach = Outreach.CONTACTED
    planned = Session(person=Person(name="Hana Ito", organisation="acme"))
    by_phone = requested("Kai Bell", "Acme", reply=Reply.AGREED)  # agreed, never "sent"
    practice = requested("Lee Ray", "Acme", sent_at=SENT)
    practice.practice = True
    sessions = [
        ("a.toml", requested("Ana Lima", "Acme Inc.", sent_at=SENT)),
        ("b.toml", requested("Ben Ode", "ACME", sent_at=SENT, followed_up_at=SENT)),
        ("c.toml", requested("Cleo Park", "Acme")),  # drafted, not sent
        ("d.toml", requested("Dev Rao", "Acme", sent_at=SENT, reply=Reply.DECLINED)),
        ("e.toml", requested("Eli Grant", "Acme", sent_at=SENT, reply=Reply.NO_REPLY)),
        ("g.toml", met),
        ("h.toml", planned),
        ("k.toml", by_phone),
        ("l.toml", practice),
        ("m.toml", requested("Mo Diaz", "Harbour Health")),
        ("n.toml", requested("", "Harbour Health", sent_at=SENT)),  # no name: nobody to count
        ("o.toml", requested("Olu Ade", "", sent_at=SENT)),  # no organisation
    ]
    found = people_at(sessions)
    assert set(found) == {"acme", "harbour health"}
    acme = found["acme"]
    assert acme.found == [
        "Ana Lima",
        "Ben Ode",
        "Cleo Park",
        "Dev Rao",
        "Eli Grant",
        "Gil Moreau",
        "Hana Ito",
        "Kai Bell",
        "Ivo Stone",
        "Jo Park",
    ]
    # Asked: everyone past "to ask", the referral contacted outside the app too.
    assert acme.asked == 8
    assert acme.waiting == 3  # Ana, Ben (followed up) and Jo
    assert acme.met == 1
    assert found["harbour health"] == AtOrganisation(found=["Mo Diaz"])


def test_a_referral_asked_through_its_own_request_is_counted_once() -> None:
    source = make_session(name="Gil Moreau")
    source.referrals = source.referrals[:1]
    referral = source.referrals[0]
    referral.name, referral.organisation = "Ivo Stone", "Acme"
    request = requested("Ivo Stone", "Acme", sent_at=SENT)
    request.source_session, request.source_referral = source.id, referral.id
    found = people_at([("g.toml", source), ("i.toml", request)])
    assert found["acme"] == AtOrganisation(found=["Ivo Stone"], asked=1, waiting=1)
    referral.session_id = request.id  # linked both ways: the same
    assert people_at([("g.toml", source), ("i.toml", request)]) == found


@pytest.mark.parametrize(
    ("written", "matched"),
    [
        ("Clínica Norte S.L.", "clinica norte"),
        ("Acme B.V.", "acme"),
        ("Fabrikam GmbH & Co. KG", "fabrikam"),
        ("Procter & Gamble Co.", "procter and gamble"),
        ("Marks and Spencer", "marks and spencer"),
    ],
)
def test_legal_forms_written_with_stops_or_joined_are_left_out(written: str, matched: str) -> None:
    assert organisation_key(written) == matched
