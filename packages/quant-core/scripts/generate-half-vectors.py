#!/usr/bin/env python3
"""Oracle vectors for packages/quant-core/src/half.ts (float64 -> float16 / bfloat16, one rounding to nearest even).

float16: numpy's own conversion (np.float64 -> np.float16 is npy_double_to_half: one rounding from double).
bfloat16: numpy has no bfloat16 (ml_dtypes is not installable here), so the nearest bfloat16 is found by exact rational
arithmetic (fractions.Fraction), independently of half.ts. Values: every kind of neighbourhood of random half values
(the value, the midpoint to the next one, one double ulp either side of it, a value inside), extremes, subnormals,
overflow. Run: python3 packages/quant-core/scripts/generate-half-vectors.py (writes test/vectors/half-*.json).
"""
import json
import os
import random
import struct
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "vectors")


def neighbourhoods(value_of, top, count, rng):
    vals = []
    for _ in range(count):
        b = rng.randrange(0, top)
        f = value_of(b)
        g = value_of(b + 1) if b + 1 < top else None
        if g is None:
            continue
        mid = (f + g) / 2
        for v in (f, mid, float(np.nextafter(mid, 0)), float(np.nextafter(mid, 1e300)), f + (g - f) * rng.random()):
            vals += [float(v), -float(v)]
    return vals


def f16_value(b):
    return float(np.array(b, np.uint16).view(np.float16))


def f16_bits(v):
    with np.errstate(over="ignore"):
        return int(np.array(v, np.float64).astype(np.float16).view(np.uint16))


def bf16_value(b):
    return struct.unpack("<f", struct.pack("<I", (b & 0xFFFF) << 16))[0]


def bf16_bits(v):
    sign = 0x8000 if np.signbit(v) else 0
    a = abs(v)
    if a == float("inf"):
        return sign | 0x7F80
    fa = Fraction(a)
    if fa >= (Fraction(bf16_value(0x7F7F)) + Fraction(2) ** 128) / 2:
        return sign | 0x7F80
    with np.errstate(over="ignore"):
        guess = int(np.float32(a).view(np.uint32)) >> 16
    best = None
    for b in range(max(0, guess - 2), min(0x7F7F, guess + 2) + 1):
        d = abs(Fraction(bf16_value(b)) - fa)
        if best is None or d < best[0] or (d == best[0] and b % 2 == 0):
            best = (d, b)
    return sign | best[1]


def main():
    rng = random.Random(20261207)
    f16 = neighbourhoods(f16_value, 0x7C00, 700, rng)
    f16 += [v * s for v in [65504.0, 65519.99, 65520.0, 65536.0, 1e10, 2.0**-24, 2.0**-25, 2.0**-25 * 1.0000001, 3 * 2.0**-26, 2.0**-14, 2.0**-14 - 2.0**-25, 0.0, 1e-300] for s in (1, -1)]
    bf16 = neighbourhoods(bf16_value, 0x7F80, 700, rng)
    bf16 += [v * s for v in [3.3895313892515355e38, 3.39e38, 1e39, 2.0**-133, 2.0**-134, 3 * 2.0**-135, 2.0**-126, 1e-45, 0.0, 1.0, 1.00390625, 1.005859375] for s in (1, -1)]
    os.makedirs(OUT, exist_ok=True)
    for name, vals, bits, how in (
        ("half-float16.json", f16, f16_bits, f"numpy {np.__version__}: np.array(v, np.float64).astype(np.float16)"),
        ("half-bfloat16.json", bf16, bf16_bits, "exact rational rounding (fractions.Fraction), ties to the even pattern, overflow from (max + 2^128) / 2"),
    ):
        cases = [[repr(v), bits(v)] for v in vals]
        with open(os.path.join(OUT, name), "w") as f:
            json.dump({"provenance": f"generate-half-vectors.py; {how}", "cases": cases}, f, separators=(",", ":"))
            f.write("\n")
        print(name, len(cases))


if __name__ == "__main__":
    main()
