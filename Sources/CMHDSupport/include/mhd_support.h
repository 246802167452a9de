#ifndef CMHDSUPPORT_MHD_SUPPORT_H
#define CMHDSUPPORT_MHD_SUPPORT_H
#include <stddef.h>
#include <stdint.h>

/* libmicrohttpd's external logger takes a va_list, which Swift cannot implement: this trampoline
   formats the message and hands the Swift sink a plain string. */
typedef void (*mhd_log_sink)(void *cls, const char *message);
void mhd_support_set_log_sink(mhd_log_sink sink, void *cls);
void *mhd_support_logger(void);

#endif
