"""`callpack.toml`: what the guide does not say, in one validated file.

Tables (all optional):

- `[workspace]`: where this workspace keeps its guide, termbase layer, reviewed memory and output;
- `[call]`: call information a partner looks for and the guide lacks (identifier, deadline, portal…);
- `[[parties]]`: the institutions of one project, for the cooperation-agreement skeleton;
- `[agreement]`: the choices a contracts officer makes (ownership of results, governing law…);
- `[mt]` (with `[mt.llm]`): the machine-translation engine and its settings;
- `[exchange]`: language codes and identity written into the files sent to translators.

The file is read once, checked completely, and turned into frozen dataclasses. Every problem is a
`SettingsError` naming `file:line`; unknown keys are errors too (a typo must not be ignored).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from .errors import SettingsError

SETTINGS_FILE = "callpack.toml"

PartyRole = Literal["lead", "chinese", "foreign"]
PARTY_ROLES: tuple[PartyRole, ...] = ("lead", "chinese", "foreign")

Ownership = Literal["generator", "joint", "single_owner"]
OWNERSHIP_CHOICES: tuple[Ownership, ...] = ("generator", "joint", "single_owner")
ExploitationAccess = Literal["fair_and_reasonable", "royalty_free", "negotiated"]
EXPLOITATION_ACCESS_CHOICES: tuple[ExploitationAccess, ...] = (
    "fair_and_reasonable",
    "royalty_free",
    "negotiated",
)
Disputes = Literal["arbitration", "courts"]
DISPUTES_CHOICES: tuple[Disputes, ...] = ("arbitration", "courts")
PrevailingLanguage = Literal["equal", "zh", "en"]
LANGUAGE_CHOICES: tuple[PrevailingLanguage, ...] = ("equal", "zh", "en")
ENGINE_CHOICES = ("auto", "memory", "argos", "ct2", "llm")

_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# -- the tables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkspaceSettings:
    """Paths of a workspace, relative to the folder that holds `callpack.toml`."""

    guide: str = ""
    terms: str = "terms"
    memory: str = "memory"
    output: str = "output"
    # Read-only layers under the workspace's own: the bundled termbase and reviewed memory.
    bundled_reference: bool = True


@dataclass(frozen=True)
class CallInfo:
    """What partners look for and the guide lacks. Empty means "to be completed by the issuing office"."""

    id: str = ""
    issuing_office: str = ""
    opening: dt.date | dt.datetime | None = None
    deadline: dt.date | dt.datetime | None = None
    how_to_apply: str = ""
    portal: str = ""
    contact: str = ""
    foreign_funding: str = ""
    # The date printed on the documents as the English edition's; absent: no date is printed, so
    # the same inputs give the same documents on any day.
    edition_date: dt.date | None = None
    # The source guide is visible only to registered users of the national S&T management
    # information system; only the issuing office can clear a translation of it for release.
    cleared_for_release: bool = False


@dataclass(frozen=True)
class Party:
    """One institution of the project."""

    role: PartyRole
    name_en: str = ""
    name_zh: str = ""
    country: str = ""
    address: str = ""
    representative: str = ""
    representative_title: str = ""
    line: int = 0

    @property
    def is_chinese(self) -> bool:
        """Counts towards the call's limit on Chinese institutions (lead and participating)."""
        return self.role in ("lead", "chinese")


@dataclass(frozen=True)
class AgreementChoices:
    """The choices a contracts officer makes; defaults are the usual safe ones (Lambert model 1/DESCA)."""

    ownership: Ownership = "generator"
    # With ownership = "single_owner": the English name of the owning party (one of [[parties]]).
    owner: str = ""
    exploitation_access: ExploitationAccess = "fair_and_reasonable"
    publication_review_days: int = 30
    # Free text, e.g. "the People's Republic of China"; each `_zh` twin is its Chinese wording (empty:
    # the Chinese column repeats the English as written, never a guessed translation).
    governing_law: str = ""
    governing_law_zh: str = ""
    disputes: Disputes = "arbitration"
    arbitration_institution: str = ""
    arbitration_institution_zh: str = ""
    arbitration_seat: str = ""
    arbitration_seat_zh: str = ""
    courts: str = ""
    courts_zh: str = ""
    language: PrevailingLanguage = "equal"
    # Empty: each Party's liability is capped at its own share of the Project budget (DESCA).
    liability_cap: str = ""
    liability_cap_zh: str = ""
    confidentiality_years: int = 5


