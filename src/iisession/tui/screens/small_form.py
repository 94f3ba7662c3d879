"""What every small form shares (a profile, a new request, an organisation, a
referral): its look, and never dropping what was typed in it. What cannot be
saved where it belongs goes to a text file through the workspace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from textual.screen import ModalScreen

from ...core.workspace import NotWritten
from . import workspace_of
from .prompts import ChoiceModal

FORM_CSS = """
{form} {{
    width: 76;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    padding: 0 1;
    border: round $primary;
    background: $surface;

    .row {{
        height: 1;
        margin-top: 1;
    }}

    .field-label {{
        width: 15;
        color: $text-muted;
    }}

    /* One line each, between edges drawn in lines (as the referral form's):
       where to type shows without colour too. */
    Input {{
        width: 1fr;
        height: 1;
        padding: 0 1;
        border: none;
        border-left: vkey $border-blurred;
        border-right: vkey $border-blurred;
        &:focus {{
            border-left: vkey $border;
            border-right: vkey $border;
        }}
        &.-invalid {{
            border-left: vkey $error;
            border-right: vkey $error;
        }}
    }}

    .note {{
        height: auto;
        padding-left: 15;
        color: $text-muted;
    }}

    .error {{
        display: none;
        height: auto;
        padding-left: 15;
        color: $error;
        text-style: bold;
    }}

    .error.-shown {{
        display: block;
    }}

    .save {{
        margin: 1 0 0 15;
    }}
}}
"""
"""The look of a one-line-a-field form in a box (``form``: its selector)."""

# --- never dropping what was typed in a small form ------------------------------------

Result = TypeVar("Result")

Fields = list[tuple[str, str]]
"""A form's fields as they stand: (label, what is in it)."""


def rescue_text(what: str, problem: str, fields: Fields, now: dt.datetime) -> str:
    """A form's fields as a plain text file to read, and to copy from."""
    lines = [
        f"iisession could not save {what}: {problem}",
        f"Written {now.astimezone():%Y-%m-%d %H:%M}. What was typed:",
        "",
    ]
    for label, value in fields:
        if not value.strip():
            continue
        if "\n" in value:
            lines.append(f"{label}:")
            lines += [f"    {line}" for line in value.splitlines()]
        else:
            lines.append(f"{label}: {value}")
    return "\n".join(lines) + "\n"


def rescued_forms_message(paths: list[Path]) -> str:
    """Said in the terminal once the app has gone, so the paths outlive the screen."""
    if not paths:
        return ""
    lines = "\n".join(f"  {path}" for path in paths)
    return (
        "iisession: what you typed in a form could NOT BE SAVED where it belongs; "
        f"it is in a text file:\n{lines}"
    )


def _capital(text: str) -> str:
    # Not .capitalize(): that would lower-case the rest (a name, a file).
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    text = _capital(text.strip())
    return text if text.endswith((".", "!", "?")) else f"{text}."


