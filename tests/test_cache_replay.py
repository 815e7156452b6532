"""Every cache records what its computation told the reporter one way, and a hit tells it again identically."""

from __future__ import annotations

from presswork.cache.replay import Mark, Told, recorded, replay
from presswork.core.diagnostics import Reporter
from presswork.core.tree import Pos


def _compute(reporter: Reporter) -> str:
    reporter.warn("first", Pos("a.md", 3), "link")
    reporter.warn("second")
    reporter.removed.setdefault("a.md", []).append((5, 7))
    reporter.audits.append("audit of a.md")
    return "value"


def test_a_replayed_record_tells_a_fresh_reporter_what_the_computation_told() -> None:
    direct = Reporter()
    _compute(direct)
    value, told = recorded(_compute)
    again = Reporter()
    replay(told, again)
    assert value == "value"
    assert again.warnings == direct.warnings and again.removed == direct.removed and again.audits == direct.audits


def test_a_record_keeps_a_warning_the_build_had_already_given() -> None:
    """The build's reporter gives a warning once; a record made on a fresh reporter still holds it, so a
    later build that takes the value from the cache, without the earlier warning, still reports it."""
    build = Reporter()
    build.warn("first", Pos("a.md", 3), "link")
    _, told = recorded(_compute)
    assert [w.message for w in told.warnings] == ["first", "second"]


def test_a_mark_records_only_what_came_after_it() -> None:
    build = Reporter()
    build.warn("before", Pos("a.md", 1))
    build.removed["a.md"] = [(1, 2)]
    mark = Mark(build)
    _compute(build)
    told = mark.told()
    assert [w.message for w in told.warnings] == ["first", "second"]
    assert told.removed == (("a.md", 5, 7),) and told.audits == ("audit of a.md",)


def test_warnings_survive_a_json_cache() -> None:
    _, told = recorded(_compute)
    back = Told.from_json(told.to_json())
    assert back.warnings == told.warnings
