#include "mhd_support.h"
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Logging ------------------------------------------------------------------------------ */

struct mhd_log_target { mhd_log_sink sink; void *cls; };

mhd_log_target *mhd_log_target_new(mhd_log_sink sink, void *cls) {
    mhd_log_target *t = calloc(1, sizeof *t);
    if (t) { t->sink = sink; t->cls = cls; }
    return t;
}

void mhd_log_target_free(mhd_log_target *target) { free(target); }

static void logger(void *cls, const char *fmt, va_list ap) {
    mhd_log_target *t = cls;
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    if (t && t->sink) t->sink(t->cls, buf);
}

void *mhd_support_logger(void) { return (void *) &logger; }

/* ---- Certificate slots -------------------------------------------------------------------- */

typedef struct bundle {
    gnutls_pcert_st pcerts[TLS_CERT_CHAIN_MAX];
    unsigned int npcerts;
    gnutls_privkey_t key;
} bundle;

typedef struct slot {
    int in_use;
    bundle *current;
    bundle *retired[TLS_CERT_SLOT_RETIRED];
    unsigned int retired_next;
    uint64_t generation;
    uint64_t handshakes;
} slot;

static pthread_mutex_t slots_mutex = PTHREAD_MUTEX_INITIALIZER;
static slot slots[TLS_CERT_SLOT_COUNT];

static void bundle_free(bundle *b) {
    if (!b) return;
    for (unsigned int i = 0; i < b->npcerts; i++) gnutls_pcert_deinit(&b->pcerts[i]);
    if (b->key) gnutls_privkey_deinit(b->key);
    free(b);
}

static int valid_slot(int n) { return n >= 0 && n < TLS_CERT_SLOT_COUNT; }

int tls_cert_slot_acquire(void) {
    int found = -1;
    pthread_mutex_lock(&slots_mutex);
    for (int i = 0; i < TLS_CERT_SLOT_COUNT; i++) {
        if (!slots[i].in_use) { memset(&slots[i], 0, sizeof slots[i]); slots[i].in_use = 1; found = i; break; }
    }
    pthread_mutex_unlock(&slots_mutex);
    return found;
}

void tls_cert_slot_release(int n) {
    if (!valid_slot(n)) return;
    pthread_mutex_lock(&slots_mutex);
    slot *s = &slots[n];
    bundle *current = s->current;
    bundle *retired[TLS_CERT_SLOT_RETIRED];
    memcpy(retired, s->retired, sizeof retired);
    memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&slots_mutex);
    bundle_free(current);
    for (unsigned int i = 0; i < TLS_CERT_SLOT_RETIRED; i++) bundle_free(retired[i]);
}

static int key_id(gnutls_pubkey_t pub, unsigned char *out, size_t *len) {
    return gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, out, len);
}