class SmallForm(ModalScreen[Result]):
    """A small form (a profile, a new request, an organisation, a referral) whose
    fields are all there is of what was typed until it is saved: it is never
    dropped without asking.

    Escape closes an untouched form at once, and asks first about one with
    something typed. On quit, what was typed is saved as Save saves it, or
    the user is asked: keep it some other way (a text file), drop it, or stay.
    On a signal, with no one to ask, it is saved if it will do, else written
    to a text file in the rescue folder (``rescued``)."""

    WHAT = "what you typed"
    """What the form holds, in words that read before "is not saved"."""

    KIND = "form"
    """In the name of its rescue file."""

    def __init__(self) -> None:
        super().__init__()
        self.rescued: Path | None = None
        """The text file what was typed went to, when it could not be saved."""
        self._untouched: Fields | None = None
        """The fields as they were shown, or as they were last saved."""
        self._asking = False

    # --- what each form provides ----------------------------------------------------

    def fields(self) -> Fields:
        """Every field as it stands, labelled."""
        raise NotImplementedError

    def save_typed(self, *, strict: bool) -> str | None:
        """Save what was typed as Save does, leaving the form open; None if it
        is saved, else why not (also said on the form). ``strict``: only what
        Save itself would save; otherwise whatever can be (nobody to ask)."""
        raise NotImplementedError

    def close_saved(self) -> None:
        """Close the form once ``save_typed`` saved it, as Save closes it."""
        raise NotImplementedError

    def close_quitting(self) -> None:
        """Saved on the way out: close as Save does (unless what that leads to
        would open on an app that is going)."""
        self.close_saved()

    def action_save(self) -> None:
        """Save (and close), or say on the form what is wrong."""
        raise NotImplementedError

    def keep_label(self, problem: str) -> str:
        """What the key that keeps an unsaveable form does, before quitting."""
        return f"write it to a text file in {workspace_of(self).rescue_folder}/, then quit"

    def keep(self, problem: str) -> bool:
        """Keep what Save would not take (a text file); False if that failed too."""
        return self._rescue(problem, tell=True)

    # --- the shared part ----------------------------------------------------------------

    def on_mount(self) -> None:
        self._untouched = self.fields()

    def touched(self) -> bool:
        """Something typed here is not saved."""
        return self._untouched is not None and self.fields() != self._untouched

    def _saved_now(self) -> None:
        self._untouched = self.fields()
        # A text file written before stays where it is, but is no longer the news.
        self.rescued = None

    def _rescue(self, problem: str, *, tell: bool = False) -> bool:
        now = workspace_of(self).clock.wall()
        text = rescue_text(self.WHAT, problem, self.fields(), now)
        try:
            self.rescued = workspace_of(self).rescue_text(self.KIND, text, over=self.rescued)
        except NotWritten as error:
            if tell:
                self.notify(
                    f"{_sentence(str(error))} What you typed is still here.",
                    title="Not written",
                    severity="error",
                    timeout=15,
                )
            return False
        return True

    def _ask(
        self, body: str, choices: list[tuple[str, str, str]], then: Callable[[str | None], None]
    ) -> None:
        def chosen(choice: str | None) -> None:
            self._asking = False
            then(choice)

        self._asking = True
        title = f"{_capital(self.WHAT)} is not saved"
        self.app.push_screen(ChoiceModal(title, body, choices), chosen)

    def action_cancel(self) -> None:
        """Escape: an untouched form closes; one with something typed asks first."""
        if self._asking:
            return
        if not self.touched():
            self.dismiss(None)
            return

        def chosen(choice: str | None) -> None:
            if choice == "save":
                self.action_save()
            elif choice == "drop":
                self.dismiss(None)

        self._ask(
            "Esc: back to the form, as it is.",
            [("s", "save it", "save"), ("d", "drop what you typed", "drop")],
            chosen,
        )

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """Before quitting: what was typed is saved as Save does; if it cannot
        be, the user chooses (keep it some other way, drop it, or stay)."""
        if self._asking:
            # Asked already (Escape was pressed): that answer comes first.
            self.notify("Answer the question on screen first.", severity="warning", timeout=4)
            return
        if not self.touched():
            proceed()
            return
        problem = self.save_typed(strict=True)
        if problem is None:
            self._saved_now()
            self.close_quitting()
            proceed()
            return

        def chosen(choice: str | None) -> None:
            if choice == "drop" or (choice == "keep" and self.keep(problem)):
                proceed()

        self._ask(
            f"{_sentence(problem)}\nQuitting now would lose what you typed. Esc: back to the form.",
            [("s", self.keep_label(problem), "keep"), ("d", "drop it and quit", "drop")],
            chosen,
        )

    def save_unasked(self) -> None:
        """On a signal: save what was typed if it will do, else write it to a text
        file in the rescue folder. Runs again with what was typed since."""
        if not self.touched():
            return
        try:
            problem = self.save_typed(strict=False)
        except Exception as error:  # a bug in saving must not lose the words too
            problem = f"{type(error).__name__}: {error}"
        if problem is None:
            self._saved_now()
        else:
            self._rescue(problem)
