"""Keys go where the user meant, in order, however fast they arrive.

Textual sends every key to the widget focused at the moment the app takes the
key from its queue, but a key that moves the focus (F3 to the notes, Tab to
the next field, Enter that submits a form) takes effect only a few messages
later. Keys that arrive in the same burst (a laggy ssh link, a paste, a fast
typist) would land in the old place: "F3 hello" typed the "hello" into the
question list, and "Backspace Backspace xyz" in a field gave "x" (the letters
went in before the deletions ran). So:

- a key that is not plain text typed into a text field is handed on, and the
  keys after it wait until the app has settled (every message the key led to
  has been handled), then go on from where the focus is now;
- a run of plain text for an editable text area goes in as one insertion,
  which keeps a long burst (a paste typed as keys) fast to take in.

The terminal's input reaches the app as one message per burst
(``batching_driver``), not one per key: fewer wake-ups, and a flood of keys
cannot crowd out anything else the event loop is told.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events
from textual.driver import Driver

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.widgets import TextArea

SETTLE_LIMIT_SECONDS = 0.5
"""The most a key waits for the one before it to settle: a screen that keeps
itself busy (an animation, a timer at 0 s) must not hold the keyboard."""

QUIET_ROUNDS = 1
"""Rounds through every message queue with nothing new in them: settled."""

TYPED_AHEAD_SECONDS = 0.05
"""Keys that come this soon after the key that opened a question were typed
before it could be read (they came in the same burst)."""


class AnsweredByOneKey:
    """A screen answered by a single key (end the call? discard the run?).

    Keys typed before it showed were meant for the screen under it, so they
    never answer it: they wait until it is answered, then go on."""


class InputBurst(events.Event):
    """Keys and pastes that the terminal delivered together, in order."""

    def __init__(self, events_: list[events.Event]) -> None:
        super().__init__()
        self.events = events_


def batching_driver(base: type[Driver]) -> type[Driver]:
    """``base``, delivering the input of one read as one ``InputBurst``."""

    class BatchingDriver(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pending: list[Message] = []
            self._pending_lock = threading.Lock()

        def send_message(self, message: Message) -> None:
            # Runs on the input thread: everything waits in one list, in order,
            # for one delivery on the event loop.
            with self._pending_lock:
                self._pending.append(message)
                first = len(self._pending) == 1
            if first:
                self._loop.call_soon_threadsafe(self._deliver)

        def _deliver(self) -> None:
            """Keys and pastes in a row go as one burst; anything else (a
            click, a resize) on its own, where it came."""
            with self._pending_lock:
                pending, self._pending = self._pending, []
            burst: list[events.Event] = []
            for message in pending:
                if isinstance(message, (events.Key, events.Paste)):
                    burst.append(message)
                    continue
                if burst:
                    self._app.post_message(InputBurst(burst))
                    burst = []
                self._app.post_message(message)
            if burst:
                self._app.post_message(InputBurst(burst))

        @property
        def input_pending(self) -> bool:
            with self._pending_lock:
                return bool(self._pending)

    BatchingDriver.__name__ = f"Batching{base.__name__}"
    return BatchingDriver


Dispatch = Callable[[events.Event], Awaitable[None]]


class KeyRouter:
    """Hands keys to the app one at a time, each after the one before settled."""

    def __init__(self, app: App[Any], dispatch: Dispatch) -> None:
        """``dispatch``: Textual's own handling of one key or paste (bindings,
        then the focused widget)."""
        self.app = app
        self._dispatch = dispatch
        self._waiting: deque[events.Event] = deque()
        self._held_back: deque[events.Event] = deque()
        """Keys typed before a one-key question showed: delivered once it is answered."""
        self._asking: Screen[Any] | None = None
        self._arrived: dict[int, float] = {}
        """When each waiting event came (by id): typed ahead of a question, or not."""
        self._dispatched_at = 0.0
        self._settling = False
        self._typed_unsettled = False
        """Keys were typed into a field since the last settle (they may be queued there)."""
        self._settler: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        """A key is being handed on, or waits for the one before it to settle."""
        return bool(self._waiting) or self._settling

    @property
    def idle(self) -> bool:
        """No key is waiting, and the last one has settled."""
        return not self._waiting and not self._settling and not self._held_back

    async def take(self, received: list[events.Event]) -> None:
        """Keys or pastes from the terminal, in the order they came."""
        now = asyncio.get_running_loop().time()
        for event in received:
            self._arrived[id(event)] = now
        self._waiting.extend(received)
        await self._pump()

    async def _pump(self) -> None:
        self._release_held_back()
        while self._waiting and not self._settling:
            if not self.app.is_running:
                self._waiting.clear()
                return
            text = self._plain_text_run()
            if text is not None:
                area, typed = text
                paste = events.Paste(typed)
                paste.set_sender(self.app)
                area._forward_event(paste)
                # A paste takes the focus back to its text area when handled:
                # what follows waits for it.
                self._settle_then_go_on()
                continue
            event = self._waiting[0]
            simple = self._types_into_focus(event)
            if not simple and self._typed_unsettled:
                # The letters just handed to a field may still be in its queue;
                # a key that acts (a priority Ctrl+S, a screen's F-key) must find
                # them there, so it waits for them first.
                self._settle_then_go_on()
                continue
            self._waiting.popleft()
            before = self._screen()
            self._arrived.pop(id(event), None)
            self._dispatched_at = asyncio.get_running_loop().time()
            await self._dispatch(event)
            if simple:
                self._typed_unsettled = True
            else:
                self._settle_then_go_on(before)
        if not self._waiting and not self._held_back:
            self._arrived.clear()

    def _settle_then_go_on(self, before: Screen[Any] | None = None) -> None:
        self._typed_unsettled = False
        self._settling = True
        self._settler = asyncio.create_task(self._settle(before))

    def _screen(self) -> Screen[Any] | None:
        try:
            return self.app.screen
        except Exception:  # between screens
            return None

    def _hold_back_for(self, screen: Screen[Any] | None, before: Screen[Any] | None) -> None:
        """A key just opened a one-key question: what was typed with that key or
        right after it (sooner than anyone could read the question) is not its
        answer. What came later is."""
        if before is None or screen is None or screen is before:
            return
        if not isinstance(screen, AnsweredByOneKey):
            return
        typed_ahead = self._dispatched_at + TYPED_AHEAD_SECONDS
        while self._waiting and self._arrived.get(id(self._waiting[0]), 0.0) <= typed_ahead:
            self._held_back.append(self._waiting.popleft())
        if self._held_back:
            self._asking = screen

    def _release_held_back(self) -> None:
        """The question was answered (or went away): the keys held back go first."""
        if self._asking is None:
            return
        try:
            still_asking = self._asking in self.app.screen_stack
        except Exception:
            still_asking = False
        if still_asking:
            return
        self._asking = None
        self._held_back.extend(self._waiting)
        self._waiting, self._held_back = self._held_back, deque()

    def _plain_text_run(self) -> tuple[TextArea, str] | None:
        """The keys at the head of the queue that are text for the focused,
        editable text area, taken off the queue; None unless there are two or
        more (a single key goes the ordinary way, exactly as Textual handles it)."""
        from textual.widgets import TextArea  # when first needed: start-up is quicker

        area = self.app.focused
        if not isinstance(area, TextArea) or area.read_only:
            return None
        claimed = self._claimed_keys()
        characters: list[str] = []
        for event in self._waiting:
            if not isinstance(event, events.Key) or event.key in claimed:
                break
            if event.is_printable and event.character is not None:
                characters.append(event.character)
            elif event.key == "enter":
                characters.append("\n")
            else:
                break
        if len(characters) < 2:
            return None
        for _ in characters:
            self._arrived.pop(id(self._waiting.popleft()), None)
        return area, "".join(characters)

    def _claimed_keys(self) -> set[str]:
        """Keys with a priority binding on this screen: they act even in text."""
        try:
            return {
                key
                for key, active in self.app.screen.active_bindings.items()
                if active.binding.priority
            }
        except Exception:  # no screen just now: claim nothing, type nothing in bulk
            return set()

    def _types_into_focus(self, event: events.Event) -> bool:
        """The event only types into the focused field: nothing can move because of it."""
        from textual.widgets import Input, TextArea

        focused = self.app.focused
        if isinstance(event, events.Paste):
            # Not a TextArea: its paste handler moves the focus (back to itself).
            return isinstance(focused, Input)
        if not isinstance(event, events.Key):
            return False
        if isinstance(focused, TextArea) and not focused.read_only:
            return event.is_printable or event.key == "enter"
        if isinstance(focused, Input):
            return event.is_printable
        return False

    async def _settle(self, before: Screen[Any] | None = None) -> None:
        """Wait until every message the last key led to has been handled (a
        focus moved, a screen pushed or dismissed), then go on with the rest."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_LIMIT_SECONDS
        quiet = 0
        handled = _Handled(self.app)
        try:
            while quiet < QUIET_ROUNDS and loop.time() < deadline:
                nodes = self._nodes()
                handled.follow(nodes)
                before_round = handled.count
                found_nothing = await handled.round(nodes, deadline - loop.time())
                # A round is quiet only if no pump handled anything in it: a pump
                # may have taken a message up and be awaiting inside it (or inside
                # what runs when its queue is empty) with nothing left in its queue.
                if (
                    found_nothing
                    and handled.count == before_round
                    and all(_nothing_waiting(node) for node in self._nodes())
                ):
                    quiet += 1
                else:
                    quiet = 0
        except Exception:  # whatever went wrong, the keys must go on
            pass
        finally:
            handled.close()
            self._settling = False
            self._hold_back_for(self._screen(), before)
            self._release_held_back()
            # Always: keys left waiting must never wait for the next key press.
            if self._waiting and self.app.is_running:
                self.app.call_later(self._pump)

    def _nodes(self) -> list[MessagePump]:
        """The pumps a key's consequences run through: the app, the screen
        showing, and the focused widget with its parents (a key bubbles up
        through them; what they post to themselves, a submitted field say,
        too). Widgets elsewhere only redraw."""
        app = self.app
        try:
            screen = app.screen
        except Exception:  # between screens
            return [app]
        chain: list[MessagePump] = [app, screen]
        focused = app.focused
        if focused is not None:
            chain.extend(focused.ancestors_with_self)
        # A widget not running (yet, or any more) takes no messages: waiting
        # for it would wait for nothing.
        return [node for node in dict.fromkeys(chain) if node.is_running]


