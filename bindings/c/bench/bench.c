/* The C side of `cargo xtask bench`: a call through the library against the same POST with a
   reused libcurl easy handle (same body, same CA file), in interleaved blocks; prints one
   JSON object. Reads SECTIGO_BENCH_URL, _CA, _LOGIN, _PASSWORD, _BLOCKS and _CALLS. */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sectigo.h"

static const char *env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        fprintf(stderr, "%s is not set: run through `cargo xtask bench`\n", name);
        exit(2);
    }
    return value;
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int n) {
    qsort(values, (size_t)n, sizeof *values, by_value);
    return values[n / 2];
}

static void die(const char *what, const sectigo_error *error) {
    fprintf(stderr, "%s: %s\n", what, error != NULL ? sectigo_error_message(error) : "failed");
    exit(1);
}

static const sectigo_client *client;
static const sectigo_request *request;

static void sdk_call(void) {
    sectigo_response *response = NULL;
    sectigo_error *error = NULL;
    if (sectigo_client_call(client, request, &response, &error) != SECTIGO_RESULT_OK) {
        die("sectigo_client_call", error);
    }
    const char *sid = NULL;
    if (sectigo_response_get(response, "SID", &sid) != SECTIGO_RESULT_OK) {
        die("no SID", NULL);
    }
    sectigo_response_free(response);
}

struct buffer {
    char data[4096];
    size_t len;
};

static size_t collect(char *ptr, size_t size, size_t n, void *userdata) {
    struct buffer *b = userdata;
    size_t len = size * n;
    if (b->len + len < sizeof b->data) {
        memcpy(b->data + b->len, ptr, len);
        b->len += len;
    }
    return len;
}

static CURL *curl;
static struct buffer answer;

static void curl_call(void) {
    answer.len = 0;
    CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK || answer.len < 11 || strncmp(answer.data, "errorCode=0", 11) != 0) {
        fprintf(stderr, "curl: %s\n", curl_easy_strerror(rc));
        exit(1);
    }
}

int main(void) {
    int blocks = atoi(getenv("SECTIGO_BENCH_BLOCKS") ? getenv("SECTIGO_BENCH_BLOCKS") : "15");
    int calls = atoi(getenv("SECTIGO_BENCH_CALLS") ? getenv("SECTIGO_BENCH_CALLS") : "300");
    if (blocks < 1 || blocks > 1000 || calls < 1) {
        fprintf(stderr, "bad SECTIGO_BENCH_BLOCKS or SECTIGO_BENCH_CALLS\n");
        return 2;
    }

    sectigo_options *options = NULL;
    sectigo_client *made = NULL;
    sectigo_request *made_request = NULL;
    sectigo_error *error = NULL;
    const char *settings[][2] = {{"base_url", env("SECTIGO_BENCH_URL")}, {"ca_file", env("SECTIGO_BENCH_CA")},
                                 {"login_name", env("SECTIGO_BENCH_LOGIN")},
                                 {"login_password", env("SECTIGO_BENCH_PASSWORD")}, {"max_retries", "0"}};
    if (sectigo_options_new(&options) != SECTIGO_RESULT_OK) die("options", NULL);
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (sectigo_options_set(options, settings[i][0], settings[i][1], &error) != SECTIGO_RESULT_OK) die("option", error);
    }
    if (sectigo_client_new(options, &made, &error) != SECTIGO_RESULT_OK) die("client", error);
    sectigo_options_free(options);
    if (sectigo_request_new("!initCustomerSession", &made_request, &error) != SECTIGO_RESULT_OK ||
        sectigo_request_set(made_request, "orderNumber", "1000003", &error) != SECTIGO_RESULT_OK ||
        sectigo_request_set(made_request, "responseFormat", "1", &error) != SECTIGO_RESULT_OK) {
        die("request", error);
    }
    client = made;
    request = made_request;

    char url[512];
    char body[512];
    snprintf(url, sizeof url, "%s/products/!initCustomerSession", env("SECTIGO_BENCH_URL"));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    char *login = curl_easy_escape(curl, env("SECTIGO_BENCH_LOGIN"), 0);
    char *password = curl_easy_escape(curl, env("SECTIGO_BENCH_PASSWORD"), 0);
    snprintf(body, sizeof body, "loginName=%s&loginPassword=%s&orderNumber=1000003&responseFormat=1", login, password);
    curl_free(login);
    curl_free(password);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded; charset=UTF-8");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CAINFO, env("SECTIGO_BENCH_CA"));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);

    void (*variants[2])(void) = {sdk_call, curl_call};
    double *times[2] = {calloc((size_t)blocks, sizeof(double)), calloc((size_t)blocks, sizeof(double))};
    for (int v = 0; v < 2; v++) {
        for (int i = 0; i < calls / 4; i++) variants[v]();
    }
    for (int b = 0; b < blocks; b++) {
        for (int v = 0; v < 2; v++) {
            double started = now_us();
            for (int i = 0; i < calls; i++) variants[v]();
            times[v][b] = (now_us() - started) / calls;
        }
    }
    double sdk = median(times[0], blocks), lib = median(times[1], blocks);
    printf("{\"per_call_us\": {\"sdk\": %.2f, \"libcurl\": %.2f}, \"ratio_sdk_to_libcurl\": %.3f, \"blocks\": %d, "
           "\"calls_per_block\": %d, \"curl\": \"%s\"}\n",
           sdk, lib, sdk / lib, blocks, calls, curl_version());
    free(times[0]);
    free(times[1]);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    sectigo_request_free(made_request);
    sectigo_client_free(made);
    return 0;
}
