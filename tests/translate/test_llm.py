"""The `llm` engine against a real HTTP server on 127.0.0.1 that speaks chat completions deterministically."""

from __future__ import annotations

import dataclasses
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from generator.errors import TranslationError
from generator.segments import Provenance
from generator.settings import LlmSettings
from generator.translate.llm import LlmEngine, parse_reply
from generator.translate.pipeline import translate_segments
from generator.translate.qa import check_segment
from generator.translate.store import TranslationMemory
from generator.translate.termbase import TermIndex
from generator.translate.testing import ChatServerScript, chat_server, fake_translation

TEXTS = [
    "研制面积>1000 cm²的钙钛矿太阳能电池原型。",
    "效率≥20%，申请发明专利≥5项。",
    "项目由企业牵头申报。",
    "构筑柔性光电储一体化器件。",
]


def settings(url: str, **changes: Any) -> LlmSettings:
    base = LlmSettings(
        base_url=url, model="fixture-llm", batch_size=2, concurrency=2, backoff=0.01, timeout=5
    )
    return dataclasses.replace(base, **changes)


def segments_sent(request: dict[str, Any]) -> list[dict[str, Any]]:
    return json.loads(request["messages"][-1]["content"])["segments"]


def test_clean_run_sends_register_terms_and_placeholders(terms: TermIndex) -> None:
    with chat_server() as (url, script):
        results = LlmEngine(settings(url)).translate_texts(TEXTS, terms)
    assert [r.issues for r in results] == [[], [], [], []]
    assert results[0].en == "text > 1000 cm² text perovskite solar cell text"
    assert results[1].en == "text ≥ 20% text ≥ 5 text"
    assert len(script.requests) == 2
    # Two batches in flight at once: either may arrive first.
    first = next(r for r in script.requests if segments_sent(r)[0]["id"] == "0")
    assert "research funding call" in first["messages"][0]["content"]
    assert first["response_format"]["type"] == "json_schema"
    assert first["temperature"] == 0.0
    sent = segments_sent(first)
    assert sent[0]["zh"] == "研制面积ZXA的钙钛矿太阳能电池原型。"
    assert sent[0]["terms"] == {"钙钛矿太阳能电池": "perovskite solar cell"}
    assert sent[0]["placeholders"] == ["ZXA"]
    assert "terms" not in sent[1]  # only the pairs that occur in the segment


def test_malformed_json_is_retried(terms: TermIndex) -> None:
    with chat_server(ChatServerScript(malformed=1)) as (url, script):
        results = LlmEngine(settings(url, concurrency=1)).translate_texts(TEXTS[:2], terms)
    assert all(r.en and not r.issues for r in results)
    assert len(script.requests) == 2
    assert segments_sent(script.requests[1])[0]["fix"] == ["the reply was not valid JSON (Expecting value)"]


def test_dropped_placeholder_retried_alone_with_the_finding_stated(terms: TermIndex) -> None:
    with chat_server(ChatServerScript(drop_placeholder=1)) as (url, script):
        results = LlmEngine(settings(url, batch_size=4)).translate_texts(TEXTS, terms)
    assert all(r.en and not r.issues for r in results)
    assert len(script.requests) == 2
    retried = segments_sent(script.requests[1])
    # Segments 0 and 1 have placeholders; 2 and 3 were accepted on the first attempt.
    assert [s["id"] for s in retried] == ["0", "1"]
    assert retried[0]["fix"] == ["the placeholder ZXA (>1000 cm²) is missing"]
    assert "previous_attempt" in retried[0]


def test_missing_id_is_retried(terms: TermIndex) -> None:
    with chat_server(ChatServerScript(missing_id=1)) as (url, script):
        results = LlmEngine(settings(url, concurrency=1)).translate_texts(TEXTS[:2], terms)
    assert all(r.en and not r.issues for r in results)
    [resent] = segments_sent(script.requests[1])
    assert resent["id"] == "1" and resent["fix"] == ["the reply had no translation for this id"]


def test_persistent_failure_becomes_a_flagged_draft(terms: TermIndex) -> None:
    with chat_server(ChatServerScript(always_drop=True)) as (url, script):
        [result] = LlmEngine(settings(url, max_retries=2)).translate_texts(TEXTS[:1], terms)
    assert len(script.requests) == 3
    assert result.en == "text text perovskite solar cell text"
    assert result.issues == [
        "mt: llm: still failing after 3 attempts",
        "mt: llm: the placeholder ZXA (>1000 cm²) is missing",
    ]


