#!/usr/bin/env python3
"""Oracle vectors for packages/quant-core/src/embeddings: sentence-transformers' own `quantize_embeddings`.

The upstream file is read from a git clone of huggingface/sentence-transformers at two commits (CURRENT: clips out of
range values and packs per row; LEGACY: the 5.x code that wraps modulo 256 and packs the whole batch as one bit string)
and loaded with importlib after stub modules for torch are put into sys.modules (quantize_embeddings only needs
`torch.Tensor` for an isinstance check). Nothing of upstream is copied into this repository: only its outputs.

Run (see README.md):
  python3 generate.py --st-git /path/to/sentence-transformers/.git
writes ../../test/vectors/embeddings/sentence-transformers.json.

Encoding: every array is base64 of its little-endian bytes (float32 / float64 / int8 / uint8, as `dtype` says), so
NaN, -0 and every float bit pattern survive. Inputs are seeded (numpy default_rng(SEED)).
"""
import argparse
import base64
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import types
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "vectors", "embeddings", "sentence-transformers.json")
SEED = 17

UPSTREAM = {
    # 5b138133 (#3847) clips, e3c2df0f (#3825) packs with axis=-1; both are in this one.
    "current": {"commit": "cad211983f36ce458e9b3360f3e11b29fc54cbd8", "path": "sentence_transformers/util/quantization.py"},
    # The snapshot docs/EMBEDDINGS.md cites for the 5.x behaviour (truncation of x/step - 128, wrap, packbits without axis).
    "legacy": {"commit": "85ec64559f4414aa536eca4bf53538291e0a333f", "path": "sentence_transformers/quantization.py"},
}


def git(git_dir, *args):
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True, text=True).stdout


def load_upstream(git_dir, name):
    info = UPSTREAM[name]
    source = git(git_dir, "show", f"{info['commit']}:{info['path']}")
    torch = types.ModuleType("torch")

    class Tensor:  # never instantiated: the oracle passes numpy arrays
        pass

    torch.Tensor = Tensor
    sys.modules.setdefault("torch", torch)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
        path = f.name
    spec = importlib.util.spec_from_file_location(f"st_quantization_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    os.unlink(path)
    version = ""
    for line in git(git_dir, "show", f"{info['commit']}:pyproject.toml").splitlines():
        if line.startswith("version"):
            version = line.split("=")[1].strip().strip('"')
            break
    date = git(git_dir, "show", "-s", "--format=%cI", info["commit"]).strip()
    meta = {"repo": "huggingface/sentence-transformers", "commit": info["commit"], "date": date, "version": version,
            "path": info["path"], "function": "quantize_embeddings"}
    return module.quantize_embeddings, meta


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()).decode("ascii")


