"""Cooperation-agreement skeleton: parties, numbered clauses with computed cross-references, annexes.

Pure functions from (call context, direction, parties, choices) to plain dataclasses. Clause text is
gettext (English msgids, Chinese in the `zh` catalog); `[[…]]` marks a blank the template shows as a
highlighted bracketed placeholder. Clauses and sub-clauses are numbered by position, and every
cross-reference is a `Ref` to a key resolved after numbering, so inserting a clause cannot leave a
stale number behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from babel import Locale

from ..errors import RenderError
from ..settings import AgreementChoices, Party
from .context import N_, CallContext, Conditions, DirectionContext
from .i18n import Pair, gettext_pair

# Parties established here are subject to the GDPR (EU member states and the rest of the EEA).
# fmt: off
EU_EEA = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
})
# fmt: on
UK = frozenset({"GB"})
# Contract wording where CLDR's short names differ from Chinese official usage.
_COUNTRY_NAMES = {
    "CN": Pair(zh="中华人民共和国", en="the People’s Republic of China"),
    "TW": Pair(zh="中国台湾", en="Taiwan"),
}
ROLE_MSGIDS = {
    "lead": N_("Lead Institution"),
    "chinese": N_("Chinese Participating Institution"),
    "foreign": N_("Foreign Partner"),
}


@dataclass(frozen=True)
class Ref:
    """A cross-reference to a clause or sub-clause key, numbered when the clause set is complete."""

    key: str


@dataclass(frozen=True)
class SubClause:
    number: str
    key: str
    text: Pair
    points: tuple[Pair, ...] = ()


@dataclass(frozen=True)
class Clause:
    number: str
    key: str
    heading: Pair
    items: tuple[SubClause, ...]


@dataclass(frozen=True)
class Reference:
    """Where a cross-reference sits and what it points to (for checks and tests)."""

    source: str
    target_key: str
    target_number: str


@dataclass(frozen=True)
class AgreementParty:
    """One party as the agreement shows it; `placeholder` parties are blanks to fill or copy."""

    number: int
    role: str
    role_label: Pair
    name: Pair
    country: Pair
    country_code: str
    address: str
    representative: str
    representative_title: str
    seal: bool
    placeholder: bool = False


@dataclass(frozen=True)
class AgreementContext:
    parties: tuple[AgreementParty, ...]
    preamble: tuple[Pair, ...]
    recitals: tuple[Pair, ...]
    clauses: tuple[Clause, ...]
    references: tuple[Reference, ...]
    statement: Pair
    footer_note: Pair
    annex_b_note: Pair
    accession: tuple[Pair, ...]
    # Annex A is titled "Research content and assessment indicators" only where the direction has both.
    content_and_indicators: bool = True

    def number_of(self, key: str) -> str:
        for clause in self.clauses:
            if clause.key == key:
                return clause.number
            for item in clause.items:
                if item.key == key:
                    return item.number
        raise KeyError(key)


# --- parties -------------------------------------------------------------------------------------


def _country(code: str) -> Pair:
    """The CLDR name of an ISO 3166 code in both languages (the code itself when CLDR lacks it)."""
    if not code:
        return gettext_pair(N_("[[country or region]]"))
    if code in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[code]
    zh = Locale.parse("zh_CN").territories.get(code, code)
    en = Locale.parse("en").territories.get(code, code)
    return Pair(zh=str(zh), en=str(en))


def _stated(value: int | None) -> int | str:
    """A number the guide states, or a blank to fill: never a number the guide does not give."""
    return value if value is not None else "[[●]]"


def _or_blank(value: str, blank: Pair) -> Pair:
    return Pair(zh=value, en=value) if value else blank


def _parties(parties: Sequence[Party]) -> tuple[AgreementParty, ...]:
    if not parties:
        lead = AgreementParty(
            number=1,
            role="lead",
            role_label=gettext_pair(ROLE_MSGIDS["lead"]),
            name=gettext_pair(N_("[[Name of the lead institution]]")),
            country=_country("CN"),
            country_code="CN",
            address="",
            representative="",
            representative_title="",
            seal=True,
        )
        foreign = AgreementParty(
            number=2,
            role="foreign",
            role_label=gettext_pair(ROLE_MSGIDS["foreign"]),
            name=gettext_pair(N_("[[Name of the foreign partner institution]]")),
            country=_country(""),
            country_code="",
            address="",
            representative="",
            representative_title="",
            seal=False,
        )
        copy = AgreementParty(
            number=3,
            role="",
            role_label=gettext_pair(N_("[[Chinese Participating Institution or Foreign Partner]]")),
            name=gettext_pair(N_("[[Copy for each further party; delete if none]]")),
            country=_country(""),
            country_code="",
            address="",
            representative="",
            representative_title="",
            seal=True,
            placeholder=True,
        )
        return (lead, foreign, copy)
    # The lead first, then the other Chinese institutions, then the foreign partners, each in file order.
    order = {"lead": 0, "chinese": 1, "foreign": 2}
    ranked = sorted(parties, key=lambda party: order[party.role])
    result = []
    for number, party in enumerate(ranked, start=1):
        zh = party.name_zh or party.name_en
        en = party.name_en or party.name_zh
        result.append(
            AgreementParty(
                number=number,
                role=party.role,
                role_label=gettext_pair(ROLE_MSGIDS[party.role]),
                name=Pair(zh=zh, en=en),
                country=_country(party.country or ("CN" if party.is_chinese else "")),
                country_code=party.country or ("CN" if party.is_chinese else ""),
                address=party.address,
                representative=party.representative,
                representative_title=party.representative_title,
                # Chinese institutions sign and affix the official seal (加盖公章).
                seal=party.is_chinese,
            )
        )
    return tuple(result)


def _preamble(parties: tuple[AgreementParty, ...], blank: bool, max_units: int | str) -> tuple[Pair, ...]:
    lines: list[Pair] = []
    for party in parties:
        if party.placeholder:
            continue
        values = {
            "name": party.name,
            "address": _or_blank(party.address, gettext_pair(N_("[[registered address]]"))),
            "representative": _or_blank(
                ", ".join(v for v in (party.representative, party.representative_title) if v),
                gettext_pair(N_("[[name and title of the legal representative or authorized signatory]]")),
            ),
            "country": party.country,
        }
        if party.role == "lead":
            msgid = N_(
                "%(name)s, a legal entity established in %(country)s, with its registered address at "
                "%(address)s, represented by %(representative)s (the “Lead Institution”);"
            )
        elif party.role == "chinese":
            msgid = N_(
                "%(name)s, a legal entity established in %(country)s, with its registered address at "
                "%(address)s, represented by %(representative)s (a “Chinese Participating Institution”);"
            )
        else:
            msgid = N_(
                "%(name)s, established in %(country)s, with its registered address at %(address)s, "
                "represented by %(representative)s (a “Foreign Partner”);"
            )
        lines.append(gettext_pair(msgid, **values))
    if blank:
        lines.append(
            gettext_pair(
                N_(
                    "[[Any further Chinese Participating Institutions and Foreign Partners, each in the form "
                    "above; no more than %(n)s Chinese institutions in all]];"
                ),
                n=max_units,
            )
        )
    lines.append(
        gettext_pair(
            N_(
                "each a “Party” and together the “Parties”. The Lead Institution and the Chinese Participating "
                "Institutions are the “Chinese Parties”."
            )
        )
    )
    return tuple(lines)


# --- the clause set ----------------------------------------------------------------------------------


@dataclass
class _Item:
    key: str
    msgid: str
    values: dict[str, Any]
    points: list[tuple[str, dict[str, Any]]]


@dataclass
class _Clause:
    key: str
    heading: str
    items: list[_Item] = field(default_factory=list)


class _ClauseSet:
    """Clauses declared in reading order; numbers and references are filled in by `finish`."""

    def __init__(self) -> None:
        self.clauses: list[_Clause] = []

    def clause(self, key: str, heading: str) -> None:
        self.clauses.append(_Clause(key, heading))

    def item(
        self, key: str, msgid: str, points: Sequence[str | tuple[str, dict[str, Any]]] = (), **values: Any
    ) -> None:
        pts = [p if isinstance(p, tuple) else (p, {}) for p in points]
        self.clauses[-1].items.append(_Item(key, msgid, values, pts))

    def finish(self) -> tuple[tuple[Clause, ...], tuple[Reference, ...]]:
        numbers: dict[str, str] = {}
        for position, clause in enumerate(self.clauses, start=1):
            _unique(numbers, clause.key, str(position))
            for index, item in enumerate(clause.items, start=1):
                _unique(numbers, item.key, f"{position}.{index}")
        references: list[Reference] = []

        def resolve(source: str, values: dict[str, Any]) -> dict[str, Any]:
            resolved = {}
            for name, value in values.items():
                if isinstance(value, Ref):
                    if value.key not in numbers:
                        raise RenderError(f"agreement clause {source} refers to unknown clause {value.key!r}")
                    references.append(Reference(source, value.key, numbers[value.key]))
                    value = numbers[value.key]
                resolved[name] = value
            return resolved

        clauses = []
        for clause in self.clauses:
            items = []
            for item in clause.items:
                number = numbers[item.key]
                items.append(
                    SubClause(
                        number=number,
                        key=item.key,
                        text=gettext_pair(item.msgid, **resolve(number, item.values)),
                        points=tuple(
                            gettext_pair(msgid, **resolve(number, values)) for msgid, values in item.points
                        ),
                    )
                )
            clauses.append(
                Clause(numbers[clause.key], clause.key, gettext_pair(clause.heading), tuple(items))
            )
        return tuple(clauses), tuple(references)


def _unique(numbers: dict[str, str], key: str, number: str) -> None:
    if key in numbers:
        raise RenderError(f"agreement clause key {key!r} used twice")
    numbers[key] = number


def _text(value: str, value_zh: str, blank_msgid: str) -> Pair:
    """A settings value in both columns: its Chinese twin, else the value as written; a blank when empty."""
    if not value:
        return gettext_pair(blank_msgid)
    return Pair(zh=value_zh or value, en=value)


def _names(parties: Sequence[AgreementParty]) -> Pair:
    return Pair(
        zh="、".join(party.name.zh for party in parties),
        en=", ".join(party.name.en or party.name.zh for party in parties),
    )


def _definitions(s: _ClauseSet) -> None:
    s.clause("definitions", N_("Definitions"))
    s.item(
        "def-background",
        N_(
            "“Background” means data, know-how and information, whatever their form, and intellectual property "
            "rights held by a Party before this Agreement or generated outside the Project, that are needed to "
            "carry out the Project or to use its Results."
        ),
    )
    s.item(
        "def-results",
        N_(
            "“Results” means any tangible or intangible output of the Project, such as data, knowledge and "
            "information, whatever its form, and any rights attached to it, including intellectual property "
            "rights."
        ),
    )
    s.item(
        "def-access",
        N_("“Access Rights” means rights to use Results or Background under the terms of this Agreement."),
    )
    s.item(
        "def-confidential",
        N_(
            "“Confidential Information” means any information that a Party discloses to another under this "
            "Agreement and marks or identifies as confidential when it is disclosed."
        ),
    )
    s.item(
        "def-project",
        N_(
            "“Project” means the joint research project described in Annex A; “MOST” means the Ministry of "
            "Science and Technology of the People’s Republic of China and the project management agency it "
            "designates; “Task Agreement” means the project task agreement signed with MOST."
        ),
    )
    s.item(
        "def-steering",
        N_("“Steering Committee” means the body set up under clause %(ref)s."),
        ref=Ref("governance"),
    )
    s.item(
        "def-interpretation",
        N_(
            "Headings are for convenience only. A reference to a clause is to a clause of this Agreement; the "
            "Annexes form part of this Agreement."
        ),
    )


def _clause_set(
    call: CallContext,
    direction: DirectionContext,
    parties: tuple[AgreementParty, ...],
    blank: bool,
    choices: AgreementChoices,
) -> _ClauseSet:
    """Every clause in reading order; only the chosen options' text is declared."""
    s = _ClauseSet()
    conditions = call.conditions
    max_units = _stated(conditions.max_chinese_units)
    _definitions(s)
    _purpose_and_term(s, direction, conditions)
    _roles_and_governance(s, direction)
    _funding_and_background(s, direction, conditions)
    _ownership(s, choices, parties, blank)
    _access(s, choices)
    _publications(s, choices)
    _confidentiality(s, choices)
    _compliance(s, parties, blank)
    _mobility_and_materials(s)
    _liability(s, choices)
    _default_and_changes(s, max_units)
    _disputes(s, choices)
    _language_and_final(s, choices, parties, blank)
    return s


