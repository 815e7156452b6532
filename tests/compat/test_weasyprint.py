"""WeasyPrint is imported with one library-cache lookup, and finds the same libraries."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys

import pytest

from presswork.compat import weasyprint as compat_weasyprint

PROBE = """
import json, subprocess
runs = []
real = subprocess.Popen.__init__
def record(self, args, *a, **kw):
    runs.append(args if isinstance(args, str) else " ".join(map(str, args)))
    real(self, args, *a, **kw)
subprocess.Popen.__init__ = record
import sys
import presswork.exporters.pdf
early = "weasyprint" in sys.modules
from presswork.compat.weasyprint import import_weasyprint
import_weasyprint()
import weasyprint.text.ffi as ffi
print(json.dumps({"runs": runs, "subset": ffi.harfbuzz_subset is not None, "early": early}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the lookup is Linux's")
def test_weasyprint_is_imported_with_one_ldconfig_run_and_no_compiler() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    commands = [run.split()[0].rsplit("/", 1)[-1] for run in result["runs"]]
    assert commands.count("ldconfig") == 1, result["runs"]
    assert not {"gcc", "cc", "ld", "collect2"} & set(commands), result["runs"]
    assert result["subset"], "libharfbuzz-subset must still be found (font subsetting)"
    assert not result["early"], "importing the PDF exporter must not import WeasyPrint (an EPUB from the cache)"


@pytest.mark.skipif(not hasattr(ctypes.util, "_findSoname_ldconfig"), reason="needs ctypes' ldconfig lookup")
def test_the_quick_lookup_answers_like_ctypes() -> None:
    cache = compat_weasyprint._ldconfig_cache()
    assert cache
    find = compat_weasyprint._finder(cache)
    for name in ("pango-1.0", "harfbuzz", "fontconfig", "gobject-2.0", "libpango-1.0-0", "harfbuzz-vector-0.0"):
        assert find(name) == ctypes.util._findSoname_ldconfig(name), name  # type: ignore[attr-defined]
    assert find("pango-1.0") == "libpango-1.0.so.0"
