#ifndef CMHDSUPPORT_MHD_SUPPORT_H
#define CMHDSUPPORT_MHD_SUPPORT_H
#include <stddef.h>
#include <stdint.h>

/* ---- Logging -------------------------------------------------------------------------------
   libmicrohttpd's external logger takes a va_list, which Swift cannot implement. The trampoline
   returned by mhd_support_logger() formats the message and hands it, as a plain string, to the
   sink of the mhd_log_target passed as the option's closure argument (one target per daemon, so
   two servers in one process log to their own loggers). */
typedef void (*mhd_log_sink)(void *cls, const char *message);
typedef struct mhd_log_target mhd_log_target;
mhd_log_target *mhd_log_target_new(mhd_log_sink sink, void *cls);
void mhd_log_target_free(mhd_log_target *target);
/* Pass with MHD_OPTION_EXTERNAL_LOGGER and an mhd_log_target * as its closure argument. */
void *mhd_support_logger(void);

/* Installs (once) a libmicrohttpd panic handler that tolerates the library's own quiesce/epoll removal
 * race (see mhd_support.c) and aborts on every other panic. */
void mhd_support_install_panic_handler(void);

/* ---- Serving certificates that can be replaced while the server runs ------------------------
   MHD_OPTION_HTTPS_CERT_CALLBACK takes a gnutls_certificate_retrieve_function2, which has no
   user pointer. Each TLS server therefore acquires a numbered slot; every slot has its own
   retrieve function, so servers in one process serve their own certificates. The retrieve
   function returns the slot's current certificate chain and key on every handshake;
   tls_cert_slot_set_pem swaps them under a mutex. Replaced pairs are kept for
   TLS_CERT_SLOT_RETIRED generations (GnuTLS never says when a handshake has finished with them)
   and freed when the slot is released, after the daemon has stopped. */
#define TLS_CERT_SLOT_COUNT 64
#define TLS_CERT_SLOT_RETIRED 8
#define TLS_CERT_CHAIN_MAX 8

/* Returns a free slot number, or -1 when all TLS_CERT_SLOT_COUNT slots are in use. */
int tls_cert_slot_acquire(void);
/* Frees the slot's certificates. Only call once no daemon uses the slot's callback any more. */
void tls_cert_slot_release(int slot);
/* The retrieve function to pass with MHD_OPTION_HTTPS_CERT_CALLBACK; NULL for a bad slot number. */
void *tls_cert_slot_callback(int slot);
/* Parses a PEM chain (leaf first) and a PEM private key and makes them the slot's current pair.
   Refuses, keeping the previous pair, when either does not parse or the key does not belong to the
   leaf certificate. Returns 0 on success, a negative GnuTLS error code otherwise, with a message
   in err. */
int tls_cert_slot_set_pem(int slot, const char *cert_pem, size_t cert_len,
                          const char *key_pem, size_t key_len, char *err, size_t err_len);
/* How many pairs were installed in the slot, and how many handshakes asked it for one. */
uint64_t tls_cert_slot_generation(int slot);
uint64_t tls_cert_slot_handshakes(int slot);

#endif