def has_content_and_indicators(direction: DirectionContext) -> bool:
    """Whether the direction states research content and assessment indicators (Annex A's title)."""
    return bool(direction.content and direction.indicators)


def _purpose_and_term(s: _ClauseSet, direction: DirectionContext, conditions: Conditions) -> None:
    s.clause("purpose", N_("Purpose and scope"))
    s.item(
        "purpose-scope",
        N_(
            "This Agreement sets out the rights and obligations of the Parties in carrying out the Project. The "
            "Project covers the research content and assessment indicators of direction %(id)s, set out in "
            "Annex A."
        )
        if has_content_and_indicators(direction)
        # Other layouts (an intergovernmental item: agreement, domains, numbers) name no such parts.
        else N_(
            "This Agreement sets out the rights and obligations of the Parties in carrying out the Project. The "
            "Project is carried out under direction %(id)s of the call, set out in Annex A."
        ),
        id=direction.id,
    )
    if direction.alternatives:
        s.item(
            "purpose-indicators",
            N_(
                "The direction offers alternative sets of assessment indicators; the Chinese Parties choose set "
                "[[number of the chosen set]]."
            ),
        )
    s.item(
        "purpose-application",
        N_(
            "The Parties apply jointly for funding under direction %(id)s. This Agreement is part of the "
            "application and is adjusted, where needed, to the Task Agreement."
        ),
        id=direction.id,
    )

    s.clause("term", N_("Entry into force and term"))
    s.item(
        "term-force",
        N_("This Agreement enters into force on the date on which the last Party signs it."),
    )
    s.item(
        "term-not-funded",
        N_(
            "If the Project is not selected for funding, this Agreement ends when the Lead Institution notifies "
            "the other Parties of that decision, except clause %(conf)s, which continues to apply."
        ),
        conf=Ref("confidentiality"),
    )
    s.item(
        "term-end",
        N_(
            "Otherwise this Agreement runs until the final acceptance of the Project by MOST, or until [[end "
            "date]] if that is later. The Project term is normally no more than %(n)s years."
        ),
        n=_stated(conditions.max_years),
    )


