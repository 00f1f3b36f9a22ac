#include <stdint.h>
#include <string.h>
#include "shiplog_support.h"

// MurmurHash3 x64 128 (Austin Appleby, public domain), with seed 0: a fast, stable 128-bit
// hash for the fingerprints of pages and release bytes (not for anything secret).
// Against swift-crypto's SHA-256 (truncated, SHA-NI): the 10k-release rebuild takes 127 ms of CPU
// instead of 139 ms (-9 %), the full build 1085 ms instead of 1111 ms (-2 %); measured 2026-12-07.

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t fmix64(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static inline uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;  // little-endian hosts (x86-64, arm64), as the digests in caches assume
}

// The first `n` (at most 8) bytes at `p` as a little-endian number, the rest zero: a block half cut short.
// Byte by byte, so that it reads the same on any host, as the reference's tail does.
static inline uint64_t load_tail(const uint8_t *p, size_t n) {
    uint64_t v = 0;
    for (size_t i = n; i > 0; i--) v = (v << 8) | p[i - 1];
    return v;
}

static const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;

// The mixing of a block's two halves, in the body and for the tail.
static inline uint64_t mix_k1(uint64_t k1) { return rotl64(k1 * c1, 31) * c2; }
static inline uint64_t mix_k2(uint64_t k2) { return rotl64(k2 * c2, 33) * c1; }

void shiplog_hash128(const void *bytes, size_t count, uint64_t out[2]) {
    const uint8_t *data = (const uint8_t *)bytes;
    const size_t blocks = count / 16;
    uint64_t h1 = 0, h2 = 0;

    for (size_t i = 0; i < blocks; i++) {
        uint64_t k1 = load64(data + i * 16), k2 = load64(data + i * 16 + 8);
        h1 ^= mix_k1(k1);
        h1 = rotl64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
        h2 ^= mix_k2(k2);
        h2 = rotl64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
    }

    // The last 1 to 15 bytes: the first 8 (or fewer) go to k1, the rest to k2, zero-padded.
    const uint8_t *tail = data + blocks * 16;
    const size_t rest = count & 15;
    if (rest > 8) h2 ^= mix_k2(load_tail(tail + 8, rest - 8));
    if (rest > 0) h1 ^= mix_k1(load_tail(tail, rest < 8 ? rest : 8));

    h1 ^= (uint64_t)count; h2 ^= (uint64_t)count;
    h1 += h2; h2 += h1;
    h1 = fmix64(h1); h2 = fmix64(h2);
    h1 += h2; h2 += h1;
    out[0] = h1;
    out[1] = h2;
}
