"""The agreement skeleton: clause set, numbering, cross-references, parties, choices, footer."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import lxml.html
import pytest

from generator.errors import SettingsError
from generator.render.agreement import AgreementContext, build_agreement_context
from generator.render.build import Job, build, job_input_hash, with_agreement_settings
from generator.render.html import render_html
from generator.settings import AgreementChoices, Settings, parse_settings

FIVE_PARTIES = """\
[[parties]]
role = "foreign"
name_en = "Technische Beispiel-Universität"
country = "DE"
address = "Beispielstraße 1, 10115 Berlin"
representative = "Erika Mustermann"
representative_title = "President"

[[parties]]
role = "lead"
name_en = "Example University of Technology"
name_zh = "示例理工大学"
country = "CN"
address = "1 Example Road, Beijing"
representative = "Zhang San"
representative_title = "President"

[[parties]]
role = "chinese"
name_en = "Example Institute of Materials"
name_zh = "示例材料研究所"

[[parties]]
role = "chinese"
name_en = "Example Photovoltaic Co., Ltd."
name_zh = "示例光伏股份有限公司"
country = "CN"

[[parties]]
role = "foreign"
name_en = "Example Polytechnic University"
name_zh = "示例理工大学（香港）"
country = "HK"
"""

# Every clause a contracts officer expects (DESCA, Lambert), by English and Chinese heading.
HEADINGS = {
    "Definitions": "定义",
    "Purpose and scope": "合作目的与范围",
    "Entry into force and term": "生效与期限",
    "Roles and obligations of the Parties": "各方的职责与义务",
    "Governance": "组织管理",
    "Contributions and funding": "投入与经费",
    "Background": "背景知识产权",
    "Ownership of Results": "成果归属",
    "Access rights": "使用权",
    "Publications": "成果发表",
    "Confidentiality": "保密",
    "Compliance": "合规",
    "Staff mobility and visiting researchers": "人员交流与访问学者",
    "Transfer of materials": "材料的转移",
    "Liability": "责任",
    "Force majeure": "不可抗力",
    "Defaulting Party": "违约方",
    "Withdrawal and accession": "退出与加入",
    "Notices": "通知",
    "Governing law and disputes": "适用法律与争议解决",
    "Language": "语言",
    "Final provisions": "其他条款",
}
# Sub-clauses that must exist whatever the choices: key → words its English must contain.
REQUIRED = {
    "gov-voting": "one vote",
    "def-decision": "defaulting Party",
    "liab-indirect": "indirect or consequential",
    "liab-cap": "limited to",
    "own-fallback": "non-exclusive licenses",
    "conf-exceptions": "does not apply",
    "comp-pipl": "Personal Information Protection Law",
    "comp-export": "export control and sanctions",
    "comp-bribery": "bribe",
    "comp-integrity": "research integrity",
    "mob-status": "visiting researcher",
    "mat-ownership": "material transfer agreement",
    "fm-definition": "Force majeure",
    "not-form": "Notices",
    "fin-entire": "entire agreement",
    "fin-severability": "invalid or unenforceable",
    "fin-amendments": "Amendments",
    "chg-accession": "accession form",
    "roles-no-joint-liability": "No Foreign Partner is liable",
}


def _settings(text: str) -> Settings:
    return parse_settings(text, Path("callpack.toml"))


def _context(call, settings: Settings | None = None, direction: str = "1.1", **choices) -> AgreementContext:
    parties = settings.parties if settings else ()
    return build_agreement_context(call, call.direction(direction), parties, AgreementChoices(**choices))


def _english(context: AgreementContext) -> str:
    return "\n".join(
        " ".join([item.text.en or "", *(p.en or "" for p in item.points)])
        for clause in context.clauses
        for item in clause.items
    )


def _items(context: AgreementContext) -> dict[str, str]:
    return {
        item.key: " ".join([item.text.en or "", *(p.en or "" for p in item.points)])
        for clause in context.clauses
        for item in clause.items
    }


def _html(call, settings: Settings | None = None, direction: str = "1.1") -> lxml.html.HtmlElement:
    if settings is not None:
        call = with_agreement_settings(call, settings, ["agreement"])
    return lxml.html.document_fromstring(render_html("agreement", "bilingual", call, direction).html)


# --- the clause set --------------------------------------------------------------------------


def test_every_clause_heading_in_both_languages(call):
    root = _html(call)
    headings = [" ".join(h.text_content().split()) for h in root.xpath("//section[@class='clause']/h2")]
    for number, (english, chinese) in enumerate(HEADINGS.items(), start=1):
        heading = next((h for h in headings if h.endswith(f"· {english}")), None)
        assert heading is not None, english
        assert heading.startswith(f"{number} {chinese} ·"), heading
    assert len(headings) == len(HEADINGS)


def test_required_subclauses_present(call):
    items = _items(_context(call))
    for key, words in REQUIRED.items():
        assert words in items[key], key


def test_every_subclause_has_chinese(call):
    context = _context(call, _settings(FIVE_PARTIES))
    for clause in context.clauses:
        for item in clause.items:
            for pair in (item.text, *item.points):
                assert re.search(r"[\u4e00-\u9fff]", pair.zh), (item.number, pair.zh)
                assert pair.zh != pair.en


def test_numbering_is_consecutive_and_matches_the_html(call):
    context = _context(call)
    for position, clause in enumerate(context.clauses, start=1):
        assert clause.number == str(position)
        assert [item.number for item in clause.items] == [
            f"{position}.{index}" for index in range(1, len(clause.items) + 1)
        ]
    root = _html(call)
    for clause in context.clauses:
        section = root.get_element_by_id(f"clause-{clause.number}")
        assert section.xpath("./h2/span[@class='clause-no']")[0].text == clause.number
        rows = section.xpath(".//tr")
        assert [row.get("id") for row in rows] == [f"clause-{item.number}" for item in clause.items]
        for row, item in zip(rows, clause.items, strict=True):
            numbers = [span.text for span in row.xpath(".//span[@class='clause-no']")]
            assert numbers == [item.number, item.number]  # Chinese and English cells


def test_cross_references_point_at_the_right_clause(call):
    for choices in (
        {},
        {"publication_review_days": 0},
        {"ownership": "single_owner"},
        {"disputes": "courts"},
    ):
        context = _context(call, **choices)
        assert context.references
        numbers = {item.number for clause in context.clauses for item in clause.items}
        numbers |= {clause.number for clause in context.clauses}
        for reference in context.references:
            assert reference.target_number == context.number_of(reference.target_key)
        # Every number the text cites exists, in both languages, and the two cite the same numbers.
        for clause in context.clauses:
            for item in clause.items:
                for pair in (item.text, *item.points):
                    cited_en = re.findall(r"[Cc]lauses? (\d+(?:\.\d+)?)", pair.en or "")
                    cited_en += re.findall(r"(?:,| and) (\d+(?:\.\d+)?)(?= |,|\.)", pair.en or "")
                    cited_zh = re.findall(r"第(\d+(?:\.\d+)?)条", pair.zh)
                    assert set(cited_en) <= numbers, (item.number, cited_en)
                    assert sorted(set(cited_zh)) == sorted(set(cited_en)), (item.number, pair.zh, pair.en)
    context = _context(call)
    by_key = {r.target_key: r.target_number for r in context.references}
    assert by_key["gov-voting"] == context.number_of("gov-voting")
    assert context.clauses[int(context.number_of("governance")) - 1].heading.en == "Governance"
    voting = _items(context)["def-decision"]
    assert f"clause {context.number_of('gov-voting')}" in voting


def test_references_follow_when_clauses_move(call):
    """1.2 offers alternative indicator sets: clause 2 gains a sub-clause, and references to it follow."""
    plain = _context(call, direction="1.1")
    alternatives = _context(call, direction="1.2")
    assert len(alternatives.clauses[1].items) == len(plain.clauses[1].items) + 1
    shorter = _context(call, publication_review_days=0)
    assert shorter.number_of("pub-acknowledgement") != plain.number_of("pub-acknowledgement")
    assert shorter.number_of("conf-duty") == plain.number_of("conf-duty")


# --- parties -----------------------------------------------------------------------------------


def test_five_parties_in_preamble_table_signatures_and_annexes(call):
    settings = _settings(FIVE_PARTIES)
    root = _html(call, settings)
    preamble = root.xpath("//section[@class='preamble']//table[contains(@class,'clauses')]")[0].text_content()
    parties_table = root.xpath("//table[contains(@class,'parties')]/tbody/tr")
    blocks = root.xpath("//div[contains(@class,'sig-block')]")
    assert len(parties_table) == 5 and len(blocks) == 5
    for party in settings.parties:
        assert party.name_en in preamble
        if party.name_zh:
            assert party.name_zh in preamble
        assert sum(party.name_en in block.text_content() for block in blocks) == 1
    # The lead first, then the Chinese institutions, then the foreign partners.
    order = [block.xpath("./h3")[0].text_content() for block in blocks]
    assert "Example University of Technology" in order[0]
    assert "Beispiel" in order[3] and "Polytechnic" in order[4]
    # Seals where Chinese practice uses one: the three mainland institutions.
    sealed = [block for block in blocks if "Official seal" in block.text_content()]
    assert len(sealed) == 3 and all("单位公章" in block.text_content() for block in sealed)
    for label in ("Name", "Title", "Date", "Place", "Signature of the authorized representative"):
        assert all(label in block.text_content() for block in blocks)
    assert "Zhang San" in blocks[0].text_content() and "President" in blocks[0].text_content()
    assert len(root.xpath("//div[contains(@class,'annex-party')]")) == 5
    assert not root.xpath("//*[contains(@class,'copy-row')]")
    text = root.text_content()
    assert "signed in 5 originals" in text and "一式5份" in text
    assert "Germany" in text and "德国" in text
    assert "established in the People’s Republic of China" in text and "依据中华人民共和国法律设立" in text


def test_without_settings_blank_lead_foreign_and_a_row_to_copy(call):
    root = _html(call)
    rows = root.xpath("//table[contains(@class,'parties')]/tbody/tr")
    blocks = root.xpath("//div[contains(@class,'sig-block')]")
    assert len(rows) == 3 and len(blocks) == 3
    assert rows[2].get("class") == "copy-row" and "copy-row" in blocks[2].get("class")
    assert "[Copy for each further party; delete if none]" in blocks[2].text_content()
    blanks = [b.text_content() for b in root.xpath("//span[@class='blank']")]
    assert "[Name of the lead institution]" in blanks and "[牵头单位名称]" in blanks
    assert "[Name of the foreign partner institution]" in blanks
    assert blanks.count("[●]") > 20
    # Empty signature fields are visible placeholders, not highlighted spaces.
    for block in blocks:
        for cell in block.xpath(".//td[2]"):
            assert cell.text_content().strip(), "empty signature field"


def test_obligations_follow_roles(call):
    items = _items(_context(call, _settings(FIVE_PARTIES)))
    assert (
        "Chinese Parties are responsible towards MOST for achieving the assessment indicators"
        in items["roles-chinese"]
    )
    assert "own tasks" in items["roles-foreign"] and "Annex B" in items["roles-foreign"]
    everything = "\n".join(items.values())
    assert "Parties undertake to achieve all assessment indicators" not in everything
    assert "jointly liable" not in everything
    root = _html(call, _settings(FIVE_PARTIES))
    annex = [d.text_content() for d in root.xpath("//div[contains(@class,'annex-party')]")]
    indicator_rows = ["Assessment indicators of Annex A it is responsible for" in a for a in annex]
    assert indicator_rows == [True, True, True, False, False]


def test_gdpr_follows_party_countries(call):
    eu = _items(_context(call, _settings(FIVE_PARTIES)))
    assert "Technische Beispiel-Universität" in eu["comp-gdpr"] and "(GDPR)" in eu["comp-gdpr"]
    hong_kong_only = FIVE_PARTIES.replace('country = "DE"', 'country = "US"')
    items = _items(_context(call, _settings(hong_kong_only)))
    assert "GDPR" not in "\n".join(items.values()) and "comp-transfer" in items
    uk = _items(_context(call, _settings(FIVE_PARTIES.replace('country = "DE"', 'country = "GB"'))))
    assert "UK General Data Protection Regulation" in uk["comp-uk-gdpr"] and "comp-gdpr" not in uk
    blank = _items(_context(call))
    assert "Where a Party is established in the European Union" in blank["comp-gdpr-if"]
    # A partner whose country is not given may be in the EU: the condition stays, nothing is denied.
    unknown = _items(_context(call, _settings(FIVE_PARTIES.replace('country = "DE"\n', ""))))
    assert "comp-gdpr-if" in unknown and "comp-transfer" not in unknown and "comp-gdpr" not in unknown
    assert "PIPL" not in blank["comp-pipl"] and "Personal Information Protection Law" in blank["comp-pipl"]


def _header_line(text: str, index: int) -> int:
    """The line of the `index`-th `[[parties]]` header of `text`."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line == "[[parties]]"]
    return lines[index]


