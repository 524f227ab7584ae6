"""Which listeners a request can reach, looked up by the ids it carries instead of asked one by one.

Bolt offers every request to every listener in registration order, and each asks by running its
matchers, each with Bolt's whole set of listener arguments built for it: a modal submission went
through 34 listeners (the commands' and the buttons' first) before its own. Almost every listener
here is registered with a plain id (a command, an action_id, a view's callback_id, an event type),
and Bolt's built-in matcher for a plain id compares it for equality with one field of the body
(`carried_ids` lists them all). So a listener registered with id `x` can only match a request
that carries `x` in one of those fields.

`Routes` keeps the listeners by that id. A request is offered, in registration order, the
listeners under the ids it carries and every listener registered otherwise (a pattern, a dict of
constraints, a kind of registration this module does not know): those are never skipped. Bolt's
own dispatch then runs unchanged over that shorter list: each listener's matchers (the built-in
one included) decide, the first that matches runs, its middleware, `ack` and the unhandled
answer are Bolt's. Skipping a listener that could not have matched is the only difference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from re import Pattern
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.listener.async_listener import AsyncListener
from slack_bolt.response import BoltResponse

# The listeners offered to the request being dispatched (None: all of them, in order).
_offered: ContextVar[Sequence[AsyncListener] | None] = ContextVar("nls_offered_listeners", default=None)


def registered_id(constraints: str | Pattern[str] | dict[str, Any], *, event: bool = False) -> str | None:
    """The id Bolt's built-in matcher compares for equality, or None when it may match otherwise.
    An event listener's dict (`{"type": "message", "subtype": ...}`) compares its type so, too."""
    if isinstance(constraints, str):
        return constraints
    if event and isinstance(constraints, dict) and isinstance(constraints.get("type"), str):
        return constraints["type"]
    return None


def carried_ids(body: dict[str, Any]) -> set[str]:
    """Every field a built-in matcher for a plain id compares: the command (slash commands), the
    callback_id (shortcuts, legacy attachments and dialogs, workflow step edits, dialog
    suggestions), the first action's action_id (block actions), the action_id (block
    suggestions), the view's callback_id (view submissions and closes, workflow step saves) and
    the event's type (events and messages)."""
    found = [body.get("command"), body.get("callback_id"), body.get("action_id")]
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        found.append(actions[0].get("action_id"))
    for part, field in (("view", "callback_id"), ("event", "type")):
        inner = body.get(part)
        if isinstance(inner, dict):
            found.append(inner.get(field))
    return {value for value in found if isinstance(value, str)}


class Routes:
    """The app's listeners by registered id, for `Listeners` to offer a request only those it can reach."""

    def __init__(self, listeners: list[AsyncListener]) -> None:
        self._listeners = listeners
        self._ids: dict[AsyncListener, str] = {}  # listener -> the id it was registered with
        self._built_for = -1  # how many listeners the tables below were built for
        self._by_id: dict[str, list[tuple[int, AsyncListener]]] = {}
        self._always: list[tuple[int, AsyncListener]] = []  # registered otherwise: offered every request

    def registered(self, listener: AsyncListener, key: str) -> None:
        self._ids[listener] = key

    def offered(self, body: dict[str, Any]) -> list[AsyncListener]:
        """The listeners that could match `body`, in registration order."""
        if self._built_for != len(self._listeners):
            self._build()
        reachable = list(self._always)
        for key in carried_ids(body):
            reachable += self._by_id.get(key, ())
        reachable.sort(key=lambda entry: entry[0])
        return [listener for _, listener in reachable]

    def _build(self) -> None:
        self._by_id, self._always = {}, []
        for position, listener in enumerate(self._listeners):
            key = self._ids.get(listener)
            if key is None:
                self._always.append((position, listener))
            else:
                self._by_id.setdefault(key, []).append((position, listener))
        self._built_for = len(self._listeners)


class Listeners(list[AsyncListener]):
    """Bolt's list of listeners (`AsyncApp._async_listeners`), which its dispatch loop walks: inside
    `offering`, a walk sees only the listeners offered to the request at hand. Everything else a
    list does (registration appends, length, indexing) is the whole list's."""

    def __iter__(self) -> Iterator[AsyncListener]:
        offered = _offered.get()
        return super().__iter__() if offered is None else iter(offered)


@contextmanager
def offering(listeners: Sequence[AsyncListener]) -> Iterator[None]:
    """Around Bolt's dispatch of one request: its walk of `Listeners` sees only `listeners`."""
    token = _offered.set(listeners)
    try:
        yield
    finally:
        _offered.reset(token)


def _by_id(name: str, *, event: bool = False, fixed: str | None = None) -> Callable[..., Any]:
    """An override of Bolt's registration method `name` that notes which id the listener it
    registers was registered with (`fixed`, else the constraint's own, see `registered_id`)."""

    def register(self: RoutedApp, constraints: Any = "", matchers: Any = None, middleware: Any = None) -> Any:
        decorate = getattr(super(RoutedApp, self), name)(constraints, matchers, middleware)
        key = fixed or registered_id(constraints, event=event)

        def registering(*args: Any, **kwargs: Any) -> Any:
            before = len(self._async_listeners)
            registered = decorate(*args, **kwargs)
            if key is not None and len(self._async_listeners) == before + 1:
                self.routes.registered(self._async_listeners[-1], key)
            return registered

        return registering

    register.__name__ = register.__qualname__ = name
    register.__doc__ = f"Bolt's `{name}`, its listener found by id at dispatch (bot.transport.routing)."
    return register


# Bolt's registration methods whose built-in matcher compares a plain id (see `carried_ids`).
BY_ID = ("command", "shortcut", "global_shortcut", "message_shortcut", "action", "block_action",
         "attachment_action", "dialog_submission", "dialog_cancellation", "view", "view_submission",
         "view_closed", "options", "block_suggestion", "dialog_suggestion")  # fmt: skip


class RoutedApp(AsyncApp):
    """Bolt's app, dispatching each request to the listeners it can reach (see the module docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._async_listeners: list[AsyncListener] = Listeners(self._async_listeners)
        self.routes = Routes(self._async_listeners)

    event = _by_id("event", event=True)
    message = _by_id("message", fixed="message")  # Bolt's message listeners match `message` events only

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        with offering(self.routes.offered(req.body)):
            return await super().async_dispatch(req)


for _name in BY_ID:
    setattr(RoutedApp, _name, _by_id(_name))
