from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app
from generator.translate.tmx import read_tmx

from .conftest import MINI_GUIDE

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_translate_without_model_then_export(tmp_path: Path) -> None:
    code, output = invoke("translate", "--guide", str(MINI_GUIDE))
    assert code == 0, output
    assert output.count("No zh→en MT model is installed") == 1
    assert "QA summary" in output and "untranslated" in output
    out = tmp_path / "bilingual.json"
    code, output = invoke("export", "--json", str(out), "--guide", str(MINI_GUIDE))
    assert code == 0, output
    data = json.loads(out.read_text(encoding="utf-8"))
    direction = next(d for d in data["directions"] if d["id"] == "1.1")
    assert direction["keywords_en"][0] == "perovskite solar cell"
    assert direction["other_requirements_en"] == (
        "The project shall be led by an enterprise. "
        "The ratio of matching funds to national funding shall be no less than 3:1."
    )
    assert direction["title_en"] is None
    segment = direction["segments"][0]
    assert set(segment) >= {"id", "field", "zh", "en", "provenance", "state"}
    assert data["preamble"]["segments"][0]["id"] == "guide:guide_title:0"
    assert data["totals"]["untranslated"] == sum(
        1 for d in data["directions"] for s in d["segments"] if s["en"] is None
    ) + sum(1 for s in data["preamble"]["segments"] if s["en"] is None) + sum(
        1 for a in data["areas"] for s in a["segments"] if s["en"] is None
    )


def test_engine_argos_without_model_fails_cleanly() -> None:
    code, output = invoke("translate", "--guide", str(MINI_GUIDE), "--engine", "argos")
    assert code != 0 and "no zh→en argos package" in output and "Traceback" not in output


def test_fixture_model_installs_and_runs_end_to_end(fixture_argosmodel: Path, isolated_state: Path) -> None:
    code, output = invoke("models", "list")
    assert code == 0 and "No MT models installed" in output
    code, output = invoke("models", "install", str(fixture_argosmodel))
    assert code == 0, output
    assert (isolated_state / "argos" / "callpack-fixture-zh-en" / "model" / "model.bin").is_file()
    code, output = invoke("models", "list")
    assert "callpack-fixture-zh-en" in output and "used for zh→en" in output
    code, output = invoke("translate", "--guide", str(MINI_GUIDE), "--engine", "argos")
    assert code == 0, output
    assert "MT engine: argos:callpack-fixture-zh-en" in output
    report = json.loads((isolated_state / "qa" / "latest.json").read_text(encoding="utf-8"))
    assert report["totals"]["by_provenance"]["mt"] > 0
    # A random-weight model writes garbage: QA must say so rather than pass it.
    assert report["totals"]["errors"] > 0
    code, output = invoke("translate", "--guide", str(MINI_GUIDE), "--engine", "argos")
    assert "from the MT cache" in output


def test_install_rejects_bad_archives(tmp_path: Path, isolated_state: Path) -> None:
    not_zip = tmp_path / "x.argosmodel"
    not_zip.write_text("hello", encoding="utf-8")
    code, output = invoke("models", "install", str(not_zip))
    assert code != 0 and "not a zip" in output
    evil = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("pkg/metadata.json", '{"from_code": "zh", "to_code": "en"}')
        archive.writestr("../escape.txt", "x")
    code, output = invoke("models", "install", str(evil))
    assert code != 0 and "unsafe path" in output
    no_model = tmp_path / "nomodel.argosmodel"
    with zipfile.ZipFile(no_model, "w") as archive:
        archive.writestr("pkg/metadata.json", '{"from_code": "zh", "to_code": "en"}')
    code, output = invoke("models", "install", str(no_model))
    assert code != 0 and "model.bin" in output
    assert not (isolated_state / "argos" / "pkg").exists()


