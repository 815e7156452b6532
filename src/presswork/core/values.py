"""What a configuration value may be: numbers in a range, BCP 47 language tags, web addresses,
Pygments style names, and text without control characters. Each check is an ``Annotated`` marker
on an option's type (``Annotated[int, Range(1, 6)]``) with a ``problem(value)`` method."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from presswork.core.urls import url_scheme


@dataclass(frozen=True)
class Range:
    """The values a numeric option accepts (``Annotated[int, Range(1, 6)]``): ``low`` to ``high``
    inclusive, and the special values in ``also`` (such as 0 for "chosen by presswork")."""

    low: float
    high: float
    also: tuple[float, ...] = ()

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is refused ("must be ..."), or None."""
        if value in self.also or self.low <= value <= self.high:
            return None
        return f"must be {self.describe()}, not {value!r}"

    def describe(self) -> str:
        """The accepted values in words: "0 or a whole number from 2 to 6"."""
        whole = all(float(v).is_integer() for v in (self.low, self.high, *self.also))
        kind = "a whole number" if whole else "a number"
        span = f"{kind} from {_number(self.low)} to {_number(self.high)}"
        return " or ".join([*(_number(v) for v in self.also), span])


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class LanguageTag:
    """A text option that must be a well-formed BCP 47 language tag (``Annotated[str, LanguageTag()]``);
    "" means not set."""

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is refused, or None."""
        if not value or is_language_tag(value):
            return None
        hint = value.replace("_", "-")
        suggestion = f" (did you mean {hint!r}?)" if is_language_tag(hint) else ""
        return f"must be a BCP 47 language tag such as 'en' or 'pt-BR', not {value!r}{suggestion}"


@dataclass(frozen=True)
class WebAddress:
    """A text option that is "" or an http(s) address (``Annotated[str, WebAddress()]``)."""

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is refused, or None."""
        if url_scheme(value) in ("", "http", "https"):
            return None
        return f"must be an http or https address, not {value[:80]!r}"


@dataclass(frozen=True)
class PygmentsStyle:
    """A text option naming a Pygments style (``Annotated[str, PygmentsStyle()]``); with ``optional``,
    "" (none) is accepted too."""

    optional: bool = False

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is refused, or None."""
        from pygments.styles import get_all_styles

        if value in set(get_all_styles()) or (self.optional and value == ""):
            return None
        close = difflib.get_close_matches(str(value), sorted(get_all_styles()), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"must be a Pygments style such as 'default' or 'monokai', not {value[:80]!r}{hint}"


#: A well-formed BCP 47 tag (RFC 5646, section 2.1): language, script, region, variants,
#: extensions and private use; or a private-use or grandfathered tag.
_LANGTAG = re.compile(
    r"""(?:
        (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})   # language, extlang
        (?:-[a-z]{4})?                                # script
        (?:-(?:[a-z]{2}|[0-9]{3}))?                   # region
        (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*      # variants
        (?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*          # extensions
        (?:-x(?:-[a-z0-9]{1,8})+)?                    # private use
      | x(?:-[a-z0-9]{1,8})+                          # private use only
      | (?:en-gb-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)
        |sgn-(?:be-fr|be-nl|ch-de)|art-lojban|cel-gaulish|no-bok|no-nyn|zh-(?:guoyu|hakka|min|min-nan|xiang))
    )""",
    re.VERBOSE,
)


def is_language_tag(value: str) -> bool:
    """Whether ``value`` is a well-formed BCP 47 language tag (``en``, ``pt-BR``, ``zh-Hant-TW``)."""
    return value.isascii() and _LANGTAG.fullmatch(value.lower()) is not None


#: Characters no metadata or option may hold: C0 and C1 controls (tab, line feed and carriage
#: return excepted), DEL, lone surrogates and the non-characters XML forbids.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def control_character_problem(value: str) -> str | None:
    """Why text ``value`` is refused (it holds a control character), or None."""
    found = CONTROL_CHARACTERS.search(value)
    return f"holds the control character U+{ord(found.group()):04X}; remove it" if found else None
