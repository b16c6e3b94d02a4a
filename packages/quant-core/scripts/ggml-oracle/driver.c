/*
 * Golden-vector driver for quantkit's GGML block formats (packages/quant-core/src/ggml).
 *
 * Linked against upstream ggml's own src/ggml-quants.c (never copied into this repository; see build.sh and README.md),
 * it calls quantize_row_<fmt>_ref (no importance matrix) and dequantize_row_<fmt> on seeded data and writes, per format,
 * test/vectors/ggml/<fmt>.json: inputs as little-endian float32 bytes, block bytes, and dequantized float32 bytes, all
 * base64. Q8_1 has no upstream dequantize_row_q8_1 (nor a to_float): its output here is qs[j] * fp16(d), computed with
 * ggml's own GGML_FP16_TO_FP32, the meaning of the block's d field (s = fp16(d * sum(qs)) is not used to reconstruct).
 *
 *   driver OUT_DIR                write the vectors
 *   driver --bench [N] [FILE]     time the _ref quantizers on N (default 2^20) seeded normal floats; FILE gets the
 *                                 data as raw little-endian float32 so scripts/ggml-oracle/bench.mjs times the same data
 *   driver-asserts --assert-scan  (a build with assertions on) list the cases whose quantizer aborts there
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "ggml-quants.h"
#include "ggml-impl.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef GGML_COMMIT
#define GGML_COMMIT "unknown"
#endif
#ifndef ORACLE_CFLAGS
#define ORACLE_CFLAGS "unknown"
#endif
#ifndef GGML_REPO
#define GGML_REPO "unknown"
#endif

#define SEED 0x9e3779b97f4a7c15ull

/* ---- stand-ins for the ggml.c symbols ggml-quants.c references; none is reached by the functions called here ---- */

void ggml_abort(const char * file, int line, const char * fmt, ...) {
    fprintf(stderr, "ggml_abort from %s:%d (%s)\n", file, line, fmt);
    abort();
}
size_t ggml_row_size(enum ggml_type type, int64_t ne) { (void) type; (void) ne; abort(); }
const char * ggml_type_name(enum ggml_type type) { (void) type; abort(); }
size_t ggml_type_size(enum ggml_type type) { (void) type; abort(); }

/* ---- seeded generator: splitmix64 ---- */

