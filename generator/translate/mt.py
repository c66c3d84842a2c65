"""Machine translation held to the glossary and to the numbers of the source.

For each source text: split into sentences (our own splitter, nothing fetched), protect numbers,
units, formulas, Latin tokens and approved glossary terms with placeholders, decode all unique
sentences in length-sorted batches with n-best output, rerank the hypotheses (every placeholder
back exactly once, no forbidden rendering, then model score), restore, and report every problem
that remains instead of hiding it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ..segments import split_sentences
from .engine import Engine, Hypothesis
from .protect import ProtectedText, Restored, inline_text, protect, restore, verify_inline
from .termbase import TermHit, TermIndex, forbidden_used, is_approved, term_followed

MAX_SENTENCE_CHARS = 160
BATCH_SENTENCES = 256


@dataclass
class MTResult:
    en: str
    issues: list[str] = field(default_factory=list)


@runtime_checkable
class SegmentEngine(Protocol):
    """An engine that translates whole segments itself (the `llm` engine), glossary and checks included."""

    engine_id: str

    def translate_texts(
        self,
        texts: Sequence[str],
        terms: TermIndex | None = None,
        *,
        progress: Callable[[int], None] | None = None,
        on_result: Callable[[int, MTResult], None] | None = None,
    ) -> list[MTResult]: ...


@dataclass
class _Choice:
    restored: Restored
    glossary_issues: list[str]
    score: float
    retried: str = ""  # why the sentence was decoded again

    @property
    def badness(self) -> tuple[int, int]:
        return (len(self.restored.missing) + len(self.restored.repeated), len(self.glossary_issues))


def mt_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Sentences for the decoder: the segment's sentences, long ones cut at commas."""
    pieces: list[str] = []
    for sentence in split_sentences(text) or [text]:
        if len(sentence) <= max_chars:
            pieces.append(sentence)
            continue
        current = ""
        for clause in re.split(r"(?<=[，,])", sentence):
            if current and len(current) + len(clause) > max_chars:
                pieces.append(current)
                current = ""
            current += clause
        if current:
            pieces.append(current)
    return pieces


def _forbidden(hits: Sequence[TermHit], en: str) -> list[str]:
    return [
        f"glossary: forbidden {form!r} for {hit.term.zh}"
        for hit in hits
        if hit.term.forbidden
        for form in forbidden_used(hit.term, en)
    ]


def _choose(
    protected: ProtectedText, hypotheses: Sequence[Hypothesis], hits: Sequence[TermHit], inline: bool = False
) -> _Choice:
    """The best hypothesis: every placeholder back once, then no forbidden rendering, then model score.

    Approved terms were protected, so a restored placeholder guarantees their approved English;
    only terms whose placeholder was lost (and unprotected proposed terms) need the full check.
    """
    best: _Choice | None = None
    best_key: tuple[int, int, float] | None = None
    for hypothesis in hypotheses:
        restored = (
            verify_inline(hypothesis.text, protected) if inline else restore(hypothesis.text, protected)
        )
        forbidden = _forbidden(hits, restored.en)
        key = (len(restored.missing) + len(restored.repeated), len(forbidden), -hypothesis.score)
        if best_key is None or key < best_key:
            best, best_key = _Choice(restored, forbidden, hypothesis.score), key
    if best is None:
        return _Choice(Restored("", [], []), ["mt: the engine returned no hypothesis"], 0.0)
    lost_terms = {span.term_zh for span in best.restored.missing if span.term_zh}
    for hit in hits:
        unprotected = hit.term.zh in lost_terms or not is_approved(hit.term)
        if unprotected and is_approved(hit.term) and not term_followed(hit.term, best.restored.en):
            best.glossary_issues.append(f"glossary: {hit.term.zh} → {hit.term.en!r} missing")
    return best


def _issues(choice: _Choice) -> list[str]:
    retried = [f"mt: {choice.retried}; decoded again with the English inline"] if choice.retried else []
    issues = retried + [
        f"mt: placeholder for {span.kind} {span.zh!r} lost" for span in choice.restored.missing
    ]
    issues += [f"mt: placeholder for {span.kind} {span.zh!r} repeated" for span in choice.restored.repeated]
    if not choice.restored.en:
        issues.append("mt: empty output")
    return issues + choice.glossary_issues


