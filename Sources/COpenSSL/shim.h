#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
/* OpenSSL 3 function-like macros (and the variadic EVP_PKEY_Q_keygen) the importer drops. */
static inline long ossl_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline void ossl_free(void *p) { OPENSSL_free(p); }
static inline EVP_PKEY *ossl_EC_gen(const char *curve) { return EVP_EC_gen(curve); }
static inline EVP_PKEY *ossl_RSA_gen(unsigned int bits) { return EVP_RSA_gen(bits); }
static inline int ossl_X509V3_set_ctx_nodb(X509V3_CTX *ctx) { X509V3_set_ctx_nodb(ctx); return 1; }
static inline long ossl_SSL_CTX_set_min_proto_version(SSL_CTX *c, int v) { return SSL_CTX_set_min_proto_version(c, v); }
static inline unsigned long ossl_version_number(void) { return OPENSSL_VERSION_NUMBER; }
#endif
