"""MT engines: a CTranslate2 + sentencepiece runner for argos packages, behind a small protocol.

The protocol is text in, n-best text out, so that the placeholder and glossary logic in `mt.py`
works the same with the real model and with the deterministic fake engine of the tests.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import TranslationError
from .models import ArgosPackage


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


class CTranslate2Engine:
    """An argos package run directly with `ctranslate2.Translator` and its sentencepiece model."""

    def __init__(
        self,
        package: ArgosPackage,
        *,
        beam_size: int = 4,
        max_batch_tokens: int = 2048,
        compute_type: str = "auto",
        threads: int | None = None,
    ) -> None:
        import ctranslate2
        import sentencepiece

        problems = package.problems()
        if problems:
            raise TranslationError("; ".join(problems), package.path)
        self.package = package
        self.engine_id = package.engine_id
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        cores = threads if threads is not None else (os.cpu_count() or 1)
        try:
            self.translator = ctranslate2.Translator(
                str(package.model_dir),
                device="cpu",
                compute_type=compute_type,
                # One batch at a time over all cores: inter_threads=2 was not reliably faster on
                # the 2-core benchmark machine and doubles the working memory.
                inter_threads=1,
                intra_threads=cores,
            )
            self.tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(package.tokenizer_path))
        except (RuntimeError, ValueError, OSError) as error:
            raise TranslationError(f"cannot load the MT model: {error}", package.path) from None

    def encode(self, text: str) -> list[str]:
        return list(self.tokenizer.encode(text, out_type=str))

    def decode(self, tokens: Sequence[str]) -> str:
        text = self.tokenizer.decode_pieces(list(tokens)).replace("▁", " ")
        prefix = self.package.target_prefix
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]
        return text.strip()

    def _suppressed(self, forms: Sequence[str]) -> list[list[str]] | None:
        sequences: list[list[str]] = []
        for form in forms:
            for variant in {form, form.lower(), form[:1].upper() + form[1:]}:
                for text in (variant, " " + variant):
                    tokens = self.encode(text)
                    # A sequence with a piece outside the vocabulary cannot be suppressed (and cannot be produced).
                    unknown = any(self.tokenizer.piece_to_id(t) == self.tokenizer.unk_id() for t in tokens)
                    if tokens and not unknown and tokens not in sequences:
                        sequences.append(tokens)
        return sequences or None

    def translate(
        self, sentences: Sequence[str], *, num_hypotheses: int = 1, suppress: Sequence[str] = ()
    ) -> list[list[Hypothesis]]:
        if not sentences:
            return []
        tokens = [self.encode(sentence) for sentence in sentences]
        prefix = self.package.target_prefix
        target_prefix = [[prefix] for _ in tokens] if prefix else None
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
                raise TranslationError(f"MT failed: {error}", self.package.path) from None
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
