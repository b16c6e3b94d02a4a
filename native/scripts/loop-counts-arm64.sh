#!/usr/bin/env bash
# Instructions per element of the main loops of the AVX2 and NEON kernel sets, from the compilers' own code (the
# table in docs/ARM64.md). Emulation says nothing about arm64 speed; this shows the NEON loops are vectorised as
# intended, beside their AVX2 counterparts.
#
# Each probe below instantiates one kernel body of kernels/avx2/ or kernels/neon/ in a noinline function, compiled as
# the addon compiles the ISA's table.cc (-O3 -ffp-contract=off, plus -mavx2 -mf16c for AVX2; aarch64-linux-gnu-g++
# for NEON). The probe's main loop is the loop (a backward branch inside the function) with the most vector
# instructions; its instruction count divided by the elements one iteration handles (from the source) is the figure.
# Constant scales select one path where the kernel picks one at run time (dequantize's float-scale path).
#
# Usage: loop-counts-arm64.sh   (needs g++ and g++-aarch64-linux-gnu; prints a Markdown table)
set -euo pipefail

native_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap '[ -n "${QK_KEEP:-}" ] || rm -rf "$work"' EXIT

# name | elements per AVX2 iteration ("-": AVX2 runs the portable loop) | AVX2 body | elements per NEON iteration | NEON body
probes=(
  "quantize f32 -> u8, onnx (checked multiply)|32|avx2::quantize_run<float, IntType::U8, avx2::Mode::Checked>(x, n, avx2::make_quant_vec(s, zp, onnx), make_quant_params(s, zp, onnx), out)|16|neon::quantize_run<float, IntType::U8, neon::Mode::Checked>(x, n, make_quant_params(s, zp, onnx), out)"
  "quantize f32 -> u8, onnx, division body|32|avx2::quantize_run<float, IntType::U8, avx2::Mode::Divide>(x, n, avx2::make_quant_vec(s, zp, onnx), make_quant_params(s, zp, onnx), out)|16|neon::quantize_run<float, IntType::U8, neon::Mode::Divide>(x, n, make_quant_params(s, zp, onnx), out)"
  "quantize f32 -> u8, pytorch (x * fl(1/s))|32|avx2::quantize_run<float, IntType::U8, avx2::Mode::Multiply>(x, n, avx2::make_quant_vec(s, zp, torch), make_quant_params(s, zp, torch), out)|16|neon::quantize_run<float, IntType::U8, neon::Mode::Multiply>(x, n, make_quant_params(s, zp, torch), out)"
  "quantize f32 -> i16, onnx|32|avx2::quantize_run<float, IntType::I16, avx2::Mode::Checked>(x, n, avx2::make_quant_vec(s, zp, onnx), make_quant_params(s, zp, onnx), out)|16|neon::quantize_run<float, IntType::I16, neon::Mode::Checked>(x, n, make_quant_params(s, zp, onnx), out)"
  "quantize f64 -> i8, onnx|32|avx2::quantize_run<double, IntType::I8, avx2::Mode::Checked>(xd, n, avx2::make_quant_vec(sd, zp, onnx), make_quant_params(sd, zp, onnx), out)|16|neon::quantize_run<double, IntType::I8, neon::Mode::Checked>(xd, n, make_quant_params(sd, zp, onnx), out)"
  "quantize float16 -> u8, onnx|32|avx2::quantize_run<float, IntType::U8, avx2::Mode::Checked>(HalfRun<HalfType::F16>{h}, n, avx2::make_quant_vec(s, zp, onnx), make_quant_params(s, zp, onnx), out)|16|neon::quantize_run<float, IntType::U8, neon::Mode::Checked>(HalfRun<HalfType::F16>{h}, n, make_quant_params(s, zp, onnx), out)"
  "dequantize u8 -> f32 (float scale)|32|avx2::dequantize_f32_fast<IntType::U8>(q, n, 0.5f, zp, y)|8|neon::dequantize_codes(q, n, 0.5, zp, y)"
  "min/max f32|32|avx2::min_max<float>(x, n, &lo, &hi)|8|neon::min_max<float>(x, n, &lo, &hi)"
  "abs-max f32|32|avx2::abs_max<float>(x, n, &lo)|8|neon::abs_max<float>(x, n, &lo)"
  "pack 4-bit|64|avx2::pack(q, n, 4, out8)|32|neon::pack(q, n, 4, out8)"
  "histogram f32 (bin and count)|32|avx2::histogram<false, float>(x, n, -1.0, 1.0, counts, 100)|8|neon::histogram<false, float>(x, n, -1.0, 1.0, counts, 100)"
  "embedding quantize f32 -> int8 (division)|8|avx2::quantize_embedding_rows<float>(x, 1, n, y, y, EmbeddingCodes::I8Floor, out8)|8|neon::quantize_embedding_rows<float>(x, 1, n, y, y, EmbeddingCodes::I8Floor, out8)"
  "binary packing f32 (1 bit)|8|avx2::pack_binary_rows<float>(x, 1, n, BitOrder::Msb, BitThreshold::Positive, false, out8)|16|neon::pack_binary_rows<float>(x, 1, n, BitOrder::Msb, BitThreshold::Positive, false, out8)"
  "asymmetric dot scan (float32 query, int8 codes)|8|avx2::dot_scan_asymmetric(x, q, 1, n, y, y, EmbeddingCodes::I8Floor, static_cast<double*>(out))|8|neon::dot_scan_asymmetric(x, q, 1, n, y, y, EmbeddingCodes::I8Floor, static_cast<double*>(out))"
  "float32 L2 scan (rescoring)|8|avx2::l2_scan_f32(x, y, 1, n, static_cast<double*>(out))|8|neon::l2_scan_f32(x, y, 1, n, static_cast<double*>(out))"
  "top-k uint32, the scan's rejection test|-|avx2::top_k<uint32_t>(counts, n, 10, true, static_cast<uint32_t*>(out))|8|neon::top_k<uint32_t>(counts, n, 10, true, static_cast<uint32_t*>(out))"
  "GGML quantize q8_0 (AVX2: a block's codes, its scale batched by 8; NEON: a whole block)|32|avx2::ggml_quantize_row(GgmlFormat::Q8_0, x, n, out8)|32|neon::ggml_quantize_row(GgmlFormat::Q8_0, x, n, out8)"
  "GGML quantize q4_0 (as q8_0)|32|avx2::ggml_quantize_row(GgmlFormat::Q4_0, x, n, out8)|32|neon::ggml_quantize_row(GgmlFormat::Q4_0, x, n, out8)"
  "GGML dequantize q4_K (two sub-blocks of 32)|64|avx2::ggml_dequantize_row(GgmlFormat::Q4_K, q, n, y)|64|neon::ggml_dequantize_row(GgmlFormat::Q4_K, q, n, y)"
)