EIGHT_MORE = "".join(f'\n[[parties]]\nrole = "chinese"\nname_zh = "单位{n}"\n' for n in range(8))


@pytest.mark.parametrize(
    ("mutation", "message", "header"),
    [
        # A second lead: the error points at it.
        (lambda t: t.replace('role = "chinese"', 'role = "lead"', 1), "exactly one party", 2),
        (lambda t: t.replace('role = "lead"', 'role = "chinese"'), "exactly one party", 0),
        (
            lambda t: (
                t.replace('role = "foreign"', 'role = "chinese"')
                .replace('"DE"', '"CN"')
                .replace('"HK"', '"CN"')
            ),
            "at least 1 foreign",
            -1,
        ),
        # Eleven Chinese institutions: the error points at the eleventh.
        (lambda t: t + EIGHT_MORE, "at most 10 Chinese institutions", 12),
    ],
)
def test_party_list_checked_against_the_call_before_building(
    guide, call, tmp_path, mutation, message, header
):
    text = mutation(FIVE_PARTIES)
    line = _header_line(text, header)
    settings = _settings(text)
    with pytest.raises(SettingsError) as raised:
        build(guide, tmp_path, kinds=["agreement"], formats=["html"], call=call, settings=settings)
    assert message in str(raised.value)
    assert raised.value.line == line and raised.value.exit_code == 8
    assert str(raised.value).startswith(f"callpack.toml:{line}: ")
    assert not list(tmp_path.rglob("*.html"))