static uint64_t rng_state = SEED;
static uint64_t next_u64(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static double uniform01(void) { return (double) (next_u64() >> 11) * 0x1.0p-53; } /* [0, 1) */
static double uniform(double a, double b) { return a + (b - a) * uniform01(); }
static double normal(void) {
    double u = uniform01(), v = uniform01();
    return sqrt(-2.0 * log(1.0 - u)) * cos(6.283185307179586 * v);
}
static double log_uniform(double lo, double hi) { return exp(uniform(log(lo), log(hi))); }

/* ---- the formats ---- */

typedef void (*quantize_fn)(const float * x, void * y, int64_t k);
typedef void (*dequantize_fn)(const void * x, float * y, int64_t k);

static void dequantize_row_q8_1_fields(const void * vx, float * y, int64_t k) {
    const block_q8_1 * x = vx;
    for (int64_t i = 0; i < k / QK8_1; i++) {
        const float d = GGML_FP16_TO_FP32(x[i].d);
        for (int j = 0; j < QK8_1; ++j) y[i * QK8_1 + j] = x[i].qs[j] * d;
    }
}

typedef struct {
    const char * name;
    int block_size;
    int type_size;
    quantize_fn quantize;
    dequantize_fn dequantize;
    const char * quantize_name;
    const char * dequantize_name;
    int half_offsets[2]; /* byte offsets of the float16 fields (-1: none) */
} format_t;

#define Q(f) (quantize_fn) quantize_row_##f##_ref
#define D(f) (dequantize_fn) dequantize_row_##f

static const format_t FORMATS[] = {
    { "q4_0", QK4_0, sizeof(block_q4_0), Q(q4_0), D(q4_0), "quantize_row_q4_0_ref", "dequantize_row_q4_0", { 0, -1 } },
    { "q4_1", QK4_1, sizeof(block_q4_1), Q(q4_1), D(q4_1), "quantize_row_q4_1_ref", "dequantize_row_q4_1", { 0, 2 } },
    { "q5_0", QK5_0, sizeof(block_q5_0), Q(q5_0), D(q5_0), "quantize_row_q5_0_ref", "dequantize_row_q5_0", { 0, -1 } },
    { "q5_1", QK5_1, sizeof(block_q5_1), Q(q5_1), D(q5_1), "quantize_row_q5_1_ref", "dequantize_row_q5_1", { 0, 2 } },
    { "q8_0", QK8_0, sizeof(block_q8_0), Q(q8_0), D(q8_0), "quantize_row_q8_0_ref", "dequantize_row_q8_0", { 0, -1 } },
    { "q8_1", QK8_1, sizeof(block_q8_1), Q(q8_1), dequantize_row_q8_1_fields, "quantize_row_q8_1_ref",
      "none upstream: qs[j] * GGML_FP16_TO_FP32(d) (driver.c dequantize_row_q8_1_fields)", { 0, 2 } },
    { "q2_k", QK_K, sizeof(block_q2_K), Q(q2_K), D(q2_K), "quantize_row_q2_K_ref", "dequantize_row_q2_K", { 80, 82 } },
    { "q3_k", QK_K, sizeof(block_q3_K), Q(q3_K), D(q3_K), "quantize_row_q3_K_ref", "dequantize_row_q3_K", { 108, -1 } },
    { "q4_k", QK_K, sizeof(block_q4_K), Q(q4_K), D(q4_K), "quantize_row_q4_K_ref", "dequantize_row_q4_K", { 0, 2 } },
    { "q5_k", QK_K, sizeof(block_q5_K), Q(q5_K), D(q5_K), "quantize_row_q5_K_ref", "dequantize_row_q5_K", { 0, 2 } },
    { "q6_k", QK_K, sizeof(block_q6_K), Q(q6_K), D(q6_K), "quantize_row_q6_K_ref", "dequantize_row_q6_K", { 208, -1 } },
};
#define NFORMATS (int) (sizeof(FORMATS) / sizeof(FORMATS[0]))

/* ---- base64 of raw bytes ---- */

static void put_b64(FILE * f, const void * data, size_t n) {
    static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const uint8_t * p = data;
    fputc('"', f);
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8 | p[i + 2];
        fputc(T[v >> 18], f); fputc(T[(v >> 12) & 63], f); fputc(T[(v >> 6) & 63], f); fputc(T[v & 63], f);
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t) p[i] << 16;
        fputc(T[v >> 18], f); fputc(T[(v >> 12) & 63], f); fputs("==", f);
    } else if (n - i == 2) {
        uint32_t v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8;
        fputc(T[v >> 18], f); fputc(T[(v >> 12) & 63], f); fputc(T[(v >> 6) & 63], f); fputc('=', f);
    }
    fputc('"', f);
}

/* ---- cases: rows of whole blocks ---- */

#define MAX_ROW (8 * 256)

typedef struct {
    char name[64];
    int n;
    float x[MAX_ROW];
} row_t;

static row_t ROW;

/* Random rows: each distribution fills `blocks` blocks; `s` is redrawn per block where the distribution says so. */
enum { D_NORMAL, D_NORMAL_SCALED, D_UNIFORM, D_HEAVY, D_SMALL, D_LARGE, D_SATURATE, D_SKEWED, D_GRID, D_COUNT };
static const char * DIST_NAMES[D_COUNT] = {
    "normal", "normal-scaled", "uniform", "heavy-tailed", "small-f16-subnormal-scale", "large-near-65504",
    "large-f16-scale-saturates", "skewed-one-sided", "grid-ties",
};

