"""Refresh the gettext catalogs after a template change: extract, update, project headers.

Run from the project root: `python3 scripts/update_catalogs.py`. New strings arrive in
`generator/render/locale/{en,zh}/LC_MESSAGES/messages.po` with an empty msgstr (and possibly
`#, fuzzy`): translate them into Chinese and remove the fuzzy flag. No `.mo` is written; callpack
compiles the `.po` files in memory.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

LOCALE = Path("generator/render/locale")
POT = LOCALE / "messages.pot"
HEADER_COMMENT = (
    "# Translations template of the callpack documents' fixed strings.\n"
    "# This file is distributed under the same licence as the callpack project.\n#\n"
)
# Babel's placeholders for the header fields, and what callpack writes instead.
FIELDS = {
    "PO-Revision-Date": None,  # keep what the catalog has; the template gets its creation date
    "Last-Translator": "callpack maintainers",
    "Language-Team": "callpack",
}


def run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def project_header(text: str, creation: str) -> str:
    """`text` with babel's template header comment and placeholder fields replaced."""
    body = text[text.index("#, fuzzy\nmsgid") :] if "#, fuzzy\nmsgid" in text else text[text.index('msgid ""') :]
    for field, value in FIELDS.items():
        replacement = value if value is not None else creation
        body = re.sub(rf'"{field}: [^"\\]*\\n"', f'"{field}: {replacement}\\\\n"', body, count=1)
    return HEADER_COMMENT + body


def main() -> None:
    run(
        "extract", "-F", "generator/render/babel.cfg", "-k", "t", "-k", "label", "-k", "gettext_pair",
        "--project=callpack", "--version=0.1.0", "--copyright-holder=callpack",
        "--msgid-bugs-address=callpack maintainers", "-o", str(POT), ".",
    )
    text = POT.read_text(encoding="utf-8")
    creation = re.search(r'"POT-Creation-Date: ([^"\\]*)\\n"', text)
    POT.write_text(project_header(text, creation.group(1) if creation else ""), encoding="utf-8")
    run("update", "--ignore-obsolete", "-i", str(POT), "-d", str(LOCALE))


if __name__ == "__main__":
    main()
