#!/usr/bin/env python3
"""Writes the safetensors test fixtures of org.secformer.engine.bert with an independent writer.

Only the Python standard library (struct, json, math) and numpy are used: no safetensors or torch
package, so the files check our reader against the documented layout rather than against itself:

  8-byte little-endian header length N | N bytes of UTF-8 JSON | little-endian tensor data
  JSON: {"__metadata__": {str: str}, name: {"dtype": .., "shape": [..], "data_offsets": [begin, end]}}

Outputs (in ../resources/org/secformer/engine/bert/):
  tiny-bert.safetensors           a 2-layer BERT (hidden 8, 2 heads, FFN 16, vocab 24, 16 positions,
                                  2 types, 3-label classifier) under Hugging Face names, linear weights
                                  [out, in] as PyTorch stores them, mostly F32, one F64, position_ids I64
  tiny-bert-expected.safetensors  inputs (I64) and this script's own float64 numpy forward pass:
                                  last_hidden_state with softmax and with 2Quad attention, mean-pooled
                                  L2-normalised embeddings and classifier logits
  dtypes.safetensors              the same values as F64, F32, F16, BF16 (round to nearest even) with
                                  their float64 decodings, and integer / bool tensors
  erf-reference.safetensors       [x, math.erf(x), math.erfc(x)] rows (libm) for the Erf test

Run: python3 make_bert_fixtures.py   (deterministic: fixed seed, sorted keys)
"""
import json
import math
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "org", "secformer", "engine", "bert")

DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
          "U8": "u1", "BOOL": "u1"}


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, dtype string, numpy array or raw bytes with shape)."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, dtype, value in tensors:
        if dtype == "BF16":
            arr, raw = value, bf16_bytes(value)
        else:
            arr = np.ascontiguousarray(value, dtype=DTYPES[dtype])
            raw = arr.tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")  # Python's default separators: ", " and ": "
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    print(f"{os.path.relpath(path)}: {8 + len(text) + offset} bytes, {len(tensors)} tensors")


def bf16_bits(values):
    """float32 -> bfloat16 bits, round to nearest, ties to even (NaN kept quiet)."""
    u = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    nan = np.isnan(np.asarray(values, dtype=np.float32))
    rounded = np.where(nan, (u >> 16) | 0x40, rounded)
    return rounded.astype(np.uint16)


def bf16_bytes(values):
    return bf16_bits(values).astype("<u2").tobytes()


def bf16_to_f64(values):
    bits = bf16_bits(values).astype(np.uint32) << 16
    return bits.view(np.float32).astype(np.float64)


# --------------------------------------------------------------------------------------- tiny BERT
L, H, HEADS, F, V, P, TV, LABELS = 2, 8, 2, 16, 24, 16, 2, 3
EPS = 1e-12


def tiny_bert(rng):
    """Hugging Face BertForSequenceClassification-style names without the pooler; float32 values."""
    def n(*shape, scale=0.3):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    w = {
        "bert.embeddings.word_embeddings.weight": n(V, H, scale=1.0),
        "bert.embeddings.position_embeddings.weight": n(P, H, scale=0.5),
        "bert.embeddings.token_type_embeddings.weight": n(TV, H, scale=0.5),
        "bert.embeddings.LayerNorm.weight": (1 + n(H, scale=0.1)),
        "bert.embeddings.LayerNorm.bias": n(H, scale=0.1),
    }
    for i in range(L):
        p = f"bert.encoder.layer.{i}."
        for m in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]:
            w[p + m + ".weight"] = n(H, H, scale=0.5)  # [out, in]
            w[p + m + ".bias"] = n(H, scale=0.2)
        w[p + "attention.output.LayerNorm.weight"] = 1 + n(H, scale=0.1)
        w[p + "attention.output.LayerNorm.bias"] = n(H, scale=0.1)
        w[p + "intermediate.dense.weight"] = n(F, H, scale=0.5)
        w[p + "intermediate.dense.bias"] = n(F, scale=0.2)
        w[p + "output.dense.weight"] = n(H, F, scale=0.3)
        w[p + "output.dense.bias"] = n(H, scale=0.2)
        w[p + "output.LayerNorm.weight"] = 1 + n(H, scale=0.1)
        w[p + "output.LayerNorm.bias"] = n(H, scale=0.1)
    w["classifier.weight"] = n(LABELS, H, scale=1.0)
    w["classifier.bias"] = n(LABELS, scale=0.1)
    return w


def layer_norm(x, g, b):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + EPS) * g + b


ERF = np.vectorize(math.erf)