static void fill_random(int dist, int bs, int blocks) {
    ROW.n = bs * blocks;
    for (int b = 0; b < blocks; b++) {
        float * x = ROW.x + b * bs;
        double s = 1.0;
        int neg = (next_u64() & 1) != 0;
        switch (dist) {
            case D_NORMAL_SCALED: s = log_uniform(1e-3, 1e3); break;
            case D_UNIFORM: s = log_uniform(1e-2, 1e2); break;
            case D_SMALL: s = log_uniform(1e-9, 1e-4); break;
            case D_LARGE: s = uniform(8000.0, 65504.0); break;
            case D_SATURATE: s = log_uniform(5e5, 1e10); break;
            case D_SKEWED: s = log_uniform(1e-2, 1e2); break;
            case D_GRID: s = ldexp(1.0, (int) (next_u64() % 9) - 4); break;
            default: break;
        }
        int sub = bs == QK_K ? 16 : bs;
        double sub_s = 1.0;
        for (int j = 0; j < bs; j++) {
            /* K blocks: vary the magnitude between sub-blocks of 16 too, so that sub-block scales differ */
            if (bs == QK_K && j % sub == 0) sub_s = (dist == D_GRID || dist == D_LARGE) ? 1.0 : log_uniform(0.05, 1.0);
            double v;
            switch (dist) {
                case D_UNIFORM: v = uniform(-s, s); break;
                case D_HEAVY: {
                    v = normal() / sqrt(uniform(0.02, 1.0));
                    if (uniform01() < 0.03) v *= 40.0;
                    break;
                }
                case D_LARGE: v = (uniform01() < 0.1) ? (neg ? -65504.0 : 65504.0) * uniform(0.99, 1.0) : normal() * s / 3; break;
                case D_SKEWED: v = uniform(0.2, 1.0) * s * (neg ? -1 : 1) + (uniform01() < 0.2 ? 0.3 * s : 0); break;
                case D_GRID: v = (double) ((int) (next_u64() % 33) - 16) * 0.5 * s; break;
                default: v = normal() * s; break;
            }
            x[j] = (float) (v * sub_s);
        }
    }
}

