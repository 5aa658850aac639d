/* The server's own certificate when none is configured: a self-signed ECDSA P-256
 * certificate made on first start, and the SHA-256 fingerprint clients pin. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <unistd.h>

#include "server/limits.h"
#include "server/tls.h"

const char *tls_error_text(char *buf, size_t cap, const char *fallback)
{
    unsigned long e = ERR_get_error();
    if (e == 0)
        g_strlcpy(buf, fallback, cap);
    else
        ERR_error_string_n(e, buf, cap);
    ERR_clear_error();
    return buf;
}

void tls_fingerprint_of(const void *x509, char out[TLS_FINGERPRINT_MAX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    out[0] = '\0';
    if (!X509_digest(x509, EVP_sha256(), md, &len))
        return;
    for (unsigned int i = 0; i < len && i < 32; i++)
        snprintf(out + 3 * i, 4, i + 1 < len ? "%02X:" : "%02X", md[i]);
}

int tls_cert_fingerprint(const char *cert_path, char out[TLS_FINGERPRINT_MAX], char *err,
                         size_t errlen)
{
    FILE *fp = fopen(cert_path, "re");
    if (fp == NULL) {
        snprintf(err, errlen, "cannot open %s: %s", cert_path, g_strerror(errno));
        return -1;
    }
    X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
    fclose(fp);
    if (x == NULL) {
        char why[256];
        snprintf(err, errlen, "no certificate in %s: %s", cert_path,
                 tls_error_text(why, sizeof why, "not PEM"));
        return -1;
    }
    tls_fingerprint_of(x, out);
    X509_free(x);
    return 0;
}

/* Writes one PEM file exclusively with the given mode through write_pem. */
static int write_pem_file(const char *path, mode_t mode, EVP_PKEY *key, X509 *cert,
                          char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", path, g_strerror(errno));
        return -1;
    }
    FILE *fp = fdopen(fd, "w");
    if (fp == NULL) {
        close(fd);
        unlink(path);
        snprintf(err, errlen, "cannot write %s: %s", path, g_strerror(errno));
        return -1;
    }
    int ok = key != NULL ? PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL)
                         : PEM_write_X509(fp, cert);
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
        ok = 0;
    if (fclose(fp) != 0 || !ok) {
        unlink(path);
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}

/* A random positive 127-bit serial, as RFC 5280 asks (unique, at most 20 bytes). */
static bool set_random_serial(X509 *x)
{
    BIGNUM *bn = BN_new();
    bool ok = bn != NULL && BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
              BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    return ok;
}

/* The self-signed certificate for key. */
static X509 *self_signed(EVP_PKEY *key)
{
    X509 *x = X509_new();
    if (x == NULL)
        return NULL;
    X509_NAME *name = X509_get_subject_name(x);
    bool ok = X509_set_version(x, 2) && set_random_serial(x) &&
              X509_gmtime_adj(X509_getm_notBefore(x), -SERVER_TLS_CERT_BACKDATE_S) &&
              X509_time_adj_ex(X509_getm_notAfter(x), SERVER_TLS_CERT_DAYS, 0, NULL) &&
              X509_set_pubkey(x, key) &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                         (const unsigned char *)SERVER_TLS_CERT_CN, -1, -1, 0) &&
              X509_set_issuer_name(x, name) && X509_sign(x, key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

int tls_cert_generate(const char *cert_path, const char *key_path, char *err, size_t errlen)
{
    char why[256];
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = key != NULL ? self_signed(key) : NULL;
    if (x == NULL) {
        snprintf(err, errlen, "cannot make a certificate: %s",
                 tls_error_text(why, sizeof why, "unknown error"));
        EVP_PKEY_free(key);
        return -1;
    }
    int status = -1;
    if (write_pem_file(key_path, 0600, key, NULL, err, errlen) == 0) {
        status = write_pem_file(cert_path, 0644, NULL, x, err, errlen);
        if (status != 0)
            unlink(key_path);
    }
    X509_free(x);
    EVP_PKEY_free(key);
    return status;
}
