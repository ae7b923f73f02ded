"""Fail when a user-facing string has no French translation, or a translation is fuzzy.

Extracts the messages afresh with ``makemessages`` (so a string added in code but never put in the
catalogue is caught), then reads the French catalogue.
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "comptoir"
CATALOGUE = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def main() -> int:
    env = {**os.environ, "COMPTOIR_DEBUG": "1"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "comptoir.config.cli",
            "makemessages",
            "-l",
            "fr",
            "--no-location",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=PACKAGE,
        env=env,
        check=True,
    )
    catalogue = polib.pofile(str(CATALOGUE))
    problems = [("untranslated", e) for e in catalogue.untranslated_entries()]
    problems += [("fuzzy", e) for e in catalogue.fuzzy_entries()]
    for kind, entry in problems:
        print(f"{kind}: {entry.msgid!r}")
    total = len([e for e in catalogue if not e.obsolete])
    print(f"French catalogue: {total} messages, {len(problems)} untranslated or fuzzy")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