def _roles_and_governance(s: _ClauseSet, direction: DirectionContext) -> None:
    s.clause("roles", N_("Roles and obligations of the Parties"))
    s.item(
        "roles-lead",
        N_(
            "The Lead Institution coordinates the Project. It is the only contact of the Parties with MOST, "
            "submits the application, signs the Task Agreement and submits the reports MOST requires."
        ),
    )
    s.item(
        "roles-chinese",
        N_(
            "The Chinese Parties are responsible towards MOST for achieving the assessment indicators in Annex "
            "A, for the use of national funding and for annual, mid-term and final reporting, as the Task "
            "Agreement and the rules of MOST provide. Annex B allocates these tasks among them."
        )
        if direction.indicators
        else N_(
            "The Chinese Parties are responsible towards MOST for achieving the assessment indicators set in "
            "the Task Agreement, for the use of national funding and for annual, mid-term and final reporting, "
            "as the Task Agreement and the rules of MOST provide. Annex B allocates these tasks among them."
        ),
    )
    s.item(
        "roles-foreign",
        N_(
            "Each Foreign Partner carries out its own tasks and makes its own contributions as set out for it "
            "in Annex B, and gives the Lead Institution the information on those tasks that it reasonably "
            "needs for its reports."
        ),
    )
    s.item(
        "roles-no-joint-liability",
        N_(
            "No Foreign Partner is liable, jointly or otherwise, for achieving the assessment indicators, for "
            "the national funding or for any other obligation of the Chinese Parties towards MOST. Its "
            "obligations under this Agreement are limited to its own tasks and contributions in Annex B and to "
            "the other clauses of this Agreement."
        ),
    )
    s.item(
        "roles-care",
        N_(
            "Each Party carries out its tasks with due care and in good faith, and informs the other Parties "
            "without delay of any event that may delay or prevent its tasks. Changes to Annex B are decided "
            "under clause %(ref)s."
        ),
        ref=Ref("gov-voting"),
    )

    s.clause("governance", N_("Governance"))
    s.item(
        "gov-committee",
        N_(
            "A Steering Committee with one representative of each Party, chaired by the representative of the "
            "Lead Institution, directs the Project. It decides on the work plan, on changes to Annex B, on the "
            "accession of new parties and on the measures against a defaulting Party."
        ),
    )
    s.item(
        "gov-meetings",
        N_(
            "The Steering Committee meets at least [[once a year]], in person or by video conference, and at "
            "any time at the request of a Party. The chair convenes each meeting with at least [[15]] days’ "
            "written notice and an agenda. A meeting has a quorum when two thirds of the Parties are present or "
            "represented."
        ),
    )
    s.item(
        "gov-voting",
        N_(
            "Each Party has one vote. The Steering Committee decides by a majority of two thirds of the votes "
            "cast. The following decisions need the votes of all Parties present or represented (for decision "
            "(c), of all except the Party concerned):"
        ),
        points=(
            N_("(a) changes to the tasks, contributions or budget of a Party in Annex B;"),
            N_("(b) the accession of a new party;"),
            (
                N_(
                    "(c) declaring a Party to be in default and ending its participation under clause %(ref)s."
                ),
                {"ref": Ref("default")},
            ),
        ),
    )
    s.item(
        "gov-veto",
        N_(
            "A Party whose own tasks, contributions or rights would be changed by a decision may veto it. A "
            "decision may also be taken in writing if no Party objects within [[10]] days."
        ),
    )
    s.item(
        "gov-minutes",
        N_(
            "The chair sends the minutes of each meeting to all Parties within [[15]] days. They are accepted "
            "if no Party objects in writing within [[15]] days of receiving them."
        ),
    )
    s.item(
        "gov-investigators",
        N_(
            "Each Party names a principal investigator for its tasks in Annex B. The principal investigator of "
            "the Lead Institution is the project leader."
        ),
    )


