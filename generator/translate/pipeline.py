"""The translation pipeline: memory → pattern rules and termbase → MT → untranslated.

Every segment ends with a `Translation` that says where its English came from. Nothing here
prints: the CLI reports progress through the `progress` callback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import TranslationError
from ..model import Guide
from ..segments import Provenance, Segment, State, Translation, segment_guide
from ..settings import MtSettings
from .engine import CTranslate2Engine, Engine
from .models import find_model
from .mt import MTResult, SegmentEngine, translate_texts
from .patterns import RuleSet, apply_rules, default_rules, keyword_translation
from .store import FuzzyMatch, MemoryEntry, TranslationMemory, choose, open_memory
from .termbase import TermIndex, load_term_index
from .text import source_key

EngineChoice = Literal["auto", "memory", "argos", "ct2", "llm"]
NO_MODEL_MESSAGE = (
    "No zh→en MT model is installed: memory, pattern rules and the termbase translate what they can; "
    "every other segment is marked untranslated. Install one with `callpack models install DIR|FILE` (see the README), or use `--engine llm`."
)


@dataclass
class PipelineResult:
    segments: list[Segment]
    translations: list[Translation]
    suggestions: dict[str, list[FuzzyMatch]] = field(default_factory=dict)
    engine_id: str | None = None
    mt_segments: int = 0
    mt_cached: int = 0

    def by_id(self) -> dict[str, Translation]:
        return {translation.segment_id: translation for translation in self.translations}


def load_guide(path: Path | None = None) -> Guide:
    """The bundled guide (cached) or the guide at `path`."""
    from .. import parse

    return parse.load_bundled_guide() if path is None else parse.parse_guide(path)


def select_engine(
    choice: EngineChoice = "auto",
    model: Path | str | None = None,
    settings: MtSettings | None = None,
    root: Path | None = None,
) -> tuple[Engine | SegmentEngine | None, str | None]:
    """The MT engine for `choice`, and a message for the user when there is none.

    `model` (a name of an installed model or a folder, relative to `root`) overrides `[mt] model`.
    auto: the named model, else the first installed zh→en model (converted models before Argos
    packages), else none with a message; argos/ct2: that kind of model or an error; llm: the
    `[mt.llm]` endpoint.
    """
    settings = settings or MtSettings()
    if choice == "memory":
        return None, None
    if choice == "llm":
        from .llm import LlmEngine

        return LlmEngine(settings.llm), None
    name = str(model) if model is not None else settings.model
    family = "" if choice == "auto" else choice
    found = find_model(name, family=family, root=root)
    if found is None:
        if choice == "auto" and not name:
            return None, NO_MODEL_MESSAGE
        what = {"argos": "argos package", "ct2": "converted CTranslate2 model"}.get(choice, "model")
        named = f" named {name!r}" if name else ""
        raise TranslationError(
            f"no zh→en {what}{named} is installed (see `callpack models list`; install one with "
            "`callpack models install DIR|FILE`)"
        )
    if family == "argos" and found.family != "argos" or family == "ct2" and found.family == "argos":
        raise TranslationError(f"{found.path} is a {found.family} model, not what --engine {choice} expects")
    return CTranslate2Engine(found, beam_size=settings.beam_size, threads=settings.threads), None


def _reviewed(entry: MemoryEntry, segment: Segment) -> Translation:
    """A translator's entry: reviewed, or a post-edited draft (state translated)."""
    return Translation(segment.id, entry.en, entry.provenance, entry.state, entry.note or None)


