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

    const uint8_t *tail = data + blocks * 16;
    uint64_t k1 = 0, k2 = 0;
    switch (count & 15) {
    case 15: k2 ^= (uint64_t)tail[14] << 48; /* fall through */
    case 14: k2 ^= (uint64_t)tail[13] << 40; /* fall through */
    case 13: k2 ^= (uint64_t)tail[12] << 32; /* fall through */
    case 12: k2 ^= (uint64_t)tail[11] << 24; /* fall through */
    case 11: k2 ^= (uint64_t)tail[10] << 16; /* fall through */
    case 10: k2 ^= (uint64_t)tail[9] << 8; /* fall through */
    case 9: k2 ^= (uint64_t)tail[8];
        h2 ^= mix_k2(k2);
        /* fall through */
    case 8: k1 ^= (uint64_t)tail[7] << 56; /* fall through */
    case 7: k1 ^= (uint64_t)tail[6] << 48; /* fall through */
    case 6: k1 ^= (uint64_t)tail[5] << 40; /* fall through */
    case 5: k1 ^= (uint64_t)tail[4] << 32; /* fall through */
    case 4: k1 ^= (uint64_t)tail[3] << 24; /* fall through */
    case 3: k1 ^= (uint64_t)tail[2] << 16; /* fall through */
    case 2: k1 ^= (uint64_t)tail[1] << 8; /* fall through */
    case 1: k1 ^= (uint64_t)tail[0];
        h1 ^= mix_k1(k1);
    }

    h1 ^= (uint64_t)count; h2 ^= (uint64_t)count;
    h1 += h2; h2 += h1;
    h1 = fmix64(h1); h2 = fmix64(h2);
    h1 += h2; h2 += h1;
    out[0] = h1;
    out[1] = h2;
}