def test_call_packs_build_whatever_the_parties(guide, call, tmp_path):
    settings = _settings(FIVE_PARTIES.replace('role = "lead"', 'role = "chinese"'))
    report = build(
        guide, tmp_path, kinds=["call"], langs=["en"], formats=["html"], call=call, settings=settings
    )
    assert report.jobs_built == 2


def test_ten_chinese_institutions_are_allowed(guide, call, tmp_path):
    text = FIVE_PARTIES + "".join(f'\n[[parties]]\nrole = "chinese"\nname_zh = "单位{n}"\n' for n in range(7))
    report = build(
        guide, tmp_path, kinds=["agreement"], formats=["html"], call=call, settings=_settings(text)
    )
    html = (tmp_path / "directions/1.1/1.1-agreement.bilingual.html").read_text(encoding="utf-8")
    assert report.jobs_built == 2 and html.count('class="sig-block') == 12


# --- the contracts officer's choices ------------------------------------------------------------

CHOICES = [
    (
        {"ownership": "joint"},
        "own-rule",
        "owned jointly by the Parties that contributed",
        "owned by the Party that generates",
    ),
    (
        {"ownership": "single_owner", "owner": "Example University of Technology"},
        "own-rule",
        "All Results are owned by Example University of Technology",
        "owned by the Party that generates",
    ),
    ({"exploitation_access": "royalty_free"}, "acc-exploitation", "royalty-free", "fair and reasonable"),
    (
        {"exploitation_access": "negotiated"},
        "acc-exploitation",
        "negotiated case by case",
        "fair and reasonable",
    ),
    ({"publication_review_days": 45}, "pub-notice", "at least 45 days", "at least 30 days"),
    ({"publication_review_days": 0}, "pub-notice", "without prior review", "days before submission"),
    ({"governing_law": "England and Wales"}, "disp-law", "law of England and Wales", "[[country]]"),
    ({"disputes": "courts", "courts": "Beijing"}, "disp-final", "courts of Beijing", "arbitration"),
    (
        {"arbitration_institution": "CIETAC"},
        "disp-final",
        "administered by CIETAC",
        "[[arbitration institution]]",
    ),
    ({"arbitration_seat": "Hong Kong"}, "disp-final", "seat of arbitration is Hong Kong", "[[place]]"),
    ({"language": "zh"}, "lang-versions", "the Chinese version prevails", "equally authentic"),
    ({"language": "en"}, "lang-versions", "the English version prevails", "equally authentic"),
    (
        {"liability_cap": "EUR 100,000"},
        "liab-cap",
        "limited to EUR 100,000",
        "share of the total Project budget",
    ),
    ({"confidentiality_years": 7}, "conf-duty", "for 7 years after its end", "for 5 years"),
    ({"confidentiality_years": 0}, "conf-duty", "secret during the Project, uses", "years after"),
]


