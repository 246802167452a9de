#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H
#include <microhttpd.h>

/* MHD_start_daemon, MHD_get_connection_info, MHD_get_daemon_info are variadic: not imported. */
static inline struct MHD_Daemon *
mhd_start_daemon_opts(unsigned int flags, uint16_t port,
                      MHD_AccessHandlerCallback dh, void *dh_cls,
                      const struct MHD_OptionItem *opts)
{ return MHD_start_daemon(flags, port, NULL, NULL, dh, dh_cls, MHD_OPTION_ARRAY, opts, MHD_OPTION_END); }

static inline const union MHD_ConnectionInfo *
mhd_connection_info(struct MHD_Connection *c, enum MHD_ConnectionInfoType t)
{ return MHD_get_connection_info(c, t); }

static inline const union MHD_DaemonInfo *
mhd_daemon_info(struct MHD_Daemon *d, enum MHD_DaemonInfoType t)
{ return MHD_get_daemon_info(d, t); }

/* Macros with casts are not imported. */
static const uint64_t mhd_size_unknown = MHD_SIZE_UNKNOWN;
static const ssize_t mhd_content_reader_end_of_stream = MHD_CONTENT_READER_END_OF_STREAM;
static const ssize_t mhd_content_reader_end_with_error = MHD_CONTENT_READER_END_WITH_ERROR;

/* MHD_OptionItem builders (avoid unsafeBitCast of function pointers to intptr_t in Swift). */
static inline struct MHD_OptionItem mhd_opt_int(enum MHD_OPTION o, intptr_t v)
{ struct MHD_OptionItem it = { o, v, NULL }; return it; }
static inline struct MHD_OptionItem mhd_opt_ptr(enum MHD_OPTION o, void *p)
{ struct MHD_OptionItem it = { o, 0, p }; return it; }
static inline struct MHD_OptionItem mhd_opt_completed(MHD_RequestCompletedCallback cb, void *cls)
{ struct MHD_OptionItem it = { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t) cb, cls }; return it; }
static inline struct MHD_OptionItem mhd_opt_logger(void *cb, void *cls)
{ struct MHD_OptionItem it = { MHD_OPTION_EXTERNAL_LOGGER, (intptr_t) cb, cls }; return it; }
static inline struct MHD_OptionItem mhd_opt_end(void)
{ struct MHD_OptionItem it = { MHD_OPTION_END, 0, NULL }; return it; }
#endif