def test_memory_import_json_writes_tmx(tmp_path: Path) -> None:
    work = tmp_path / "area-01.json"
    work.write_text(
        json.dumps(
            [
                {
                    "id": "1.1:content:1",
                    "zh": "构筑便携式柔性光电储一体化器件。",
                    "en": "Build portable devices.",
                    "note": "n",
                },
                {
                    "id": "1.1:title:0",
                    "zh": "柔性钙钛矿太阳能电池耦合薄膜锌离子储能电池的光电储一体化器件合作研发",
                    "en": "Collaborative R&D on devices",
                    "note": "",
                },
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "area-01.tmx"
    code, output = invoke("memory", "import-json", str(work), "--tmx", str(out), "--guide", str(MINI_GUIDE))
    assert code == 0, output
    units = read_tmx(out)
    assert [(u.segment_id, u.en, u.note) for u in units] == [
        ("1.1:content:1", "Build portable devices.", "n"),
        ("1.1:title:0", "Collaborative R&D on devices", ""),
    ]
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps([{"id": "1.1:content:1", "zh": "别的。", "en": "x", "note": ""}]), encoding="utf-8"
    )
    code, output = invoke(
        "memory", "import-json", str(bad), "--tmx", str(tmp_path / "b.tmx"), "--guide", str(MINI_GUIDE)
    )
    assert code != 0 and "differs" in output and not (tmp_path / "b.tmx").exists()
    cjk = tmp_path / "cjk.json"
    cjk.write_text(
        json.dumps(
            [{"id": "1.1:content:1", "zh": "构筑便携式柔性光电储一体化器件。", "en": "构筑", "note": ""}]
        ),
        encoding="utf-8",
    )
    code, output = invoke(
        "memory", "import-json", str(cjk), "--tmx", str(tmp_path / "c.tmx"), "--guide", str(MINI_GUIDE)
    )
    assert code != 0 and "Chinese" in output


def test_xliff_cli_round_trip_and_memory_export(tmp_path: Path) -> None:
    xlf = tmp_path / "g.xlf"
    code, output = invoke("xliff", "export", str(xlf), "--guide", str(MINI_GUIDE))
    assert code == 0, output
    text = xlf.read_text(encoding="utf-8")
    text, count = re.subn(
        r'<segment id="s1" state="initial" subState="callpack:\w+">\n(\s*)<source>构筑便携式柔性光电储一体化器件。</source>',
        r'<segment id="s1" state="reviewed">\n\1<source>构筑便携式柔性光电储一体化器件。</source>\n'
        r"\1<target>Build portable flexible integrated photovoltaic–storage devices.</target>",
        text,
    )
    assert count == 1
    xlf.write_text(text, encoding="utf-8")
    code, output = invoke("xliff", "import", str(xlf), "--guide", str(MINI_GUIDE))
    assert code == 0, output
    assert "Applied 1 unit" in output and "1.1:content:1" in output
    tmx = tmp_path / "reviewed.tmx"
    code, output = invoke("memory", "export", "--tmx", str(tmx))
    assert code == 0, output
    assert [u.en for u in read_tmx(tmx)] == [
        "Build portable flexible integrated photovoltaic–storage devices."
    ]


def test_memory_import_json_rejects_duplicate_ids(tmp_path: Path) -> None:
    item = {
        "id": "1.1:content:1",
        "zh": "构筑便携式柔性光电储一体化器件。",
        "en": "Build portable devices.",
        "note": "",
    }
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for path in (first, second):
        path.write_text(json.dumps([item], ensure_ascii=False), encoding="utf-8")
    code, output = invoke(
        "memory",
        "import-json",
        str(first),
        str(second),
        "--tmx",
        str(tmp_path / "x.tmx"),
        "--guide",
        str(MINI_GUIDE),
    )
    assert code != 0 and "also translated in" in output and not (tmp_path / "x.tmx").exists()


def test_xliff_import_prints_hostile_ids_and_paths_as_text(tmp_path: Path) -> None:
    (tmp_path / "x[").mkdir()
    xlf = tmp_path / "x[" / "][bold]\x1b[31m.xlf"  # the path reads …/x[/][bold]…
    code, output = invoke("xliff", "export", str(xlf), "--guide", str(MINI_GUIDE))
    assert code == 0, output
    assert "x[/][bold]" in output and "\x1b" not in output
    text = xlf.read_text(encoding="utf-8")
    # A numbers warning names the file; an unknown unit id ends the import with an error naming it.
    warned, count = re.subn(
        r'<segment id="s1" state="initial"[^>]*>(\s*)<source>构筑便携式柔性光电储一体化器件。</source>',
        r'<segment id="s1" state="reviewed">\1<source>构筑便携式柔性光电储一体化器件。</source>'
        r"\1<target>Build 7 [/]devices.</target>",
        text,
    )
    assert count == 1
    xlf.write_text(warned, encoding="utf-8")
    code, output = invoke("xliff", "import", str(xlf), "--guide", str(MINI_GUIDE))
    assert code == 0, output
    assert "x[/][bold]" in output and "warning" in output and "\x1b" not in output
    first_id = text.split('<unit id="', 1)[1].split('"', 1)[0]
    xlf.write_text(text.replace(f'<unit id="{first_id}"', '<unit id="[/][bold]"', 1), encoding="utf-8")
    code, output = invoke("xliff", "import", str(xlf), "--guide", str(MINI_GUIDE))
    assert code == 6, output
    assert "[/][bold] (line" in output and "\x1b" not in output