/* Hand-made edge blocks (one block each); returns 0 when `idx` is past the last one. */
static int fill_edge(int idx, int bs) {
    float * x = ROW.x;
    ROW.n = bs;
    for (int j = 0; j < bs; j++) x[j] = 0.0f;
    int k = 0;
#define EDGE(label) if (idx == k++ && snprintf(ROW.name, sizeof ROW.name, "edge/%s", label) > 0)
    EDGE("zeros") { return 1; }
    EDGE("negative-zeros") { for (int j = 0; j < bs; j++) x[j] = -0.0f; return 1; }
    EDGE("single-first") { x[0] = 1.0f; return 1; }
    EDGE("single-last-negative") { x[bs - 1] = -3.0f; return 1; }
    EDGE("single-middle-small") { x[bs / 2 + 1] = 1e-3f; return 1; }
    EDGE("single-middle-65504") { x[bs / 2 + 3] = 65504.0f; return 1; }
    EDGE("plus-minus-max") { for (int j = 0; j < bs; j++) x[j] = (float) (uniform(-0.5, 0.5)); x[1] = 2.0f; x[7] = -2.0f; return 1; }
    EDGE("minus-plus-max") { for (int j = 0; j < bs; j++) x[j] = (float) (uniform(-0.5, 0.5)); x[1] = -2.0f; x[7] = 2.0f; return 1; }
    EDGE("alternating-unit") { for (int j = 0; j < bs; j++) x[j] = j & 1 ? -1.0f : 1.0f; return 1; }
    EDGE("constant-positive") { for (int j = 0; j < bs; j++) x[j] = 0.5f; return 1; }
    EDGE("constant-negative") { for (int j = 0; j < bs; j++) x[j] = -7.0f; return 1; }
    EDGE("constant-65504") { for (int j = 0; j < bs; j++) x[j] = 65504.0f; return 1; }
    EDGE("constant-tiny") { for (int j = 0; j < bs; j++) x[j] = 1e-5f; return 1; }
    EDGE("negative-only") { for (int j = 0; j < bs; j++) x[j] = (float) -uniform(0.1, 1.0); return 1; }
    EDGE("positive-only") { for (int j = 0; j < bs; j++) x[j] = (float) uniform(0.1, 1.0); return 1; }
    EDGE("ramp") { for (int j = 0; j < bs; j++) x[j] = (float) (2.0 * j / (bs - 1) - 1.0); return 1; }
    EDGE("half-integers-127") { for (int j = 0; j < bs; j++) x[j] = (float) ((j % 64) - 32) + 0.5f; x[0] = 127.0f; return 1; }
    EDGE("half-integers-8") { for (int j = 0; j < bs; j++) x[j] = (float) ((j % 16) - 8) + 0.5f; x[0] = -8.0f; return 1; }
    EDGE("half-integers-16") { for (int j = 0; j < bs; j++) x[j] = (float) ((j % 32) - 16) + 0.5f; x[0] = -16.0f; return 1; }
    EDGE("quarter-grid-15") { for (int j = 0; j < bs; j++) x[j] = (float) (j % 31) * 0.5f; x[1] = 15.0f; x[2] = 0.0f; return 1; }
    EDGE("ties-min-max") { for (int j = 0; j < bs; j++) x[j] = (float) ((j * 7) % 31); return 1; }
    EDGE("near-65504-mixed") { for (int j = 0; j < bs; j++) x[j] = (j % 3 == 0 ? -65504.0f : 65504.0f) * (float) uniform(0.5, 1.0); return 1; }
    EDGE("f32-max") { for (int j = 0; j < bs; j++) x[j] = j & 1 ? -3.0e38f : 3.0e38f; return 1; }
    EDGE("f32-max-positive") { for (int j = 0; j < bs; j++) x[j] = (float) uniform(1.0e38, 3.0e38); return 1; }
    EDGE("huge-1e20") { for (int j = 0; j < bs; j++) x[j] = (float) (normal() * 1e20); return 1; }
    EDGE("f32-subnormal") { for (int j = 0; j < bs; j++) x[j] = (float) (normal() * 1e-40); return 1; }
    EDGE("f32-min-normal") { for (int j = 0; j < bs; j++) x[j] = (float) (normal() * 1e-37); return 1; }
    EDGE("f16-min-subnormal-scale") { for (int j = 0; j < bs; j++) x[j] = (float) (normal() * 3e-8); return 1; }
    EDGE("half-zero-half-normal") { for (int j = bs / 2; j < bs; j++) x[j] = (float) normal(); return 1; }
    EDGE("one-loud-sub-block") { for (int j = 0; j < bs; j++) x[j] = (float) (normal() * (j < 16 ? 1000.0 : 1e-3)); return 1; }
    EDGE("quiet-sub-blocks-zero") { for (int j = 0; j < bs; j++) x[j] = j % 32 < 16 ? (float) normal() : 0.0f; return 1; }
    EDGE("sign-flip-sub-blocks") { for (int j = 0; j < bs; j++) x[j] = (float) ((j / 16) & 1 ? -uniform(0.5, 1) : uniform(0.5, 1)); return 1; }
#undef EDGE
    return 0;
}

/* Non-finite inputs: recorded as upstream produces them; quantkit rejects these rows (ERR_QUANT_RANGE). */
static int fill_nonfinite(int idx, int bs) {
    float * x = ROW.x;
    ROW.n = bs;
    for (int j = 0; j < bs; j++) x[j] = (float) normal();
    int k = 0;
#define EDGE(label) if (idx == k++ && snprintf(ROW.name, sizeof ROW.name, "non-finite/%s", label) > 0)
    EDGE("nan-first") { x[0] = NAN; return 1; }
    EDGE("nan-middle") { x[bs / 2 + 1] = NAN; return 1; }
    EDGE("plus-inf") { x[3] = INFINITY; return 1; }
    EDGE("minus-inf") { x[bs - 2] = -INFINITY; return 1; }
    EDGE("all-nan") { for (int j = 0; j < bs; j++) x[j] = NAN; return 1; }
    EDGE("inf-and-minus-inf") { x[0] = INFINITY; x[1] = -INFINITY; return 1; }
#undef EDGE
    return 0;
}

/* ---- output ---- */

static uint8_t QBUF[8 * 256 * 2];
static float YBUF[MAX_ROW];

