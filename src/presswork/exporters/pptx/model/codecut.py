"""Where a code listing or console output may be cut between slides: top-level items, message starts."""

from __future__ import annotations

import dataclasses
import functools
import re

from presswork.exporters.pptx.model.deck import Token

#: A code line: its coloured tokens.
Line = tuple[Token, ...]

#: Languages whose listings are console sessions or program output: cut between messages, not by brackets.
CONSOLE_LANGUAGES = frozenset(
    {"console", "shell-session", "shellsession", "sh-session", "output", "text", "txt", "plain", "plaintext", "log"}
)
#: Languages whose line comments start with "#" (the rest use "//" when they have brackets, else none).
HASH_COMMENTS = frozenset(
    {"python", "py", "python3", "ruby", "rb", "sh", "bash", "shell", "zsh", "yaml", "yml", "toml", "r", "perl", "make"}
)
#: Languages whose blocks are set by indentation, not by brackets.
INDENT_BLOCKS = frozenset({"python", "py", "python3", "yaml", "yml", "haskell", "nim", "coffee", "fsharp"})
#: Cost of a cut at a top-level item after a blank line; others cost more.
BEST = 0
#: Cost of a cut before a line that starts a message of console output ("help:", "Compiling ...").
MESSAGE_START = 1
#: Cost of a cut that splits a message or a block: only when there is no better one.
INSIDE = 10
#: Cost of a cut before a line that closes a block (a slide would start with "}").
NEVER = 100

#: Line ends that leave a statement or expression unfinished (a field's type, a value, an operand to come).
CONTINUED = (":", "=", "(", "[", "\\", "+", "-", "*", "/", "&&", "||", "->", "=>", ".")

#: Colour of an elision mark: muted, yet 5:1 on the code box's pale fill.
ELISION_COLOUR = "595959"

OPENERS, CLOSERS = "([{", ")]}"
_MESSAGE = re.compile(
    r"^(\$ |> |error|warning|help:|note:|For more information|Some errors|thread '|\s{0,12}[A-Z][a-z]+ \S)"
)
_INSIDE_MESSAGE = re.compile(r"^\s*(\||-->|=|\d+\s*\||\.\.\.|\^)")


def line_text(line: Line) -> str:
    """The text of a code line."""
    return "".join(t.text for t in line)


def is_console(language: str) -> bool:
    """True for console sessions and program output (cut between messages)."""
    return language.lower() in CONSOLE_LANGUAGES


def indent_of(text: str) -> int:
    """How many leading spaces ``text`` has."""
    return len(text) - len(text.lstrip())


def _code_part(text: str, language: str) -> str:
    """``text`` without string literals and its line comment, for counting brackets."""
    text = re.sub(r'"(?:\\.|[^"\\])*"?', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\])'", "''", text)  # a character literal, not a Rust lifetime
    comment = "#" if language.lower() in HASH_COMMENTS else "//"
    return text.split(comment, 1)[0]


def open_lines(lines: list[Line], language: str) -> list[list[int]]:
    """For each line, the indices of the earlier lines that opened the brackets still open at its start."""
    stack: list[int] = []
    out: list[list[int]] = []
    for k, line in enumerate(lines):
        out.append(list(stack))
        for ch in _code_part(line_text(line), language):
            if ch in OPENERS:
                stack.append(k)
            elif ch in CLOSERS and stack:
                stack.pop()
    return out


def opens_block(line: Line, language: str) -> bool:
    """True when ``line`` ends by opening a block ("{", "(", "[" or ":"), comments aside."""
    return _code_part(line_text(line), language).rstrip().endswith((":", *OPENERS))


def cut_costs(lines: list[Line], language: str) -> list[int]:
    """Cost of starting a slide at each line (index 0 unused): BEST between top-level items after a blank
    line, higher inside a block or a message, NEVER at a line that closes a block. A cut at a blank line
    costs what a cut at the next line that is not blank does (a part leaves its blank lines out)."""
    return list(_cut_costs(tuple(lines), language))