write_probes() {  # isa guard-macro namespace-header... > file
  local isa=$1 guard=$2 column=$3
  {
    echo "#define $guard 1"
    for h in quantize dequantize reduce pack histogram embeddings ggml; do echo "#include \"$native_dir/src/kernels/$isa/$h.h\""; done
    echo "namespace quantkit {"
    echo "constexpr QuantSpec onnx{0, 255, Profile::Onnx};"
    echo "constexpr QuantSpec torch{0, 255, Profile::PyTorch};"
    local i=0
    for p in "${probes[@]}"; do
      IFS='|' read -r _ _ avx _ neon <<<"$p"
      local body=$avx
      [ "$column" = neon ] && body=$neon
      echo "__attribute__((noinline)) void probe_$i(const float* x, const double* xd, const uint16_t* h, const uint8_t* q, size_t n, float s, double sd, int32_t zp, void* out, uint8_t* out8, float* y, uint32_t* counts) {"
      echo "  double lo = 0, hi = 0; (void)lo; (void)hi; (void)x; (void)xd; (void)h; (void)q; (void)s; (void)sd; (void)out; (void)out8; (void)y; (void)counts;"
      echo "  $body;"
      echo "  __asm__ volatile(\"\" : : \"r\"(lo), \"r\"(hi));"
      echo "}"
      i=$((i + 1))
    done
    echo "}"
  } >"$work/probe_$isa.cc"
}

