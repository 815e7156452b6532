"""The deck's PDF handout: slides with their speaker notes, rendered by LibreOffice (when it is installed)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

#: LibreOffice's PDF export filter, set to print one notes page (slide + notes) per slide.
NOTES_FILTER = (
    'pdf:impress_pdf_Export:{"ExportNotesPages":{"type":"boolean","value":"true"},'
    '"ExportOnlyNotesPages":{"type":"boolean","value":"true"}}'
)
#: Seconds LibreOffice may take to render a deck.
TIMEOUT = 600


def handout_path(deck: Path) -> Path:
    """Where the handout of ``deck`` is written: next to it, "<name>-handout.pdf"."""
    return deck.with_name(deck.stem + "-handout.pdf")


def write_handout(deck: Path) -> tuple[Path | None, str]:
    """Render the handout of ``deck``: (its path, "") or (None, why it could not be written)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None, "the PDF handout needs LibreOffice (soffice on the PATH); install it, or set handout = false"
    target = handout_path(deck)
    with tempfile.TemporaryDirectory(prefix="presswork-handout-") as tmp:
        profile = Path(tmp, "profile").as_uri()  # its own profile: runs beside any other LibreOffice
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            NOTES_FILTER,
            "--outdir",
            tmp,
            str(deck),
        ]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"LibreOffice could not render the handout: {exc}"
        made = Path(tmp, deck.stem + ".pdf")
        if run.returncode != 0 or not made.is_file():
            detail = (run.stderr or run.stdout).strip().splitlines()
            return None, "LibreOffice could not render the handout" + (f": {detail[-1]}" if detail else "")
        shutil.move(str(made), target)
    return target, ""