@dataclass(frozen=True)
class LlmSettings:
    """An OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp, vLLM, LM Studio)."""

    base_url: str = "http://127.0.0.1:11434/v1"
    model: str = ""
    # The API key is read from this environment variable at run time, never from a file.
    api_key_env: str = "CALLPACK_LLM_API_KEY"
    concurrency: int = 4
    batch_size: int = 8
    timeout: float = 120.0
    max_retries: int = 2
    temperature: float = 0.0
    # Seconds before the first retry of a transient error (doubled each time).
    backoff: float = 1.0
    # How structured output is asked for: "json_schema" (vLLM, Ollama ≥ 0.5, LM Studio, llama.cpp),
    # "json_object" (older servers) or "none" (the instruction alone).
    response_format: str = "json_schema"


@dataclass(frozen=True)
class MtSettings:
    """The machine-translation engine."""

    engine: str = "auto"
    # argos/ct2: an installed model's name or a model directory (relative to the workspace).
    model: str = ""
    beam_size: int = 4
    # argos/ct2: CPU threads to decode with; 0: every core this process may use.
    threads: int = 0
    llm: LlmSettings = field(default_factory=LlmSettings)


@dataclass(frozen=True)
class ExchangeSettings:
    """What goes into the files exchanged with translators (TMX, XLIFF, TBX)."""

    source_language: str = "zh-CN"
    target_language: str = "en"
    # Written as creationid/changeid in TMX; empty: the login name.
    translator_id: str = ""


@dataclass(frozen=True)
class Settings:
    """A whole `callpack.toml`. `path` is None when there is no file (all defaults)."""

    path: Path | None = None
    workspace: WorkspaceSettings = field(default_factory=WorkspaceSettings)
    call: CallInfo = field(default_factory=CallInfo)
    parties: tuple[Party, ...] = ()
    agreement: AgreementChoices = field(default_factory=AgreementChoices)
    mt: MtSettings = field(default_factory=MtSettings)
    exchange: ExchangeSettings = field(default_factory=ExchangeSettings)


# -- finding lines -----------------------------------------------------------------------------


