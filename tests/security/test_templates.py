"""A project's theme is data: its templates run in Jinja2's sandbox, as the built-in ones do.

Each test is a hostile book whose ``themes/default/`` overrides the built-in theme (``extends =
"default"``) with a template that tries to run a command, read a file outside the theme, or
exhaust memory. Every attempt must end in a ``file:line`` error and exit 1, with no command run,
for ``build`` (pdf, epub, html) and for ``preview``.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

from presswork.core.diagnostics import PressworkError
from presswork.project.theme import load_theme
from tests.support import REPO
from tests.support.preview import running_preview
from tests.support.safety import MARKER, RECORDER, find_in_outputs, plant_secret

#: The template each format renders first, overridden by the hostile theme.
TEMPLATES = {
    "pdf": "templates/pdf/titlepage.html",
    "epub": "epub/titlepage.xhtml",
    "html": "templates/html/index.html",
}

#: Template code that reaches Python (each would run ``touch MARK`` without a sandbox, or leak its
#: internals, or change a value the build uses).
ESCAPES = {
    "lipsum globals": "{{ lipsum.__globals__['os'].popen('touch MARK').read() }}",
    "lipsum item": "{{ lipsum['__globals__']['os'].popen('touch MARK').read() }}",
    "cycler": "{{ cycler.__init__.__globals__.os.popen('touch MARK').read() }}",
    "joiner": "{{ joiner.__init__.__globals__['os'].system('touch MARK') }}",
    "namespace": "{{ namespace.__init__.__globals__['os'].system('touch MARK') }}",
    "range": "{{ range.__globals__['os'].popen('touch MARK').read() }}",
    "template reference": (
        "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('touch MARK').read() }}"
    ),
    "mro": (
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
        "{{ c(['touch', 'MARK']).wait() }}{% endif %}{% endfor %}"
    ),
    "attr filter": "{{ (lipsum | attr('__globals__'))['os'].popen('touch MARK').read() }}",
    "str.format": "{{ '{0.__globals__[os]}'.format(lipsum) }}",
    "format filter": "{{ '%s' | format(lipsum.__globals__) }}",
    "map attribute": "{{ ([lipsum] | map(attribute='__globals__') | first)['os'].popen('touch MARK').read() }}",
    "mutation": "{{ theme.update({'accent': 'red'}) }}{{ theme.clear() }}",
}


def hostile_book(make_book, template: str, files: dict[str, str] | None = None) -> Path:
    """A book whose project theme ``default`` extends the built-in one and puts ``template`` in the
    first template of every format."""
    book: dict[str, str] = {
        "presswork.toml": 'title = "Hostile Theme"\n',
        "01-one.md": "# One\n\nHello.\n",
        "themes/default/theme.toml": 'name = "default"\nextends = "default"\n',
    }
    for rel in TEMPLATES.values():
        book[f"themes/default/{rel}"] = f"<p>before</p>\n{template}\n"
    book.update(files or {})
    return make_book(book)


@pytest.mark.parametrize("name", ESCAPES)
def test_template_code_cannot_reach_python(make_book, presswork, tmp_path: Path, name: str) -> None:
    mark = tmp_path / "pwned"
    root = hostile_book(make_book, ESCAPES[name].replace("MARK", str(mark)))
    for fmt, rel in TEMPLATES.items():
        result = presswork("build", root, "--format", fmt)
        assert result.status == 1, f"{fmt}: exit {result.status}\n{result.err[-400:]}"
        assert f"themes/default/{rel}:2: " in result.err, f"{fmt}: no file:line in {result.err[-300:]!r}"
        assert "internal error" not in result.err and "this is a bug" not in result.err
        assert "Traceback" not in result.err
        assert not mark.exists(), f"{fmt}: the template ran a command"
    assert not (root / "output").exists() or not any((root / "output").iterdir())


def test_a_project_theme_still_overrides_built_in_templates(make_book, presswork) -> None:
    """The sandbox is no obstacle to a theme that only uses the template language."""
    root = hostile_book(
        make_book,
        "{% set n = namespace(count=0) %}{% for a in authors %}{% set n.count = n.count + 1 %}{% endfor %}"
        "<p class='mine'>{{ title | upper }} {{ n.count }} {{ range(3) | join('-') }} {{ cycler('a', 'b').next() }}"
        " {{ '{}!'.format(title) }} {{ theme.accent | default('none') }}</p>",
    )
    result = presswork("build", root, "--format", "html")
    assert result.status == 0, result.err
    index = (root / "output" / "hostile-theme-site" / "index.html").read_text(encoding="utf-8")
    assert "<p class='mine'>HOSTILE THEME 0 0-1-2 a Hostile Theme!" in index


@pytest.mark.parametrize(
    "include",
    [
        "{% include '/etc/passwd' %}",
        "{% include '../../../../../../etc/passwd' %}",
        "{% include 'templates/../../../outside/secret.txt' %}",
        "{% include 'C:/outside/secret.txt' %}",
        "{% include 'templates/pdf/secret.html' %}",  # a link planted in the theme, to a file outside
    ],
)
def test_templates_are_loaded_only_from_the_theme_folders(make_book, presswork, tmp_path: Path, include: str) -> None:
    secret = plant_secret(tmp_path)
    root = hostile_book(make_book, include)
    (root / "themes/default/templates/pdf/secret.html").symlink_to(secret.text)
    with RECORDER.recording():
        results = [presswork("build", root, "--format", fmt) for fmt in TEMPLATES]
    assert RECORDER.opened_under(secret.folder) == []
    for fmt, result in zip(TEMPLATES, results, strict=True):
        assert result.status == 1 and MARKER not in result.out + result.err, f"{fmt}: {result.err[-300:]}"
        assert "Traceback" not in result.err and "this is a bug" not in result.err
    if (root / "output").exists():
        assert find_in_outputs(root / "output", [MARKER.encode()]) == []


@pytest.mark.parametrize("kind", ["template", "include"])
def test_the_loader_refuses_a_link_out_of_the_theme_made_after_the_build_checked_it(
    make_book, tmp_path: Path, kind: str
) -> None:
    """The build refuses a theme with links leaving it before it starts; the loader refuses them
    too, so a link made during the build (or a loader used without that check) reads nothing."""
    secret = plant_secret(tmp_path)
    root = hostile_book(make_book, "{% include 'templates/pdf/late.html' %}")
    theme = load_theme("default", root)
    rel = TEMPLATES["pdf"] if kind == "template" else "templates/pdf/late.html"
    (root / "themes/default" / rel).unlink(missing_ok=True)
    (root / "themes/default" / rel).symlink_to(secret.text)
    with RECORDER.recording(), pytest.raises(PressworkError) as info:
        theme.render(TEMPLATES["pdf"], meta=None, authors=[], contributors=[])
    assert RECORDER.opened_under(secret.folder) == []
    assert "outside the theme folder" in info.value.message and MARKER not in str(info.value)


@pytest.mark.parametrize(
    "template",
    [
        "{{ 'x' * 3000000 }}",
        "{{ ['x'] * 3000000 }}",
        "{{ 7 ** 9999999 }}",
        "{{ 'x'.ljust(3000000) }}",
        "{{ 1 / 0 }}",
        "{{ meta.title.nope.deeper }}",
    ],
)
def test_a_template_that_fails_or_grows_without_bound_is_a_file_line_error(make_book, presswork, template: str) -> None:
    root = hostile_book(make_book, template)
    result = presswork("build", root, "--format", "html")
    assert result.status == 1, result.err[-300:]
    assert "themes/default/templates/html/index.html:2: " in result.err, result.err[-300:]
    assert "this is a bug" not in result.err and "Traceback" not in result.err


def test_the_built_in_theme_runs_in_the_same_sandbox(tmp_path: Path) -> None:
    builtin = load_theme("default", REPO)
    assert isinstance(builtin.jinja, ImmutableSandboxedEnvironment)
    (tmp_path / "themes/default").mkdir(parents=True)
    (tmp_path / "themes/default/theme.toml").write_text('name = "default"\nextends = "default"\n')
    project = load_theme("default", tmp_path)
    assert type(project.jinja) is type(builtin.jinja)


def test_preview_shows_the_error_and_runs_nothing(make_book, tmp_path: Path) -> None:

    mark = tmp_path / "pwned"
    payload = ESCAPES["lipsum globals"].replace("MARK", str(mark))
    root = hostile_book(make_book, payload, {"themes/default/templates/html/page.html": f"<p>x</p>\n{payload}\n"})
    with running_preview(root) as running:
        with urllib.request.urlopen(running.url) as response:
            page = response.read().decode("utf-8")
        assert "Build failed" in page and "themes/default/templates/html/" in page, page[:500]
        assert "unsafe" in page
        assert any("themes/default/templates/html/" in line for line in running.lines), running.lines
        assert not mark.exists(), "the template ran a command"