def test_chinese_left_is_a_finding_and_fixed_on_retry(terms: TermIndex) -> None:
    with chat_server(ChatServerScript(chinese=1)) as (url, script):
        [result] = LlmEngine(settings(url)).translate_texts(TEXTS[2:3], terms)
    assert result.issues == [] and "中" not in result.en
    assert segments_sent(script.requests[1])[0]["fix"] == ["Chinese left in the English: 中"]


def test_server_error_retried_with_backoff() -> None:
    with chat_server(ChatServerScript(errors=2)) as (url, script):
        [result] = LlmEngine(settings(url, max_retries=2)).translate_texts(TEXTS[2:3])
    assert result.en == "text" and len(script.requests) == 3


def test_server_error_after_the_retries_names_the_url() -> None:
    error = r"127\.0\.0\.1.*/chat/completions.*HTTP 500"
    with (
        chat_server(ChatServerScript(errors=5)) as (url, script),
        pytest.raises(TranslationError, match=error),
    ):
        LlmEngine(settings(url, max_retries=1)).translate_texts(TEXTS[2:3])
    assert len(script.requests) == 2


def test_slow_reply_times_out_then_succeeds() -> None:
    with chat_server(ChatServerScript(slow=1, slow_seconds=4.0)) as (url, script):
        [result] = LlmEngine(settings(url, timeout=1.0)).translate_texts(TEXTS[2:3])
    assert result.en == "text" and len(script.requests) == 2


def test_slow_server_fails_with_the_timeout_named() -> None:
    slow = ChatServerScript(slow=9, slow_seconds=1.0)
    with chat_server(slow) as (url, _), pytest.raises(TranslationError, match=r"no reply within 0.2 s"):
        LlmEngine(settings(url, timeout=0.2, max_retries=1)).translate_texts(TEXTS[2:3])


def test_endpoint_down_names_the_url() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(
        TranslationError, match=rf"127\.0\.0\.1:{port}/v1/chat/completions.*is the server running"
    ):
        LlmEngine(settings(url, max_retries=1)).translate_texts(TEXTS[2:3])


def test_missing_model_names_model_and_url() -> None:
    with (
        chat_server() as (url, script),
        pytest.raises(
            TranslationError, match=r"/chat/completions: HTTP 404 — model 'no-such-model' not found"
        ),
    ):
        LlmEngine(settings(url, model="no-such-model")).translate_texts(TEXTS[2:3])
    assert len(script.requests) == 1  # not transient: no retries


def test_empty_model_name_is_refused() -> None:
    with pytest.raises(TranslationError, match=r"\[mt.llm\] model is empty"):
        LlmEngine(LlmSettings())


def test_api_key_only_from_the_named_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIXTURE_LLM_KEY", "secret-123")
    with chat_server() as (url, _):
        engine = LlmEngine(settings(url, api_key_env="FIXTURE_LLM_KEY"))
        assert engine.client.headers["Authorization"] == "Bearer secret-123"
        assert "secret-123" not in engine.engine_id


def test_concurrency_is_bounded() -> None:
    texts = [f"第{n}项任务。" for n in range(12)]
    with chat_server(ChatServerScript(latency=0.3)) as (url, script):
        results = LlmEngine(settings(url, batch_size=1, concurrency=3)).translate_texts(texts)
    assert all(r.en for r in results)
    assert script.max_in_flight == 3


def test_results_arrive_in_order_with_progress() -> None:
    seen: list[int] = []
    progress: list[int] = []
    with chat_server() as (url, _):
        results = LlmEngine(settings(url, batch_size=1)).translate_texts(
            TEXTS, progress=progress.append, on_result=lambda index, result: seen.append(index)
        )
    assert sorted(seen) == [0, 1, 2, 3] and progress[-1] == 4
    assert results[3].en == fake_translation({"zh": "构筑柔性光电储一体化器件。"})


def test_parse_reply_is_strict() -> None:
    assert parse_reply('{"translations": [{"id": "a", "en": "A"}]}', ["a"]) == ({"a": "A"}, {})
    assert parse_reply("[]", ["a"])[1] == {"a": 'the reply was not {"translations": [...]}'}
    twice = '{"translations": [{"id": "a", "en": "A"}, {"id": "a", "en": "B"}]}'
    assert parse_reply(twice, ["a"]) == ({}, {"a": "the reply had two translations for this id"})
    wrapped = '```json\n{"translations": [{"id": "a", "en": "A"}]}\n```'
    assert parse_reply(wrapped, ["a"])[0] == {}
    assert parse_reply('{"translations": [{"id": "b", "en": 3}]}', ["a"])[1] == {
        "a": "the reply had no translation for this id"
    }


