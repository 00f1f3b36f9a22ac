#ifndef SHIPLOG_SUPPORT_H
#define SHIPLOG_SUPPORT_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set otherwise (EINVAL/ENOSYS where unsupported).
int shiplog_exchange_paths(const char *first, const char *second);

#include <stddef.h>
#include <stdint.h>

/// MurmurHash3 x64 128 of `count` bytes (seed 0): stable across processes and runs.
void shiplog_hash128(const void *bytes, size_t count, uint64_t out[2]);

/// A bump allocator of the calling thread, in the shape of libcmark's cmark_mem: libcmark parses
/// and renders one document with it, then shiplog_arena_reset hands everything back at once.
/// free does nothing; the arena's memory stays valid until the thread's next reset.
void *shiplog_arena_calloc(size_t count, size_t size);
void *shiplog_arena_realloc(void *memory, size_t size);
void shiplog_arena_free(void *memory);
void shiplog_arena_reset(void);

/// Tunes glibc's malloc for a process that builds a large site (elsewhere it does nothing).
void shiplog_tune_malloc(void);

#endif
