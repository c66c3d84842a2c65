"""The `llm` engine: an OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp, vLLM, LM Studio).

Segments go in batches, each with an instruction that fixes the register (a research funding
call), the approved termbase pairs that occur in its segments, and its numbers, units, formulas and
Latin tokens replaced by placeholders. The reply must be a JSON object with one translation per
segment id; it is parsed strictly and every translation is verified (placeholders back exactly
once, numbers equal, no Chinese left, approved terms present, forbidden renderings absent). Only
the failures are sent again, with the finding stated, up to `max_retries` times; what still fails
is returned with its findings (an MT draft that QA flags) or empty (left untranslated).

Transport: bounded concurrency (one thread per request in flight), a timeout per request, retries
with exponential backoff on transient errors (connection refused, timeouts, 429, 5xx), and a clear
error naming the URL when the endpoint is down or the model is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..errors import TranslationError
from ..settings import LlmSettings
from .mt import MTResult
from .numbers import number_difference
from .protect import PLACEHOLDER_RE, ProtectedText, protect, restore
from .termbase import TermEntry, TermIndex, forbidden_used, is_approved, term_followed
from .text import cjk_characters

# Part of the cache key: a new instruction gives other output.
PROMPT_VERSION = "1"
TRANSIENT_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}

SYSTEM_PROMPT = """\
You translate a Chinese research funding call (a call for proposals of a national key R&D \
programme) into English for foreign research partners. Write formal, precise English as used in \
official funding calls: "shall" for obligations, the imperative for research tasks, no \
paraphrase, nothing added or left out.

Rules:
- Tokens of the form ZXA, ZXB, …, ZXAA, … stand for numbers, units, formulas and names. Copy each one \
exactly once into the English, where it belongs; never translate, change or drop them.
- Where a segment lists terms, use exactly the given English for each Chinese term.
- Translate every segment separately. Leave no Chinese characters in the English.

Reply with a JSON object only: {"translations": [{"id": "<segment id>", "en": "<English>"}, …]}, \
one entry for every segment id you were given and no other."""

RESPONSE_SCHEMA = {
    "type": "object",
    "properties": {
        "translations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
                "required": ["id", "en"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["translations"],
    "additionalProperties": False,
}


@dataclass
class _Item:
    """One segment on its way through the endpoint."""

    id: str
    zh: str
    protected: ProtectedText
    terms: list[TermEntry]
    forbidden: list[TermEntry]
    # The best translation so far and what is wrong with it.
    en: str = ""
    findings: list[str] = field(default_factory=list)
    attempts: int = 0
    done: bool = False


def endpoint_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/chat/completions"


def verify(item: _Item, reply: str) -> tuple[str, list[str]]:
    """The restored English of `reply` and what is wrong with it (empty: accepted)."""
    restored = restore(reply, item.protected)
    en = restored.en
    findings = [f"the placeholder {span.placeholder} ({span.zh}) is missing" for span in restored.missing]
    findings += [f"the placeholder {span.placeholder} appears more than once" for span in restored.repeated]
    leftovers = sorted({"ZX" + p.upper() for p in PLACEHOLDER_RE.findall(en)})
    if leftovers:
        findings.append(f"unknown placeholder(s) {', '.join(leftovers)}")
    if not restored.missing:
        missing, extra = number_difference(item.zh, en)
        if missing:
            findings.append(f"numbers missing: {', '.join(missing)}")
        if extra:
            findings.append(f"numbers added: {', '.join(extra)}")
    cjk = cjk_characters(en)
    if cjk:
        findings.append("Chinese left in the English: " + "".join(dict.fromkeys(cjk)))
    for entry in item.terms:
        if not term_followed(entry, en):
            findings.append(f"{entry.zh} must be rendered as {entry.en!r}")
    for entry in item.forbidden:
        for form in forbidden_used(entry, en):
            findings.append(f"forbidden rendering {form!r} for {entry.zh} (use {entry.en!r})")
    if not en.strip():
        findings.append("empty translation")
    return en, findings


def parse_reply(content: str, ids: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Translations by id from a reply, and a finding per id that has none (strict: no guessing).

    A reply that is not one JSON object of the documented shape gives a finding for every id.
    """
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        return {}, {i: f"the reply was not valid JSON ({error.msg})" for i in ids}
    entries = data.get("translations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return {}, {i: 'the reply was not {"translations": [...]}' for i in ids}
    found: dict[str, str] = {}
    problems: dict[str, str] = {}
    wanted = set(ids)
    for entry in entries:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("id"), str)
            or not isinstance(entry.get("en"), str)
        ):
            continue
        key = entry["id"]
        if key not in wanted:
            continue
        if key in found:
            problems[key] = "the reply had two translations for this id"
            continue
        found[key] = entry["en"]
    for key in problems:
        found.pop(key, None)
    for key in ids:
        if key not in found and key not in problems:
            problems[key] = "the reply had no translation for this id"
    return found, problems