class _Lines:
    """Line numbers of tables and keys in a TOML text (tomllib keeps none)."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")

    def __init__(self, text: str) -> None:
        # (table path as in headers, occurrence index for [[arrays]], line) for every header; keys
        # are recorded under the header that precedes them.
        self.tables: list[tuple[str, int, int]] = [("", 0, 1)]
        self.keys: dict[tuple[str, int], dict[str, int]] = {("", 0): {}}
        counts: dict[str, int] = {}
        current = ("", 0)
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = re.sub(r"\s*\.\s*", ".", header.group(2).strip())
                index = counts.get(name, 0) if header.group(1) == "[[" else 0
                if header.group(1) == "[[":
                    counts[name] = index + 1
                current = (name, index)
                self.tables.append((name, index, number))
                self.keys.setdefault(current, {})
                continue
            key = self._KEY.match(line)
            if key:
                self.keys[current].setdefault(key.group(1).strip("\"'"), number)

    def of_table(self, name: str, index: int = 0) -> int | None:
        for table, occurrence, line in self.tables:
            if table == name and occurrence == index:
                return line
        return None

    def of_key(self, table: str, key: str, index: int = 0) -> int | None:
        found = self.keys.get((table, index), {}).get(key)
        if found is None and "." not in key:
            # A dotted table written inline: `[mt]` with `llm.model = …`.
            parent, _, leaf = table.rpartition(".")
            found = self.keys.get((parent, 0), {}).get(f"{leaf}.{key}") if parent else None
        return found if found is not None else self.of_table(table, index)


# -- reading --------------------------------------------------------------------------------------


class _Reader:
    """Turns one parsed table into a dataclass, collecting every problem with its line."""

    def __init__(self, lines: _Lines) -> None:
        self.lines = lines
        self.problems: list[tuple[int | None, str]] = []

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append((line, message))

    def table(
        self,
        cls: type[Any],
        data: Any,
        name: str,
        index: int = 0,
        skip: tuple[str, ...] = (),
        checks: Mapping[str, Callable[[Any], str | None]] | None = None,
    ) -> dict[str, Any]:
        """The keyword arguments for `cls` from `data`, type-checked against the defaults."""
        label = f"[[{name}]] #{index + 1}" if name == "parties" else f"[{name}]"
        if not isinstance(data, dict):
            self.problem(self.lines.of_table(name, index), f"{label} must be a table")
            return {}
        known = {f.name: f for f in fields(cls) if f.name not in ("line", *skip)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            line = self.lines.of_key(name, key, index)
            if key in skip:
                continue
            spec = known.get(key)
            if spec is None:
                choices = ", ".join(sorted(known))
                self.problem(line, f"unknown key {key!r} in {label} (known: {choices})")
                continue
            expected = _expected_types(cls, key)
            if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
                names = " or ".join(_type_name(t) for t in expected)
                self.problem(line, f"{label} {key} must be {names}, not {_type_name(type(value))}")
                continue
            if isinstance(value, str) and any(ord(c) < 32 and c not in "\n\t" for c in value):
                self.problem(line, f"{label} {key} contains control characters")
                continue
            if checks and key in checks:
                message = checks[key](value)
                if message:
                    self.problem(line, f"{label} {key}: {message}")
                    continue
            values[key] = float(value) if float in expected and isinstance(value, int) else value
        return values


def _expected_types(cls: type[Any], key: str) -> tuple[type, ...]:
    default = {f.name: f for f in fields(cls)}[key]
    value = default.default
    specials: dict[str, tuple[type, ...]] = {
        "opening": (dt.date, dt.datetime),
        "deadline": (dt.date, dt.datetime),
        "edition_date": (dt.date,),
    }
    if key in specials:
        return specials[key]
    if isinstance(value, bool):
        return (bool,)
    if isinstance(value, float):
        return (float, int)
    if isinstance(value, int):
        return (int,)
    return (str,)


def _type_name(kind: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        dict: "a table",
        list: "an array",
        dt.date: "a date (2027-03-31)",
        dt.datetime: "a date-time",
    }.get(kind, kind.__name__)


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda value: None if value in choices else f"{value!r} is not one of {', '.join(choices)}"


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _not_negative(value: Any) -> str | None:
    return None if value >= 0 else "must not be negative"


def _language_tag(value: Any) -> str | None:
    return None if _LANGUAGE_TAG.match(value) else f"{value!r} is not a language tag such as en, en-GB, zh-CN"


def _country(value: Any) -> str | None:
    if not value:
        return None
    return None if _COUNTRY.match(value) else f"{value!r} is not a two-letter ISO 3166 country code (CN, DE)"


def _env_name(value: Any) -> str | None:
    return None if _ENV_NAME.match(value) else f"{value!r} is not an environment variable name"


def _http_url(value: Any) -> str | None:
    return None if re.match(r"^https?://[^\s/]+", value) else f"{value!r} is not an http(s) URL"


def parse_settings(text: str, path: Path) -> Settings:
    """Validate the text of a `callpack.toml` at `path`; raise SettingsError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        reason = re.sub(r" \(at line.*", "", str(error))
        raise SettingsError(
            f"not valid TOML: {reason}",
            path,
            int(match.group(1)) if match else None,
        ) from None
    lines = _Lines(text)
    reader = _Reader(lines)
    known_tables = ("workspace", "call", "parties", "agreement", "mt", "exchange")
    for key in data:
        if key not in known_tables:
            reader.problem(
                lines.of_table(key) or lines.of_key("", key),
                f"unknown table [{key}] (known: {', '.join(known_tables)})",
            )

    workspace = WorkspaceSettings(**reader.table(WorkspaceSettings, data.get("workspace", {}), "workspace"))
    call = CallInfo(**reader.table(CallInfo, data.get("call", {}), "call", checks={"portal": _portal_check}))
    parties = _read_parties(reader, data.get("parties", []), lines)
    agreement = AgreementChoices(
        **reader.table(
            AgreementChoices,
            data.get("agreement", {}),
            "agreement",
            checks={
                "ownership": _one_of(OWNERSHIP_CHOICES),
                "exploitation_access": _one_of(EXPLOITATION_ACCESS_CHOICES),
                "disputes": _one_of(DISPUTES_CHOICES),
                "language": _one_of(LANGUAGE_CHOICES),
                "publication_review_days": _not_negative,
                "confidentiality_years": _not_negative,
            },
        )
    )
    if (
        agreement.ownership == "single_owner"
        and parties
        and not any(party.name_en == agreement.owner for party in parties)
    ):
        reader.problem(
            lines.of_key("agreement", "owner"),
            f"[agreement] owner {agreement.owner!r} must be the name_en of one of the [[parties]]",
        )
    _check_agreement_choices(reader, agreement, data.get("agreement", {}), lines)
    mt_data = data.get("mt", {})
    llm_data = mt_data.get("llm", {}) if isinstance(mt_data, dict) else {}
    llm = LlmSettings(
        **reader.table(
            LlmSettings,
            llm_data,
            "mt.llm",
            checks={
                "base_url": _http_url,
                "api_key_env": _env_name,
                "concurrency": _positive,
                "batch_size": _positive,
                "timeout": _positive,
                "max_retries": _not_negative,
                "temperature": _not_negative,
                "backoff": _not_negative,
                "response_format": _one_of(("json_schema", "json_object", "none")),
            },
        )
    )
    mt = MtSettings(
        llm=llm,
        **reader.table(
            MtSettings,
            mt_data,
            "mt",
            skip=("llm",),
            checks={"engine": _one_of(ENGINE_CHOICES), "beam_size": _positive, "threads": _not_negative},
        ),
    )
    exchange = ExchangeSettings(
        **reader.table(
            ExchangeSettings,
            data.get("exchange", {}),
            "exchange",
            checks={"source_language": _language_tag, "target_language": _language_tag},
        )
    )
    if reader.problems:
        raise SettingsError.many(path, reader.problems)
    return Settings(
        path=path,
        workspace=workspace,
        call=call,
        parties=parties,
        agreement=agreement,
        mt=mt,
        exchange=exchange,
    )


