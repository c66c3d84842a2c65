"""`callpack.toml`: every table read, every mistake reported with its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import SettingsError
from generator.settings import (
    Settings,
    check_parties,
    find_settings,
    parse_settings,
    read_settings,
)

FULL = """\
[workspace]
guide = "guide/g.txt"

[call]
id = "2027-STI-01"
deadline = 2027-03-31
portal = "https://service.most.gov.cn"
cleared_for_release = true

[[parties]]
role = "lead"
name_en = "Example University"
name_zh = "示例大学"
country = "CN"

[[parties]]
role = "foreign"
name_en = "Partner GmbH"
country = "DE"

[agreement]
ownership = "joint"
publication_review_days = 45

[mt]
engine = "llm"
beam_size = 5
threads = 3

[mt.llm]
base_url = "http://127.0.0.1:8080/v1"
model = "qwen"
timeout = 30

[exchange]
target_language = "en-GB"
"""


def settings(text: str) -> Settings:
    return parse_settings(text, Path("callpack.toml"))


def problem_lines(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(SettingsError) as caught:
        settings(text)
    error = caught.value
    return list(error.problems) or [(error.line, error.message)]


def test_every_table_is_read() -> None:
    loaded = settings(FULL)
    assert loaded.workspace.guide == "guide/g.txt"
    assert loaded.call.id == "2027-STI-01" and loaded.call.deadline == dt.date(2027, 3, 31)
    assert loaded.call.cleared_for_release is True
    assert [p.role for p in loaded.parties] == ["lead", "foreign"]
    assert loaded.parties[0].line == 10 and loaded.parties[1].line == 16
    assert loaded.agreement.ownership == "joint" and loaded.agreement.publication_review_days == 45
    assert loaded.mt.engine == "llm" and loaded.mt.beam_size == 5 and loaded.mt.threads == 3
    assert loaded.mt.llm.model == "qwen" and loaded.mt.llm.timeout == 30.0
    assert isinstance(loaded.mt.llm.timeout, float)
    assert loaded.exchange.target_language == "en-GB"


def test_an_empty_file_gives_the_defaults() -> None:
    loaded = settings("")
    assert loaded.call.cleared_for_release is False and loaded.parties == ()
    assert loaded.agreement.language == "equal" and loaded.mt.engine == "auto"


def test_every_problem_is_reported_with_its_line() -> None:
    text = (
        "[call]\n"  # 1
        "id = 1\n"  # 2: wrong type
        "deadlin = 2027-03-31\n"  # 3: typo
        "[agreement]\n"  # 4
        'ownership = "mine"\n'  # 5: not a choice
        "[mt]\n"  # 6
        "threads = -1\n"  # 7
        "[mt.llm]\n"  # 8
        "concurrency = 0\n"  # 9
        'api_key = "sk-secret"\n'  # 10: keys never live in files
        "[colour]\n"  # 11: unknown table
    )
    problems = problem_lines(text)
    assert [line for line, _ in problems] == [2, 3, 5, 7, 9, 10, 11]
    messages = " | ".join(message for _, message in problems)
    assert "[call] id must be a string" in messages
    assert "unknown key 'deadlin'" in messages and "deadline" in messages
    assert "'mine' is not one of generator, joint, single_owner" in messages
    assert "unknown table [colour]" in messages


def test_the_error_message_names_file_and_line() -> None:
    with pytest.raises(SettingsError) as caught:
        settings('[call]\ncleared_for_release = "yes"\n')
    assert str(caught.value).startswith("callpack.toml:2: [call] cleared_for_release must be true or false")
    assert caught.value.exit_code == 8


def test_toml_syntax_errors_carry_the_line() -> None:
    with pytest.raises(SettingsError) as caught:
        settings('[call]\nid = "a"\nportal = \n')
    assert caught.value.line == 3 and "not valid TOML" in caught.value.message


@pytest.mark.parametrize(
    ("party", "message"),
    [
        ('role = "boss"\nname_en = "X"', "'boss' is not one of lead, chinese, foreign"),
        ('name_en = "X"', "needs a role"),
        ('role = "foreign"', "needs name_en or name_zh"),
        ('role = "foreign"\nname_en = "X"\ncountry = "Germany"', "two-letter ISO 3166"),
        ('role = "chinese"\nname_en = "X"\ncountry = "HK"', "take role = \"foreign\""),
        ('role = "foreign"\nname_en = "X"\ncountry = "CN"', "a foreign partner but its country is CN"),
    ],
)
def test_parties_are_checked(party: str, message: str) -> None:
    problems = problem_lines("# parties\n[[parties]]\n" + party + "\n")
    assert any(message in text for _, text in problems), problems
    assert all(line is not None and line >= 2 for line, _ in problems)


def party(role: str, name: str, country: str = "CN") -> str:
    return f'[[parties]]\nrole = "{role}"\nname_en = "{name}"\ncountry = "{country}"\n'


def test_parties_against_the_call_rules() -> None:
    ok = settings(party("lead", "A") + party("foreign", "B", "HK"))
    check_parties(ok, max_chinese_units=10, min_foreign=1)  # Hong Kong counts as 国（境）外

    two_leads = settings(party("lead", "A") + party("lead", "B") + party("foreign", "C", "DE"))
    with pytest.raises(SettingsError, match="exactly one party with role = \"lead\", found 2") as caught:
        check_parties(two_leads, 10, 1)
    assert caught.value.line == 5

    too_many = settings(party("lead", "A") + "".join(party("chinese", f"C{i}") for i in range(3)) + party("foreign", "F", "US"))
    with pytest.raises(SettingsError, match="at most 3 Chinese institutions in all"):
        check_parties(too_many, 3, 1)

    no_foreign = settings(party("lead", "A") + party("chinese", "B"))
    with pytest.raises(SettingsError, match="at least 1 foreign"):
        check_parties(no_foreign, 10, 1)

    check_parties(settings(""), 10, 1)  # no parties: the agreement has blanks


def test_single_owner_must_name_a_party() -> None:
    text = party("lead", "A") + party("foreign", "B", "DE") + '[agreement]\nownership = "single_owner"\nowner = "Z"\n'
    assert any("must be the name_en of one of the [[parties]]" in m for _, m in problem_lines(text))


def test_find_settings_looks_upward(tmp_path: Path) -> None:
    (tmp_path / "callpack.toml").write_text("[call]\n", encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_settings(deep) == (tmp_path / "callpack.toml").resolve()


def test_read_settings_refuses_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not found"):
        read_settings(tmp_path / "missing.toml")
    with pytest.raises(SettingsError, match="directory"):
        read_settings(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'[call]\nid = "\xff"\n')
    with pytest.raises(SettingsError, match="not UTF-8") as caught:
        read_settings(bad)
    assert caught.value.line == 2


def test_the_bundled_workspace_settings_are_valid() -> None:
    from generator.paths import PROJECT_ROOT

    loaded = read_settings(PROJECT_ROOT / "callpack.toml")
    assert loaded.workspace.guide == "guides/strategic-sti-cooperation.zh.txt"
    assert loaded.call.cleared_for_release is False
