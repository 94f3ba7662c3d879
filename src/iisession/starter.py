"""A few questions for a session started straight from the command line.

The full question bank and templates come with session setup; these cover
the essentials in the order they matter, closing questions last.
"""

from __future__ import annotations

from .model import Priority, Question

LIMIT_MIN, LIMIT_MAX = 5, 180


def starter_questions() -> list[Question]:
    return [
        Question(
            text="What does a typical week look like in your role?",
            topic="day-to-day",
            priority=Priority.MUST,
        ),
        Question(
            text="How did you get into this field, and what would you do differently?",
            topic="path",
            priority=Priority.MUST,
        ),
        Question(
            text="Which skills matter most for someone starting out, and how did you build yours?",
            topic="skills",
        ),
        Question(text="How is the field changing right now?", topic="industry"),
        Question(
            text="Who else should I talk to, and may I say you suggested them?",
            topic="next-steps",
            priority=Priority.MUST,
            closing=True,
        ),
        Question(
            text="What next steps would you suggest for someone in my position?",
            topic="next-steps",
            closing=True,
        ),
    ]


def limit_problem(minutes: int) -> str | None:
    """Why a call limit is refused, or None if it is allowed."""
    if not LIMIT_MIN <= minutes <= LIMIT_MAX:
        return f"the limit must be {LIMIT_MIN} to {LIMIT_MAX} minutes (most calls are 30 to 60)"
    return None