def _suppressed_forms(sentences: Sequence[str], terms: TermIndex | None) -> list[str]:
    """Forbidden renderings of the terms in `sentences` that the model sees as Chinese.

    Approved terms reach the model as placeholders, so it cannot render them wrongly: suppressing
    their forbidden forms too cost more than half the decoding time (every suppressed sequence is
    checked at every step) for nothing. Proposed and deprecated entries stay suppressed; the
    rerank, the retry and QA still check every forbidden rendering.
    """
    forms: list[str] = []
    if terms is not None:
        for sentence in sentences:
            for hit in terms.find(sentence, include_deprecated=True):
                if not is_approved(hit.term):
                    forms.extend(f for f in hit.term.forbidden if f not in forms)
    return forms


def _decode_batches(
    sources: dict[str, list[str]],
    protected: dict[str, ProtectedText],
    engine: Engine,
    terms: TermIndex | None,
    num_hypotheses: int,
    *,
    inline: bool = False,
) -> Iterator[dict[str, _Choice]]:
    """Decode each distinct input once, longest first so batches hold sentences of similar length.

    `sources` maps a model input to the sentences it stands for; yields each batch's choice per sentence.
    """
    inputs = sorted(sources, key=len, reverse=True)
    for start in range(0, len(inputs), BATCH_SENTENCES):
        batch = inputs[start : start + BATCH_SENTENCES]
        suppress = _suppressed_forms([s for text in batch for s in sources[text]], terms)
        outputs = engine.translate(batch, num_hypotheses=num_hypotheses, suppress=suppress)
        choices: dict[str, _Choice] = {}
        for text, hypotheses in zip(batch, outputs, strict=True):
            for sentence in sources[text]:
                hits = terms.find(sentence) if terms is not None else []
                choices[sentence] = _choose(protected[sentence], hypotheses, hits, inline=inline)
        yield choices


def _retry_inline(
    chosen: dict[str, _Choice],
    protected: dict[str, ProtectedText],
    engine: Engine,
    terms: TermIndex | None,
    num_hypotheses: int,
) -> None:
    failed = [sentence for sentence, choice in chosen.items() if choice.badness != (0, 0)]
    by_input: dict[str, list[str]] = {}
    for sentence in failed:
        by_input.setdefault(inline_text(protected[sentence]), []).append(sentence)
    for choices in _decode_batches(by_input, protected, engine, terms, num_hypotheses, inline=True):
        for sentence, retry in choices.items():
            first = chosen[sentence]
            if retry.badness < first.badness:
                retry.retried = "placeholders lost" if first.badness[0] else "forbidden rendering"
                chosen[sentence] = retry


def translate_texts(
    texts: Sequence[str],
    engine: Engine,
    terms: TermIndex | None = None,
    *,
    num_hypotheses: int = 1,
    progress: Callable[[int], None] | None = None,
    retry_inline: bool = True,
    retry_hypotheses: int = 4,
) -> list[MTResult]:
    """Translate `texts` (Chinese segments) with `engine`; one result per text, in order.

    `progress` is called with the number of texts finished after each batch. With `retry_inline`,
    sentences whose placeholders the model lost (or that hold a forbidden rendering) are decoded
    again with the English of each span written inline and `retry_hypotheses` hypotheses to choose
    from, and the better of the two results is kept (the retry is reported as an issue). The first
    pass asks for `num_hypotheses` (1: an n-best list makes beam search run until that many
    hypotheses have finished, about 1.5× the time, for the few sentences the retry handles).
    """
    plans: list[list[str]] = [mt_sentences(text) for text in texts]
    protected: dict[str, ProtectedText] = {}
    for sentences in plans:
        for sentence in sentences:
            if sentence not in protected:
                protected[sentence] = protect(sentence, terms)
    # Sentences that protect to the same model input are decoded once.
    by_input: dict[str, list[str]] = {}
    for sentence, item in protected.items():
        by_input.setdefault(item.text, []).append(sentence)
    chosen: dict[str, _Choice] = {}
    done_sentences: set[str] = set()
    remaining = [set(sentences) for sentences in plans]
    finished = 0
    for choices in _decode_batches(by_input, protected, engine, terms, num_hypotheses):
        chosen.update(choices)
        done_sentences.update(choices)
        if progress is not None:
            newly = 0
            for index, pending in enumerate(remaining):
                if pending and pending <= done_sentences:
                    remaining[index] = set()
                    newly += 1
            finished += newly
            progress(finished)
    if retry_inline:
        _retry_inline(chosen, protected, engine, terms, retry_hypotheses)
    results: list[MTResult] = []
    for sentences in plans:
        english = " ".join(chosen[s].restored.en for s in sentences if chosen[s].restored.en)
        issues: list[str] = []
        for sentence in sentences:
            issues.extend(_issues(chosen[sentence]))
        results.append(MTResult(english, issues))
    return results