def _check_agreement_choices(reader: _Reader, choices: AgreementChoices, data: Any, lines: _Lines) -> None:
    """Keys that the chosen options would silently ignore are mistakes: say so."""
    if not isinstance(data, dict):
        return
    unused: list[tuple[str, str]] = []
    if choices.ownership != "single_owner":
        unused.append(("owner", 'is used only with ownership = "single_owner"'))
    if choices.disputes != "arbitration":
        for key in ("arbitration_institution", "arbitration_institution_zh", "arbitration_seat", "arbitration_seat_zh"):
            unused.append((key, 'is used only with disputes = "arbitration"'))
    if choices.disputes != "courts":
        for key in ("courts", "courts_zh"):
            unused.append((key, 'is used only with disputes = "courts"'))
    for key, why in unused:
        if data.get(key):
            reader.problem(lines.of_key("agreement", key), f"[agreement] {key} {why}")
    for key in ("governing_law", "arbitration_institution", "arbitration_seat", "courts", "liability_cap"):
        if data.get(f"{key}_zh") and not data.get(key):
            reader.problem(
                lines.of_key("agreement", f"{key}_zh"),
                f"[agreement] {key}_zh is the Chinese of {key}; set {key} too",
            )


def _portal_check(value: Any) -> str | None:
    return None if not value else _http_url(value)