static void put_case(FILE * f, const format_t * fmt, int * first) {
    int nb = ROW.n / fmt->block_size;
    memset(QBUF, 0xA5, sizeof QBUF); /* any byte upstream leaves unwritten would show */
    fmt->quantize(ROW.x, QBUF, ROW.n);
    fmt->dequantize(QBUF, YBUF, ROW.n);
    fprintf(f, "%s\n    {\"name\": \"%s\", \"blocks\": %d, \"input\": ", *first ? "" : ",", ROW.name, nb);
    put_b64(f, ROW.x, sizeof(float) * ROW.n);
    fputs(", \"bytes\": ", f);
    put_b64(f, QBUF, (size_t) fmt->type_size * nb);
    fputs(", \"output\": ", f);
    put_b64(f, YBUF, sizeof(float) * ROW.n);
    fputs("}", f);
    *first = 0;
}

/* Every quantized case of a format, in file order, from the seed: fn(fmt, section, first) after ROW is filled. */
typedef void (*case_fn)(FILE * f, const format_t * fmt, int * first);

static int for_each_case(const format_t * fmt, FILE * f, case_fn fn, int * n_blocks) {
    rng_state = SEED; /* every format starts from the same seed */
    const int blocks_per_row = fmt->block_size == QK_K ? 4 : 8;
    int first = 1, total = 0;
    if (f) fputs("  \"cases\": [", f);
    for (int d = 0; d < D_COUNT; d++) {
        for (int r = 0; r < 4; r++) {
            snprintf(ROW.name, sizeof ROW.name, "%s/%d", DIST_NAMES[d], r);
            fill_random(d, fmt->block_size, blocks_per_row);
            fn(f, fmt, &first);
            total += blocks_per_row;
        }
    }
    for (int e = 0; fill_edge(e, fmt->block_size); e++) {
        fn(f, fmt, &first);
        total++;
    }
    if (f) fputs("\n  ],\n  \"nonFinite\": [", f);
    first = 1;
    for (int e = 0; fill_nonfinite(e, fmt->block_size); e++) fn(f, fmt, &first);
    if (f) fputs("\n  ],\n", f);
    *n_blocks = total;
    return 0;
}

static int write_format(const char * dir, const format_t * fmt) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.json", dir, fmt->name);
    FILE * f = fopen(path, "w");
    if (!f) { perror(path); return 1; }
    const int legacy = fmt->block_size != QK_K;
    int total = 0;

    fprintf(f, "{\n  \"provenance\": {\n");
    fprintf(f, "    \"repo\": \"%s\",\n    \"commit\": \"%s\",\n", GGML_REPO, GGML_COMMIT);
    fprintf(f, "    \"files\": [\"src/ggml-quants.c\", \"src/ggml-quants.h\", \"src/ggml-common.h\", \"src/ggml-impl.h\", \"include/ggml.h\"],\n");
    fprintf(f, "    \"quantize\": \"%s\",\n    \"dequantize\": \"%s\",\n", fmt->quantize_name, fmt->dequantize_name);
    fprintf(f, "    \"compiler\": \"gcc %s\",\n    \"flags\": \"%s\",\n", __VERSION__, ORACLE_CFLAGS);
    fprintf(f, "    \"driver\": \"packages/quant-core/scripts/ggml-oracle/driver.c\",\n    \"seed\": \"0x%016llx (splitmix64)\",\n",
            (unsigned long long) SEED);
    fprintf(f, "    \"encoding\": \"base64 of little-endian bytes: input and output float32, bytes the blocks\"\n  },\n");
    fprintf(f, "  \"format\": \"%s\",\n  \"blockSize\": %d,\n  \"bytesPerBlock\": %d,\n", fmt->name, fmt->block_size, fmt->type_size);
    for_each_case(fmt, f, put_case, &total);

    /* arbitrary block bytes (float16 fields kept finite) through upstream's dequantize */
    fputs("  \"randomBytes\": [", f);
    int first = 1;
    const int nrand = legacy ? 64 : 32;
    for (int r = 0; r < 4; r++) {
        int nb = nrand / 4;
        for (int i = 0; i < nb * fmt->type_size; i++) QBUF[i] = (uint8_t) next_u64();
        for (int b = 0; b < nb; b++) {
            for (int h = 0; h < 2; h++) {
                int off = fmt->half_offsets[h];
                if (off < 0) continue;
                uint8_t * p = QBUF + b * fmt->type_size + off;
                if ((p[1] & 0x7c) == 0x7c) p[1] &= (uint8_t) ~0x40; /* exponent 31 (Inf/NaN) -> 15 */
            }
        }
        fmt->dequantize(QBUF, YBUF, (int64_t) nb * fmt->block_size);
        fprintf(f, "%s\n    {\"name\": \"random-bytes/%d\", \"blocks\": %d, \"bytes\": ", first ? "" : ",", r, nb);
        put_b64(f, QBUF, (size_t) fmt->type_size * nb);
        fputs(", \"output\": ", f);
        put_b64(f, YBUF, sizeof(float) * nb * fmt->block_size);
        fputs("}", f);
        first = 0;
    }
    fputs("\n  ]\n}\n", f);
    fclose(f);
    printf("%s: %d quantized blocks, %d random-byte blocks -> %s\n", fmt->name, total, nrand, path);
    return 0;
}