def run(fn, embeddings, precision, ranges, calibration):
    """Upstream's answer: codes and shape, or the exception it raised; numpy warnings (invalid casts) recorded."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            q = fn(embeddings, precision, ranges=ranges, calibration_embeddings=calibration)
            out = {"codes": b64(q), "codesDType": str(q.dtype), "shape": list(q.shape)}
        except Exception as e:  # noqa: BLE001 - the error is the oracle's answer
            out = {"error": f"{type(e).__name__}: {e}"}
    numpy_warnings = sorted({str(w.message) for w in caught})
    if numpy_warnings:
        out["numpyWarnings"] = numpy_warnings
    return out


# ---- inputs --------------------------------------------------------------------------------------------------------


def embedding_like(rng, rows, dim, dtype=np.float32):
    """Rows like sentence embeddings: per-dimension offsets and spreads, then L2-normalised."""
    centre = rng.normal(0, 0.05, dim)
    spread = rng.uniform(0.02, 0.12, dim)
    x = centre + spread * rng.normal(size=(rows, dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(dtype)


def ranges_of(calibration):
    return np.vstack((np.min(calibration, axis=0), np.max(calibration, axis=0)))


def inside(rng, ranges, rows):
    """Values inside [min, max] per dimension: uniform, and exactly on the bucket edges start + k * step (computed in
    the array's precision, as upstream computes), with their neighbours one ulp away on either side."""
    lo, hi = ranges[0], ranges[1]
    dt = ranges.dtype.type
    step = (hi - lo) / dt(255)
    out = []
    for r in range(rows):
        if r % 3 == 0:
            u = rng.uniform(size=lo.shape).astype(ranges.dtype)
            v = lo + u * (hi - lo)
        else:
            k = rng.integers(0, 256, size=lo.shape).astype(ranges.dtype)
            v = lo + k * step
            if r % 3 == 2:
                v = np.nextafter(v, np.where(rng.integers(0, 2, size=lo.shape) == 1, np.inf, -np.inf).astype(ranges.dtype))
        out.append(np.clip(v, lo, hi))
    return np.array(out, dtype=ranges.dtype)


def codes_in_float64(embeddings, ranges, precision):
    """The current upstream formula evaluated in float64: shows which elements depend on the float32 arithmetic."""
    e = embeddings.astype(np.float64)
    r = ranges.astype(np.float64)
    steps = (r[1] - r[0]) / 255
    steps = np.where(steps == 0, 1, steps)
    q = np.clip(np.floor((e - r[0]) / steps), 0, 255)
    return (q - 128).astype(np.int8) if precision == "int8" else q.astype(np.uint8)


def scalar_cases(rng):
    cases = []
    for dim in (7, 16, 33, 96):
        calibration = embedding_like(rng, 60, dim)
        ranges = ranges_of(calibration)
        cases.append({"name": f"calibrated_dim{dim}", "embeddings": inside(rng, ranges, 12), "calibration": calibration,
                      "inRange": True})
    x = embedding_like(rng, 20, 16)
    cases.append({"name": "self_calibrated_dim16", "embeddings": x, "inRange": True,
                  "note": "ranges from the batch itself; the maximum of a dimension can land in bucket 254"})
    calibration = embedding_like(rng, 40, 24)
    cases.append({"name": "explicit_ranges_dim24", "embeddings": inside(rng, ranges_of(calibration), 9),
                  "ranges": ranges_of(calibration), "inRange": True})
    calibration64 = embedding_like(rng, 40, 20, np.float64)
    cases.append({"name": "float64_dim20", "embeddings": inside(rng, ranges_of(calibration64), 9),
                  "calibration": calibration64, "inRange": True,
                  "note": "float64 inputs and calibration: upstream computes in float64"})
    # Out of range: below, above, far beyond 2^31 steps, and infinities.
    calibration = embedding_like(rng, 30, 12)
    r = ranges_of(calibration)
    width = r[1] - r[0]
    rows = [r[0] - width * np.float32(0.3), r[1] + width * np.float32(0.3), r[0] - width * np.float32(2.5),
            r[1] + width * np.float32(1.7), r[0] - width * np.float32(1e7), r[1] + width * np.float32(1e8),
            np.where(np.arange(12) % 2 == 0, np.float32(np.inf), np.float32(-np.inf))]
    cases.append({"name": "out_of_range_dim12", "embeddings": np.array(rows, dtype=np.float32), "calibration": calibration,
                  "inRange": False, "note": "current upstream clips to 0..255; legacy wraps modulo 256 (and casts inf)"})
    cases.append({"name": "pr3847_example", "embeddings": np.array([[-1, 15, 1]], dtype=np.float32),
                  "calibration": np.array([[1, 20, -3], [4, 5, -60]], dtype=np.float32), "inRange": False,
                  "note": "the example of huggingface/sentence-transformers#3847"})
    # Empty ranges: constant dimensions (steps = 0).
    calibration = embedding_like(rng, 30, 8)
    calibration[:, 2] = np.float32(0.25)
    calibration[:, 5] = np.float32(-0.125)
    x = inside(rng, ranges_of(calibration), 4)
    x[1, 2] = np.float32(0.75)
    x[2, 5] = np.float32(-0.5)
    x[3, 2] = np.float32(2.5)
    cases.append({"name": "empty_range_dim8", "embeddings": x, "calibration": calibration, "inRange": False,
                  "note": "dims 2 and 5 have min == max; current upstream divides by 1 instead of 0, legacy by 0"})
    cases.append({"name": "single_row_self_calibration", "embeddings": embedding_like(rng, 1, 10), "inRange": True,
                  "note": "one row: every range is empty"})
    # NaN inputs (the calibration has none).
    calibration = embedding_like(rng, 30, 9)
    x = inside(rng, ranges_of(calibration), 3)
    x[0, 0] = np.nan
    x[1, 4] = np.nan
    x[2, 8] = -np.nan
    cases.append({"name": "nan_dim9", "embeddings": x, "calibration": calibration, "inRange": False,
                  "note": "NaN codes are numpy's float -> integer cast of NaN (undefined; x86-64 gives 0)"})
    return cases


def binary_cases(rng):
    cases = []
    for rows, dim in ((5, 8), (4, 16), (3, 384), (3, 15), (6, 12), (2, 33), (7, 1)):
        x = rng.normal(size=(rows, dim)).astype(np.float32)
        flat = x.reshape(-1)
        specials = np.array([0.0, -0.0, np.nan, 1e-45, -1e-45, np.inf, -np.inf], dtype=np.float32)
        picks = rng.choice(flat.size, size=min(flat.size, 2 * len(specials)), replace=False)
        flat[picks] = np.resize(specials, len(picks))
        cases.append({"name": f"binary_rows{rows}_dim{dim}", "embeddings": x,
                      "note": "dim % 8 != 0: legacy packbits without axis mixes rows or raises" if dim % 8 else ""})
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--st-git", required=True, help="the git directory of a sentence-transformers clone")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()

    fns, upstream = {}, {}
    for name in UPSTREAM:
        fns[name], upstream[name] = load_upstream(args.st_git, name)

    rng = np.random.default_rng(SEED)
    out_cases = []
    for case in scalar_cases(rng):
        x = case["embeddings"]
        entry = {"name": case["name"], "kind": "scalar", "dtype": str(x.dtype), "rows": x.shape[0], "dim": x.shape[1],
                 "inRange": case["inRange"], "embeddings": b64(x)}
        if case.get("note"):
            entry["note"] = case["note"]
        ranges, calibration = case.get("ranges"), case.get("calibration")
        if ranges is not None:
            entry["ranges"] = b64(ranges)
        if calibration is not None:
            entry["calibration"] = b64(calibration)
            entry["calibrationRows"] = calibration.shape[0]
        entry["results"] = {}
        used = ranges if ranges is not None else ranges_of(calibration if calibration is not None else x)
        for precision in ("uint8", "int8"):
            entry["results"][precision] = {name: run(fns[name], x, precision, ranges, calibration) for name in UPSTREAM}
            if case["inRange"]:
                current = np.frombuffer(base64.b64decode(entry["results"][precision]["current"]["codes"]), dtype=precision)
                entry["results"][precision]["float64Differs"] = int(
                    np.count_nonzero(codes_in_float64(x, used, precision).reshape(-1) != current))
        out_cases.append(entry)
    for case in binary_cases(rng):
        x = case["embeddings"]
        entry = {"name": case["name"], "kind": "binary", "dtype": str(x.dtype), "rows": x.shape[0], "dim": x.shape[1],
                 "embeddings": b64(x)}
        if case.get("note"):
            entry["note"] = case["note"]
        entry["results"] = {p: {name: run(fns[name], x, p, None, None) for name in UPSTREAM} for p in ("ubinary", "binary")}
        out_cases.append(entry)

    doc = {
        "provenance": {
            "upstream": upstream,
            "generator": "packages/quant-core/scripts/embeddings-oracle/generate.py",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "machine": platform.machine(),
            "seed": SEED,
            "torch": "stubbed (a module with an empty Tensor class): quantize_embeddings only uses it in isinstance",
            "encoding": "base64 of little-endian bytes; embeddings, ranges ([2, dim]: minima then maxima) and calibration "
                        "in `dtype`, codes in `codesDType`; `results[precision][upstream]` is {codes, shape} or {error}",
        },
        "cases": out_cases,
    }
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(out_cases)} cases to {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
