"""Fixture MT models built offline, and a fake chat-completions server, for the tests and the benchmarks.

No zh→en model exists to install, so the MT path is exercised with a real CTranslate2 Transformer
whose weights are random: it decodes garbage, but through exactly the code a real model uses
(sentencepiece, batching, n-best, suppression, placeholders). `build_argos_package` trains a
sentencepiece model on the given lines, builds the Transformer with the CTranslate2 spec API and
packs a real `.argosmodel` zip (metadata.json with from_code zh, to_code en).
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import re
import shutil
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

EOS = "</s>"
# A few language tokens of each multilingual family (the real vocabularies have 100–200).
NLLB_LANGUAGES = ("zho_Hans", "eng_Latn", "fra_Latn", "deu_Latn", "jpn_Jpan")
M2M100_LANGUAGES = ("__zh__", "__en__", "__fr__", "__de__", "__ja__")


def train_sentencepiece(lines: Iterable[str], vocab_size: int, user_symbols: Sequence[str] = ()) -> bytes:
    """A unigram sentencepiece model trained on `lines` (returned as the model file's bytes)."""
    import sentencepiece

    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=model,
        vocab_size=vocab_size,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        user_defined_symbols=list(user_symbols),
        minloglevel=2,
    )
    return model.getvalue()


def _shape(scope: str, vocab: int, d_model: int, ffn: int) -> tuple[int, ...] | None:
    parts = scope.split("/")
    name = parts[-1]
    if name in ("gamma", "beta"):
        return (d_model,)
    if "embeddings" in scope and name == "weight":
        return (vocab, d_model)
    if "projection" in scope and name == "weight":
        return (vocab, d_model)
    if "projection" in scope and name == "bias":
        return (vocab,)
    if "ffn" in scope and name == "weight":
        return (ffn, d_model) if "linear_0" in scope else (d_model, ffn)
    if "self_attention" in scope and name == "weight":
        return (3 * d_model, d_model) if "linear_0" in scope else (d_model, d_model)
    if "attention" in scope and name == "weight":
        return (2 * d_model, d_model) if "linear_1" in scope else (d_model, d_model)
    return None


def build_transformer(
    output_dir: Path,
    vocabulary: Sequence[str],
    *,
    layers: int = 2,
    d_model: int = 16,
    heads: int = 2,
    ffn: int | None = None,
    seed: int = 0,
    eos_bias: float = 0.0,
    projection_scale: float = 1.0,
) -> None:
    """Save a random-weight Transformer (shared vocabulary) as a CTranslate2 model in `output_dir`.

    `eos_bias` raises the end-of-sentence logit: with peaky random logits (`projection_scale`),
    it sets how long the random outputs are.
    """
    import numpy as np
    from ctranslate2.specs import TransformerSpec, model_spec

    rng = np.random.default_rng(seed)
    ffn = ffn or 4 * d_model
    vocab = len(vocabulary)
    spec = TransformerSpec.from_config((layers, layers), heads)

    def fill(layer: Any, scope: str, value: Any) -> None:
        if value is not None:
            return
        shape = _shape(scope, vocab, d_model, ffn)
        if shape is None:
            raise ValueError(f"no shape rule for {scope}")
        name = scope.split("/")[-1]
        if name == "gamma":
            array = np.ones(shape, dtype=np.float32)
        elif name == "beta":
            array = np.zeros(shape, dtype=np.float32)
        else:
            scale = projection_scale if "projection" in scope else 1.0 / np.sqrt(shape[-1])
            array = (rng.standard_normal(shape) * scale).astype(np.float32)
        setattr(layer, name, array)

    model_spec.visit_spec(spec, fill)
    bias = np.zeros((vocab,), dtype=np.float32)
    bias[list(vocabulary).index(EOS)] = eos_bias
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(list(vocabulary))
    spec.register_target_vocabulary(list(vocabulary))
    spec.validate()
    spec.optimize(quantization=None)
    spec.save(str(output_dir))