def _funding_and_background(s: _ClauseSet, direction: DirectionContext, conditions: Conditions) -> None:
    s.clause("funding", N_("Contributions and funding"))
    funding = conditions.funding_compact or Pair(zh="[[金额]]", en="[[amount]]")
    s.item(
        "funding-national",
        N_(
            "National funding from MOST is granted only to the Chinese Parties. The national funding for the "
            "whole call is %(funding)s for about %(projects)s projects; the national funding requested for this "
            "Project is [[amount in RMB]], allocated among the Chinese Parties as set out in Annex B."
        ),
        funding=funding,
        projects=_stated(conditions.projects),
    )
    if direction.matching_ratio:
        s.item(
            "funding-matching",
            N_(
                "Matching funds to national funding shall be at least %(ratio)s, as the direction requires; "
                "Annex B states which Party provides them and how much."
            ),
            ratio=direction.matching_ratio,
        )
    else:
        s.item(
            "funding-matching",
            N_(
                "The direction states no ratio of matching funds; matching funds, if any, are set out in Annex B."
            ),
        )
    s.item(
        "funding-management",
        N_(
            "Each Chinese Party uses and accounts for its national funding as the rules of MOST and the Task "
            "Agreement require, and accepts the audits and inspections those rules provide."
        ),
    )
    s.item(
        "funding-foreign",
        N_(
            "Each Foreign Partner bears its own costs, unless the Parties agree otherwise in writing. Its "
            "contributions in cash or in kind are set out in Annex B. No national funding is transferred to a "
            "Foreign Partner unless the rules of MOST allow it and the Parties agree in writing."
        ),
    )

    s.clause("background", N_("Background"))
    s.item("bg-owner", N_("Each Party remains the owner of its Background."))
    s.item(
        "bg-annex",
        N_(
            "Annex C lists the Background each Party makes available to the Project and any Background it "
            "excludes. Excluded Background is not subject to Access Rights."
        ),
    )
    s.item(
        "bg-no-other-rights",
        N_("No rights to Background are granted except the Access Rights under clause %(ref)s."),
        ref=Ref("access"),
    )


def _publications(s: _ClauseSet, choices: AgreementChoices) -> None:
    s.clause("publications", N_("Publications"))
    days = choices.publication_review_days
    if days:
        s.item(
            "pub-notice",
            N_(
                "A Party that intends to publish Results, in a paper, a conference or in any other way, sends the "
                "other Parties a copy at least %(days)s days before submission."
            ),
            days=days,
        )
        s.item(
            "pub-objection",
            N_(
                "Within that period another Party may object in writing if the publication would disclose its "
                "Confidential Information or harm its legitimate interests in its Results or Background, for "
                "example a planned patent application. The publication is then changed or postponed by no more "
                "than [[90]] days to allow protection."
            ),
        )
    else:
        s.item(
            "pub-notice",
            N_(
                "A Party may publish its own Results without prior review by the other Parties, provided it does "
                "not disclose their Confidential Information (clause %(ref)s)."
            ),
            ref=Ref("confidentiality"),
        )
    s.item(
        "pub-acknowledgement",
        N_(
            "Publications acknowledge the support of the key special project (project number [[number]]) and "
            "the contribution of each Party. Co-authored international papers are encouraged."
        ),
    )


def _mobility_and_materials(s: _ClauseSet) -> None:
    s.clause("mobility", N_("Staff mobility and visiting researchers"))
    s.item(
        "mob-exchange",
        N_(
            "The Parties may host each other’s staff and students as visiting researchers for Project tasks. "
            "The sending and the host Party agree in writing, before each visit, on its duration, tasks and "
            "costs."
        ),
    )
    s.item(
        "mob-status",
        N_(
            "A visiting researcher remains employed by, or enrolled at, the sending Party, which is responsible "
            "for salary, insurance against illness and accident, visas and permits. The host Party provides "
            "workspace and safety instruction. The visiting researcher follows the host Party’s rules on "
            "safety, security, confidentiality, data and access to laboratories."
        ),
    )
    s.item(
        "mob-results",
        N_(
            "Results generated by a visiting researcher during the visit are treated under clause %(ref)s as "
            "generated by the sending Party, unless the sending and the host Party agree otherwise in writing "
            "before the visit. The sending Party ensures that its visiting researchers are bound by obligations "
            "of confidentiality and on intellectual property consistent with this Agreement."
        ),
        ref=Ref("ownership"),
    )

    s.clause("materials", N_("Transfer of materials"))
    s.item(
        "mat-ownership",
        N_(
            "Materials that a Party provides to another for the Project, such as samples, biological material, "
            "prototypes, reagents, software and data carriers, remain the property of the providing Party. The "
            "receiving Party uses them only for the Project and returns or destroys them at the end of the "
            "Project, as the providing Party requests. Where the providing Party asks, the transfer is made "
            "under a material transfer agreement."
        ),
    )
    s.item(
        "mat-as-is",
        N_(
            "Materials are provided as they are. The receiving Party is responsible for their safe handling, "
            "storage and disposal and for complying with the laws on import, biosafety and dangerous goods."
        ),
    )
    s.item(
        "mat-china",
        N_(
            "Human genetic resources, biological samples and data collected in China are provided to a Foreign "
            "Partner or taken out of China only with the approvals or filings required by the laws of the "
            "People’s Republic of China, including the Regulations on the Administration of Human Genetic "
            "Resources, the Biosecurity Law and the Data Security Law. Clause %(ref)s also applies."
        ),
        ref=Ref("comp-export"),
    )