@functools.lru_cache(maxsize=1024)
def _cut_costs(lines: tuple[Line, ...], language: str) -> tuple[int, ...]:
    """:func:`cut_costs`, cached: each trial of a group cuts the same listings."""
    texts = [line_text(line) for line in lines]
    costs = _line_costs(texts, list(lines), language)
    for k in range(len(texts) - 1, 0, -1):
        if not texts[k].strip():
            costs[k] = costs[k + 1] if k + 1 < len(texts) else NEVER
    return tuple(costs)


def _line_costs(texts: list[str], lines: list[Line], language: str) -> list[int]:
    """Cost of starting a slide at each line, NEVER at a blank one."""
    if is_console(language):
        return [_console_cost(texts, k) for k in range(len(texts))]
    opened = open_lines(lines, language)
    base = min((indent_of(t) for t in texts if t.strip()), default=0)
    indented = language.lower() in INDENT_BLOCKS
    costs = []
    for k, text in enumerate(texts):
        if k == 0 or not text.strip() or text.lstrip()[:1] in CLOSERS:
            costs.append(NEVER)
            continue
        depth = len(set(opened[k]))  # lines whose brackets are still open at line k
        if indented or not opened[k]:
            depth = max(depth, 1 if indent_of(text) > base else 0)
        blank_before = not texts[k - 1].strip()
        prev = next((t for t in reversed(texts[:k]) if t.strip()), "")
        cost = (2 + 2 * depth if depth else 1) - (1 if blank_before else 0)
        if prev.rstrip().endswith((":", "{", "(", "[", ",", "\\", "=")) or prev.lstrip().startswith(("#[", "@")):
            cost += 2  # the line before opens or heads what this line continues
        if _code_part(prev, language).rstrip().endswith(CONTINUED) and not prev.rstrip().endswith("::"):
            cost += 2  # a statement or expression goes on over this line ("_marker:", "let x ="): never cut it

        costs.append(max(BEST, cost) if depth == 0 else max(INSIDE // 2, cost + INSIDE // 2))
    return costs


def _console_cost(texts: list[str], k: int) -> int:
    text = texts[k]
    if k == 0 or not text.strip():
        return NEVER
    if not texts[k - 1].strip() or text.startswith(("$ ", "> ", "error", "warning")):
        return BEST
    if _INSIDE_MESSAGE.match(text):
        return INSIDE
    return MESSAGE_START if _MESSAGE.match(text) else INSIDE // 2


def elision(lines: list[Line], language: str, at: int) -> Line:
    """A line marking left-out code, indented as line ``at`` and written as a comment of the language."""
    text = line_text(lines[at]) if at < len(lines) else ""
    lang = language.lower()
    mark = "…" if not lang or is_console(lang) else "# …" if lang in HASH_COMMENTS else "// …"
    indent = 0 if mark == "…" else indent_of(text)
    return (Token(" " * indent + mark, ELISION_COLOUR, italic=True),)


def dedent(lines: list[Line]) -> list[Line]:
    """The lines without the blank lines before and after them (an included snippet that opens with one
    would show an empty box as its first part) and the indentation they all share (console output indented
    as a whole)."""
    filled = [k for k, line in enumerate(lines) if line_text(line).strip()]
    if filled:
        lines = lines[filled[0] : filled[-1] + 1]
    texts = [line_text(line) for line in lines]
    common = min((indent_of(t) for t in texts if t.strip()), default=0)
    if not common:
        return lines
    out: list[Line] = []
    for line in lines:
        drop, tokens = common, list(line)
        while drop and tokens:
            head = tokens[0]
            lead = min(drop, len(head.text) - len(head.text.lstrip(" ")))
            if lead == len(head.text):
                tokens.pop(0)
            else:
                tokens[0] = dataclasses.replace(head, text=head.text[lead:])
                if lead < drop:
                    break
            drop -= lead
        out.append(tuple(tokens))
    return out