def build_argos_package(
    out_file: Path,
    training_lines: Sequence[str],
    *,
    name: str = "callpack-fixture-zh-en",
    vocab_size: int = 1500,
    layers: int = 2,
    d_model: int = 16,
    heads: int = 2,
    ffn: int | None = None,
    seed: int = 0,
    eos_bias: float = 0.0,
    projection_scale: float = 1.0,
    package_version: str = "0.1",
    vocabulary_size: int | None = None,
    compress: bool = True,
    copy: bool = False,
) -> Path:
    """Write a `.argosmodel` file (zip of one package folder) and return its path.

    `copy=True` builds the hand-set copying model (`build_copy_transformer`) instead of random weights.
    """
    import sentencepiece

    work = out_file.parent / f".{name}-build"
    package_dir = work / name
    (package_dir / "model").mkdir(parents=True, exist_ok=True)
    sp_bytes = train_sentencepiece(training_lines, vocab_size)
    (package_dir / "sentencepiece.model").write_bytes(sp_bytes)
    processor = sentencepiece.SentencePieceProcessor(model_proto=sp_bytes)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    # Pad to a realistic vocabulary size (opus-mt and argos models have tens of thousands of pieces):
    # the output projection is a large part of the decoding cost.
    vocabulary += [f"▁pad{i}" for i in range(max(0, (vocabulary_size or 0) - len(vocabulary)))]
    if copy:
        build_copy_transformer(package_dir / "model", vocabulary, seed=seed)
    else:
        build_transformer(
            package_dir / "model",
            vocabulary,
            layers=layers,
            d_model=d_model,
            heads=heads,
            ffn=ffn,
            seed=seed,
            eos_bias=eos_bias,
            projection_scale=projection_scale,
        )
    metadata = {
        "package_version": package_version,
        "argos_version": "1.11.0",
        "from_code": "zh",
        "from_name": "Chinese",
        "to_code": "en",
        "to_name": "English",
        "name": name,
        "type": "translate",
    }
    (package_dir / "metadata.json").write_text(json.dumps(metadata, indent=1), encoding="utf-8")
    with zipfile.ZipFile(out_file, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as archive:
        for path in sorted(package_dir.rglob("*")):
            archive.write(path, path.relative_to(work).as_posix())
    shutil.rmtree(work)
    return out_file


def build_copy_transformer(
    output_dir: Path,
    vocabulary: Sequence[str],
    *,
    positions: int = 512,
    position_dims: int = 64,
    seed: int = 0,
    add_source_eos: bool = True,
) -> None:
    """Save a hand-set 1+1-layer Transformer that copies its source, token by token.

    The model dimension is the vocabulary (token part) plus `position_dims` (position part).
    Learned position codes are random ±1 vectors in the position part; cross-attention compares
    only the position parts (so decoder step t attends to source position t) and carries only the
    token part, which the output projection reads back. Self-attention and FFNs are zero. With the
    end-of-sentence token added to the source, the decoder stops after copying it. Real decoding,
    predictable output: the test bed for placeholders, suppression and unknown-token replacement.
    """
    import numpy as np
    from ctranslate2.specs import TransformerSpec, model_spec

    rng = np.random.default_rng(seed)
    vocab = len(vocabulary)
    d_model = vocab + position_dims
    spec = TransformerSpec.from_config((1, 1), 1)

    def zeros(layer: Any, scope: str, value: Any) -> None:
        if value is not None:
            return
        shape = _shape(scope, vocab, d_model, d_model)
        if shape is None:
            raise ValueError(f"no shape rule for {scope}")
        name = scope.split("/")[-1]
        setattr(layer, name, (np.ones if name == "gamma" else np.zeros)(shape, dtype=np.float32))

    model_spec.visit_spec(spec, zeros)
    token_embeddings = np.zeros((vocab, d_model), dtype=np.float32)
    token_embeddings[:, :vocab] = np.eye(vocab, dtype=np.float32)
    spec.encoder.embeddings[0].weight = token_embeddings
    spec.decoder.embeddings.weight = token_embeddings.copy()
    half = position_dims // 2
    codes = np.stack([rng.permutation([1.0] * half + [-1.0] * half) for _ in range(positions)]).astype(
        np.float32
    )
    encodings = np.zeros((positions, d_model), dtype=np.float32)
    encodings[:, vocab:] = codes
    spec.encoder.position_encodings.encodings = encodings
    spec.decoder.position_encodings.encodings = encodings.copy()
    sharpness, carry = 3.0, 2.0
    cross = spec.decoder.layer[0].attention
    query = np.zeros((d_model, d_model), dtype=np.float32)
    query[vocab:, vocab:] = sharpness * np.eye(position_dims)
    key_value = np.zeros((2 * d_model, d_model), dtype=np.float32)
    key_value[vocab:d_model, vocab:] = sharpness * np.eye(position_dims)
    key_value[d_model : d_model + vocab, :vocab] = carry * np.eye(vocab)
    cross.linear[0].weight = query
    cross.linear[1].weight = key_value
    cross.linear[2].weight = np.eye(d_model, dtype=np.float32)
    projection = np.zeros((vocab, d_model), dtype=np.float32)
    projection[:, :vocab] = np.eye(vocab, dtype=np.float32)
    spec.decoder.projection.weight = projection
    spec.config.add_source_eos = add_source_eos
    spec.register_source_vocabulary(list(vocabulary))
    spec.register_target_vocabulary(list(vocabulary))
    spec.validate()
    spec.save(str(output_dir))


def build_ct2_model(
    output_dir: Path,
    family: Literal["opus-mt", "nllb", "m2m100"],
    training_lines: Sequence[str],
    *,
    vocab_size: int = 300,
    copy: bool = True,
    seed: int = 0,
    eos_bias: float = 6.0,
    layers: int = 2,
    d_model: int = 16,
    heads: int = 2,
    ffn: int | None = None,
    vocabulary_size: int | None = None,
) -> Path:
    """A converted-model folder of `family`, as `ct2-transformers-converter --copy_files …` leaves it.

    opus-mt: `source.spm`, `target.spm`, `tokenizer_config.json` (source_lang zh, target_lang en);
    nllb/m2m100: `sentencepiece.bpe.model` and language tokens in the vocabulary. `copy=True` builds
    the copying model (the output is the input, so a test sees whether the family's language tokens
    and end-of-sentence token were placed right); otherwise random weights.
    """
    import sentencepiece

    output_dir.mkdir(parents=True, exist_ok=True)
    sp_bytes = train_sentencepiece(training_lines, vocab_size)
    processor = sentencepiece.SentencePieceProcessor(model_proto=sp_bytes)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    if family == "opus-mt":
        (output_dir / "source.spm").write_bytes(sp_bytes)
        (output_dir / "target.spm").write_bytes(sp_bytes)
        config = {"source_lang": "zh", "target_lang": "en", "model_max_length": 512}
        (output_dir / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    else:
        (output_dir / "sentencepiece.bpe.model").write_bytes(sp_bytes)
        vocabulary += list(NLLB_LANGUAGES if family == "nllb" else M2M100_LANGUAGES)
    vocabulary += [f"▁pad{i}" for i in range(max(0, (vocabulary_size or 0) - len(vocabulary)))]
    if copy:
        # The family adds `</s>` to the input itself; the model must not add another.
        build_copy_transformer(output_dir, vocabulary, seed=seed, add_source_eos=False)
    else:
        build_transformer(
            output_dir,
            vocabulary,
            layers=layers,
            d_model=d_model,
            heads=heads,
            ffn=ffn,
            seed=seed,
            eos_bias=eos_bias,
        )
    return output_dir


# -- a chat-completions server for the tests and the benchmark ------------------------------------

_CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def fake_translation(segment: dict[str, Any]) -> str:
    """A deterministic "translation" that passes verification: every Chinese run becomes a word,
    placeholders stay, and each given term's English is written in."""
    text = segment["zh"]
    for zh, en in sorted(segment.get("terms", {}).items(), key=lambda pair: -len(pair[0])):
        text = text.replace(zh, f" {en} ")
    text = _CJK_RUN.sub(" text ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class ChatServerScript:
    """How the fake server misbehaves. Counters are per server; `requests` records every request body.

    - `malformed`: the first N replies are not valid JSON;
    - `drop_placeholder`: the first N translations of a segment with placeholders drop the first one;
    - `always_drop`: every translation of a segment with placeholders drops the first one;
    - `chinese`: the first N translations of every segment keep a Chinese character;
    - `missing_id`: the first N replies leave out the last segment;
    - `errors`: the first N requests get HTTP 500;
    - `fail_after`: every request after the first N gets HTTP 503 (a server that goes away);
    - `slow`: the first N requests sleep `slow_seconds` before replying;
    - `latency`: seconds every request takes (the benchmark's simulated model time);
    - `model`: the only model served (others get a 404, as Ollama and vLLM answer).
    """

    malformed: int = 0
    drop_placeholder: int = 0
    always_drop: bool = False
    chinese: int = 0
    missing_id: int = 0
    errors: int = 0
    fail_after: int = 0
    slow: int = 0
    slow_seconds: float = 2.0
    latency: float = 0.0
    model: str = "fixture-llm"
    requests: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0


class _ChatHandler(http.server.BaseHTTPRequestHandler):
    server: _ChatHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def _send(self, status: int, payload: Any, raw: str | None = None) -> None:
        body = (raw if raw is not None else json.dumps(payload, ensure_ascii=False)).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
            pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        script = self.server.script
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        with self.server.lock:
            script.requests.append(request)
            number = len(script.requests)
            script.in_flight += 1
            script.max_in_flight = max(script.max_in_flight, script.in_flight)
        try:
            self._reply(script, request, number)
        finally:
            with self.server.lock:
                script.in_flight -= 1

    def _reply(self, script: ChatServerScript, request: dict[str, Any], number: int) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, {"error": "not found"})
            return
        if script.latency:
            time.sleep(script.latency)
        if number <= script.slow:
            time.sleep(script.slow_seconds)
        if number <= script.errors:
            self._send(500, {"error": "internal error"})
            return
        if script.fail_after and number > script.fail_after:
            self._send(503, {"error": "overloaded"})
            return
        if request.get("model") != script.model:
            self._send(404, {"error": f"model {request.get('model')!r} not found, try pulling it first"})
            return
        if number <= script.malformed:
            content = '{"translations": [{"id": "0", "en": '
        else:
            segments = json.loads(request["messages"][-1]["content"])["segments"]
            translations = []
            for segment in segments:
                en = fake_translation(segment)
                with self.server.lock:
                    seen = self.server.seen.get(segment["id"], 0)
                    self.server.seen[segment["id"]] = seen + 1
                drop = script.always_drop or seen < script.drop_placeholder
                if drop and segment.get("placeholders"):
                    en = en.replace(segment["placeholders"][0], "", 1)
                if seen < script.chinese:
                    en += " 中"
                translations.append({"id": segment["id"], "en": en})
            if number <= script.missing_id and len(translations) > 1:
                translations.pop()
            content = json.dumps({"translations": translations}, ensure_ascii=False)
        reply = {
            "id": f"chatcmpl-{number}",
            "object": "chat.completion",
            "model": script.model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
            ],
        }
        self._send(200, reply)


class _ChatHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: ChatServerScript) -> None:
        super().__init__(("127.0.0.1", 0), _ChatHandler)
        self.script = script
        self.lock = threading.Lock()
        self.seen: dict[str, int] = {}


@contextlib.contextmanager
def chat_server(script: ChatServerScript | None = None) -> Iterator[tuple[str, ChatServerScript]]:
    """A chat-completions server on 127.0.0.1 (ephemeral port) in a thread; yields (base URL, script)."""
    script = script or ChatServerScript()
    server = _ChatHTTPServer(script)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", script
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
