"""The translator's round trip through the CLI: two XLIFF files, a conflict, its resolution, a CAT tool's TMX.

Sequence (as a translator runs it, in a workspace of its own):
  1. `xliff export a.xlf`, `xliff export b.xlf`
  2. edit unit U1 in both (different texts), U2 in b only
  3. `xliff import a.xlf` → applied U1
  4. `xliff import b.xlf` → U2 applied, U1 a conflict: exit 9, both texts printed and in b.xlf.conflicts.json
  5. set the resolution to 'theirs', `xliff import b.xlf --resolve b.xlf.conflicts.json` → U1 = b's text
  6. `memory export --tmx out.tmx`, edit U2 in out.tmx (a CAT tool), `memory import out.tmx` → applied
  7. `memory export --tmx final.tmx`: b's U1, the CAT tool's U2, one <tu> per segment, all dated
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app
from generator.translate.tmx import TmxUnit, read_tmx, write_tmx

runner = CliRunner()
U1, U2 = "1.1:content:0", "1.1:content:1"


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _edit(path: Path, unit_id: str, text: str, state: str) -> None:
    source = path.read_text(encoding="utf-8")
    pattern = re.compile(
        r'(<unit id="'
        + re.escape(unit_id)
        + r'".*?<segment id="s1") state="\w+"( subState="[^"]*">\s*<source>[^<]*</source>)(\s*<target>[^<]*</target>)?',
        re.S,
    )
    edited, count = pattern.subn(lambda m: f'{m[1]} state="{state}"{m[2]}<target>{text}</target>', source)
    assert count == 1
    path.write_text(edited, encoding="utf-8")


def test_translator_round_trip_through_the_cli(isolated_state: Path) -> None:
    a, b = isolated_state / "a.xlf", isolated_state / "b.xlf"
    assert invoke("xliff", "export", str(a))[0] == 0
    assert invoke("xliff", "export", str(b))[0] == 0
    _edit(a, U1, "A's modules;", "reviewed")
    _edit(b, U1, "B's modules;", "reviewed")
    _edit(b, U2, "B's devices.", "translated")
    code, output = invoke("xliff", "import", str(a))
    assert code == 0 and U1 in output, output
    code, output = invoke("xliff", "import", str(b))
    assert code == 9, output
    assert "A's modules;" in output and "B's modules;" in output and "1 conflict" in output
    report = isolated_state / "b.xlf.conflicts.json"
    data = json.loads(report.read_text(encoding="utf-8"))
    [conflict] = data["conflicts"]
    assert (conflict["id"], conflict["ours"], conflict["theirs"]) == (U1, "A's modules;", "B's modules;")
    conflict["resolution"] = "theirs"
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, output = invoke("xliff", "import", str(b), "--resolve", str(report))
    assert code == 0 and "Changed: 1.1:content:0" in output, output

    out = isolated_state / "out.tmx"
    assert invoke("memory", "export", "--tmx", str(out))[0] == 0
    units = read_tmx(out)
    assert {u.segment_id: u.en for u in units} == {U1: "B's modules;", U2: "B's devices."}
    write_tmx(
        out, [TmxUnit(**{**u.__dict__, "en": "CAT devices."}) if u.segment_id == U2 else u for u in units]
    )
    code, output = invoke("memory", "import", str(out))
    assert code == 0 and "Applied 1 unit" in output, output
    final = isolated_state / "final.tmx"
    assert invoke("memory", "export", "--tmx", str(final))[0] == 0
    back = read_tmx(final)
    assert {u.segment_id: u.en for u in back} == {U1: "B's modules;", U2: "CAT devices."}
    assert all(u.changedate and u.changeid for u in back)


def test_force_and_a_bad_resolution_file(isolated_state: Path) -> None:
    a, b = isolated_state / "a.xlf", isolated_state / "b.xlf"
    invoke("xliff", "export", str(a))
    invoke("xliff", "export", str(b))
    _edit(a, U1, "A.", "reviewed")
    _edit(b, U1, "B.", "reviewed")
    invoke("xliff", "import", str(a))
    bad = isolated_state / "bad.json"
    bad.write_text('{"conflicts": [{"id": "1.1:content:0", "resolution": "mine"}]}', encoding="utf-8")
    code, output = invoke("xliff", "import", str(b), "--resolve", str(bad))
    assert code == 6 and "not 'theirs' or 'ours'" in output
    code, output = invoke("xliff", "import", str(b), "--force")
    assert code == 0 and "Changed: 1.1:content:0" in output


def test_glossary_export_tbx2008(isolated_state: Path) -> None:
    out = isolated_state / "terms.tbx"
    code, output = invoke("glossary", "export", "-f", "tbx2008", "-o", str(out), "--no-contexts")
    assert code == 0, output
    assert out.read_text(encoding="utf-8").count("<termEntry ") > 0