def translate_segments(
    segments: Sequence[Segment],
    memory: TranslationMemory,
    *,
    engine: Engine | SegmentEngine | None = None,
    terms: TermIndex | None = None,
    rules: RuleSet | None = None,
    record: bool = True,
    progress: Callable[[int], None] | None = None,
    use_stored_mt: bool = True,
) -> PipelineResult:
    """Translate `segments` in the documented order; store the result when `record`."""
    rules = rules or default_rules()
    keys = [source_key(segment.zh) for segment in segments]
    reviewed = memory.exact_many(keys)
    results: dict[str, Translation] = {}
    needs_mt: list[int] = []
    for number, (segment, key) in enumerate(zip(segments, keys, strict=True)):
        entries = reviewed.get(key)
        if entries:
            results[segment.id] = _reviewed(choose(entries, segment.id), segment)
            continue
        match = keyword_translation(segment, terms) or apply_rules(segment, rules, terms)
        if match is not None:
            results[segment.id] = Translation(
                segment.id, match.en, Provenance.PATTERN, State.TRANSLATED, f"rule: {match.rule}"
            )
            continue
        needs_mt.append(number)
    done = len(results)
    if progress is not None:
        progress(done)

    mt_cached = 0
    mt_count = 0
    engine_id = engine.engine_id if engine is not None else None
    if engine is not None:
        cache = memory.mt_cache(engine.engine_id)
        fresh: list[int] = []
        for number in needs_mt:
            entry = cache.get(keys[number])
            if entry is not None:
                segment = segments[number]
                results[segment.id] = Translation(
                    segment.id, entry.en, Provenance.MT, State.TRANSLATED, entry.note or None
                )
                mt_cached += 1
            else:
                fresh.append(number)
        if progress is not None:
            progress(done + mt_cached)
        unique: dict[str, str] = {}
        for number in fresh:
            unique.setdefault(keys[number], segments[number].zh)
        texts = list(unique.values())
        base = done + mt_cached

        def report(finished: int) -> None:
            if progress is not None:
                progress(base + min(finished, len(texts)) * len(fresh) // max(len(texts), 1))

        unique_keys = list(unique)
        if isinstance(engine, SegmentEngine):
            engine_id_now = engine.engine_id

            def store(index: int, output: MTResult) -> None:
                # Written as each result arrives: an interrupted run resumes from the MT cache.
                if record and output.en:
                    key = unique_keys[index]
                    memory.add_mt([(unique[key], output.en, "; ".join(output.issues))], engine_id_now)

            outputs = engine.translate_texts(texts, terms, progress=report, on_result=store)
        else:
            outputs = translate_texts(texts, engine, terms, progress=report)
            if record and outputs:
                memory.add_mt(
                    ((text, out.en, "; ".join(out.issues)) for text, out in zip(texts, outputs, strict=True) if out.en),
                    engine.engine_id,
                )
        by_key = dict(zip(unique, outputs, strict=True))
        for number in fresh:
            segment = segments[number]
            output = by_key[keys[number]]
            note = "; ".join(output.issues) or None
            if output.en:
                results[segment.id] = Translation(
                    segment.id, output.en, Provenance.MT, State.TRANSLATED, note
                )
            else:  # nothing usable came back: honest about it, and QA counts it as untranslated
                results[segment.id] = Translation(
                    segment.id, None, Provenance.UNTRANSLATED, State.INITIAL, note
                )
        mt_count = len(fresh) + mt_cached
    elif use_stored_mt:
        stored = memory.segment_rows()
        stored_keys = memory.segment_source_keys()
        for number in needs_mt:
            segment = segments[number]
            row = stored.get(segment.id)
            if (
                row is not None
                and row.provenance == Provenance.MT
                and row.en
                and stored_keys.get(segment.id) == keys[number]
            ):
                results[segment.id] = row
                mt_cached += 1
        mt_count = mt_cached

    suggestions: dict[str, list[FuzzyMatch]] = {}
    for number in needs_mt:
        segment = segments[number]
        matches = memory.fuzzy(segment.zh)
        if matches:
            suggestions[segment.id] = matches
        if segment.id in results:
            continue
        if matches:
            best = matches[0]
            note = f"fuzzy {best.score:.0%} suggestion ({best.entry.segment_id or 'memory'}): {best.entry.en}"
            results[segment.id] = Translation(segment.id, None, Provenance.FUZZY, State.INITIAL, note)
        else:
            results[segment.id] = Translation(segment.id, None, Provenance.UNTRANSLATED, State.INITIAL, None)
    if progress is not None:
        progress(len(segments))
    translations = [results[segment.id] for segment in segments]
    if record:
        memory.record_segments(zip(segments, translations, strict=True))
    return PipelineResult(
        segments=list(segments),
        translations=translations,
        suggestions=suggestions,
        engine_id=engine_id,
        mt_segments=mt_count,
        mt_cached=mt_cached,
    )


def select_segments(guide: Guide, directions: Sequence[str] | None = None) -> list[Segment]:
    """All segments of the guide, or those of the given direction ids (unknown ids are an error)."""
    segments = segment_guide(guide)
    if not directions:
        return segments
    known = {direction.id for direction in guide.directions}
    unknown = [d for d in directions if d not in known]
    if unknown:
        raise TranslationError(f"unknown direction id(s): {', '.join(unknown)}")
    wanted = set(directions)
    return [segment for segment in segments if segment.scope in wanted]


def translate_guide(
    guide: Guide | None = None,
    *,
    engine: Engine | SegmentEngine | None = None,
    record: bool = True,
    directions: Sequence[str] | None = None,
    memory_path: Path | None = None,
    memory_dir: Path | None = None,
    reference_dirs: Sequence[Path] = (),
    terms: TermIndex | None = None,
    progress: Callable[[int], None] | None = None,
) -> PipelineResult:
    """Translate the guide (bundled by default) with the memory synchronized from the TMX files."""
    guide = guide or load_guide()
    segments = select_segments(guide, directions)
    terms = terms if terms is not None else load_term_index()
    with open_memory(memory_path, memory_dir, reference_dirs) as memory:
        return translate_segments(
            segments, memory, engine=engine, terms=terms, record=record, progress=progress
        )


def current_translations(
    guide: Guide | None = None,
    *,
    terms: TermIndex | None = None,
    memory_path: Path | None = None,
    memory_dir: Path | None = None,
    reference_dirs: Sequence[Path] = (),
) -> dict[str, Translation]:
    """The latest translation of every segment of `guide` (the bundled guide by default), without MT.

    Reviewed memory first, then what the last `callpack translate` stored (MT output included),
    then the pattern rules and the termbase; everything else is untranslated with `en` None. The
    memory and termbase are the bundled ones unless given.
    """
    result = translate_guide(
        guide,
        engine=None,
        record=False,
        terms=terms,
        memory_path=memory_path,
        memory_dir=memory_dir,
        reference_dirs=reference_dirs,
    )
    return result.by_id()
