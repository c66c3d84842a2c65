"""Machine translation held to the glossary and to the numbers of the source.

For each source text: split into sentences (our own splitter, nothing fetched), protect numbers,
units, formulas, Latin tokens and approved glossary terms with placeholders, decode all unique
sentences in length-sorted batches with n-best output, rerank the hypotheses (every placeholder
back exactly once, no forbidden rendering, then model score), restore, and report every problem
that remains instead of hiding it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..segments import split_sentences
from .engine import Engine, Hypothesis
from .protect import ProtectedText, Restored, protect, restore
from .termbase import TermIndex, forbidden_used, term_followed

MAX_SENTENCE_CHARS = 160
BATCH_SENTENCES = 64


@dataclass
class MTResult:
    en: str
    issues: list[str] = field(default_factory=list)


@dataclass
class _Choice:
    restored: Restored
    glossary_issues: list[str]
    score: float


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


def _glossary_issues(zh: str, en: str, terms: TermIndex | None) -> list[str]:
    if terms is None:
        return []
    issues = []
    for hit in terms.find(zh):
        term = hit.term
        if term.status == "approved" and not term_followed(term, en):
            issues.append(f"glossary: {term.zh} → {term.en!r} missing")
        for form in forbidden_used(term, en):
            issues.append(f"glossary: forbidden {form!r} for {term.zh}")
    return issues


def _choose(
    zh: str, protected: ProtectedText, hypotheses: Sequence[Hypothesis], terms: TermIndex | None
) -> _Choice:
    best: _Choice | None = None
    best_key: tuple[int, int, float] | None = None
    for hypothesis in hypotheses:
        restored = restore(hypothesis.text, protected)
        issues = _glossary_issues(zh, restored.en, terms)
        key = (len(restored.missing) + len(restored.repeated), len(issues), -hypothesis.score)
        if best_key is None or key < best_key:
            best, best_key = _Choice(restored, issues, hypothesis.score), key
    if best is None:
        return _Choice(Restored("", [], []), ["mt: the engine returned no hypothesis"], 0.0)
    return best


def _issues(choice: _Choice) -> list[str]:
    issues = [f"mt: placeholder for {span.kind} {span.zh!r} lost" for span in choice.restored.missing]
    issues += [f"mt: placeholder for {span.kind} {span.zh!r} repeated" for span in choice.restored.repeated]
    if not choice.restored.en:
        issues.append("mt: empty output")
    return issues + choice.glossary_issues


def translate_texts(
    texts: Sequence[str],
    engine: Engine,
    terms: TermIndex | None = None,
    *,
    num_hypotheses: int = 4,
    progress: Callable[[int], None] | None = None,
) -> list[MTResult]:
    """Translate `texts` (Chinese segments) with `engine`; one result per text, in order.

    `progress` is called with the number of texts finished after each batch.
    """
    plans: list[list[str]] = [mt_sentences(text) for text in texts]
    protected: dict[str, ProtectedText] = {}
    for sentences in plans:
        for sentence in sentences:
            if sentence not in protected:
                protected[sentence] = protect(sentence, terms)
    # Unique protected inputs, longest first so batches hold sentences of similar length.
    by_input: dict[str, list[str]] = {}
    for sentence, item in protected.items():
        by_input.setdefault(item.text, []).append(sentence)
    inputs = sorted(by_input, key=len, reverse=True)
    chosen: dict[str, _Choice] = {}
    done_sentences: set[str] = set()
    remaining = [set(sentences) for sentences in plans]
    finished = 0
    for start in range(0, len(inputs), BATCH_SENTENCES):
        batch = inputs[start : start + BATCH_SENTENCES]
        suppress: list[str] = []
        if terms is not None:
            for text in batch:
                for sentence in by_input[text]:
                    for hit in terms.find(sentence, include_deprecated=True):
                        suppress.extend(f for f in hit.term.forbidden if f not in suppress)
        outputs = engine.translate(batch, num_hypotheses=num_hypotheses, suppress=suppress)
        for text, hypotheses in zip(batch, outputs, strict=True):
            for sentence in by_input[text]:
                chosen[sentence] = _choose(sentence, protected[sentence], hypotheses, terms)
                done_sentences.add(sentence)
        if progress is not None:
            newly = 0
            for index, pending in enumerate(remaining):
                if pending and pending <= done_sentences:
                    remaining[index] = set()
                    newly += 1
            finished += newly
            progress(finished)
    results: list[MTResult] = []
    for text, sentences in zip(texts, plans, strict=True):
        english = " ".join(chosen[s].restored.en for s in sentences if chosen[s].restored.en)
        issues: list[str] = []
        for sentence in sentences:
            issues.extend(_issues(chosen[sentence]))
        # Glossary check on the whole segment too: a term may straddle a sentence cut.
        for issue in _glossary_issues(text, english, terms):
            if issue not in issues:
                issues.append(issue)
        results.append(MTResult(english, issues))
    return results
