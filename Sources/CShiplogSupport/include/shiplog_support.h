#ifndef SHIPLOG_SUPPORT_H
#define SHIPLOG_SUPPORT_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set otherwise (EINVAL/ENOSYS where unsupported).
int shiplog_exchange_paths(const char *first, const char *second);

#endif
