"""SEC111 unsafe-deserialization-of-request."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import CallFact, expr_text
from archaudit.repo import Repo
from archaudit.rules.base import PYTHON, Rule
from archaudit.rules.security._sinks import CODE, hit, python_calls, python_input

_ALWAYS = ("pickle.loads", "pickle.load", "_pickle.loads", "cPickle.loads", "cPickle.load", "dill.loads", "dill.load",
           "jsonpickle.decode", "marshal.loads", "shelve.open", "pandas.read_pickle", "yaml.unsafe_load",
           "yaml.unsafe_load_all")
_YAML = ("yaml.load", "yaml.load_all")
_SAFE_LOADERS = ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
_FACT = Message("the serialized data comes from the request")


def _safe_yaml(call: CallFact) -> bool:
    """yaml.load with a safe Loader (keyword or second argument)."""
    loader = call["kwargs"].get("Loader", call["args"][1] if len(call["args"]) > 1 else None)
    return expr_text(loader).endswith(_SAFE_LOADERS) if loader is not None else False


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at deserializers that can build arbitrary objects: `pickle`/`dill`/`marshal`/
    `jsonpickle` loads, `pandas.read_pickle`, `yaml.unsafe_load`, and `yaml.load` without a
    SafeLoader. The data is followed one step (local variables, a route handler's parameters):
    request data (`request.body`, an uploaded file) is a finding; data whose source is not
    established (a cache entry, a file path) is reported as not determined; a literal is silent."""
    for path, call, name in python_calls(repo, *_ALWAYS, *_YAML):
        if name in _YAML and _safe_yaml(call):
            continue
        found = python_input(repo, path, call, call["name"].rsplit(".", 1)[-1], 0,
                             ("data", "file", "stream", "s", "filepath_or_buffer", "filename"))
        if found is None or found.state == CODE:
            continue
        yield hit(path, call["line"], Message("{name}() deserializes {what}: a crafted payload runs code while it "
                                              "is loaded.",
                                              name=name, what=found.what), found, _FACT, key=name)


RULE = Rule(
    id="SEC111",
    name="unsafe-deserialization-of-request",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="Request data deserialized with pickle or an unsafe YAML loader",
    impact="Loading a crafted pickle or YAML document executes code of the sender's choosing on the server.",
    action="Accept JSON (or yaml.safe_load) from outside; keep pickle for data the server wrote and signs itself.",
    check=check,
    languages=PYTHON,
    example_bad="obj = pickle.loads(request.body)",
    example_good="obj = json.loads(request.body)",
)