def _default_and_changes(s: _ClauseSet, max_units: int | str) -> None:
    s.clause("force-majeure", N_("Force majeure"))
    s.item(
        "fm-definition",
        N_(
            "Force majeure means any objective circumstance that a Party cannot foresee, avoid or overcome, such "
            "as natural disasters, epidemics, war, and acts of government, that prevents it from carrying out "
            "its obligations."
        ),
    )
    s.item(
        "fm-notice",
        N_(
            "A Party affected by force majeure informs the other Parties in writing within [[15]] days, with "
            "evidence, and takes reasonable steps to limit its effects. Its affected obligations are suspended "
            "while the force majeure lasts, and it is not in breach of this Agreement for that reason."
        ),
    )
    s.item(
        "fm-long",
        N_(
            "If force majeure lasts longer than [[six months]], the Steering Committee decides under clause %(ref)s "
            "whether to change Annex B or to end the participation of the affected Party."
        ),
        ref=Ref("gov-voting"),
    )

    s.clause("default", N_("Defaulting Party"))
    s.item(
        "def-notice",
        N_(
            "If a Party is in breach of its obligations, the Lead Institution (or, if the Lead Institution is in "
            "breach, any other Party) gives it written notice, and the Party remedies the breach within [[60]] "
            "days."
        ),
    )
    s.item(
        "def-decision",
        N_(
            "If the breach is not remedied in time, the Steering Committee may declare the Party to be a "
            "defaulting Party and decide, under clause %(ref)s, to end its participation and to reassign its "
            "tasks. The defaulting Party does not vote on that decision."
        ),
        ref=Ref("gov-voting"),
    )
    s.item(
        "def-consequences",
        N_(
            "A Party whose participation ends remains bound by clauses %(conf)s and %(liab)s. It keeps its "
            "Results but has no Access Rights to Results generated after its participation ends, and it grants "
            "the other Parties the Access Rights to its Background and Results they need to complete the "
            "Project. A Chinese Party returns unspent national funding as the rules of MOST provide. The "
            "defaulting Party bears the reasonable extra costs its default causes, within the limits of clause "
            "%(cap)s."
        ),
        conf=Ref("confidentiality"),
        liab=Ref("liability"),
        cap=Ref("liab-cap"),
    )

    s.clause("changes", N_("Withdrawal and accession"))
    s.item(
        "chg-withdrawal",
        N_(
            "A Party may withdraw from the Project by written notice of [[three months]] to the other Parties, "
            "after consulting them and, where required, with the consent of MOST. Clause %(ref)s applies to the "
            "withdrawing Party."
        ),
        ref=Ref("def-consequences"),
    )
    s.item(
        "chg-accession",
        N_(
            "A new party may join the Project by a decision of the Steering Committee under clause %(vote)s and, "
            "where required, with the approval of MOST, by signing the accession form in Annex D. The call "
            "allows no more than %(n)s Chinese institutions in all."
        ),
        vote=Ref("gov-voting"),
        n=max_units,
    )

    s.clause("notices", N_("Notices"))
    s.item(
        "not-form",
        N_(
            "Notices under this Agreement are made in writing, in Chinese or English, and delivered by hand, by "
            "courier or by e-mail to the address and contact person of the receiving Party given in Annex B."
        ),
    )
    s.item(
        "not-receipt",
        N_(
            "A notice is received on delivery when delivered by hand or by courier, and on the day it is sent "
            "when sent by e-mail, unless the sender receives a message that it was not delivered."
        ),
    )
    s.item(
        "not-change",
        N_("Each Party informs the others in writing of any change of its address or contact person."),
    )


def _language_and_final(
    s: _ClauseSet, choices: AgreementChoices, parties: tuple[AgreementParty, ...], blank: bool
) -> None:
    s.clause("language", N_("Language"))
    language_msgids = {
        "equal": N_(
            "This Agreement is made in Chinese and English. Both versions are equally authentic. In case of "
            "discrepancy, the Parties interpret them in good faith in the light of the purpose of this "
            "Agreement."
        ),
        "zh": N_(
            "This Agreement is made in Chinese and English. In case of discrepancy between the two versions, "
            "the Chinese version prevails."
        ),
        "en": N_(
            "This Agreement is made in Chinese and English. In case of discrepancy between the two versions, "
            "the English version prevails."
        ),
    }
    s.item("lang-versions", language_msgids[choices.language])
    s.item("lang-most", N_("Documents submitted to MOST are in Chinese."))

    s.clause("final", N_("Final provisions"))
    s.item(
        "fin-entire",
        N_(
            "This Agreement, with its Annexes, is the entire agreement of the Parties on its subject and "
            "replaces any earlier agreement or understanding on it. The obligations of the Chinese Parties "
            "towards MOST under the Task Agreement are not affected."
        ),
    )
    s.item(
        "fin-severability",
        N_(
            "If a provision of this Agreement is or becomes invalid or unenforceable, the other provisions "
            "remain in force, and the Parties replace that provision with a valid one that comes as close as "
            "possible to its purpose."
        ),
    )
    s.item(
        "fin-amendments",
        N_(
            "Amendments to this Agreement are valid only in writing and signed by all Parties. Changes to Annex "
            "B decided by the Steering Committee under clause %(ref)s are recorded in its minutes and need no "
            "further signature."
        ),
        ref=Ref("gov-voting"),
    )
    s.item(
        "fin-assignment",
        N_(
            "No Party may transfer its rights or obligations under this Agreement without the written consent of the other Parties."
        ),
    )
    s.item(
        "fin-survival",
        N_(
            "Clauses %(access)s, %(conf)s, %(liab)s and %(disputes)s continue to apply after this Agreement ends "
            "or a Party’s participation ends."
        ),
        access=Ref("access"),
        conf=Ref("confidentiality"),
        liab=Ref("liability"),
        disputes=Ref("disputes"),
    )
    if blank:
        s.item(
            "fin-originals",
            N_("This Agreement is signed in [[number]] originals, one for each Party, each of equal effect."),
        )
    else:
        s.item(
            "fin-originals",
            N_("This Agreement is signed in %(n)s originals, one for each Party, each of equal effect."),
            n=len(parties),
        )


