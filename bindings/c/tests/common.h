/* Helpers shared by the C tests. Each test program defines _POSIX_C_SOURCE before including. */
#ifndef SECTIGO_TEST_COMMON_H
#define SECTIGO_TEST_COMMON_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sectigo.h"

static int passed = 0;
static int failed = 0;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            passed++;                                                      \
        } else {                                                           \
            failed++;                                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);           \
            fprintf(stderr, __VA_ARGS__);                                  \
            fprintf(stderr, "\n");                                         \
        }                                                                  \
    } while (0)

/* Prints the closing line test runners read, and gives the exit status. */
static inline int finish(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

static inline int streq(const char *a, const char *b) {
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* A setting from the environment (the test runner starts the sandbox and sets these). */
static inline const char *env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        fprintf(stderr, "%s is not set: run the C tests through `cargo xtask test`\n", name);
        exit(2);
    }
    return value;
}

/* The error's message, or a placeholder when there is no error. */
static inline const char *why(const sectigo_error *error) {
    const char *message = sectigo_error_message(error);
    return message != NULL ? message : "(no error)";
}

/* A client for the sandbox, with the given password ("" for the sandbox's own). */
static inline sectigo_client *sandbox_client(const char *base_url, const char *password, int with_signup_path) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_error *error = NULL;
    if (sectigo_options_new(&options) != SECTIGO_RESULT_OK) {
        fprintf(stderr, "sectigo_options_new failed\n");
        exit(2);
    }
    const char *settings[][2] = {
        {"base_url", base_url},
        {"ca_file", env("SECTIGO_SANDBOX_CA")},
        {"login_name", env("SECTIGO_SANDBOX_LOGIN")},
        {"login_password", password[0] != '\0' ? password : env("SECTIGO_SANDBOX_PASSWORD")},
        {"timeout_ms", "20000"},
        {"allow_http", "1"},
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (sectigo_options_set(options, settings[i][0], settings[i][1], &error) != SECTIGO_RESULT_OK) {
            fprintf(stderr, "option %s: %s\n", settings[i][0], why(error));
            exit(2);
        }
    }
    if (with_signup_path &&
        sectigo_options_set(options, "path:tier2_partner_signup", env("SECTIGO_SANDBOX_SIGNUP_PATH"), &error) != SECTIGO_RESULT_OK) {
        fprintf(stderr, "signup path: %s\n", why(error));
        exit(2);
    }
    if (sectigo_client_new(options, &client, &error) != SECTIGO_RESULT_OK) {
        fprintf(stderr, "sectigo_client_new: %s\n", why(error));
        exit(2);
    }
    sectigo_options_free(options); /* the client does not need the options any more */
    return client;
}

/* One call: endpoint and NULL-terminated name/value pairs. */
static inline sectigo_result call(const sectigo_client *client, const char *endpoint, const char *const *pairs,
                           sectigo_response **response, sectigo_error **error) {
    sectigo_request *request = NULL;
    sectigo_result result = sectigo_request_new(endpoint, &request, error);
    if (result != SECTIGO_RESULT_OK) {
        return result;
    }
    for (size_t i = 0; pairs[i] != NULL; i += 2) {
        result = sectigo_request_set(request, pairs[i], pairs[i + 1], error);
        if (result != SECTIGO_RESULT_OK) {
            sectigo_request_free(request);
            return result;
        }
    }
    result = sectigo_client_call(client, request, response, error);
    sectigo_request_free(request);
    return result;
}

/* The pairs of a Tier 2 partner signup whose new admin is `admin` with `password`. */
#define SIGNUP_PAIRS(admin, password)                                                                          \
    "ap", "sandboxbrand", "partnerType", "32", "companyWebsite", "https://pki.example", "organizationName",     \
        "Example PKI", "streetAddress1", "1", "streetAddress2", "2", "streetAddress3", "3", "localityName",     \
        "Leeds", "stateOrProvinceName", "Yorkshire", "postalCode", "LS1", "countryName", "GB",                 \
        "adminEmailAddress", "a@pki.example", "adminTelephoneNumber", "1", "adminLoginName", (admin),          \
        "adminLoginPassword", (password), NULL

/* Sends a request to the sandbox's admin endpoints over its plain HTTP listener and reads the
   whole reply into `out` (NUL-ended, cut to `size`); returns the HTTP status, or -1. */
static inline int sandbox_fetch(const char *method, const char *path, const char *form, char *out, size_t size) {
    const char *url = env("SECTIGO_SANDBOX_HTTP_URL");
    const char *colon = strrchr(url, ':');
    int port = colon != NULL ? atoi(colon + 1) : 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    size_t form_len = strlen(form);
    char head[512];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     method, path, form_len);
    if (n <= 0 || write(fd, head, (size_t)n) != n || write(fd, form, form_len) != (ssize_t)form_len) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    ssize_t r;
    while (got + 1 < size && (r = read(fd, out + got, size - 1 - got)) > 0) {
        got += (size_t)r;
    }
    out[got] = '\0';
    close(fd);
    return strncmp(out, "HTTP/1.1 ", 9) == 0 ? atoi(out + 9) : -1;
}

/* POSTs a form to the sandbox's plain HTTP listener (its /_sandbox/ admin endpoints);
   returns 0 on an HTTP 200. */
static inline int sandbox_admin(const char *path, const char *form) {
    char answer[256];
    return sandbox_fetch("POST", path, form, answer, sizeof answer) == 200 ? 0 : -1;
}

/* Packs NULL-terminated name/value pairs as sectigo_client_call_packed and
   sectigo_client_call_raw take them: each string ended by a NUL byte. Returns the length. */
static inline size_t pack_pairs(const char *const *pairs, char *buf, size_t size, size_t *count) {
    size_t len = 0;
    *count = 0;
    for (size_t i = 0; pairs[i] != NULL; i++) {
        size_t n = strlen(pairs[i]) + 1;
        if (len + n > size) {
            fprintf(stderr, "pack_pairs: buffer too small\n");
            exit(2);
        }
        memcpy(buf + len, pairs[i], n);
        len += n;
        if (i % 2 == 1) (*count)++;
    }
    return len;
}

#endif
