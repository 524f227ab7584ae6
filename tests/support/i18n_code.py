"""Where the code names i18n keys, found by reading its source with `ast`.

The catalog-parity test compares English with French, so it cannot see a key missing from both.
This reads the code instead, and reports every key it names, wherever it names one:

- a string passed to a translator (`t("k")`, `nls.t("k")`, `deps.translator()("k")`) or to a
  `DomainError` subclass (`Invalid("k")`, `key="k"`), and a subclass's `key = "k"` attribute;
- any other string shaped like a key (`feature.some_thing`) whose first part is a catalog's table
  or one of the namespaces the translator and error calls above use (`Fact("k")`, `help_key="k"`,
  a `PydanticCustomError` type), except where such a string is not a key (the audit log's
  `action=`, a `ForeignKey("polls.id")`);
- f-strings: `t(f"polls.kind.{poll.kind.value}")`. A placeholder that is a parameter of the
  function it is in (`_confirm(t, key)` builds `f"{key}_title"`) takes the literal arguments of
  that function's calls; any other is reported as a pattern (`polls.kind.{}`) for the test to
  expand with the values it can take.
- `t.choice(prefix, value)`: the prefix, whose values fall back to themselves by design.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("bot", "handlers", "jobs", "models")
SKIPPED = ("models/migrations/",)  # schema history: table and column names, no text for people
TRANSLATOR_MODULE = "bot/infra/i18n/__init__.py"  # composes keys from its callers', which are checked
KEY_SHAPE = re.compile(r"[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+")
TRANSLATOR_NAMES = {"t", "en", "fr"}  # the names a Translator is bound to in our code
NOT_KEYS_KEYWORDS = {"action"}  # audit-log actions look like keys and are not
NOT_KEYS_CALLS = {"ForeignKey", "ForeignKeyConstraint", "relationship", "text", "getLogger", "import_module"}


@dataclass(frozen=True)
class Place:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Pattern:
    """An f-string key: `template` with `{}` for each placeholder; `values[i]` are the literal
    arguments a placeholder that is a function parameter takes, None where the code alone
    cannot say."""

    template: str
    values: tuple[tuple[str, ...] | None, ...]
    place: Place

    @property
    def unresolved(self) -> int:
        return sum(v is None for v in self.values)


@dataclass
class KeyUses:
    literals: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    patterns: list[Pattern] = field(default_factory=list)
    prefixes: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    raised: set[str] = field(default_factory=set)  # keys a DomainError carries: refusals


@dataclass
class _Module:
    path: str
    nodes: list[ast.AST]  # every node, walked once
    parents: dict[ast.AST, ast.AST]


def _modules(sources: Iterable[tuple[str, str]]) -> list[_Module]:
    out = []
    for path, text in sources:
        nodes = list(ast.walk(ast.parse(text)))
        parents = {child: node for node in nodes for child in ast.iter_child_nodes(node)}
        out.append(_Module(path, nodes, parents))
    return out


def source_files(root: Path = ROOT) -> Iterator[tuple[str, str]]:
    for directory in SOURCE_DIRS:
        for path in sorted((root / directory).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if not relative.startswith(SKIPPED):
                yield relative, path.read_text(encoding="utf-8")


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _error_classes(modules: list[_Module]) -> set[str]:
    """`DomainError` and every class that derives from it, in any module (by name)."""
    bases = {
        node.name: {_name(b) for b in node.bases} for m in modules for node in m.nodes if isinstance(node, ast.ClassDef)
    }
    found = {"DomainError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


def _is_translator(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in TRANSLATOR_NAMES
    if isinstance(func, ast.Attribute):
        return func.attr == "t"
    if isinstance(func, ast.Call):  # deps.translator()(key), Translator("fr")(key)
        return _name(func.func) in ("translator", "Translator")
    return False


def _key_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "key":
            return keyword.value
    return call.args[0] if call.args else None


def _placeholders(node: ast.JoinedStr) -> list[ast.expr]:
    return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]


def _template(node: ast.JoinedStr) -> str:
    return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


def _looks_like_key(template: str) -> bool:
    """Shaped like a key once each placeholder is filled (with a key, for `f"{key}_title"`)."""
    return bool(KEY_SHAPE.fullmatch(template.replace("{}", "x.x")))


class _Scanner:
    def __init__(self, modules: list[_Module], namespaces: set[str]) -> None:
        self.modules = modules
        self.errors = _error_classes(modules)
        self.uses = KeyUses()
        self.namespaces = set(namespaces)
        self.calls: dict[str, list[tuple[_Module, ast.Call]]] = defaultdict(list)
        for m in modules:
            for node in m.nodes:
                if isinstance(node, ast.Call) and _name(node.func):
                    self.calls[_name(node.func) or ""].append((m, node))
        self.imports = {m.path: _imports(m) for m in modules}
        self.carriers = {name for m in modules for name in _key_carriers(m.nodes)}
        self.home = {
            node: m for m in modules for node in m.nodes if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }

    def _sink(self, call: ast.Call, *, carriers: bool = False) -> bool:
        """A call whose first argument (or `key=`) is a message key: a translator's or an error's;
        with `carriers`, also one whose first parameter is named `key` (`Fact`): f-strings passed
        there are keys when shaped like one (a ledger key is not)."""
        name = _name(call.func)
        return _is_translator(call.func) or name in self.errors or (carriers and name in self.carriers)

    def scan(self) -> KeyUses:
        sure: list[tuple[ast.Constant, _Module]] = []
        for m in self.modules:
            for node in m.nodes:
                if isinstance(node, ast.Call) and self._sink(node):
                    arg = _key_argument(node)
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        sure.append((arg, m))
                elif isinstance(node, ast.ClassDef) and node.name in self.errors:
                    sure.extend((c, m) for c in _class_keys(node))
        self.namespaces |= {c.value.split(".")[0] for c, _ in sure}
        stems = self._stem_literals()
        for c, m in sure:
            self._literal(c.value, m, c)
        for m in self.modules:
            for node in m.nodes:
                if isinstance(node, ast.JoinedStr):
                    self._fstring(node, m)
                elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node not in stems:
                    if self._keyish(node.value) and not self._excluded(node, m):
                        self._literal(node.value, m, node)
                elif isinstance(node, ast.Call) and _name(node.func) == "choice" and node.args:
                    prefix = node.args[0]
                    if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str):
                        self.uses.prefixes[prefix.value].append(Place(m.path, node.lineno))
        return self.uses

    def _keyish(self, text: str) -> bool:
        return bool(KEY_SHAPE.fullmatch(text)) and text.split(".")[0] in self.namespaces

    def _literal(self, key: str, m: _Module, node: ast.AST) -> None:
        place = Place(m.path, getattr(node, "lineno", 0))
        if place not in self.uses.literals[key]:
            self.uses.literals[key].append(place)
        if self._raised(node, m):
            self.uses.raised.add(key)

    def _raised(self, node: ast.AST, m: _Module) -> bool:
        parent = m.parents.get(node)
        if isinstance(parent, ast.keyword):
            parent = m.parents.get(parent)
        if isinstance(parent, ast.Call):
            return _name(parent.func) in self.errors
        if isinstance(parent, ast.Assign):  # key = "..." in a DomainError subclass
            owner = m.parents.get(parent)
            return isinstance(owner, ast.ClassDef) and owner.name in self.errors
        return False

    def _excluded(self, node: ast.AST, m: _Module) -> bool:
        parent = m.parents.get(node)
        if isinstance(parent, ast.JoinedStr):
            return True  # a piece of an f-string: seen as a whole
        while isinstance(parent, ast.List | ast.Tuple):
            parent = m.parents.get(parent)
        if isinstance(parent, ast.keyword) and parent.arg in NOT_KEYS_KEYWORDS:
            return True
        if isinstance(parent, ast.Call):
            if _name(parent.func) in NOT_KEYS_CALLS:
                return True
            if _name(parent.func) == "choice" and parent.args and parent.args[0] is node:
                return True  # a prefix, checked as one
        return False

    def _fstring(self, node: ast.JoinedStr, m: _Module) -> None:
        template = _template(node)
        if m.path == TRANSLATOR_MODULE or not _looks_like_key(template) or self._excluded(node, m):
            return
        parent = m.parents.get(node)
        if isinstance(parent, ast.keyword):
            parent = m.parents.get(parent)
        in_sink = (
            isinstance(parent, ast.Call) and self._sink(parent, carriers=True) and _key_argument(parent) in (node, None)
        )
        while isinstance(parent, ast.IfExp | ast.BoolOp):
            parent = m.parents.get(parent)
        named_key = isinstance(parent, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "key" for target in parent.targets
        )
        if not (template.split(".")[0] in self.namespaces or in_sink or named_key):
            return
        function = self._enclosing_function(node, m)
        values = tuple(self._parameter_values(function, expr) for expr in _placeholders(node))
        self.uses.patterns.append(Pattern(template, values, Place(m.path, node.lineno)))

    def _enclosing_function(self, node: ast.AST, m: _Module) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in m.parents:
            node = m.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def _parameter_values(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef | None, expr: ast.expr
    ) -> tuple[str, ...] | None:
        """The literal arguments every call passes for the parameter `expr` names, or None."""
        if function is None or not isinstance(expr, ast.Name) or expr.id not in _parameters(function):
            return None
        values = []
        for arg in self._arguments(function, expr.id):
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                return None
            values.append(arg.value)
        return tuple(dict.fromkeys(values)) or None

    def _arguments(self, function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str) -> Iterator[ast.expr]:
        """What each call of `function` passes for `parameter`."""
        position = _parameter_position(function, parameter)
        for call in self._calls(function):
            named = [k.value for k in call.keywords if k.arg == parameter]
            if named:
                yield named[0]
            elif position is not None and position < len(call.args):
                yield call.args[position]

    def _calls(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.Call]:
        """The calls of one function: by its name in its module or where it is imported by name,
        `module.name(...)` where its module is imported; a method, by `.name(...)` anywhere."""
        home = self.home[function]
        where = _dotted(home.path)
        method = isinstance(home.parents.get(function), ast.ClassDef)
        for m, call in self.calls.get(function.name, ()):
            names, modules = self.imports[m.path]
            func = call.func
            if isinstance(func, ast.Name) and not method:
                if m is home or names.get(func.id) == (where, function.name):
                    yield call
            elif isinstance(func, ast.Attribute) and (
                method or (isinstance(func.value, ast.Name) and modules.get(func.value.id) == where)
            ):
                yield call

    def _stem_literals(self) -> set[ast.AST]:
        """Literal arguments for parameters a function only ever uses inside f-strings (`_confirm`'s
        `key`): stems of keys, not keys, so only their expansions are checked."""
        stems: set[ast.AST] = set()
        for function, m in self.home.items():
            for parameter in _stem_only_parameters(function, m):
                stems.update(self._arguments(function, parameter))
        return stems


def _dotted(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _imports(m: _Module) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """In `m`: each local name bound by `from module import name`, and each bound to a module."""
    names: dict[str, tuple[str, str]] = {}
    modules: dict[str, str] = {}
    for node in m.nodes:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            modules.update((alias.asname or alias.name, alias.name) for alias in node.names)
    return names, modules


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = function.args
    return {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}


def _key_carriers(nodes: list[ast.AST]) -> Iterator[str]:
    """Functions whose first parameter, and classes whose first field, is named `key` (`Fact`,
    `count_fact`): what is passed there is a message key."""
    for node in nodes:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            positional = [a.arg for a in node.args.posonlyargs + node.args.args if a.arg not in ("self", "cls")]
            if positional[:1] == ["key"]:
                yield node.name
        elif isinstance(node, ast.ClassDef):
            fields = [s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
            if fields[:1] == ["key"]:
                yield node.name


def _class_keys(node: ast.ClassDef) -> Iterator[ast.Constant]:
    for statement in node.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            value = statement.value
            named_key = any(isinstance(t, ast.Name) and t.id == "key" for t in targets)
            if named_key and isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield value


def _parameter_position(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> int | None:
    """Where a call passes `name` positionally (a method's `self` is not passed); None when only
    by keyword."""
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if positional[:1] in (["self"], ["cls"]):
        positional = positional[1:]
    return positional.index(name) if name in positional else None


def _stem_only_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef, m: _Module) -> set[str]:
    every = _parameters(function)
    uses: dict[str, list[bool]] = defaultdict(list)
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id in every:
            parent = m.parents.get(node)
            uses[node.id].append(isinstance(parent, ast.FormattedValue))
    return {name for name, inside in uses.items() if inside and all(inside)}


def scan(sources: Iterable[tuple[str, str]] | None = None, *, namespaces: Iterable[str] = ()) -> KeyUses:
    """Every key the code names (see the module's docstring); `namespaces` adds the catalogs' tables."""
    return _Scanner(_modules(source_files() if sources is None else sources), set(namespaces)).scan()