def _ownership(
    s: _ClauseSet, choices: AgreementChoices, parties: tuple[AgreementParty, ...], blank: bool
) -> None:
    s.clause("ownership", N_("Ownership of Results"))
    fallback = N_(
        "Until the joint owners sign that agreement, and as far as it does not provide otherwise, each joint "
        "owner may use the jointly owned Results for its own research and teaching without compensation, and "
        "may grant non-exclusive licenses to third parties, without the right to sublicense, after giving the "
        "other joint owners at least [[45]] days’ notice and against fair and reasonable compensation to them. "
        "Protection of jointly owned Results needs the agreement of all joint owners."
    )
    if choices.ownership == "generator":
        s.item("own-rule", N_("Results are owned by the Party that generates them."))
        s.item(
            "own-joint",
            N_(
                "Results generated jointly, where the share of each Party cannot be established, are owned "
                "jointly by those Parties. The joint owners agree in writing, within [[six months]] of the "
                "generation of such Results, on their shares and on the terms of protection and exploitation."
            ),
        )
        s.item("own-fallback", fallback)
    elif choices.ownership == "joint":
        s.item(
            "own-rule",
            N_(
                "Results are owned jointly by the Parties that contributed to them, in shares in proportion to "
                "their contributions, unless they agree otherwise in writing."
            ),
        )
        s.item(
            "own-joint",
            N_(
                "The joint owners agree in writing, within [[six months]] of the generation of Results, on "
                "their shares and on the terms of protection and exploitation."
            ),
        )
        s.item("own-fallback", fallback)
    else:
        owner_party = next((p for p in parties if p.name.en == choices.owner), None)
        if owner_party is not None:
            owner = owner_party.name
        elif choices.owner:
            owner = Pair(zh=choices.owner, en=choices.owner)
        else:
            owner = gettext_pair(N_("[[name of the owning Party]]"))
        s.item(
            "own-rule",
            N_(
                "All Results are owned by %(owner)s (the “Owner”). Each other Party transfers to the Owner its "
                "rights in the Results it generates and signs the documents needed for that purpose."
            ),
            owner=owner,
        )
        s.item(
            "own-license",
            N_(
                "The Owner grants each other Party a non-exclusive, royalty-free, perpetual license to use the "
                "Results for its own research and teaching."
            ),
        )
        s.item(
            "own-exploitation",
            N_(
                "The Owner uses reasonable efforts to exploit the Results and shares the net income from their "
                "exploitation with the other Parties as follows: [[sharing of income]]."
            ),
        )
    s.item(
        "own-protection",
        N_(
            "The owner of Results decides on their protection, for example by patent applications, and informs "
            "the other Parties. International patent applications and standards proposals made jointly are "
            "filed as the owners agree."
        ),
    )
    s.item(
        "own-public-rules",
        N_(
            "The Parties comply with the rules of MOST and the laws of their countries on the ownership, use and "
            "transfer of results of publicly funded research and on the transfer of technology across borders."
        ),
    )


def _access(s: _ClauseSet, choices: AgreementChoices) -> None:
    s.clause("access", N_("Access rights"))
    s.item(
        "acc-project",
        N_(
            "Each Party grants the other Parties royalty-free Access Rights to its Background and Results where "
            "they need them to carry out their tasks in the Project, for the duration of the Project."
        ),
    )
    exploitation = {
        "fair_and_reasonable": N_(
            "Each Party grants the other Parties Access Rights to its Background and Results where they need "
            "them to use their own Results, on fair and reasonable conditions to be agreed, if requested "
            "within [[12 months]] after the end of the Project."
        ),
        "royalty_free": N_(
            "Each Party grants the other Parties royalty-free Access Rights to its Background and Results where "
            "they need them to use their own Results, if requested within [[12 months]] after the end of the "
            "Project."
        ),
        "negotiated": N_(
            "Access Rights to Background and Results for the use of a Party’s own Results outside the Project "
            "may be granted on terms negotiated case by case; no Party is obliged to grant them."
        ),
    }[choices.exploitation_access]
    s.item("acc-exploitation", exploitation)
    s.item(
        "acc-terms",
        N_(
            "Access Rights are requested in writing. They are non-exclusive and do not include the right to "
            "sublicense, unless the granting Party agrees otherwise in writing. They are granted subject to "
            "clause %(ref)s."
        ),
        ref=Ref("comp-export"),
    )


