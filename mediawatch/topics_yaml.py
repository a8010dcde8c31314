"""The topics file (``seeds/topics.yaml``): parsing and validation into plain specs.

Errors name the file, the topic and the reason (:class:`TopicsError`). The compiled matcher
is :class:`mediawatch.tagging.Rules`; see docs/tagging.md for the file format.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mediawatch.textnorm import TOKEN_RE, fold

LANGS = ("uk", "ru", "en")


class TopicsError(ValueError):
    """The topics file is invalid; the message names the file, the topic and the reason."""


@dataclass(frozen=True)
class _TermSpec:
    text: str
    context: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    veto: tuple[str, ...] = ()


@dataclass(frozen=True)
class _LangSpec:
    terms: tuple[_TermSpec, ...]
    context: tuple[str, ...]
    exclude: tuple[str, ...]
    window: int
    veto: tuple[str, ...]
    veto_unless: tuple[str, ...]


@dataclass(frozen=True)
class TopicSpec:
    name: str
    description: str
    langs: dict[str, _LangSpec]


_TOP_KEYS = {"groups", "topics"}
_TOPIC_KEYS = {"description", *LANGS}
_LANG_KEYS = {"terms", "context", "exclude", "exclude_window", "veto", "veto_unless"}
_TERM_KEYS = {"term", "context", "exclude", "veto"}


def _check_keys(obj: Any, allowed: set[str], fail: Callable[[str], TopicsError]) -> None:
    if not isinstance(obj, dict):
        raise fail("must be a mapping")
    unknown = sorted(set(obj) - allowed, key=str)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _str_list(
    value: Any,
    lang: str,
    groups: dict[str, Any],
    what: str,
    fail: Callable[[str], TopicsError],
    depth: int = 0,
) -> tuple[str, ...]:
    """A list of phrases; "@name" pulls in the same-language list of group ``name``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise fail(f"{what!r} must be a list")
    out: list[str] = []
    for item in value:
        if isinstance(item, str) and item.startswith("@"):
            group = groups.get(item[1:])
            if not isinstance(group, dict) or lang not in group:
                raise fail(f"{what!r}: unknown group {item!r} for language {lang!r}")
            if depth > 3:
                raise fail(f"{what!r}: groups nested too deeply at {item!r}")
            out.extend(
                _str_list(group[lang], lang, groups, f"groups.{item[1:]}.{lang}", fail, depth + 1)
            )
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            alternatives = [""]  # "захопил* @settlements": one phrase per group member
            for word in str(item).split():
                options = (
                    _str_list([word], lang, groups, what, fail, depth + 1)
                    if word.startswith("@")
                    else (word,)
                )
                alternatives = [f"{a} {o}".strip() for a in alternatives for o in options]
            for text in alternatives or [str(item)]:
                _check_phrase(text, what, fail)
                out.append(text)
        else:
            raise fail(f"{what!r}: {item!r} is not a word or phrase")
    return tuple(out)


def _check_phrase(text: str, what: str, fail: Callable[[str], TopicsError]) -> None:
    chunks = fold(text).split()
    if not chunks or not any(TOKEN_RE.search(c) for c in chunks):
        raise fail(f"{what!r}: {text!r} has no word in it")
    for c in chunks:
        if "*" in c and (
            not c.endswith("*") or "*" in c[:-1] or len(c) < 4 or TOKEN_RE.fullmatch(c[:-1]) is None
        ):
            raise fail(f"{what!r}: {text!r}: '*' must end a word of at least 3 letters")


def _lang_spec(
    block: Any, lang: str, groups: dict[str, Any], fail: Callable[[str], TopicsError]
) -> _LangSpec:
    _check_keys(block, _LANG_KEYS, lambda r: fail(f"{lang}: {r}"))
    terms: list[_TermSpec] = []
    raw_terms = block.get("terms")
    if not isinstance(raw_terms, list) or not raw_terms:
        raise fail(f"{lang}: 'terms' must be a non-empty list")
    for item in raw_terms:
        if isinstance(item, dict):
            _check_keys(item, _TERM_KEYS, lambda r, i=item: fail(f"{lang}: term {i!r}: {r}"))
            if not isinstance(item.get("term"), str):
                raise fail(f"{lang}: term {item!r}: 'term' must be a word or phrase")
            ctx = _str_list(item.get("context"), lang, groups, "context", fail)
            exc = _str_list(item.get("exclude"), lang, groups, "exclude", fail)
            veto = _str_list(item.get("veto"), lang, groups, "veto", fail)
            for text in _str_list([item["term"]], lang, groups, "terms", fail):
                terms.append(_TermSpec(text, ctx, exc, veto))
        else:
            terms.extend(_TermSpec(t) for t in _str_list([item], lang, groups, "terms", fail))
    window = block.get("exclude_window", 0)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 10:
        raise fail(f"{lang}: 'exclude_window' must be a whole number from 0 to 10")
    lists = {
        k: _str_list(block.get(k), lang, groups, k, fail)
        for k in ("context", "exclude", "veto", "veto_unless")
    }
    return _LangSpec(
        tuple(dict.fromkeys(terms)),
        lists["context"],
        lists["exclude"],
        window,
        lists["veto"],
        lists["veto_unless"],
    )


def load_topics(raw: bytes, path: Path | str) -> list[TopicSpec]:
    """Parse and validate a topics file; raise :class:`TopicsError` naming file, topic, reason."""
    where = _display(path)
    try:
        doc = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise TopicsError(f"{where}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    _check_keys(doc, _TOP_KEYS, lambda r: TopicsError(f"{where}: top level: {r}"))
    groups = doc.get("groups") or {}
    _check_keys(
        groups,
        set(groups) if isinstance(groups, dict) else set(),
        lambda r: TopicsError(f"{where}: 'groups': {r}"),
    )
    for name, group in groups.items():
        _check_keys(group, set(LANGS), lambda r, n=name: TopicsError(f"{where}: group {n!r}: {r}"))
    topics = doc.get("topics")
    if not isinstance(topics, dict) or not topics:
        raise TopicsError(f"{where}: 'topics' must be a mapping of topic ids")
    out: list[TopicSpec] = []
    for name, body in topics.items():

        def fail(reason: str, name: Any = name) -> TopicsError:
            return TopicsError(f"{where}: topic {name!r}: {reason}")

        if not isinstance(name, str) or not name.isidentifier() or name != name.lower():
            raise fail("topic ids must be lower_snake_case")
        _check_keys(body, _TOPIC_KEYS, fail)
        langs = {lang: _lang_spec(body[lang], lang, groups, fail) for lang in LANGS if lang in body}
        if not langs:
            raise fail("needs terms for at least one of uk, ru, en")
        out.append(TopicSpec(name, str(body.get("description", "")), langs))
    return out


def rules_version(path: Path) -> str:
    """Validate a topics file (raising :class:`TopicsError`) and return its rules version.

    The version is what tags are stored with; it is the same as ``Rules.load(path).version``
    without compiling the rules (no morphology dictionaries are loaded).
    """
    raw = Path(path).read_bytes()
    load_topics(raw, path)
    return version_of(raw)


def version_of(raw: bytes) -> str:
    """The rules version of a topics file's bytes: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(raw).hexdigest()[:12]


def _display(path: Path | str) -> str:
    from mediawatch.config import PROJECT_ROOT

    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