def _read_parties(reader: _Reader, data: Any, lines: _Lines) -> tuple[Party, ...]:
    if not isinstance(data, list):
        reader.problem(lines.of_key("", "parties"), "parties must be written as [[parties]] tables")
        return ()
    parties: list[Party] = []
    for index, item in enumerate(data):
        values = reader.table(
            Party,
            item,
            "parties",
            index,
            checks={"role": _one_of(PARTY_ROLES), "country": _country},
        )
        line = lines.of_table("parties", index) or 0
        if "role" not in values:
            if isinstance(item, dict) and "role" not in item:
                reader.problem(line, f"[[parties]] #{index + 1} needs a role ({', '.join(PARTY_ROLES)})")
            continue
        party = Party(line=line, **values)
        if not (party.name_en or party.name_zh):
            reader.problem(line, f"[[parties]] #{index + 1} needs name_en or name_zh")
        country_line = lines.of_key("parties", "country", index)
        if party.role in ("lead", "chinese") and party.country and party.country != "CN":
            reader.problem(
                country_line,
                f"[[parties]] #{index + 1} is a Chinese institution (role {party.role}) but its country is "
                f"{party.country}; partners outside the mainland, Hong Kong, Macao and Taiwan included, "
                'take role = "foreign"',
            )
        if party.role == "foreign" and party.country == "CN":
            reader.problem(
                country_line,
                f"[[parties]] #{index + 1} is a foreign partner but its country is CN "
                '(a mainland institution takes role = "lead" or "chinese")',
            )
        parties.append(party)
    return tuple(parties)


def check_parties(settings: Settings, max_chinese_units: int | None, min_foreign: int | None) -> None:
    """Check `[[parties]]` against the call's rules; raise SettingsError with the lines.

    An empty list is fine: the agreement then has blanks for one lead and one foreign partner.
    """
    parties = settings.parties
    if not parties:
        return
    path = settings.path or Path(SETTINGS_FILE)
    problems: list[tuple[int | None, str]] = []
    leads = [party for party in parties if party.role == "lead"]
    if len(leads) != 1:
        where = leads[1].line if len(leads) > 1 else parties[0].line
        problems.append(
            (where, f'[[parties]] needs exactly one party with role = "lead", found {len(leads)}')
        )
    chinese = [party for party in parties if party.is_chinese]
    if max_chinese_units is not None and len(chinese) > max_chinese_units:
        problems.append(
            (
                chinese[max_chinese_units].line,
                f"the call allows at most {max_chinese_units} Chinese institutions in all (lead included), "
                f"found {len(chinese)}",
            )
        )
    foreign = [party for party in parties if party.role == "foreign"]
    needed = max(1, min_foreign or 0)
    if len(foreign) < needed:
        problems.append(
            (
                parties[-1].line,
                f"the call requires at least {needed} foreign (or Hong Kong, Macao, Taiwan) partner "
                f"institution{'s' if needed > 1 else ''}, found {len(foreign)}",
            )
        )
    if problems:
        raise SettingsError.many(path, problems)


def read_settings(path: Path) -> Settings:
    """Read and validate the settings file at `path`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SettingsError("settings file not found", path) from None
    except IsADirectoryError:
        raise SettingsError("is a directory, not a settings file", path) from None
    except OSError as error:
        raise SettingsError(f"cannot read the settings file: {error.strerror}", path) from None
    if len(raw) > 1_000_000:
        raise SettingsError("settings file larger than 1 MB", path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SettingsError("not UTF-8 text", path, line) from None
    return parse_settings(text, path)


def find_settings(start: Path) -> Path | None:
    """The nearest `callpack.toml` in `start` or one of its parents, as git finds `.git`."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / SETTINGS_FILE
        if path.is_file():
            return path
    return None