write_probes avx2 QUANTKIT_AVX2_TABLE_CC avx2
write_probes neon QUANTKIT_NEON_TABLE_CC neon
g++ -std=c++20 -O3 -ffp-contract=off -fno-tree-vectorize -mavx2 -mf16c -w -c "$work/probe_avx2.cc" -o "$work/avx2.o"
aarch64-linux-gnu-g++ -std=c++20 -O3 -ffp-contract=off -fno-tree-vectorize -w -c "$work/probe_neon.cc" -o "$work/neon.o"
objdump -d --no-show-raw-insn -C "$work/avx2.o" >"$work/avx2.s"
aarch64-linux-gnu-objdump -d --no-show-raw-insn -C "$work/neon.o" >"$work/neon.s"

printf '%s\n' "${probes[@]}" >"$work/probes.txt"
python3 - "$work" <<'EOF'
import re, sys
work = sys.argv[1]

def functions(path):
    """start address -> (name, [(address, text)]) of every function in an objdump listing."""
    out, cur = {}, None
    for line in open(path):
        m = re.match(r'^([0-9a-f]+) <(.*)>:$', line)
        if m:
            cur = []
            out[int(m.group(1), 16)] = (m.group(2), cur)
            continue
        m = re.match(r'^\s+([0-9a-f]+):\s+(.*)$', line)
        if m and cur is not None:
            cur.append((int(m.group(1), 16), m.group(2).strip()))
    return out

BRANCH = re.compile(r'^(j[a-z]*|b\.[a-z]+|b|cbn?z|tbn?z)\s')
CALL = re.compile(r'^(call|bl)\s+([0-9a-f]+) <(.*)>')

def loops(insns):
    """(first, last) address of every backward branch's loop in insns."""
    out = []
    for a, text in insns:
        m = re.search(r'\b([0-9a-f]+) <', text)
        if m and BRANCH.match(text):
            target = int(m.group(1), 16)
            if insns[0][0] <= target <= a:
                out.append((target, a))
    return out

def main_loop(funcs, probe, vector):
    """Instruction count of the innermost loop with the most vector instructions in the probe or the functions it
    calls (kernels GCC did not inline)."""
    start = next(a for a, (name, _) in funcs.items() if re.match(rf'(quantkit::)?probe_{probe}\(', name))
    todo, seen, best = [start], set(), (0, 0)
    while todo:
        f = todo.pop()
        if f in seen or f not in funcs:
            continue
        seen.add(f)
        insns = funcs[f][1]
        # A call's target, when it is a function of this object by address and name (in an object file an unresolved
        # call, to memset say, shows address 0).
        for _, t in insns:
            m = CALL.match(t)
            if m and int(m.group(2), 16) in funcs and m.group(3) == funcs[int(m.group(2), 16)][0]:
                todo.append(int(m.group(2), 16))
        ls = loops(insns)
        for lo, hi in ls:
            if any(lo <= b < hi and (b2, e2) != (lo, hi) for (b2, e2) in ls for b in [e2] if lo <= b2):
                continue  # not innermost
            body = [t for (b, t) in insns if lo <= b <= hi]
            vec = sum(1 for t in body if vector.search(t))
            if vec > best[1]:
                best = (len(body), vec)
    return best[0]

avx = functions(f'{work}/avx2.s')
neon = functions(f'{work}/neon.s')
ymm = re.compile(r'%ymm')
vreg = re.compile(r'\bv\d+\.')
print('| main loop | AVX2: instructions / elements per iteration | per element | NEON: instructions / elements per iteration | per element |')
print('|---|---|---|---|---|')
for i, line in enumerate(open(f'{work}/probes.txt').read().splitlines()):
    name, ea, _, en, _ = line.split('|')
    n_n = main_loop(neon, i, vreg)
    en = int(en)
    if ea == '-':  # the AVX2 set runs the portable loop (no vector loop to count)
        avx_cells = 'portable loop | -'
    else:
        a_n, ea = main_loop(avx, i, ymm), int(ea)
        avx_cells = f'{a_n} / {ea} | {a_n / ea:.2f}'
    print(f'| {name} | {avx_cells} | {n_n} / {en} | {n_n / en:.2f} |')
EOF
echo
echo "(g++ $(g++ -dumpfullversion), aarch64-linux-gnu-g++ $(aarch64-linux-gnu-g++ -dumpfullversion); -O3 -ffp-contract=off)"
