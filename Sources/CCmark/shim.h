#ifndef SHIPLOG_CCMARK_SHIM_H
#define SHIPLOG_CCMARK_SHIM_H
#include <cmark.h>
#endif