def _confidentiality(s: _ClauseSet, choices: AgreementChoices) -> None:
    s.clause("confidentiality", N_("Confidentiality"))
    years = choices.confidentiality_years
    if years:
        s.item(
            "conf-duty",
            N_(
                "Each Party keeps the Confidential Information of the other Parties secret during the Project "
                "and for %(years)s years after its end, uses it only for the Project, and protects it with at "
                "least the care it uses for its own confidential information."
            ),
            years=years,
        )
    else:
        s.item(
            "conf-duty",
            N_(
                "Each Party keeps the Confidential Information of the other Parties secret during the Project, "
                "uses it only for the Project, and protects it with at least the care it uses for its own "
                "confidential information."
            ),
        )
    s.item(
        "conf-exceptions",
        N_("Clause %(ref)s does not apply to information that the receiving Party can show:"),
        points=(
            N_("(a) is or becomes public without a breach of this Agreement;"),
            N_("(b) it already knew without an obligation of confidentiality before receiving it;"),
            N_("(c) it developed independently, without use of the Confidential Information;"),
            N_("(d) it received lawfully from a third party without an obligation of confidentiality; or"),
            (
                N_(
                    "(e) it must disclose by law, by order of a court or of a competent authority, subject to clause %(ref)s."
                ),
                {"ref": Ref("conf-legal")},
            ),
        ),
        ref=Ref("conf-duty"),
    )
    s.item(
        "conf-legal",
        N_(
            "A Party required to disclose Confidential Information by law informs the disclosing Party before "
            "it does so, where the law allows, and discloses no more than is required."
        ),
    )
    s.item(
        "conf-state-secrets",
        N_(
            "No information classified as a state secret under the laws of the People’s Republic of China is disclosed under this Agreement."
        ),
    )


def _compliance(s: _ClauseSet, parties: tuple[AgreementParty, ...], blank: bool) -> None:
    s.clause("compliance", N_("Compliance"))
    s.item(
        "comp-pipl",
        N_(
            "Each Party processes personal data in the Project in compliance with the data protection laws that "
            "apply to it. Personal information processed in the People’s Republic of China is subject to the "
            "Personal Information Protection Law, and its transfer out of China to the rules on cross-border "
            "transfer of personal information."
        ),
    )
    known = [p for p in parties if not p.placeholder]
    eu = [p for p in known if p.country_code in EU_EEA]
    uk = [p for p in known if p.country_code in UK]
    # A party whose country is not known may be in the EU: say when the GDPR applies, never that it does not.
    unknown = blank or any(not p.country_code for p in known)
    if eu:
        s.item(
            "comp-gdpr",
            N_(
                "The General Data Protection Regulation (EU) 2016/679 (GDPR) also applies to the processing of "
                "%(parties)s, established in the European Union or the European Economic Area. "
                "Personal data are transferred between the Parties only on a basis lawful under every law "
                "that applies, such as standard contractual clauses, signed before the transfer."
            ),
            parties=_names(eu),
        )
    if uk:
        s.item(
            "comp-uk-gdpr",
            N_(
                "The UK General Data Protection Regulation and the Data Protection Act 2018 also apply to the "
                "processing of %(parties)s, established in the United Kingdom. Personal data are "
                "transferred between the Parties only on a basis lawful under every law that applies, signed "
                "before the transfer."
            ),
            parties=_names(uk),
        )
    if unknown and not eu:
        s.item(
            "comp-gdpr-if",
            N_(
                "Where a Party is established in the European Union or the European Economic Area, the General "
                "Data Protection Regulation (EU) 2016/679 (GDPR) also applies. Personal data are transferred "
                "between the Parties only on a basis lawful under every law that applies, such as standard "
                "contractual clauses, signed before the transfer."
            ),
        )
    if not (eu or uk or unknown):
        s.item(
            "comp-transfer",
            N_(
                "Personal data are transferred between the Parties only on a basis lawful under every law that "
                "applies, signed before the transfer, and only as far as the Project needs them."
            ),
        )
    s.item(
        "comp-export",
        N_(
            "Each Party complies with the export control and sanctions laws that apply to it, including the "
            "Export Control Law of the People’s Republic of China. No Party is obliged to transfer any goods, "
            "technology, software or data where that would breach those laws; it informs the other Parties "
            "without delay, and the Steering Committee adjusts Annex B under clause %(ref)s."
        ),
        ref=Ref("gov-voting"),
    )
    s.item(
        "comp-bribery",
        N_(
            "No Party offers, gives, requests or accepts any bribe or other improper advantage in connection "
            "with this Agreement, and each Party complies with the anti-corruption laws that apply to it."
        ),
    )
    s.item(
        "comp-integrity",
        N_(
            "The Parties carry out the Project in line with the rules on research integrity and on the ethics "
            "of science and technology of MOST and of their countries. Research with human participants, human "
            "genetic resources, personal data or animals starts only after the required ethics approvals. "
            "Suspected misconduct, such as fabrication, falsification or plagiarism, is reported to the other "
            "Parties and handled as those rules provide."
        ),
    )


def _liability(s: _ClauseSet, choices: AgreementChoices) -> None:
    s.clause("liability", N_("Liability"))
    s.item(
        "liab-direct",
        N_(
            "Each Party is liable to the other Parties only for direct damage caused by its breach of this Agreement."
        ),
    )
    s.item(
        "liab-indirect",
        N_(
            "No Party is liable to another for indirect or consequential damage, such as loss of profit, "
            "revenue, contracts or data, except as clause %(ref)s provides."
        ),
        ref=Ref("liab-exceptions"),
    )
    if choices.liability_cap:
        s.item(
            "liab-cap",
            N_(
                "The total liability of each Party to the other Parties under this Agreement is limited to %(cap)s."
            ),
            cap=Pair(zh=choices.liability_cap_zh or choices.liability_cap, en=choices.liability_cap),
        )
    else:
        s.item(
            "liab-cap",
            N_(
                "The total liability of each Party to the other Parties under this Agreement is limited to its "
                "own share of the total Project budget, that is the national funding allocated to it and its "
                "own contributions, as set out in Annex B."
            ),
        )
    s.item(
        "liab-exceptions",
        N_(
            "The limits in clauses %(indirect)s and %(cap)s do not apply to damage caused by willful misconduct "
            "or gross negligence, or to death or personal injury."
        ),
        indirect=Ref("liab-indirect"),
        cap=Ref("liab-cap"),
    )
    s.item(
        "liab-no-warranty",
        N_(
            "Background and Results are made available as they are. No Party gives any warranty that they are "
            "fit for a purpose or free of third-party rights."
        ),
    )
    s.item(
        "liab-third-parties",
        N_("Each Party alone is responsible to third parties for its own acts and omissions in the Project."),
    )