int tls_cert_slot_set_pem(int n, const char *cert_pem, size_t cert_len,
                          const char *key_pem, size_t key_len, char *err, size_t err_len) {
    if (!valid_slot(n)) { snprintf(err, err_len, "certificate slot %d does not exist", n); return GNUTLS_E_INVALID_REQUEST; }
    if (cert_len > 0xFFFFFFFFu || key_len > 0xFFFFFFFFu) {
        snprintf(err, err_len, "certificate or key PEM is too large");
        return GNUTLS_E_INVALID_REQUEST;
    }
    bundle *b = calloc(1, sizeof *b);
    if (!b) { snprintf(err, err_len, "out of memory"); return GNUTLS_E_MEMORY_ERROR; }
    gnutls_datum_t cd = { (unsigned char *) cert_pem, (unsigned int) cert_len };
    gnutls_datum_t kd = { (unsigned char *) key_pem, (unsigned int) key_len };
    unsigned int count = TLS_CERT_CHAIN_MAX;
    int rc = gnutls_pcert_list_import_x509_raw(b->pcerts, &count, &cd, GNUTLS_X509_FMT_PEM, 0);
    if (rc < 0) {
        snprintf(err, err_len, "the certificate PEM could not be parsed (%s); it must hold 1 to %d PEM certificates, leaf first",
                 gnutls_strerror(rc), TLS_CERT_CHAIN_MAX);
        free(b);
        return rc;
    }
    b->npcerts = count;
    if (count == 0) {
        snprintf(err, err_len, "the certificate PEM holds no certificate");
        bundle_free(b);
        return GNUTLS_E_NO_CERTIFICATE_FOUND;
    }
    if ((rc = gnutls_privkey_init(&b->key)) < 0 ||
        (rc = gnutls_privkey_import_x509_raw(b->key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
        snprintf(err, err_len, "the private key PEM could not be parsed (%s); it must be an unencrypted PEM key (PKCS#8, EC or RSA)",
                 gnutls_strerror(rc));
        bundle_free(b);
        return rc;
    }
    gnutls_pubkey_t pub = NULL;
    unsigned char leaf_id[64], key_id_buf[64];
    size_t leaf_len = sizeof leaf_id, key_len_out = sizeof key_id_buf;
    if ((rc = gnutls_pubkey_init(&pub)) < 0 ||
        (rc = gnutls_pubkey_import_privkey(pub, b->key, 0, 0)) < 0 ||
        (rc = key_id(pub, key_id_buf, &key_len_out)) < 0 ||
        (rc = key_id(b->pcerts[0].pubkey, leaf_id, &leaf_len)) < 0) {
        snprintf(err, err_len, "the key could not be compared with the certificate (%s)", gnutls_strerror(rc));
        if (pub) gnutls_pubkey_deinit(pub);
        bundle_free(b);
        return rc;
    }
    gnutls_pubkey_deinit(pub);
    if (leaf_len != key_len_out || memcmp(leaf_id, key_id_buf, leaf_len) != 0) {
        snprintf(err, err_len, "the private key does not belong to the certificate (the first certificate in the PEM must be the one issued for this key)");
        bundle_free(b);
        return GNUTLS_E_CERTIFICATE_KEY_MISMATCH;
    }

    bundle *evicted = NULL;
    pthread_mutex_lock(&slots_mutex);
    slot *s = &slots[n];
    if (!s->in_use) {
        pthread_mutex_unlock(&slots_mutex);
        snprintf(err, err_len, "certificate slot %d is not in use", n);
        bundle_free(b);
        return GNUTLS_E_INVALID_REQUEST;
    }
    if (s->current) {
        evicted = s->retired[s->retired_next];
        s->retired[s->retired_next] = s->current;
        s->retired_next = (s->retired_next + 1) % TLS_CERT_SLOT_RETIRED;
    }
    s->current = b;
    s->generation += 1;
    pthread_mutex_unlock(&slots_mutex);
    bundle_free(evicted);
    if (err_len > 0) err[0] = 0;
    return 0;
}

uint64_t tls_cert_slot_generation(int n) {
    if (!valid_slot(n)) return 0;
    pthread_mutex_lock(&slots_mutex);
    uint64_t g = slots[n].generation;
    pthread_mutex_unlock(&slots_mutex);
    return g;
}

uint64_t tls_cert_slot_handshakes(int n) {
    if (!valid_slot(n)) return 0;
    pthread_mutex_lock(&slots_mutex);
    uint64_t h = slots[n].handshakes;
    pthread_mutex_unlock(&slots_mutex);
    return h;
}

static int retrieve_for(int n, gnutls_pcert_st **pcert, unsigned int *pcert_length, gnutls_privkey_t *privkey) {
    pthread_mutex_lock(&slots_mutex);
    bundle *b = slots[n].current;
    slots[n].handshakes += 1;
    pthread_mutex_unlock(&slots_mutex);
    if (!b) { *pcert_length = 0; return -1; }
    *pcert = b->pcerts;
    *pcert_length = b->npcerts;
    *privkey = b->key;
    return 0;
}

#define SLOT_RETRIEVE(i) \
    static int retrieve_##i(gnutls_session_t session, const gnutls_datum_t *req_ca_rdn, int nreqs, \
                            const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, \
                            gnutls_pcert_st **pcert, unsigned int *pcert_length, gnutls_privkey_t *privkey) { \
        (void) session; (void) req_ca_rdn; (void) nreqs; (void) pk_algos; (void) pk_algos_length; \
        return retrieve_for(i, pcert, pcert_length, privkey); \
    }
SLOT_RETRIEVE(0)
SLOT_RETRIEVE(1)
SLOT_RETRIEVE(2)
SLOT_RETRIEVE(3)
SLOT_RETRIEVE(4)
SLOT_RETRIEVE(5)
SLOT_RETRIEVE(6)
SLOT_RETRIEVE(7)
SLOT_RETRIEVE(8)
SLOT_RETRIEVE(9)
SLOT_RETRIEVE(10)
SLOT_RETRIEVE(11)
SLOT_RETRIEVE(12)
SLOT_RETRIEVE(13)
SLOT_RETRIEVE(14)
SLOT_RETRIEVE(15)
SLOT_RETRIEVE(16)
SLOT_RETRIEVE(17)
SLOT_RETRIEVE(18)
SLOT_RETRIEVE(19)
SLOT_RETRIEVE(20)
SLOT_RETRIEVE(21)
SLOT_RETRIEVE(22)
SLOT_RETRIEVE(23)
SLOT_RETRIEVE(24)
SLOT_RETRIEVE(25)
SLOT_RETRIEVE(26)
SLOT_RETRIEVE(27)
SLOT_RETRIEVE(28)
SLOT_RETRIEVE(29)
SLOT_RETRIEVE(30)
SLOT_RETRIEVE(31)
SLOT_RETRIEVE(32)
SLOT_RETRIEVE(33)
SLOT_RETRIEVE(34)
SLOT_RETRIEVE(35)
SLOT_RETRIEVE(36)
SLOT_RETRIEVE(37)
SLOT_RETRIEVE(38)
SLOT_RETRIEVE(39)
SLOT_RETRIEVE(40)
SLOT_RETRIEVE(41)
SLOT_RETRIEVE(42)
SLOT_RETRIEVE(43)
SLOT_RETRIEVE(44)
SLOT_RETRIEVE(45)
SLOT_RETRIEVE(46)
SLOT_RETRIEVE(47)
SLOT_RETRIEVE(48)
SLOT_RETRIEVE(49)
SLOT_RETRIEVE(50)
SLOT_RETRIEVE(51)
SLOT_RETRIEVE(52)
SLOT_RETRIEVE(53)
SLOT_RETRIEVE(54)
SLOT_RETRIEVE(55)
SLOT_RETRIEVE(56)
SLOT_RETRIEVE(57)
SLOT_RETRIEVE(58)
SLOT_RETRIEVE(59)
SLOT_RETRIEVE(60)
SLOT_RETRIEVE(61)
SLOT_RETRIEVE(62)
SLOT_RETRIEVE(63)

static gnutls_certificate_retrieve_function2 *const retrieve_table[TLS_CERT_SLOT_COUNT] = {
    retrieve_0,
    retrieve_1,
    retrieve_2,
    retrieve_3,
    retrieve_4,
    retrieve_5,
    retrieve_6,
    retrieve_7,
    retrieve_8,
    retrieve_9,
    retrieve_10,
    retrieve_11,
    retrieve_12,
    retrieve_13,
    retrieve_14,
    retrieve_15,
    retrieve_16,
    retrieve_17,
    retrieve_18,
    retrieve_19,
    retrieve_20,
    retrieve_21,
    retrieve_22,
    retrieve_23,
    retrieve_24,
    retrieve_25,
    retrieve_26,
    retrieve_27,
    retrieve_28,
    retrieve_29,
    retrieve_30,
    retrieve_31,
    retrieve_32,
    retrieve_33,
    retrieve_34,
    retrieve_35,
    retrieve_36,
    retrieve_37,
    retrieve_38,
    retrieve_39,
    retrieve_40,
    retrieve_41,
    retrieve_42,
    retrieve_43,
    retrieve_44,
    retrieve_45,
    retrieve_46,
    retrieve_47,
    retrieve_48,
    retrieve_49,
    retrieve_50,
    retrieve_51,
    retrieve_52,
    retrieve_53,
    retrieve_54,
    retrieve_55,
    retrieve_56,
    retrieve_57,
    retrieve_58,
    retrieve_59,
    retrieve_60,
    retrieve_61,
    retrieve_62,
    retrieve_63,
};

void *tls_cert_slot_callback(int n) {
    if (!valid_slot(n)) return NULL;
    return (void *) retrieve_table[n];
}

/* ---- Panics ------------------------------------------------------------------------------- */

#include <microhttpd.h>

/* libmicrohttpd 0.9.75 (Debian bookworm) races with itself when an epoll daemon with worker threads is
 * quiesced: MHD_quiesce_daemon() marks the workers quiesced, and a worker that wakes in between removes the
 * listening socket from its epoll set at the same time as the quiesce does; the losing removal fails with
 * ENOENT and the library panics, which by default aborts the process. Every site that panics with this
 * message goes on to record the socket as out of the set, which it then is, so returning is correct for
 * it. Every other panic still aborts, as the default handler does. */
static void panic_handler(void *cls, const char *file, unsigned int line, const char *reason) {
    (void) cls;
    if (reason != NULL && strstr(reason, "Failed to remove listen FD from epoll set") != NULL) return;
    fprintf(stderr, "Fatal error in GNU libmicrohttpd %s:%u: %s\n", file ? file : "?", line, reason ? reason : "");
    abort();
}

static pthread_once_t panic_handler_once = PTHREAD_ONCE_INIT;

static void install_panic_handler(void) { MHD_set_panic_func(panic_handler, NULL); }

void mhd_support_install_panic_handler(void) { pthread_once(&panic_handler_once, install_panic_handler); }