@pytest.mark.parametrize(("choices", "key", "present", "absent"), CHOICES)
def test_each_choice_changes_the_text(call, choices, key, present, absent):
    default = _items(_context(call, _settings(FIVE_PARTIES)))
    chosen = _items(_context(call, _settings(FIVE_PARTIES), **choices))
    assert present in chosen[key], chosen[key]
    assert absent not in chosen[key]
    assert present not in default[key]


def test_ownership_options_keep_only_the_chosen_text(call):
    generator = _items(_context(call))
    joint = _items(_context(call, ownership="joint"))
    single = _items(_context(call, ownership="single_owner"))
    assert "own-license" in single and "own-license" not in generator and "own-license" not in joint
    assert "own-fallback" in generator and "own-fallback" in joint and "own-fallback" not in single
    assert "[[name of the owning Party]]" in single["own-rule"]


def test_chinese_twins_of_choices(call):
    context = _context(
        call,
        governing_law="the People's Republic of China",
        governing_law_zh="中华人民共和国",
        arbitration_institution="CIETAC",
        arbitration_institution_zh="中国国际经济贸易仲裁委员会",
    )
    law = next(i for c in context.clauses for i in c.items if i.key == "disp-law")
    final = next(i for c in context.clauses for i in c.items if i.key == "disp-final")
    assert "适用中华人民共和国法律" in law.text.zh and "People's Republic of China" in law.text.en
    assert "中国国际经济贸易仲裁委员会" in final.text.zh and "CIETAC" in final.text.en
    # Without a Chinese twin the Chinese column repeats the value as written, never a guess.
    plain = _context(call, governing_law="England and Wales")
    law = next(i for c in plain.clauses for i in c.items if i.key == "disp-law")
    assert "England and Wales" in law.text.zh