def forward(w64, ids, mask, types, quad):
    B, T = ids.shape
    d = H // HEADS
    x = (w64["bert.embeddings.word_embeddings.weight"][ids]
         + w64["bert.embeddings.position_embeddings.weight"][np.arange(T)][None, :, :]
         + w64["bert.embeddings.token_type_embeddings.weight"][types])
    x = layer_norm(x, w64["bert.embeddings.LayerNorm.weight"], w64["bert.embeddings.LayerNorm.bias"])
    keep = (mask[:, None, None, :] == 1)  # [B, 1, 1, T]: which keys count

    def lin(t, name):
        return t @ w64[name + ".weight"].T + w64[name + ".bias"]

    for i in range(L):
        p = f"bert.encoder.layer.{i}."

        def heads(t):
            return t.reshape(B, T, HEADS, d).transpose(0, 2, 1, 3)

        q = heads(lin(x, p + "attention.self.query"))
        k = heads(lin(x, p + "attention.self.key"))
        v = heads(lin(x, p + "attention.self.value"))
        s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d)
        if quad:
            e = np.where(keep, (s + 5.0) ** 2, 0.0)
        else:
            s = np.where(keep, s, -np.inf)
            e = np.exp(s - s.max(-1, keepdims=True))
        probs = e / e.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(B, T, H)
        a = layer_norm(lin(ctx, p + "attention.output.dense") + x,
                       w64[p + "attention.output.LayerNorm.weight"], w64[p + "attention.output.LayerNorm.bias"])
        h = lin(a, p + "intermediate.dense")
        h = 0.5 * h * (1.0 + ERF(h / math.sqrt(2.0)))
        x = layer_norm(lin(h, p + "output.dense") + a,
                       w64[p + "output.LayerNorm.weight"], w64[p + "output.LayerNorm.bias"])
    return x


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261125)

    w = tiny_bert(rng)
    tensors = []
    for name in sorted(w):
        dtype = "F64" if name == "bert.embeddings.LayerNorm.weight" else "F32"
        tensors.append((name, dtype, w[name]))
    tensors.append(("bert.embeddings.position_ids", "I64", np.arange(P, dtype=np.int64)[None, :]))
    write_safetensors(os.path.join(OUT, "tiny-bert.safetensors"), tensors, {"format": "pt"})

    w64 = {k: v.astype(np.float64) for k, v in w.items()}
    ids = np.array([[2, 5, 7, 11, 13, 3, 0],
                    [2, 17, 19, 23, 3, 0, 0],
                    [2, 4, 6, 8, 10, 12, 3]], dtype=np.int64)
    mask = np.array([[1, 1, 1, 1, 1, 1, 0],
                     [1, 1, 1, 1, 1, 0, 0],
                     [1, 1, 1, 1, 1, 1, 1]], dtype=np.int64)
    types = np.array([[0, 0, 0, 1, 1, 1, 0],
                      [0, 0, 0, 0, 0, 0, 0],
                      [0, 0, 1, 1, 1, 1, 1]], dtype=np.int64)
    soft = forward(w64, ids, mask, types, quad=False)
    quad = forward(w64, ids, mask, types, quad=True)
    m = mask[:, :, None].astype(np.float64)
    pooled = (soft * m).sum(1) / np.maximum(m.sum(1), 1e-9)
    emb = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    logits = emb @ w64["classifier.weight"].T + w64["classifier.bias"]
    write_safetensors(os.path.join(OUT, "tiny-bert-expected.safetensors"), [
        ("input_ids", "I64", ids), ("attention_mask", "I64", mask), ("token_type_ids", "I64", types),
        ("last_hidden_state.softmax", "F64", soft), ("last_hidden_state.quad2", "F64", quad),
        ("embeddings", "F64", emb), ("logits", "F64", logits)], {"producer": "make_bert_fixtures.py numpy " + np.__version__})

    v = np.array([0.0, -0.0, 1.0, -2.5, 1.0 / 3.0, math.pi, 65504.0, 65520.0, 1e-5, 6e-8, 3e-8, 1e30, -1e-30,
                  1.00048828125, 1.0009765625 + 2 ** -12, float("inf"), -float("inf"), 0.1, -123.456,
                  2.0 ** -14, 2.0 ** -24, 2.0 ** -25, 1.00390625, 1.005859375], dtype=np.float64)
    with np.errstate(over="ignore"):
        f16 = v.astype(np.float32).astype(np.float16)  # via float32, as SafetensorsWriter rounds
    write_safetensors(os.path.join(OUT, "dtypes.safetensors"), [
        ("v.f64", "F64", v.reshape(4, 6)),
        ("v.f32", "F32", v.astype(np.float32).reshape(4, 6)),
        ("v.f16", "F16", f16.reshape(4, 6)),
        ("v.bf16", "BF16", v.astype(np.float32).reshape(4, 6)),
        ("expected.f32", "F64", v.astype(np.float32).astype(np.float64).reshape(4, 6)),
        ("expected.f16", "F64", f16.astype(np.float64).reshape(4, 6)),
        ("expected.bf16", "F64", bf16_to_f64(v.astype(np.float32)).reshape(4, 6)),
        ("i.i64", "I64", np.array([-(2 ** 63), -1, 0, 1, 2 ** 63 - 1], dtype=np.int64)),
        ("i.i32", "I32", np.array([-(2 ** 31), -7, 0, 7, 2 ** 31 - 1], dtype=np.int32)),
        ("i.i16", "I16", np.array([-32768, -7, 0, 7, 32767], dtype=np.int16)),
        ("i.i8", "I8", np.array([-128, -7, 0, 7, 127], dtype=np.int8)),
        ("i.u8", "U8", np.array([0, 1, 7, 128, 255], dtype=np.uint8)),
        ("b.bool", "BOOL", np.array([True, False, True, True, False], dtype=np.uint8)),
        ("empty", "F32", np.zeros((0, 3), dtype=np.float32))])

    xs = sorted(set([round(-6.5 + 0.0371 * i, 6) for i in range(351)]
                    + [0.0, 1e-300, 1e-10, 1e-5, 0.03125, 0.5, 1.0, 1.5, 1.999999, 2.0, 2.000001, 2.5, 3.0, 3.5355,
                       5.9999, 6.0, 6.5, 8.0, 10.0, 26.0, 27.0, 30.0]
                    + [-t for t in [1e-10, 0.5, 2.0, 2.5, 3.5355, 6.0, 8.0]]))
    rows = np.array([[x, math.erf(x), math.erfc(x)] for x in xs], dtype=np.float64)
    write_safetensors(os.path.join(OUT, "erf-reference.safetensors"), [("erf", "F64", rows)],
                      {"producer": "python math.erf / math.erfc (libm)"})


if __name__ == "__main__":
    main()
