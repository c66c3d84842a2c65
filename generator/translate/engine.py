"""MT engines: a CTranslate2 + sentencepiece runner for every model family, behind a small protocol.

The protocol is text in, n-best text out, so that the placeholder and glossary logic in `mt.py`
works the same with the real model and with the deterministic fake engine of the tests. The
family's conventions (language tokens, end of sentence, target prefix) come from `Ct2Model`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import TranslationError
from .models import ArgosPackage, Ct2Model


@dataclass(frozen=True)
class Hypothesis:
    text: str
    score: float


class Engine(Protocol):
    engine_id: str

    def translate(
        self, sentences: Sequence[str], *, num_hypotheses: int = 1, suppress: Sequence[str] = ()
    ) -> list[list[Hypothesis]]:
        """n-best English for each sentence, best first."""
        ...


def _usable_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's core count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no CPU affinity call
        return os.cpu_count() or 1


def cpu_workers(threads: int) -> tuple[int, int]:
    """(batches decoded in parallel, threads each) for `threads` CPU threads.

    A batch's matrices are too small to keep several OpenMP threads busy: on the 2-core benchmark
    machine (opus-mt-sized model, int8, 120 segments), two threads on one batch at a time took
    16.2 s, two batches side by side with one thread each 8.0 s, and 6.8 s in batches of 512 tokens
    instead of 2,048. The workers share the weights but not their buffers, so wider machines give
    each of four workers more threads.
    """
    workers = max(1, min(threads, 4))
    return workers, max(1, threads // workers)


class CTranslate2Engine:
    """A CTranslate2 model (Argos package, OPUS-MT, NLLB-200, M2M100) run with its sentencepiece models."""

    def __init__(
        self,
        model: Ct2Model | ArgosPackage,
        *,
        beam_size: int = 4,
        max_batch_tokens: int = 512,
        compute_type: str = "auto",
        threads: int = 0,
    ) -> None:
        import ctranslate2
        import sentencepiece

        if isinstance(model, ArgosPackage):
            problems = model.problems()
            if problems:
                raise TranslationError("; ".join(problems), model.path)
            model = model.to_model()
        problems = model.problems()
        if problems:
            raise TranslationError("; ".join(problems), model.path)
        self.model = model
        self.beam_size = beam_size
        # The beam is part of the cache key: another beam gives other output.
        self.engine_id = model.engine_id + (f":beam{beam_size}" if beam_size != 4 else "")
        self.max_batch_tokens = max_batch_tokens
        workers, threads_per_worker = cpu_workers(threads or _usable_cores())
        try:
            self.translator = ctranslate2.Translator(
                str(model.model_dir),
                device="cpu",
                compute_type=compute_type,
                inter_threads=workers,
                intra_threads=threads_per_worker,
            )
            self.tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(model.source_tokenizer))
            self.target_tokenizer = (
                self.tokenizer
                if model.target_tokenizer == model.source_tokenizer
                else sentencepiece.SentencePieceProcessor(model_file=str(model.target_tokenizer))
            )
        except (RuntimeError, ValueError, OSError) as error:
            raise TranslationError(f"cannot load the MT model: {error}", model.path) from None

    def encode(self, text: str) -> list[str]:
        """The model input: the family's language token, the pieces, its end-of-sentence token."""
        pieces = list(self.tokenizer.encode(text, out_type=str))
        return [*self.model.source_prefix, *pieces, *self.model.source_suffix]

    def decode(self, tokens: Sequence[str]) -> str:
        tokens = list(tokens)
        prefix = list(self.model.target_prefix)
        if prefix and tokens[: len(prefix)] == prefix:
            tokens = tokens[len(prefix) :]
        text = self.target_tokenizer.decode_pieces(tokens).replace("▁", " ")
        for token in prefix:  # an argos prefix may come back as text
            if text.startswith(token):
                text = text[len(token) :]
        return text.strip()

    def _suppressed(self, forms: Sequence[str]) -> list[list[str]] | None:
        sequences: list[list[str]] = []
        for form in forms:
            for variant in {form, form.lower(), form[:1].upper() + form[1:]}:
                for text in (variant, " " + variant):
                    tokens = list(self.target_tokenizer.encode(text, out_type=str))
                    # A sequence with a piece outside the vocabulary cannot be suppressed (and cannot be produced).
                    unknown = any(
                        self.target_tokenizer.piece_to_id(t) == self.target_tokenizer.unk_id() for t in tokens
                    )
                    if tokens and not unknown and tokens not in sequences:
                        sequences.append(tokens)
        return sequences or None

    def translate(
        self, sentences: Sequence[str], *, num_hypotheses: int = 1, suppress: Sequence[str] = ()
    ) -> list[list[Hypothesis]]:
        if not sentences:
            return []
        tokens = [self.encode(sentence) for sentence in sentences]
        prefix = list(self.model.target_prefix)
        target_prefix = [prefix for _ in tokens] if prefix else None
        options: dict[str, Any] = dict(
            max_batch_size=self.max_batch_tokens,
            batch_type="tokens",
            beam_size=max(self.beam_size, num_hypotheses),
            num_hypotheses=num_hypotheses,
            return_scores=True,
            replace_unknowns=True,
            max_decoding_length=256,
            length_penalty=0.2,
        )
        suppressed = self._suppressed(suppress)
        try:
            results = self.translator.translate_batch(
                tokens, target_prefix=target_prefix, suppress_sequences=suppressed, **options
            )
        except ValueError as error:
            if suppressed is None or "vocabulary" not in str(error):
                raise TranslationError(f"MT failed: {error}", self.model.path) from None
            # The model's vocabulary differs from its tokenizer's: decode without suppression; the
            # rerank and QA still catch forbidden renderings.
            results = self.translator.translate_batch(tokens, target_prefix=target_prefix, **options)
        output: list[list[Hypothesis]] = []
        for result in results:
            scores = list(result.scores) if result.scores else [0.0] * len(result.hypotheses)
            output.append(
                [
                    Hypothesis(self.decode(hyp), float(score))
                    for hyp, score in zip(result.hypotheses, scores, strict=False)
                ]
            )
        return output