/* ---- assertion scan: which cases abort in a build with assertions on (build.sh builds driver-asserts) ---- */

static void scan_case(FILE * f, const format_t * fmt, int * first) {
    (void) f;
    (void) first;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        fmt->quantize(ROW.x, QBUF, ROW.n);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) printf("  %s %s: %s\n", fmt->name, ROW.name, WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "failed");
}

static int scan_asserts(void) {
#ifdef NDEBUG
    fprintf(stderr, "--assert-scan needs a build with assertions on (build.sh makes driver-asserts)\n");
    return 2;
#else
    printf("cases whose quantize_row_*_ref fails with assertions enabled:\n");
    int total = 0;
    for (int i = 0; i < NFORMATS; i++) for_each_case(&FORMATS[i], NULL, scan_case, &total);
    return 0;
#endif
}

/* ---- bench ---- */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int bench(int64_t n, const char * dump) {
    rng_state = SEED;
    float * x = malloc(sizeof(float) * n);
    float * y = malloc(sizeof(float) * n);
    uint8_t * q = malloc((size_t) n * 2);
    if (!x || !y || !q) return 1;
    for (int64_t i = 0; i < n; i++) x[i] = (float) normal();
    if (dump) {
        FILE * f = fopen(dump, "wb");
        if (!f || fwrite(x, sizeof(float), n, f) != (size_t) n) { perror(dump); return 1; }
        fclose(f);
    }
    printf("upstream _ref, %lld normal float32 elements (M elements/s, best of repeated runs)\n", (long long) n);
    for (int i = 0; i < NFORMATS; i++) {
        const format_t * fmt = &FORMATS[i];
        double bq = 1e30, bd = 1e30, t_end = now_s() + 0.6;
        do {
            double t0 = now_s();
            fmt->quantize(x, q, n);
            double t1 = now_s();
            fmt->dequantize(q, y, n);
            double t2 = now_s();
            if (t1 - t0 < bq) bq = t1 - t0;
            if (t2 - t1 < bd) bd = t2 - t1;
        } while (now_s() < t_end);
        printf("%-5s quantize %8.1f   dequantize %8.1f\n", fmt->name, n / bq / 1e6, n / bd / 1e6);
    }
    free(x); free(y); free(q);
    return 0;
}

int main(int argc, char ** argv) {
    if (argc >= 2 && strcmp(argv[1], "--bench") == 0) {
        int64_t n = argc >= 3 ? atoll(argv[2]) : (1 << 20);
        if (n <= 0 || n % QK_K != 0) { fprintf(stderr, "N must be a positive multiple of 256\n"); return 2; }
        return bench(n, argc >= 4 ? argv[3] : NULL);
    }
    if (argc == 2 && strcmp(argv[1], "--assert-scan") == 0) return scan_asserts();
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT_DIR | --bench [N] [FILE] | --assert-scan\n", argv[0]);
        return 2;
    }
    for (int i = 0; i < NFORMATS; i++)
        if (write_format(argv[1], &FORMATS[i])) return 1;
    return 0;
}