def _nothing_waiting(node: MessagePump) -> bool:
    """Nothing in the pump's queue, nor taken from it to be handled next.

    Private, but the only way to see that a pump has nothing left: Textual's own
    test pilot waits for the screen the same way. A pump looks ahead one message
    (to merge what may be merged) before it handles the one it took: that one is
    out of the queue, and may wait there while the pump awaits."""
    return node._message_queue.empty() and node._pending_message is None


class _Handled:
    """Counts the messages the pumps a key's consequences run through handle,
    but for the settle's own callbacks and the input the router only queues."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.count = 0
        self._probes: set[Callable[[], None]] = set()
        self._followed: list[MessagePump] = []

    def follow(self, nodes: Iterable[MessagePump]) -> None:
        for node in nodes:
            if node not in self._followed:
                node.message_signal.subscribe(
                    self.app, partial(self._handled, node), immediate=True
                )
                self._followed.append(node)

    def _handled(self, node: MessagePump, message: Message) -> None:
        probe = getattr(message, "callback", None)
        if isinstance(message, events.Callback) and getattr(probe, "func", None) in self._probes:
            return
        if (
            node is self.app
            and isinstance(message, (InputBurst, events.Key, events.Paste, events.MouseEvent))
            and not message.is_forwarded
        ):
            return  # only waits its turn: the router is busy
        self.count += 1

    def close(self) -> None:
        for node in self._followed:
            node.message_signal.unsubscribe(self.app)
        self._followed.clear()

    async def round(self, nodes: list[MessagePump], timeout: float) -> bool:
        """Every node handles what it had queued before now. True if each found
        nothing more waiting when it got there."""
        loop = asyncio.get_running_loop()
        waits: list[asyncio.Future[bool]] = []
        self._probes.clear()
        for node in nodes:
            future: asyncio.Future[bool] = loop.create_future()

            def reached(node: MessagePump = node, future: asyncio.Future[bool] = future) -> None:
                if not future.done():
                    future.set_result(_nothing_waiting(node))

            self._probes.add(reached)
            if node.call_later(reached):
                waits.append(future)
        if not waits:
            return True
        done, pending = await asyncio.wait(waits, timeout=max(0.0, timeout))
        return not pending and all(future.result() for future in done)