def test_verification_catches_terms_and_forbidden_renderings(terms: TermIndex) -> None:
    from generator.translate.llm import verify

    engine_item = LlmEngine(settings("http://127.0.0.1:9/v1"))._item(
        "0", "钙钛矿太阳能电池的库伦效率。", terms
    )
    en, findings = verify(engine_item, "The coulomb efficiency of the perovskite solar battery.")
    assert "钙钛矿太阳能电池 must be rendered as 'perovskite solar cell'" in findings
    assert (
        "forbidden rendering 'perovskite solar battery' for 钙钛矿太阳能电池 (use 'perovskite solar cell')"
        in findings
    )
    assert any(f.startswith("forbidden rendering 'coulomb efficiency'") for f in findings)
    assert verify(engine_item, "The Coulombic efficiency of the perovskite solar cell.")[1] == []


# -- in the pipeline -----------------------------------------------------------------------------


def test_pipeline_stores_drafts_with_provenance_and_flags_failures(
    mini_guide: Any, terms: TermIndex, isolated_state: Path
) -> None:
    from generator.translate.pipeline import select_segments

    segments = select_segments(mini_guide)
    with (
        chat_server(ChatServerScript(always_drop=True)) as (url, script),
        TranslationMemory(isolated_state / "m.sqlite") as memory,
    ):
        engine = LlmEngine(settings(url, max_retries=1))
        result = translate_segments(segments, memory, engine=engine, terms=terms)
        first_requests = len(script.requests)
        assert first_requests > 0
        by_id = result.by_id()
        mt = [s for s in segments if by_id[s.id].provenance == Provenance.MT]
        assert mt and result.engine_id == engine.engine_id and engine.engine_id.startswith("llm:fixture-llm:")
        flagged = [s for s in mt if "llm: still failing" in (by_id[s.id].note or "")]
        assert flagged  # segments with placeholders: the server always drops one
        for segment in flagged:
            checks = {f.check for f in check_segment(segment, by_id[segment.id], terms)}
            assert "mt" in checks and "numbers" in checks
        # The rerun with the same engine, model and settings costs nothing.
        again = translate_segments(
            segments, memory, engine=LlmEngine(settings(url, max_retries=1)), terms=terms
        )
        assert len(script.requests) == first_requests
        assert again.mt_cached == again.mt_segments == result.mt_segments


def test_interrupted_run_resumes_where_it_stopped(mini_guide: Any, isolated_state: Path) -> None:
    from generator.translate.pipeline import select_segments

    segments = select_segments(mini_guide)
    one_at_a_time = {"batch_size": 1, "concurrency": 1, "max_retries": 0}
    with TranslationMemory(isolated_state / "m.sqlite") as memory:
        failing = ChatServerScript(fail_after=3)
        with chat_server(failing) as (url, _), pytest.raises(TranslationError, match="HTTP 503"):
            translate_segments(segments, memory, engine=LlmEngine(settings(url, **one_at_a_time)))
        with chat_server() as (url2, script):
            result = translate_segments(segments, memory, engine=LlmEngine(settings(url2, **one_at_a_time)))
    assert result.mt_cached == 3
    assert len(script.requests) == result.mt_segments - 3


@pytest.mark.parametrize(("choice", "expected"), [("json_object", {"type": "json_object"}), ("none", None)])
def test_response_format_for_servers_without_schemas(choice: str, expected: dict[str, str] | None) -> None:
    with chat_server() as (url, script):
        [result] = LlmEngine(settings(url, response_format=choice)).translate_texts(TEXTS[2:3])
    assert result.en == "text"
    assert script.requests[0].get("response_format") == expected


def test_settings_validate_the_llm_table(tmp_path: Path) -> None:
    from generator.errors import SettingsError
    from generator.settings import read_settings

    path = tmp_path / "callpack.toml"
    path.write_text(
        '[mt.llm]\nmodel = "m"\nbackoff = 0.5\nresponse_format = "json_object"\n', encoding="utf-8"
    )
    llm = read_settings(path).mt.llm
    assert (llm.backoff, llm.response_format) == (0.5, "json_object")
    path.write_text('[mt.llm]\nresponse_format = "xml"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"callpack.toml:2.*xml"):
        read_settings(path)