def _disputes(s: _ClauseSet, choices: AgreementChoices) -> None:
    s.clause("disputes", N_("Governing law and disputes"))
    s.item(
        "disp-law",
        N_("This Agreement is governed by the law of %(law)s, excluding its rules on the conflict of laws."),
        law=_text(choices.governing_law, choices.governing_law_zh, N_("[[country]]")),
    )
    s.item(
        "disp-negotiation",
        N_(
            "The Parties first try to settle any dispute arising from this Agreement amicably, by negotiation "
            "between their senior representatives."
        ),
    )
    s.item(
        "disp-mediation",
        N_(
            "A dispute not settled by negotiation within [[60]] days may be referred by any Party to mediation "
            "by a mediator agreed by the Parties to the dispute. Mediation ends if the dispute is not settled "
            "within [[60]] days of the appointment of the mediator."
        ),
    )
    if choices.disputes == "arbitration":
        s.item(
            "disp-final",
            N_(
                "A dispute not settled under clauses %(neg)s and %(med)s is finally settled by arbitration "
                "administered by %(institution)s under its arbitration rules in force when the arbitration is "
                "filed. The seat of arbitration is %(seat)s and the language of arbitration is [[language]]. "
                "The award is final and binding on the Parties."
            ),
            neg=Ref("disp-negotiation"),
            med=Ref("disp-mediation"),
            institution=_text(
                choices.arbitration_institution,
                choices.arbitration_institution_zh,
                N_("[[arbitration institution]]"),
            ),
            seat=_text(choices.arbitration_seat, choices.arbitration_seat_zh, N_("[[place]]")),
        )
    else:
        s.item(
            "disp-final",
            N_(
                "A dispute not settled under clauses %(neg)s and %(med)s is submitted to the exclusive "
                "jurisdiction of the courts of %(courts)s."
            ),
            neg=Ref("disp-negotiation"),
            med=Ref("disp-mediation"),
            courts=_text(choices.courts, choices.courts_zh, N_("[[place]]")),
        )
    s.item(
        "disp-performance",
        N_("While a dispute is being settled, the Parties continue to perform their other obligations."),
    )


# --- the whole context ----------------------------------------------------------------------------


def build_agreement_context(
    call: CallContext,
    direction: DirectionContext,
    parties: Sequence[Party] = (),
    choices: AgreementChoices | None = None,
) -> AgreementContext:
    """The skeleton for one direction: parties from the settings (or blanks) and the chosen clauses."""
    choices = choices or AgreementChoices()
    blank = not parties
    agreement_parties = _parties(parties)
    max_units = _stated(call.conditions.max_chinese_units)
    clauses, references = _clause_set(call, direction, agreement_parties, blank, choices).finish()
    numbers = {clause.key: clause.number for clause in clauses}
    title_pair = direction.title.pair
    # The requirement is the guide's own rule (rules.py): a guide that does not state it is not said to.
    recital_a = (
        N_(
            "A. MOST has published the guide for the key special project “%(call)s”, which requires every "
            "project to be applied for jointly with at least one foreign partner institution and the "
            "partners to sign a cooperation agreement."
        )
        if {"partner", "agreement"} <= call.rule_ids
        else N_("A. MOST has published the guide for the key special project “%(call)s”.")
    )
    programme = call.programme if call.programme.zh else Pair(zh="[[指南名称]]", en="[[name of the guide]]")
    recitals = (
        gettext_pair(recital_a, call=programme),
        gettext_pair(
            N_("B. The Parties intend to apply jointly under direction %(id)s, “%(title)s”."),
            id=direction.id,
            title=title_pair,
        ),
        gettext_pair(N_("C. The Parties therefore agree as follows.")),
    )
    return AgreementContext(
        parties=agreement_parties,
        preamble=_preamble(agreement_parties, blank, max_units),
        recitals=recitals,
        clauses=clauses,
        references=references,
        statement=gettext_pair(
            N_(
                "This skeleton is a starting point for negotiation, not legal advice. Each Party should have it "
                "reviewed by its own legal adviser. Once signed, the language clause (clause %(n)s) decides how "
                "the Chinese and English versions relate."
            ),
            n=numbers["language"],
        ),
        footer_note=gettext_pair(
            N_("Skeleton for negotiation, not legal advice; the language clause (clause %(n)s) governs."),
            n=numbers["language"],
        ),
        annex_b_note=gettext_pair(
            N_(
                "One table per Party. The Chinese Parties also state which assessment indicators of Annex A each "
                "is responsible for; a Foreign Partner lists only its own tasks and contributions."
            )
            if direction.indicators
            else N_(
                "One table per Party. The Chinese Parties also state which parts of the Project each is "
                "responsible for; a Foreign Partner lists only its own tasks and contributions."
            )
        ),
        accession=_accession(direction, max_units),
        content_and_indicators=has_content_and_indicators(direction),
    )


def _accession(direction: DirectionContext, max_units: int | str) -> tuple[Pair, ...]:
    return (
        gettext_pair(
            N_(
                "[[Name of the new party]], established in [[country or region]], with its registered address at "
                "[[address]], represented by [[name and title]], accedes to the Cooperation Agreement for the "
                "joint research project under direction %(id)s, signed on [[date]], as a [[Chinese Participating "
                "Institution or Foreign Partner]] with effect from [[date]]."
            ),
            id=direction.id,
        ),
        gettext_pair(
            N_(
                "The new party accepts all rights and obligations of a Party under the Agreement. Its tasks and "
                "contributions are added to Annex B. The call allows no more than %(n)s Chinese institutions in "
                "all."
            ),
            n=max_units,
        ),
    )