def _user_message(items: Sequence[_Item]) -> str:
    segments = []
    for item in items:
        segment: dict[str, Any] = {"id": item.id, "zh": item.protected.text}
        if item.terms:
            segment["terms"] = {entry.zh: entry.en for entry in item.terms}
        if item.protected.spans:
            segment["placeholders"] = [span.placeholder for span in item.protected.spans]
        if item.findings and item.en:
            segment["previous_attempt"] = item.en
        if item.findings:
            segment["fix"] = item.findings
        segments.append(segment)
    return json.dumps({"segments": segments}, ensure_ascii=False)


class LlmEngine:
    """Translates whole segments through a chat-completions endpoint (see the module docstring)."""

    def __init__(self, settings: LlmSettings, *, client: httpx.Client | None = None) -> None:
        if not settings.model:
            raise TranslationError(
                '[mt.llm] model is empty: name the model the server runs (e.g. model = "qwen2.5:14b-instruct")'
            )
        self.settings = settings
        self.url = endpoint_url(settings.base_url)
        key = os.environ.get(settings.api_key_env, "")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = client or httpx.Client(
            timeout=settings.timeout,
            headers=headers,
            limits=httpx.Limits(max_connections=settings.concurrency),
        )
        fingerprint = hashlib.sha256(
            json.dumps(
                [PROMPT_VERSION, settings.temperature, settings.response_format, settings.batch_size]
            ).encode()
        ).hexdigest()[:10]
        # The model and the settings that change its output; not the URL (the same model served elsewhere).
        self.engine_id = f"llm:{settings.model}:{fingerprint}"
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    # -- transport -------------------------------------------------------------------------------

    def _body(self, items: Sequence[_Item]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.settings.model,
            "temperature": self.settings.temperature,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": _user_message(items)},
            ],
        }
        if self.settings.response_format == "json_object":
            body["response_format"] = {"type": "json_object"}
        elif self.settings.response_format == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "translations", "strict": True, "schema": RESPONSE_SCHEMA},
            }
        return body

    def _post(self, body: dict[str, Any]) -> str:
        """The reply's message content; transient errors retried with backoff, others raised."""
        last = ""
        for attempt in range(self.settings.max_retries + 1):
            if attempt:
                time.sleep(self.settings.backoff * 2 ** (attempt - 1))
            self.requests += 1
            try:
                response = self.client.post(self.url, json=body)
            except httpx.TimeoutException:
                last = f"no reply within {self.settings.timeout:g} s ([mt.llm] timeout)"
                continue
            except httpx.TransportError as error:
                last = f"cannot connect ({error}); is the server running?"
                continue
            if response.status_code in TRANSIENT_STATUS:
                last = f"HTTP {response.status_code}: {_excerpt(response.text)}"
                continue
            if response.status_code == 404:
                raise TranslationError(
                    f"{self.url}: HTTP 404 — model {self.settings.model!r} not found or no chat-completions "
                    f"endpoint here ({_excerpt(response.text)}); pull the model into the server or fix "
                    "[mt.llm] base_url/model"
                )
            if response.status_code in (401, 403):
                raise TranslationError(
                    f"{self.url}: HTTP {response.status_code} — the server refused the API key "
                    f"(read from the environment variable {self.settings.api_key_env})"
                )
            if response.status_code >= 400:
                raise TranslationError(f"{self.url}: HTTP {response.status_code}: {_excerpt(response.text)}")
            try:
                content = response.json()["choices"][0]["message"]["content"]
            except (ValueError, KeyError, IndexError, TypeError):
                return ""  # parsed as a reply without translations: the items are retried
            return content if isinstance(content, str) else ""
        raise TranslationError(
            f"the LLM endpoint {self.url} failed after {self.settings.max_retries + 1} attempt(s): {last}"
        )

    # -- one batch -------------------------------------------------------------------------------

    def _run_batch(self, items: list[_Item]) -> list[_Item]:
        """Send `items` until each is accepted or out of retries; returns them."""
        pending = items
        for _ in range(self.settings.max_retries + 1):
            if not pending:
                break
            content = self._post(self._body(pending))
            found, problems = parse_reply(content, [item.id for item in pending])
            still: list[_Item] = []
            for item in pending:
                item.attempts += 1
                if item.id in found:
                    en, findings = verify(item, found[item.id])
                    # Keep the better of this attempt and the previous one.
                    if not item.en or len(findings) <= len(item.findings):
                        item.en, item.findings = en, findings
                    else:
                        item.findings = findings
                elif not item.en:
                    item.findings = [problems[item.id]]
                if item.en and not item.findings:
                    item.done = True
                else:
                    still.append(item)
            pending = still
        return items

    # -- the engine ------------------------------------------------------------------------------

    def translate_texts(
        self,
        texts: Sequence[str],
        terms: TermIndex | None = None,
        *,
        progress: Callable[[int], None] | None = None,
        on_result: Callable[[int, MTResult], None] | None = None,
    ) -> list[MTResult]:
        """One result per text, in order. `on_result(index, result)` is called as results arrive
        (in this thread), so the caller can store them before the run ends."""
        items = [self._item(str(number), text, terms) for number, text in enumerate(texts)]
        batches = [
            items[start : start + self.settings.batch_size]
            for start in range(0, len(items), self.settings.batch_size)
        ]
        results: list[MTResult | None] = [None] * len(items)
        finished = 0
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            running: set[Future[list[_Item]]] = {pool.submit(self._run_batch, batch) for batch in batches}
            failure: BaseException | None = None
            while running and failure is None:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                # Store every finished batch before reporting a failed one: nothing done is lost.
                for future in done:
                    error = future.exception()
                    if error is not None:
                        failure = failure or error
                        continue
                    for item in future.result():
                        result = _result(item)
                        index = int(item.id)
                        results[index] = result
                        if on_result is not None:
                            on_result(index, result)
                        finished += 1
                    if progress is not None:
                        progress(finished)
            if failure is not None:
                for future in running:
                    future.cancel()
                raise failure
        return [result if result is not None else MTResult("", []) for result in results]

    def _item(self, key: str, text: str, terms: TermIndex | None) -> _Item:
        # Terms are given as pairs, not hidden behind placeholders: the model inflects them.
        protected = protect(text, None)
        hits = terms.find(text, include_deprecated=True) if terms is not None else []
        approved = list({hit.term.zh: hit.term for hit in hits if is_approved(hit.term)}.values())
        forbidden = list({hit.term.zh: hit.term for hit in hits if hit.term.forbidden}.values())
        return _Item(key, text, protected, approved, forbidden)


def _result(item: _Item) -> MTResult:
    if item.done:
        return MTResult(item.en, [])
    issues = [f"mt: llm: {finding}" for finding in item.findings]
    if item.attempts > 1:
        issues.insert(0, f"mt: llm: still failing after {item.attempts} attempts")
    return MTResult(item.en, issues)


def _excerpt(text: str, limit: int = 200) -> str:
    """A bounded, single-line piece of a server's reply for an error message."""
    flat = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    return flat[:limit] + ("…" if len(flat) > limit else "")