def test_owner_must_be_a_party():
    with pytest.raises(SettingsError, match="owner"):
        _settings(FIVE_PARTIES + '\n[agreement]\nownership = "single_owner"\nowner = "Nobody"\n')


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('owner = "Example University of Technology"', 'owner is used only with ownership = "single_owner"'),
        ('disputes = "courts"\narbitration_seat = "Beijing"', "arbitration_seat is used only with disputes"),
        ('courts = "Beijing"', 'courts is used only with disputes = "courts"'),
        ('governing_law_zh = "中华人民共和国"', "governing_law_zh is the Chinese of governing_law"),
    ],
)
def test_choices_the_text_would_ignore_are_errors(table, message):
    text = FIVE_PARTIES + "\n[agreement]\n" + table + "\n"
    with pytest.raises(SettingsError) as raised:
        _settings(text)
    assert message in str(raised.value)
    assert raised.value.line == text.splitlines().index(table.splitlines()[-1]) + 1


# --- footer and statement --------------------------------------------------------------------------


def test_no_translation_footer_but_a_not_legal_advice_statement(call):
    root = _html(call, _settings(FIVE_PARTIES))
    html = lxml.html.tostring(root, encoding="unicode")
    assert "Unofficial translation" not in html and "The Chinese text prevails" not in html
    assert "非官方译本" not in html
    note = root.find("body").get("data-footer-note")
    language = _context(call).number_of("language")
    assert "not legal advice" in note and f"clause {language}" in note and f"第{language}条" in note
    advice = root.xpath("//p[@class='agreement-advice']")[0].text_content()
    assert "not legal advice" in advice and "不构成法律意见" in advice


# --- the build hash ---------------------------------------------------------------------------


def test_settings_change_the_agreement_hash_only(call):
    settings = _settings(FIVE_PARTIES)
    with_parties = with_agreement_settings(call, settings, ["agreement"])
    other_choice = dataclasses.replace(with_parties, agreement_choices=AgreementChoices(language="zh"))
    agreement = Job("agreement", "bilingual", "1.1", ("html",))
    call_pack = Job("call", "en", "1.1", ("html",))
    hashes = {job_input_hash(agreement, c) for c in (call, with_parties, other_choice)}
    assert len(hashes) == 3
    assert len({job_input_hash(call_pack, c) for c in (call, with_parties, other_choice)}) == 1
    whole = Job("whole", "en", None, ("html",))
    assert job_input_hash(whole, call) == job_input_hash(whole, other_choice)
    # Moving a party's table in the file changes no document.
    moved = _settings("\n\n" + FIVE_PARTIES)
    assert job_input_hash(agreement, with_agreement_settings(call, moved, ["agreement"])) == job_input_hash(
        agreement, with_parties
    )


def test_limits_the_guide_does_not_state_stay_blank(call):
    silent = dataclasses.replace(
        call, conditions=dataclasses.replace(call.conditions, max_chinese_units=None, max_years=None)
    )
    stated = _items(_context(call))
    blank = _items(_context(silent))
    assert "no more than 10 Chinese institutions" in stated["chg-accession"]
    assert "no more than [[●]] Chinese institutions" in blank["chg-accession"]
    assert "no more than 3 years" in stated["term-end"] and "no more than [[●]] years" in blank["term-end"]
    context = _context(silent)
    assert all(" 10 " not in p.en for p in (*context.preamble, *context.accession) if p.en)
