#include "mhd_support.h"
#include <stdarg.h>
#include <stdio.h>

static mhd_log_sink log_sink = NULL;
static void *log_sink_cls = NULL;

void mhd_support_set_log_sink(mhd_log_sink sink, void *cls) { log_sink = sink; log_sink_cls = cls; }

static void logger(void *cls, const char *fmt, va_list ap) {
    (void) cls;
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    if (log_sink) log_sink(log_sink_cls, buf);
}

void *mhd_support_logger(void) { return (void *) &logger; }
