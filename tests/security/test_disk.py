"""A full disk and a read-only output folder, for real: a small tmpfs mounted in a user namespace.

Every format (the HTML site too) fails with one clear message and exit 1, the earlier outputs stay
byte-for-byte as they were, and no temporary file is left on the full disk.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FORMATS = ("pdf", "epub", "pptx", "html")

#: Runs inside ``unshare -rm`` (its own mount namespace, as root of its user namespace): mounts a
#: 2 MB tmpfs, builds into it, fills it, builds each format again, makes it read-only, builds again.
DRIVER = r"""
import hashlib, json, os, subprocess, sys
book, mnt, formats = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
out = os.path.join(mnt, "out")
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt], check=True)

def build(fmt, where=out):
    run = subprocess.run([sys.executable, "-m", "presswork", "build", book, "-f", fmt, "-o", where, "-j", "1", "-q"],
                         capture_output=True, text=True)
    return [run.returncode, run.stderr]

def state():
    found = {}
    for folder, _, names in os.walk(out):
        for name in names:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, out)] = hashlib.sha256(open(path, "rb").read()).hexdigest()
    return found

report = {"first": build(",".join(formats))}
report["before"] = state()
with open(os.path.join(mnt, "filler"), "wb") as fh:
    try:
        while True:
            fh.write(b"\0" * 65536)
            fh.flush()
    except OSError:
        pass
with open(os.path.join(book, "01-a.md"), "a") as fh:
    fh.write("\nA new paragraph that changes every output.\n")
report["full"] = {fmt: build(fmt) for fmt in formats}
report["after_full"] = state()
subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
report["read_only"] = build("pdf,html")
report["new_folder"] = build("epub", os.path.join(out, "sub"))
report["after_read_only"] = state()
print(json.dumps(report))
"""


def namespaces_work() -> bool:
    unshare = shutil.which("unshare")
    return unshare is not None and subprocess.run([unshare, "-rm", "true"], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not namespaces_work(), reason="needs unshare and user namespaces to mount a small tmpfs")
def test_a_full_or_read_only_disk_is_a_clear_error_and_keeps_earlier_outputs(make_book, tmp_path: Path) -> None:
    book = make_book({"01-a.md": "# A\n\nSome text.\n\n## B\n\nMore text.\n"})
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    (tmp_path / "driver.py").write_text(DRIVER)
    run = subprocess.run(
        ["unshare", "-rm", sys.executable, str(tmp_path / "driver.py"), str(book), str(mnt), ",".join(FORMATS)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert report["first"][0] == 0, report["first"][1]
    before = report["before"]
    assert sorted(before) == sorted(["a.pdf", "a.epub", "a.pptx", *(k for k in before if k.startswith("a-site/"))])
    names = {"pdf": "a.pdf", "epub": "a.epub", "pptx": "a.pptx", "html": "a-site"}
    for fmt, (status, err) in report["full"].items():
        assert status == 1, (fmt, err)
        assert err.strip().splitlines() == [
            f"presswork: error: cannot write {mnt}/out/{names[fmt]}: No space left on device; earlier outputs are intact"
        ], (fmt, err)
    assert report["after_full"] == before  # byte for byte, and no temporary file left on the full disk
    status, err = report["read_only"]
    assert status == 1 and "Read-only file system; earlier outputs are intact" in err, err
    assert "internal error" not in err and "this is a bug" not in err
    status, err = report["new_folder"]
    assert status == 1 and err.strip() == (
        f"presswork: error: cannot create the output folder {mnt}/out/sub: Read-only file system"
    )
    assert report["after_read_only"] == before
