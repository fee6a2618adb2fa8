/* The C ABI against the sandbox: every endpoint, every error kind, misuse, and two threads
   sharing one client. Run by `cargo xtask test` (plain and under valgrind). */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static void test_every_endpoint(void) {
    sectigo_client *client = sandbox_client(env("SECTIGO_SANDBOX_URL"), "", 1);
    sectigo_response *response = NULL;
    sectigo_error *error = NULL;
    const char *value = NULL;

    const char *order[] = {SECTIGO_PLACE_ORDER_PARAM_AP, "sandboxbrand", SECTIGO_PLACE_ORDER_PARAM_RESELLER, "Y",
                           SECTIGO_PLACE_ORDER_PARAM_NAME, "Jane Doe", SECTIGO_PLACE_ORDER_PARAM_EMAIL_ADDRESS,
                           "jane@example.com", "1_" SECTIGO_PLACE_ORDER_ITEM_PPP, "9974", NULL};
    sectigo_result r = call(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, &response, &error);
    CHECK(r == SECTIGO_RESULT_OK, "place order: %s", why(error));
    char number[32] = "";
    if (r == SECTIGO_RESULT_OK) {
        CHECK(sectigo_response_code(response) == 0, "code");
        CHECK(sectigo_response_get(response, SECTIGO_PLACE_ORDER_FIELD_ORDER_NUMBER, &value) == SECTIGO_RESULT_OK,
              "orderNumber");
        snprintf(number, sizeof number, "%s", value);
        /* Field names are case-insensitive; iteration sees every field. */
        CHECK(sectigo_response_get(response, "ORDERNUMBER", &value) == SECTIGO_RESULT_OK && streq(value, number),
              "case-insensitive get");
        size_t count = sectigo_response_field_count(response);
        int seen = 0;
        for (size_t i = 0; i < count; i++) {
            const char *n = NULL;
            const char *v = NULL;
            CHECK(sectigo_response_field_at(response, i, &n, &v) == SECTIGO_RESULT_OK, "field_at %zu", i);
            seen += streq(n, "orderNumber") && streq(v, number);
        }
        CHECK(seen == 1, "iteration found orderNumber");
        sectigo_response_free(response);
    } else {
        sectigo_error_free(error);
        error = NULL;
    }

    const char *authorize[] = {SECTIGO_AUTO_AUTHORIZE_PARAM_ORDER_NUMBER, number, NULL};
    r = call(client, SECTIGO_ENDPOINT_AUTO_AUTHORIZE, authorize, &response, &error);
    CHECK(r == SECTIGO_RESULT_OK, "authorize: %s", why(error));
    if (r == SECTIGO_RESULT_OK) sectigo_response_free(response); else { sectigo_error_free(error); error = NULL; }

    const char *session[] = {SECTIGO_INIT_CUSTOMER_SESSION_PARAM_ORDER_NUMBER, "1000001", NULL};
    r = call(client, "initCustomerSession", session, &response, &error); /* the '!' is optional */
    CHECK(r == SECTIGO_RESULT_OK, "customer session: %s", why(error));
    if (r == SECTIGO_RESULT_OK) {
        CHECK(sectigo_response_get(response, SECTIGO_INIT_CUSTOMER_SESSION_FIELD_SID, &value) == SECTIGO_RESULT_OK &&
                  strlen(value) == 16, "SID");
        CHECK(sectigo_response_get(response, SECTIGO_INIT_CUSTOMER_SESSION_FIELD_ORDER_NUMBER, &value) ==
                  SECTIGO_RESULT_OK && streq(value, "1000003"), "latest replacement");
        sectigo_response_free(response);
    } else {
        sectigo_error_free(error);
        error = NULL;
    }

    char admin[64];
    snprintf(admin, sizeof admin, "c_admin_%ld", (long)getpid());
    const char *signup[] = {SIGNUP_PAIRS(admin, "pw")};
    r = call(client, SECTIGO_ENDPOINT_TIER2_PARTNER_SIGNUP, signup, &response, &error);
    CHECK(r == SECTIGO_RESULT_OK, "signup: %s", why(error));
    if (r == SECTIGO_RESULT_OK) {
        CHECK(sectigo_response_get(response, SECTIGO_TIER2_PARTNER_SIGNUP_FIELD_ACCOUNT_ID, &value) == SECTIGO_RESULT_OK,
              "accountID");
        sectigo_response_free(response);
    } else {
        sectigo_error_free(error);
        error = NULL;
    }
    sectigo_client_free(client);
}

/* Calls and expects an error of `kind`; returns it (the caller frees it). */
static sectigo_error *expect_error(const sectigo_client *client, const char *endpoint, const char *const *pairs,
                                   sectigo_error_kind kind, const char *what) {
    sectigo_response *response = (sectigo_response *)(uintptr_t)0x1; /* must stay untouched */
    sectigo_error *error = NULL;
    sectigo_result r = call(client, endpoint, pairs, &response, &error);
    CHECK(r == SECTIGO_RESULT_ERROR, "%s: result %d", what, (int)r);
    CHECK(response == (sectigo_response *)(uintptr_t)0x1, "%s: the output was written on failure", what);
    CHECK(error != NULL && sectigo_error_get_kind(error) == kind, "%s: kind %d: %s", what,
          error != NULL ? (int)sectigo_error_get_kind(error) : -1, why(error));
    return error;
}

static void test_every_error_kind(void) {
    sectigo_client *client = sandbox_client(env("SECTIGO_SANDBOX_URL"), "", 1);
    const char *p = NULL;
    const char *rule = NULL;
    const char *message = NULL;
    int64_t code = 0;

    /* Validation: every violation, each naming its parameter and rule. */
    const char *broken[] = {"ap", "brand", "countryName", "USA", "1_days", "30", NULL};
    sectigo_error *e = expect_error(client, SECTIGO_ENDPOINT_PLACE_ORDER, broken, SECTIGO_ERROR_KIND_VALIDATION, "validation");
    size_t n = sectigo_error_violation_count(e);
    CHECK(n == 6, "6 violations, got %zu: %s", n, why(e));
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(sectigo_error_violation_at(e, i, &p, &rule, &message) == SECTIGO_RESULT_OK, "violation_at");
        found += streq(p, "countryName") && streq(rule, "country_code") && strstr(message, "countryName") != NULL;
    }
    CHECK(found == 1, "countryName/country_code violation");
    CHECK(sectigo_error_violation_at(e, n, &p, &rule, &message) == SECTIGO_RESULT_OUT_OF_RANGE, "past the end");
    CHECK(sectigo_error_code(e, &code) == SECTIGO_RESULT_NOT_FOUND, "no API code on a validation error");
    CHECK(sectigo_error_flags(e) == 0, "validation: no flag");
    CHECK(sectigo_error_flags(NULL) == 0, "flags of NULL");
    sectigo_error_free(e);

    /* API error: code, server message, placeholder value, error-table key, raw body. */
    const char *twice[] = {"orderNumber", "1000003", NULL};
    e = expect_error(client, SECTIGO_ENDPOINT_AUTO_AUTHORIZE, twice, SECTIGO_ERROR_KIND_API, "api");
    CHECK(sectigo_error_code(e, &code) == SECTIGO_RESULT_OK && code == SECTIGO_CODE_ORDER_NOT_AWAITING_AUTHORIZATION, "code -27");
    CHECK(streq(sectigo_error_id(e), "order_not_awaiting_authorization"), "id");
    CHECK(streq(sectigo_error_argument(e), "1000003"), "argument");
    CHECK(strstr(sectigo_error_server_message(e), "Awaiting Authorization") != NULL, "server message");
    CHECK(sectigo_error_raw(e) != NULL && sectigo_error_item(e) == NULL, "raw kept, no item");
    CHECK(sectigo_error_flags(e) == 0, "a refused authorization: not retry-safe, no effect");
    sectigo_error_free(e);

    /* API error with errorItem (!PlaceOrder -70). */
    const char *bad_email[] = {"ap", "sandboxbrand", "reseller", "Y", "name", "N", "emailAddress", "not-an-email",
                               "1_PPP", "9974", NULL};
    e = expect_error(client, SECTIGO_ENDPOINT_PLACE_ORDER, bad_email, SECTIGO_ERROR_KIND_API, "api -70");
    CHECK(streq(sectigo_error_item(e), "emailAddress"), "errorItem");
    sectigo_error_free(e);

    /* Outcome unknown: the sandbox places the order and drops the connection. */
    CHECK(sandbox_admin("/_sandbox/faults", "kind=close&endpoint=!PlaceOrder&count=1") == 0, "inject a fault");
    const char *order[] = {"ap", "sandboxbrand", "reseller", "Y", "name", "N", "emailAddress", "n@example.com",
                           "1_PPP", "9974", NULL};
    e = expect_error(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN, "outcome unknown");
    CHECK(strstr(why(e), "check the account") != NULL, "says what to do: %s", why(e));
    CHECK(strstr(why(e), env("SECTIGO_SANDBOX_PASSWORD")) == NULL, "no password in the message");
    CHECK(sectigo_error_flags(e) == SECTIGO_ERROR_FLAG_MAY_HAVE_TAKEN_EFFECT, "outcome unknown: may have taken effect, never retry-safe");
    sectigo_error_free(e);

    /* Decode: an HTML page where an answer was expected (read call). */
    CHECK(sandbox_admin("/_sandbox/faults", "kind=garbage&endpoint=!initCustomerSession&count=1") == 0, "fault");
    const char *session[] = {"orderNumber", "1000003", NULL};
    e = expect_error(client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_DECODE, "decode");
    CHECK(sectigo_error_detail_kind(e) != NULL && sectigo_error_raw(e) != NULL, "decode detail and raw body");
    sectigo_error_free(e);

    /* Transport: nothing listens. HTTP status: a 503 on a read call. */
    sectigo_client *nowhere = sandbox_client("https://127.0.0.1:1", "", 0);
    e = expect_error(nowhere, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_TRANSPORT, "transport");
    CHECK(streq(sectigo_error_detail_kind(e), "connect"), "connect: %s", sectigo_error_detail_kind(e));
    CHECK(sectigo_error_flags(e) == SECTIGO_ERROR_FLAG_RETRY_SAFE, "never connected: retry-safe");
    CHECK(sectigo_error_retries(e) == 3, "the default policy retried 3 times: %u", sectigo_error_retries(e));
    sectigo_error_free(e);
    sectigo_client_free(nowhere);
    CHECK(sandbox_admin("/_sandbox/faults", "kind=status&status=503&endpoint=!initCustomerSession&count=1") == 0, "fault");
    e = expect_error(client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_TRANSPORT, "503");
    CHECK(sectigo_error_status(e) == 503, "status 503");
    CHECK(sectigo_error_raw(e) != NULL && strstr(sectigo_error_raw(e), "503") != NULL, "the raw answer is kept");
    sectigo_error_free(e);

    /* API -1 and -16: plain HTTP, a wrong password. */
    sectigo_client *plain = sandbox_client(env("SECTIGO_SANDBOX_HTTP_URL"), "", 0);
    e = expect_error(plain, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_API, "-1");
    CHECK(sectigo_error_code(e, &code) == SECTIGO_RESULT_OK && code == -1, "code -1");
    sectigo_error_free(e);
    sectigo_client_free(plain);
    sectigo_client *stranger = sandbox_client(env("SECTIGO_SANDBOX_URL"), "wrong-password-3b7", 0);
    e = expect_error(stranger, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_API, "-16");
    CHECK(sectigo_error_code(e, &code) == SECTIGO_RESULT_OK && code == SECTIGO_CODE_AUTHENTICATION_FAILED, "code -16");
    CHECK(SECTIGO_CODE_AUTHENTICATION_FAILED == -16 && SECTIGO_CODE_CALL_LIMIT_REACHED == -42, "named codes");
    CHECK(strstr(why(e), "wrong-password-3b7") == NULL, "no password in the message");
    sectigo_error_free(e);

    /* Config: the signup's path is not in the documents and this client lacks it. */
    e = expect_error(stranger, SECTIGO_ENDPOINT_TIER2_PARTNER_SIGNUP, session, SECTIGO_ERROR_KIND_CONFIG, "config");
    CHECK(strstr(why(e), "path") != NULL, "says to set the path: %s", why(e));
    sectigo_error_free(e);
    sectigo_client_free(stranger);
    sectigo_client_free(client);
}

/* A sandbox client with retry settings (waits of a few milliseconds, to keep the test quick).
   A `tag` (or NULL) becomes the user agent: settings unlike any other client's make a shared
   client of their own, and so a new connection. */
static sectigo_client *tagged_client(const char *base_url, const char *max_retries, const char *tag) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_error *error = NULL;
    CHECK(sectigo_options_new(&options) == SECTIGO_RESULT_OK, "options");
    const char *settings[][2] = {
        {"base_url", base_url},
        {"ca_file", env("SECTIGO_SANDBOX_CA")},
        {"login_name", env("SECTIGO_SANDBOX_LOGIN")},
        {"login_password", env("SECTIGO_SANDBOX_PASSWORD")},
        {"max_retries", max_retries},
        {"retry_base_ms", "2"},
        {"retry_max_ms", "10"},
        {"user_agent", tag},
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (settings[i][1] == NULL) {
            continue;
        }
        CHECK(sectigo_options_set(options, settings[i][0], settings[i][1], &error) == SECTIGO_RESULT_OK, "option %s: %s",
              settings[i][0], why(error));
    }
    CHECK(sectigo_client_new(options, &client, &error) == SECTIGO_RESULT_OK, "client: %s", why(error));
    sectigo_options_free(options);
    return client;
}

static sectigo_client *retry_client(const char *base_url, const char *max_retries) {
    return tagged_client(base_url, max_retries, NULL);
}

/* A sandbox client of its own (its own pool, so its own new connection). */
static sectigo_client *fresh_client(const char *tag, const char *max_retries) {
    return tagged_client(env("SECTIGO_SANDBOX_URL"), max_retries, tag);
}

/* What the log callback saw: each record's level and a copy of its message, and the thread. */
struct seen_log {
    size_t count;
    int levels[16];
    char messages[16][512];
    pthread_t thread;
};

static void remember_log(void *user_data, sectigo_log_level level, const char *message) {
    struct seen_log *seen = user_data;
    seen->thread = pthread_self();
    if (seen->count < 16) {
        seen->levels[seen->count] = (int)level;
        snprintf(seen->messages[seen->count], sizeof seen->messages[0], "%s", message);
    }
    seen->count++;
}

/* A client whose calls keep their log records from `level` up, with the callback (or none). */
static sectigo_client *logging_client(const char *level, sectigo_log_fn callback, void *user_data) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_error *error = NULL;
    CHECK(sectigo_options_new(&options) == SECTIGO_RESULT_OK, "options");
    const char *settings[][2] = {
        {"base_url", env("SECTIGO_SANDBOX_URL")}, {"ca_file", env("SECTIGO_SANDBOX_CA")},
        {"login_name", env("SECTIGO_SANDBOX_LOGIN")}, {"login_password", env("SECTIGO_SANDBOX_PASSWORD")},
        {"retry_base_ms", "2"}, {"retry_max_ms", "10"}, {"log_level", level},
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (settings[i][1] != NULL) {
            CHECK(sectigo_options_set(options, settings[i][0], settings[i][1], &error) == SECTIGO_RESULT_OK,
                  "option %s: %s", settings[i][0], why(error));
        }
    }
    CHECK(sectigo_options_set_log_callback(options, callback, user_data, &error) == SECTIGO_RESULT_OK, "callback");
    CHECK(sectigo_client_new(options, &client, &error) == SECTIGO_RESULT_OK, "client: %s", why(error));
    sectigo_options_free(options);
    return client;
}

static void test_log_records(void) {
    const char *session[] = {"orderNumber", "1000003", NULL};
    const char *order[] = {"ap", "sandboxbrand", "reseller", "Y", "name", "N", "emailAddress", "n@example.com",
                           "1_PPP", "9974", NULL};
    struct seen_log seen;
    memset(&seen, 0, sizeof seen);
    sectigo_client *client = logging_client("debug", remember_log, &seen);
    sectigo_response *response = NULL;
    sectigo_error *e = NULL;
    sectigo_log_level level = SECTIGO_LOG_OFF;

    /* A retry (WARN), then the call (DEBUG): kept with the answer, in order, and given to the
       callback on this thread during the call. */
    CHECK(sandbox_admin("/_sandbox/faults", "kind=rate_limited&endpoint=!initCustomerSession&count=1") == 0, "fault");
    CHECK(call(client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, &response, &e) == SECTIGO_RESULT_OK,
          "served after one retry: %s", why(e));
    CHECK(sectigo_response_log_count(response) == 2, "2 records, got %zu", sectigo_response_log_count(response));
    const char *first = sectigo_response_log_at(response, 0, &level);
    CHECK(first != NULL && level == SECTIGO_LOG_WARN && strstr(first, "sending it again") != NULL, "the retry: %s",
          first ? first : "(null)");
    const char *last = sectigo_response_log_at(response, 1, &level);
    CHECK(last != NULL && level == SECTIGO_LOG_DEBUG && strstr(last, "!initCustomerSession: ok in ") == last &&
              strstr(last, "(errorCode 0, retries 1)") != NULL,
          "the call: %s", last ? last : "(null)");
    CHECK(sectigo_response_log_at(response, 2, &level) == NULL, "NULL past the end");
    CHECK(sectigo_response_log_at(response, 0, NULL) == first, "level_out may be NULL");
    CHECK(seen.count == 2 && seen.levels[0] == SECTIGO_LOG_WARN && seen.levels[1] == SECTIGO_LOG_DEBUG &&
              strcmp(seen.messages[1], last) == 0,
          "the callback saw the same %zu records", seen.count);
    CHECK(pthread_equal(seen.thread, pthread_self()), "the callback ran on the calling thread");
    sectigo_response_free(response);
    response = NULL;

    /* An order whose answer was lost: the WARN record comes with the error. */
    CHECK(sandbox_admin("/_sandbox/faults", "kind=close&endpoint=!PlaceOrder&count=1") == 0, "fault");
    e = expect_error(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN, "close");
    CHECK(sectigo_error_log_count(e) == 1, "1 record, got %zu", sectigo_error_log_count(e));
    const char *lost = sectigo_error_log_at(e, 0, &level);
    CHECK(lost != NULL && level == SECTIGO_LOG_WARN && strstr(lost, "!PlaceOrder: outcome unknown after ") == lost,
          "the unknown outcome: %s", lost ? lost : "(null)");
    CHECK(strstr(lost, env("SECTIGO_SANDBOX_PASSWORD")) == NULL, "no password in a record");
    CHECK(sectigo_error_log_at(e, 1, NULL) == NULL && sectigo_error_log_count(NULL) == 0, "past the end, NULL");
    sectigo_error_free(e);
    sectigo_client_free(client);

    /* Without log_level, a callback gets WARN and up; without either, nothing is kept. */
    memset(&seen, 0, sizeof seen);
    client = logging_client(NULL, remember_log, &seen);
    CHECK(call(client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, &response, &e) == SECTIGO_RESULT_OK, "call");
    CHECK(seen.count == 0 && sectigo_response_log_count(response) == 0, "no WARN record for a plain call");
    sectigo_response_free(response);
    response = NULL;
    sectigo_client_free(client);
    client = logging_client(NULL, NULL, NULL);
    CHECK(sandbox_admin("/_sandbox/faults", "kind=rate_limited&endpoint=!initCustomerSession&count=1") == 0, "fault");
    CHECK(call(client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, &response, &e) == SECTIGO_RESULT_OK, "call");
    CHECK(sectigo_response_retries(response) == 1 && sectigo_response_log_count(response) == 0, "logging is off");
    sectigo_response_free(response);
    sectigo_client_free(client);

    sectigo_options *options = NULL;
    CHECK(sectigo_options_new(&options) == SECTIGO_RESULT_OK, "options");
    CHECK(sectigo_options_set(options, "log_level", "loud", &e) == SECTIGO_RESULT_ERROR &&
              strstr(sectigo_error_message(e), "log_level") != NULL,
          "a bad level is refused, naming the option");
    sectigo_error_free(e);
    sectigo_options_free(options);
}

static void test_retries(void) {
    const char *session[] = {"orderNumber", "1000003", NULL};
    const char *order[] = {"ap", "sandboxbrand", "reseller", "Y", "name", "N", "emailAddress", "n@example.com",
                           "1_PPP", "9974", NULL};
    sectigo_client *client = retry_client(env("SECTIGO_SANDBOX_URL"), "3");
    sectigo_response *response = NULL;
    sectigo_error *e = NULL;
    int64_t code = 0;

    /* -42 twice, then an answer: sent again after a wait, and the answer says so. */
    CHECK(sandbox_admin("/_sandbox/faults", "kind=rate_limited&endpoint=!initCustomerSession&count=2") == 0, "fault");
    CHECK(call(client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, &response, &e) == SECTIGO_RESULT_OK,
          "rate limited twice, then served: %s", why(e));
    CHECK(sectigo_response_retries(response) == 2, "two retries: %u", sectigo_response_retries(response));
    sectigo_response_free(response);
    response = NULL;

    /* -42 on a write call is retried too (nothing was done), up to the limit. */
    CHECK(sandbox_admin("/_sandbox/faults", "kind=rate_limited&endpoint=!PlaceOrder&count=4") == 0, "fault");
    e = expect_error(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, SECTIGO_ERROR_KIND_API, "rate limited 4 times");
    CHECK(sectigo_error_code(e, &code) == SECTIGO_RESULT_OK && code == SECTIGO_CODE_CALL_LIMIT_REACHED, "code -42");
    CHECK(sectigo_error_retries(e) == 3, "gave up after 3 retries: %u", sectigo_error_retries(e));
    CHECK(sectigo_error_flags(e) == (SECTIGO_ERROR_FLAG_RATE_LIMITED | SECTIGO_ERROR_FLAG_RETRY_SAFE), "flags %u",
          sectigo_error_flags(e));
    sectigo_error_free(e);

    /* An answer lost after the order was placed is never sent again. */
    CHECK(sandbox_admin("/_sandbox/faults", "kind=close&endpoint=!PlaceOrder&count=1") == 0, "fault");
    e = expect_error(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN, "close");
    CHECK(sectigo_error_retries(e) == 0, "a call that may have taken effect is never resent");
    sectigo_error_free(e);
    sectigo_client_free(client);

    /* max_retries=0 turns retries off. */
    sectigo_client *once = retry_client(env("SECTIGO_SANDBOX_URL"), "0");
    CHECK(sandbox_admin("/_sandbox/faults", "kind=rate_limited&endpoint=!initCustomerSession&count=1") == 0, "fault");
    e = expect_error(once, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_API, "no retries");
    CHECK(sectigo_error_retries(e) == 0 && (sectigo_error_flags(e) & SECTIGO_ERROR_FLAG_RATE_LIMITED), "not retried");
    sectigo_error_free(e);
    sectigo_client_free(once);

    /* A connection never established is retried: nothing was sent. */
    sectigo_client *nowhere = retry_client("https://127.0.0.1:1", "2");
    e = expect_error(nowhere, SECTIGO_ENDPOINT_PLACE_ORDER, order, SECTIGO_ERROR_KIND_TRANSPORT, "refused");
    CHECK(sectigo_error_retries(e) == 2, "connect retried: %u", sectigo_error_retries(e));
    sectigo_error_free(e);
    sectigo_client_free(nowhere);

    /* Bad retry settings are refused where they are set, naming the option. */
    sectigo_options *options = NULL;
    CHECK(sectigo_options_new(&options) == SECTIGO_RESULT_OK, "options");
    CHECK(sectigo_options_set(options, "max_retries", "-1", &e) == SECTIGO_RESULT_ERROR, "max_retries=-1 refused");
    CHECK(strstr(why(e), "max_retries") != NULL, "names the option: %s", why(e));
    sectigo_error_free(e);
    CHECK(sectigo_options_set(options, "retry_base_ms", "soon", &e) == SECTIGO_RESULT_ERROR, "retry_base_ms refused");
    sectigo_error_free(e);
    sectigo_options_free(options);
    CHECK(sectigo_response_retries(NULL) == 0 && sectigo_error_retries(NULL) == 0, "NULL reads as 0");
}

/* Fails when any string of the error holds the canary. */
static void no_canary(const sectigo_error *e, const char *canary, const char *what) {
    const char *texts[] = {sectigo_error_message(e), sectigo_error_server_message(e), sectigo_error_item(e),
                           sectigo_error_argument(e), sectigo_error_id(e), sectigo_error_raw(e),
                           sectigo_error_detail_kind(e)};
    CHECK(texts[0] != NULL, "%s: a message", what);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        CHECK(texts[i] == NULL || strstr(texts[i], canary) == NULL, "%s: string %zu shows the password: %s", what, i,
              texts[i]);
    }
    for (size_t i = 0; i < sectigo_error_violation_count(e); i++) {
        const char *p = NULL;
        const char *r = NULL;
        const char *m = NULL;
        CHECK(sectigo_error_violation_at(e, i, &p, &r, &m) == SECTIGO_RESULT_OK, "%s: violation %zu", what, i);
        CHECK(strstr(p, canary) == NULL && strstr(r, canary) == NULL && strstr(m, canary) == NULL,
              "%s: violation shows the password: %s", what, m);
    }
}

/* A password canary shows in no error string, whatever went wrong. */
static void test_canary(void) {
    const char *canary = env("SECTIGO_CANARY");
    const char *session[] = {"orderNumber", "1000003", NULL};
    sectigo_error *e = NULL;

    sectigo_client *wrong = sandbox_client(env("SECTIGO_SANDBOX_URL"), canary, 1);
    e = expect_error(wrong, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_API, "canary -16");
    no_canary(e, canary, "-16");
    sectigo_error_free(e);

    /* Outcome unknown: a signup carrying the canary as the new admin's password, answer lost. */
    char admin[64];
    snprintf(admin, sizeof admin, "c_canary_%ld", (long)getpid());
    const char *signup[] = {SIGNUP_PAIRS(admin, canary)};
    sectigo_client *client = sandbox_client(env("SECTIGO_SANDBOX_URL"), "", 1);
    CHECK(sandbox_admin("/_sandbox/faults", "kind=close&endpoint=!Tier2PartnerSignup&count=1") == 0, "fault");
    e = expect_error(client, SECTIGO_ENDPOINT_TIER2_PARTNER_SIGNUP, signup, SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN,
                     "canary outcome unknown");
    no_canary(e, canary, "outcome unknown");
    sectigo_error_free(e);

    /* Validation: the canary, far too long for a password. */
    char long_password[400] = {0};
    while (strlen(long_password) + strlen(canary) < sizeof long_password) {
        strcat(long_password, canary);
    }
    signup[sizeof signup / sizeof signup[0] - 2] = long_password;
    e = expect_error(client, SECTIGO_ENDPOINT_TIER2_PARTNER_SIGNUP, signup, SECTIGO_ERROR_KIND_VALIDATION,
                     "canary validation");
    CHECK(sectigo_error_violation_count(e) >= 1, "the length is reported");
    no_canary(e, canary, "validation");
    sectigo_error_free(e);
    sectigo_client_free(client);

    /* Decode and HTTP status errors of a client whose password is the canary: the admin made
       above (its signup was carried out before the answer was lost). */
    sectigo_options *options = NULL;
    sectigo_client *admin_client = NULL;
    CHECK(sectigo_options_new(&options) == SECTIGO_RESULT_OK, "options");
    const char *settings[][2] = {{"base_url", env("SECTIGO_SANDBOX_URL")}, {"ca_file", env("SECTIGO_SANDBOX_CA")},
                                 {"login_name", admin}, {"login_password", canary}};
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        CHECK(sectigo_options_set(options, settings[i][0], settings[i][1], &e) == SECTIGO_RESULT_OK, "option: %s", why(e));
    }
    CHECK(sectigo_client_new(options, &admin_client, &e) == SECTIGO_RESULT_OK, "client: %s", why(e));
    sectigo_options_free(options);
    CHECK(sandbox_admin("/_sandbox/faults", "kind=garbage&endpoint=!initCustomerSession&count=1") == 0, "fault");
    e = expect_error(admin_client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_DECODE, "canary decode");
    no_canary(e, canary, "decode");
    sectigo_error_free(e);
    CHECK(sandbox_admin("/_sandbox/faults", "kind=status&status=500&endpoint=!initCustomerSession&count=1") == 0, "fault");
    e = expect_error(admin_client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_TRANSPORT, "canary 500");
    no_canary(e, canary, "HTTP 500");
    sectigo_error_free(e);
    /* Logged in with the canary: the sandbox refuses the order it does not own (-3/-16...). */
    sectigo_response *response = NULL;
    if (call(admin_client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, &response, &e) == SECTIGO_RESULT_OK) {
        CHECK(strstr(sectigo_response_raw(response), canary) == NULL, "answer");
        sectigo_response_free(response);
    } else {
        CHECK(sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_API, "an API answer: %s", why(e));
        no_canary(e, canary, "admin's call");
        sectigo_error_free(e);
    }
    sectigo_client_free(admin_client);

    /* Transport: nothing listens. */
    sectigo_client *nowhere = retry_client("https://127.0.0.1:1", "0");
    e = expect_error(nowhere, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, SECTIGO_ERROR_KIND_TRANSPORT, "canary connect");
    no_canary(e, canary, "connect");
    sectigo_error_free(e);
    sectigo_client_free(nowhere);
    sectigo_client_free(wrong);
}

static void test_misuse(void) {
    sectigo_error *e = NULL;
    sectigo_options *options = NULL;
    sectigo_request *request = NULL;
    sectigo_client *client = NULL;
    sectigo_response *response = NULL;

    CHECK(sectigo_version() != NULL, "version");
    {
        /* The header's version macros are the library's own. */
        char compiled[64];
        snprintf(compiled, sizeof compiled, "%d.%d.%d", SECTIGO_VERSION_MAJOR, SECTIGO_VERSION_MINOR,
                 SECTIGO_VERSION_PATCH);
        CHECK(strcmp(sectigo_version(), SECTIGO_VERSION) == 0, "SECTIGO_VERSION %s, library %s", SECTIGO_VERSION,
              sectigo_version());
        CHECK(strncmp(sectigo_version(), compiled, strlen(compiled)) == 0, "version macros %s, library %s", compiled,
              sectigo_version());
        /* Every result has its sentence, beginning with its name; any other number says so. */
        static const struct { sectigo_result result; const char *name; } results[] = {
            {SECTIGO_RESULT_OK, "SECTIGO_RESULT_OK:"},
            {SECTIGO_RESULT_ERROR, "SECTIGO_RESULT_ERROR:"},
            {SECTIGO_RESULT_NULL_ARGUMENT, "SECTIGO_RESULT_NULL_ARGUMENT:"},
            {SECTIGO_RESULT_INVALID_UTF8, "SECTIGO_RESULT_INVALID_UTF8:"},
            {SECTIGO_RESULT_NOT_FOUND, "SECTIGO_RESULT_NOT_FOUND:"},
            {SECTIGO_RESULT_OUT_OF_RANGE, "SECTIGO_RESULT_OUT_OF_RANGE:"},
            {SECTIGO_RESULT_PANIC, "SECTIGO_RESULT_PANIC:"},
        };
        for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
            const char *text = sectigo_result_str(results[i].result);
            CHECK(strncmp(text, results[i].name, strlen(results[i].name)) == 0, "sectigo_result_str(%d): %s",
                  (int)results[i].result, text);
        }
        CHECK(strcmp(sectigo_result_str(99), "not a sectigo_result") == 0, "sectigo_result_str(99)");
        CHECK(strcmp(sectigo_result_str(-1), "not a sectigo_result") == 0, "sectigo_result_str(-1)");
    }
    CHECK(sectigo_options_new(NULL) == SECTIGO_RESULT_NULL_ARGUMENT, "options_new(NULL)");
    CHECK(sectigo_options_new(&options) == SECTIGO_RESULT_OK, "options_new");
    CHECK(sectigo_options_set(options, NULL, "x", &e) == SECTIGO_RESULT_NULL_ARGUMENT, "NULL name");
    CHECK(e != NULL && sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_ARGUMENT && strstr(why(e), "name") != NULL,
          "NULL argument error: %s", why(e));
    sectigo_error_free(e);
    e = NULL;
    CHECK(sectigo_options_set(options, "login_name", "\xff\xfe", &e) == SECTIGO_RESULT_INVALID_UTF8, "bad UTF-8");
    CHECK(e != NULL && sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_ARGUMENT, "UTF-8 error kind");
    sectigo_error_free(e);
    e = NULL;
    CHECK(sectigo_options_set(options, "colour", "red", &e) == SECTIGO_RESULT_ERROR &&
              sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_CONFIG, "unknown option");
    sectigo_error_free(e);
    e = NULL;
    CHECK(sectigo_options_set(options, "timeout_ms", "soon", NULL) == SECTIGO_RESULT_ERROR, "bad value, no error_out");
    CHECK(sectigo_options_set(options, "login_name", "only-a-name", &e) == SECTIGO_RESULT_OK, "login name");
    CHECK(sectigo_client_new(options, &client, &e) == SECTIGO_RESULT_ERROR && client == NULL &&
              sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_CONFIG, "name without password: %s", why(e));
    sectigo_error_free(e);
    e = NULL;
    CHECK(sectigo_client_new(NULL, &client, &e) == SECTIGO_RESULT_NULL_ARGUMENT && client == NULL, "NULL options");
    sectigo_error_free(e);
    e = NULL;
    sectigo_options_free(options);

    CHECK(sectigo_request_new("!NoSuchEndpoint", &request, &e) == SECTIGO_RESULT_ERROR && request == NULL &&
              sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_CONFIG, "unknown endpoint");
    sectigo_error_free(e);
    e = NULL;
    CHECK(sectigo_request_new(SECTIGO_ENDPOINT_AUTO_AUTHORIZE, &request, &e) == SECTIGO_RESULT_OK, "request_new");
    CHECK(sectigo_request_set(request, "colour", "red", &e) == SECTIGO_RESULT_OK, "names are checked later");
    CHECK(sectigo_request_set(request, "test", "\xc3\x28", &e) == SECTIGO_RESULT_INVALID_UTF8, "bad UTF-8 value");
    sectigo_error_free(e);
    e = NULL;
    char *body = NULL;
    CHECK(sectigo_request_prepare(request, &body, &e) == SECTIGO_RESULT_ERROR && body == NULL, "prepare refuses");
    int unknown = 0;
    for (size_t i = 0; i < sectigo_error_violation_count(e); i++) {
        const char *p = NULL, *rule = NULL, *m = NULL;
        sectigo_error_violation_at(e, i, &p, &rule, &m);
        unknown += streq(p, "colour") && streq(rule, "unknown");
    }
    CHECK(unknown == 1, "unknown parameter reported: %s", why(e));
    sectigo_error_free(e);
    e = NULL;
    CHECK(sectigo_client_call(NULL, request, &response, &e) == SECTIGO_RESULT_NULL_ARGUMENT && response == NULL,
          "NULL client");
    sectigo_error_free(e);
    e = NULL;
    CHECK(sectigo_request_prepare(request, NULL, NULL) == SECTIGO_RESULT_NULL_ARGUMENT, "NULL out");
    sectigo_request_free(request);

    const char *v = NULL;
    CHECK(sectigo_response_get(NULL, "x", &v) == SECTIGO_RESULT_NULL_ARGUMENT && v == NULL, "NULL response");
    CHECK(sectigo_response_code(NULL) == 0 && sectigo_response_field_count(NULL) == 0, "NULL response getters");
    CHECK(sectigo_response_raw(NULL) == NULL && sectigo_response_quirk_at(NULL, 0) == NULL, "NULL response strings");
    CHECK(sectigo_error_message(NULL) == NULL && sectigo_error_get_kind(NULL) == SECTIGO_ERROR_KIND_ARGUMENT, "NULL error");
    CHECK(sectigo_error_violation_count(NULL) == 0 && sectigo_error_status(NULL) == 0, "NULL error getters");
    /* Freeing NULL is allowed everywhere. */
    sectigo_options_free(NULL);
    sectigo_client_free(NULL);
    sectigo_request_free(NULL);
    sectigo_response_free(NULL);
    sectigo_error_free(NULL);
    sectigo_string_free(NULL);
    passed++;
}

struct worker {
    const sectigo_client *client;
    int ok;
};

static void *work(void *arg) {
    struct worker *w = arg;
    const char *session[] = {"orderNumber", "1000003", NULL};
    for (int i = 0; i < 20; i++) {
        sectigo_response *response = NULL;
        sectigo_error *error = NULL;
        if (call(w->client, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, &response, &error) == SECTIGO_RESULT_OK) {
            w->ok++;
            sectigo_response_free(response);
        } else {
            fprintf(stderr, "thread call: %s\n", why(error));
            sectigo_error_free(error);
        }
    }
    return NULL;
}

static void test_two_threads_share_a_client(void) {
    sectigo_client *client = sandbox_client(env("SECTIGO_SANDBOX_URL"), "", 0);
    struct worker workers[2] = {{client, 0}, {client, 0}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) {
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(threads[i], NULL);
    }
    CHECK(workers[0].ok == 20 && workers[1].ok == 20, "both threads made 20 calls: %d %d", workers[0].ok, workers[1].ok);
    sectigo_client_free(client);
}

/* Checks that `packed` (sectigo_response_packed) says what the response's own accessors say. */
static void check_packed(const sectigo_response *response, const char *what) {
    size_t len = 0;
    const uint8_t *data = sectigo_response_packed(response, &len);
    CHECK(data != NULL && len > 0, "%s: packed", what);
    if (data == NULL) return;
    const char *at = (const char *)data;
    const char *end = at + len;
    /* The numbers, then each field's name and value, each quirk, then the raw body. */
    long long code = strtoll(at, NULL, 10);
    at += strlen(at) + 1;
    unsigned long retries = strtoul(at, NULL, 10);
    at += strlen(at) + 1;
    size_t fields = (size_t)strtoul(at, NULL, 10);
    at += strlen(at) + 1;
    size_t quirks = (size_t)strtoul(at, NULL, 10);
    at += strlen(at) + 1;
    CHECK(code == sectigo_response_code(response) && retries == sectigo_response_retries(response), "%s: numbers",
          what);
    CHECK(fields == sectigo_response_field_count(response) && quirks == sectigo_response_quirk_count(response),
          "%s: counts %zu %zu", what, fields, quirks);
    for (size_t i = 0; i < fields && at < end; i++) {
        const char *n = NULL;
        const char *v = NULL;
        CHECK(sectigo_response_field_at(response, i, &n, &v) == SECTIGO_RESULT_OK, "%s: field %zu", what, i);
        CHECK(streq(at, n), "%s: name %zu: %s", what, i, at);
        at += strlen(at) + 1;
        CHECK(streq(at, v), "%s: value %zu: %s", what, i, at);
        at += strlen(at) + 1;
    }
    for (size_t i = 0; i < quirks && at < end; i++) {
        CHECK(streq(at, sectigo_response_quirk_at(response, i)), "%s: quirk %zu", what, i);
        at += strlen(at) + 1;
    }
    const char *raw = sectigo_response_raw(response);
    CHECK(at <= end && (size_t)(end - at) == strlen(raw) && memcmp(at, raw, strlen(raw)) == 0, "%s: raw body", what);
}

/* sectigo_client_call_packed and sectigo_response_packed: one buffer in, one buffer out. */
static void test_packed(void) {
    sectigo_client *client = sandbox_client(env("SECTIGO_SANDBOX_URL"), "", 0);
    sectigo_response *response = NULL;
    sectigo_error *error = NULL;
    static const char session[] = "orderNumber\0" "1000001\0" "responseFormat\0" "1";
    sectigo_result r = sectigo_client_call_packed(client, "!initCustomerSession", session, sizeof session, 2,
                                                  &response, &error);
    CHECK(r == SECTIGO_RESULT_OK, "packed call: %s", why(error));
    if (r == SECTIGO_RESULT_OK) {
        const char *sid = NULL;
        CHECK(sectigo_response_get(response, "SID", &sid) == SECTIGO_RESULT_OK && strlen(sid) == 16, "SID");
        check_packed(response, "a session");
        size_t len = 0;
        const uint8_t *first = sectigo_response_packed(response, &len);
        CHECK(sectigo_response_packed(response, NULL) == first, "the buffer is made once");
        sectigo_response_free(response);
    } else {
        sectigo_error_free(error);
        error = NULL;
    }

    /* The rules still apply: a missing order number is a validation error naming it. */
    r = sectigo_client_call_packed(client, "!initCustomerSession", NULL, 0, 0, &response, &error);
    CHECK(r == SECTIGO_RESULT_ERROR && sectigo_error_get_kind(error) == SECTIGO_ERROR_KIND_VALIDATION &&
              strstr(sectigo_error_message(error), "orderNumber") != NULL, "no parameters: %s", why(error));
    sectigo_error_free(error);
    error = NULL;

    /* Buffers that do not hold `count` pairs are refused before anything is sent. */
    struct {
        const char *bytes;
        size_t len;
        size_t count;
        sectigo_result result;
        const char *what;
    } bad[] = {
        {"orderNumber\0" "1000001", sizeof "orderNumber\0" "1000001", 2, SECTIGO_RESULT_ERROR, "count too high"},
        {"orderNumber\0" "10\0" "01", sizeof "orderNumber\0" "10\0" "01", 1, SECTIGO_RESULT_ERROR, "a NUL in a value"},
        {"orderNumber\0" "1000001", sizeof "orderNumber\0" "1000001" - 1, 1, SECTIGO_RESULT_ERROR, "no final NUL"},
        {"orderNumber\0" "\xff", sizeof "orderNumber\0" "\xff", 1, SECTIGO_RESULT_INVALID_UTF8, "not UTF-8"},
        {NULL, 8, 1, SECTIGO_RESULT_NULL_ARGUMENT, "NULL with a length"},
        {"orderNumber\0" "1000001", sizeof "orderNumber\0" "1000001", SIZE_MAX, SECTIGO_RESULT_ERROR, "a count past any"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        response = (sectigo_response *)(uintptr_t)0x1;
        r = sectigo_client_call_packed(client, "!initCustomerSession", bad[i].bytes, bad[i].len, bad[i].count,
                                       &response, &error);
        CHECK(r == bad[i].result && error != NULL && sectigo_error_get_kind(error) == SECTIGO_ERROR_KIND_ARGUMENT,
              "%s: result %d: %s", bad[i].what, (int)r, why(error));
        CHECK(response == (sectigo_response *)(uintptr_t)0x1, "%s: the output was written", bad[i].what);
        CHECK(strstr(sectigo_error_message(error), "params") != NULL, "%s: names the buffer: %s", bad[i].what,
              why(error));
        sectigo_error_free(error);
        error = NULL;
    }
    CHECK(sectigo_client_call_packed(NULL, "!initCustomerSession", session, sizeof session, 2, &response, &error) ==
              SECTIGO_RESULT_NULL_ARGUMENT, "NULL client");
    sectigo_error_free(error);
    error = NULL;
    size_t len = 99;
    CHECK(sectigo_response_packed(NULL, &len) == NULL && len == 0, "NULL response");

    /* A hostile answer: a NUL byte in a value (U+FFFD here as in every string) and a quirk. */
    sectigo_request *request = NULL;
    CHECK(sectigo_request_new("!initCustomerSession", &request, &error) == SECTIGO_RESULT_OK, "request");
    CHECK(sectigo_request_set(request, "responseFormat", "1", &error) == SECTIGO_RESULT_OK, "set");
    static const char body[] = "SID=a%00b&orderNumber=7";
    r = sectigo_response_decode(request, 200, NULL, (const uint8_t *)body, strlen(body), &response, &error);
    CHECK(r == SECTIGO_RESULT_OK, "decode: %s", why(error));
    if (r == SECTIGO_RESULT_OK) {
        check_packed(response, "a hostile answer");
        CHECK(sectigo_response_quirk_count(response) == 1, "the missing errorCode is a quirk");
        const uint8_t *data = sectigo_response_packed(response, &len);
        int found = 0;
        for (size_t i = 0; i + 5 <= len; i++) {
            found |= memcmp(data + i, "a\xef\xbf\xbd" "b", 5) == 0;
        }
        CHECK(found, "the NUL byte is U+FFFD");
        sectigo_response_free(response);
    } else {
        sectigo_error_free(error);
    }
    sectigo_request_free(request);
    sectigo_client_free(client);
}

/* Places an order; its number goes to `number` (size 32). */
static void place(const sectigo_client *client, const char *email, char *number) {
    const char *order[] = {"ap", "sandboxbrand", "reseller", "Y", "name", "N", "emailAddress", email, "1_PPP", "9974", NULL};
    sectigo_response *response = NULL;
    sectigo_error *error = NULL;
    const char *value = NULL;
    number[0] = '\0';
    CHECK(call(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, &response, &error) == SECTIGO_RESULT_OK, "order: %s", why(error));
    if (response != NULL && sectigo_response_get(response, SECTIGO_PLACE_ORDER_FIELD_ORDER_NUMBER, &value) == SECTIGO_RESULT_OK) {
        snprintf(number, 32, "%s", value);
    }
    sectigo_response_free(response);
    sectigo_error_free(error);
}

/* A handshake broken in each way the sandbox knows is "not sent" for an order and for an
   authorization: retry-safe, never "may have taken effect", and sent again by the policy. */
static void test_not_sent(void) {
    const char *faults[] = {"handshake_reset", "handshake_close", "plain_http", "handshake_alert", "untrusted_cert",
                            "wrong_name_cert"};
    const char *order[] = {"ap", "sandboxbrand", "reseller", "Y", "name", "N", "emailAddress", "ns@example.com",
                           "1_PPP", "9974", NULL};
    char fault[64], tag[64], number[32];
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        snprintf(fault, sizeof fault, "kind=%s&count=1", faults[i]);
        const char *endpoints[] = {SECTIGO_ENDPOINT_PLACE_ORDER, SECTIGO_ENDPOINT_AUTO_AUTHORIZE};
        for (size_t k = 0; k < 2; k++) {
            snprintf(tag, sizeof tag, "c-not-sent-%s-%zu", faults[i], k);
            sectigo_client *setup = fresh_client("c-not-sent-setup", "0");
            place(setup, "ns@example.com", number);
            sectigo_client_free(setup);
            const char *authorize[] = {"orderNumber", number, NULL};
            const char *const *pairs = k == 0 ? order : authorize;

            sectigo_client *once = fresh_client(tag, "0");
            CHECK(sandbox_admin("/_sandbox/faults", fault) == 0, "inject %s", faults[i]);
            sectigo_error *e = expect_error(once, endpoints[k], pairs, SECTIGO_ERROR_KIND_TRANSPORT, faults[i]);
            CHECK(sectigo_error_flags(e) == SECTIGO_ERROR_FLAG_RETRY_SAFE, "%s %s: retry-safe, no effect: %u", faults[i],
                  endpoints[k], sectigo_error_flags(e));
            sectigo_error_free(e);
            sectigo_client_free(once);

            snprintf(tag, sizeof tag, "c-not-sent-%s-%zu-retried", faults[i], k);
            sectigo_client *retried = fresh_client(tag, "3");
            CHECK(sandbox_admin("/_sandbox/faults", fault) == 0, "inject %s", faults[i]);
            sectigo_response *response = NULL;
            sectigo_error *error = NULL;
            CHECK(call(retried, endpoints[k], pairs, &response, &error) == SECTIGO_RESULT_OK, "%s %s retried: %s", faults[i],
                  endpoints[k], why(error));
            CHECK(response != NULL && sectigo_response_retries(response) == 1, "%s %s: one retry", faults[i], endpoints[k]);
            sectigo_response_free(response);
            sectigo_error_free(error);
            sectigo_client_free(retried);
        }
    }
}

/* After fork(), parent and child call at once on the client made before it: every answer is
   the caller's own, and a client made in the child is the child's (the shared cache starts
   empty there). */
static void test_fork(void) {
    sectigo_client *client = fresh_client("c-fork", "0");
    char mine[2][32];
    place(client, "parent@example.com", mine[0]);
    place(client, "child@example.com", mine[1]);
    for (int round = 0; round < 10; round++) {
        fflush(NULL);
        pid_t pid = fork();
        CHECK(pid >= 0, "fork");
        int child = pid == 0;
        const char *own = mine[child];
        const char *session[] = {"orderNumber", own, NULL};
        int bad = 0;
        sectigo_client *again = child ? fresh_client("c-fork", "0") : NULL;
        for (int i = 0; i < 10; i++) {
            sectigo_response *response = NULL;
            sectigo_error *error = NULL;
            const char *value = NULL;
            const sectigo_client *which = again != NULL && i % 2 ? again : client;
            if (call(which, SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, session, &response, &error) != SECTIGO_RESULT_OK ||
                sectigo_response_get(response, SECTIGO_INIT_CUSTOMER_SESSION_FIELD_ORDER_NUMBER, &value) != SECTIGO_RESULT_OK ||
                !streq(value, own)) {
                fprintf(stderr, "%s, round %d: %s (answer for %s)\n", child ? "child" : "parent", round, why(error),
                        value != NULL ? value : "-");
                bad++;
            }
            sectigo_response_free(response);
            sectigo_error_free(error);
        }
        if (child) {
            sectigo_client_free(again);
            sectigo_client_free(client);
            _exit(bad == 0 ? 0 : 1);
        }
        int status = 0;
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child of round %d", round);
        CHECK(bad == 0, "parent of round %d: %d answers not its own", round, bad);
    }
    sectigo_client_free(client);
}

/* Settings are checked when the client is made: an error naming the setting, never a panic. */
static void test_bad_settings(void) {
    const char *bad[][3] = {
        {"user_agent", "panel/1.0\r\nX-Injected: 1", "user_agent"},
        {"timeout_ms", "99999999999", "timeout"},
        {"connect_timeout_ms", "3600001", "connect_timeout"},
        {"resolve", "localhost:443:not-an-address", "resolve"},
        {"resolve", "no-port", "resolve"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sectigo_options *options = NULL;
        sectigo_client *client = NULL;
        sectigo_error *error = NULL;
        CHECK(sectigo_options_new(&options) == SECTIGO_RESULT_OK, "options");
        sectigo_result r = sectigo_options_set(options, bad[i][0], bad[i][1], &error);
        if (r == SECTIGO_RESULT_OK) {
            r = sectigo_client_new(options, &client, &error);
        }
        CHECK(r == SECTIGO_RESULT_ERROR && sectigo_error_get_kind(error) == SECTIGO_ERROR_KIND_CONFIG, "%s: a config error",
              bad[i][0]);
        CHECK(strstr(why(error), bad[i][2]) != NULL, "%s: names the setting: %s", bad[i][0], why(error));
        CHECK(client == NULL, "%s: no client", bad[i][0]);
        sectigo_error_free(error);
        sectigo_options_free(options);
    }
}

/* A client from (name, value, ..., NULL) settings; NULL, with the error in `error_out`, when
   they are refused. */
static sectigo_client *client_from(const char *const *settings, sectigo_error **error_out) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    *error_out = NULL;
    CHECK(sectigo_options_new(&options) == SECTIGO_RESULT_OK, "options");
    sectigo_result r = SECTIGO_RESULT_OK;
    for (size_t i = 0; settings[i] != NULL && r == SECTIGO_RESULT_OK; i += 2) {
        r = sectigo_options_set(options, settings[i], settings[i + 1], error_out);
    }
    if (r == SECTIGO_RESULT_OK) {
        r = sectigo_client_new(options, &client, error_out);
    }
    sectigo_options_free(options);
    return r == SECTIGO_RESULT_OK ? client : NULL;
}

/* How many tunnels to the sandbox the proxy's log shows. */
static int tunnels(void) {
    const char *url = env("SECTIGO_SANDBOX_URL"); /* https://127.0.0.1:PORT */
    char needle[128];
    snprintf(needle, sizeof needle, "CONNECT %s HTTP/1.1", url + strlen("https://"));
    FILE *log = fopen(env("SECTIGO_SANDBOX_PROXY_LOG"), "r");
    if (log == NULL) {
        return -1;
    }
    int n = 0;
    char line[1024];
    while (fgets(line, sizeof line, log) != NULL) {
        n += strstr(line, needle) != NULL;
    }
    fclose(log);
    return n;
}

/* An order and its authorization through `client`. */
static void order_and_authorize(const sectigo_client *client, const char *what) {
    char number[32];
    place(client, "egress@example.com", number);
    CHECK(number[0] != '\0', "%s: an order", what);
    const char *authorize[] = {"orderNumber", number, NULL};
    sectigo_response *response = NULL;
    sectigo_error *error = NULL;
    CHECK(call(client, SECTIGO_ENDPOINT_AUTO_AUTHORIZE, authorize, &response, &error) == SECTIGO_RESULT_OK,
          "%s: authorized: %s", what, why(error));
    sectigo_response_free(response);
    sectigo_error_free(error);
}

/* Calls through a real proxy (tinyproxy, with a password), set as an option or read from
   https_proxy; the proxy's password never shows; SOCKS is refused. */
static void test_proxy(void) {
    const char *url = env("SECTIGO_SANDBOX_PROXY_URL");
    const char *password = env("SECTIGO_SANDBOX_PROXY_PASSWORD");
    const char *base[] = {"base_url", env("SECTIGO_SANDBOX_URL"), "ca_file", env("SECTIGO_SANDBOX_CA"),
                          "login_name", env("SECTIGO_SANDBOX_LOGIN"), "login_password", env("SECTIGO_SANDBOX_PASSWORD")};
    const char *with_option[] = {base[0], base[1], base[2], base[3], base[4], base[5], base[6], base[7],
                                 "proxy", url, "no_proxy", "", "user_agent", "c-proxy", NULL};
    sectigo_error *error = NULL;
    int before = tunnels();
    sectigo_client *client = client_from(with_option, &error);
    CHECK(client != NULL, "proxy client: %s", why(error));
    order_and_authorize(client, "through the proxy option");
    CHECK(tunnels() > before, "the proxy's log shows the tunnel (%d, then %d)", before, tunnels());
    sectigo_client_free(client);

    /* A wrong password: the CONNECT is refused, so nothing was sent. */
    char wrong[512];
    snprintf(wrong, sizeof wrong, "%s", url);
    char *at = strstr(wrong, password);
    CHECK(at != NULL, "the proxy URL holds its password");
    if (at != NULL) {
        memcpy(at, "XXXXXXXXXXXX", strlen(password) < 12 ? strlen(password) : 12);
    }
    const char *refused_settings[] = {base[0], base[1], base[2], base[3], base[4], base[5], base[6], base[7],
                                      "proxy", wrong, "no_proxy", "", "max_retries", "0", NULL};
    client = client_from(refused_settings, &error);
    const char *order[] = {"ap", "sandboxbrand", "reseller", "Y", "name", "N", "emailAddress", "p@example.com",
                           "1_PPP", "9974", NULL};
    sectigo_error *e = expect_error(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, SECTIGO_ERROR_KIND_TRANSPORT, "refused proxy");
    CHECK(sectigo_error_flags(e) == SECTIGO_ERROR_FLAG_RETRY_SAFE, "a refused CONNECT is not sent: %u", sectigo_error_flags(e));
    CHECK(strstr(why(e), "proxy") != NULL && strstr(why(e), password) == NULL, "names the proxy, not its password: %s", why(e));
    sectigo_error_free(e);
    sectigo_client_free(client);

    /* From the environment, as curl reads it: a client made after https_proxy is set uses it
       (the shared-client cache keys on the environment too), and one after it is unset does not. */
    const char *plain[] = {base[0], base[1], base[2], base[3], base[4], base[5], base[6], base[7],
                           "user_agent", "c-proxy-env", NULL};
    setenv("https_proxy", url, 1);
    before = tunnels();
    client = client_from(plain, &error);
    CHECK(client != NULL, "client: %s", why(error));
    order_and_authorize(client, "through https_proxy");
    CHECK(tunnels() > before, "https_proxy is read");
    sectigo_client_free(client);
    unsetenv("https_proxy");
    before = tunnels();
    client = client_from(plain, &error);
    order_and_authorize(client, "direct");
    CHECK(tunnels() == before, "without https_proxy, no tunnel");
    sectigo_client_free(client);

    const char *socks[] = {"proxy", "socks5://u:hunter2@127.0.0.1:1080", NULL};
    client = client_from(socks, &error);
    CHECK(client == NULL && sectigo_error_get_kind(error) == SECTIGO_ERROR_KIND_CONFIG, "SOCKS is a config error");
    CHECK(strstr(why(error), "SOCKS") != NULL && strstr(why(error), "hunter2") == NULL, "names SOCKS: %s", why(error));
    sectigo_error_free(error);
}

/* roots=system reads SSL_CERT_FILE: the sandbox's CA there is trusted; roots=bundled refuses it. */
static void test_trust(void) {
    const char *order[] = {"ap", "sandboxbrand", "reseller", "Y", "name", "N", "emailAddress", "t@example.com",
                           "1_PPP", "9974", NULL};
    setenv("SSL_CERT_FILE", env("SECTIGO_SANDBOX_CA"), 1);
    const char *roots[] = {"system", "bundled"};
    for (int i = 0; i < 2; i++) {
        const char *settings[] = {"base_url", env("SECTIGO_SANDBOX_URL"), "login_name", env("SECTIGO_SANDBOX_LOGIN"),
                                  "login_password", env("SECTIGO_SANDBOX_PASSWORD"), "roots", roots[i],
                                  "max_retries", "0", NULL};
        sectigo_error *error = NULL;
        sectigo_client *client = client_from(settings, &error);
        CHECK(client != NULL, "roots=%s: %s", roots[i], why(error));
        sectigo_response *response = NULL;
        sectigo_result r = call(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, &response, &error);
        if (i == 0) {
            CHECK(r == SECTIGO_RESULT_OK, "roots=system trusts SSL_CERT_FILE: %s", why(error));
        } else {
            CHECK(r == SECTIGO_RESULT_ERROR && sectigo_error_get_kind(error) == SECTIGO_ERROR_KIND_TRANSPORT &&
                      sectigo_error_flags(error) == SECTIGO_ERROR_FLAG_RETRY_SAFE,
                  "roots=bundled refuses the sandbox's CA, before sending: %s", why(error));
        }
        sectigo_response_free(response);
        sectigo_error_free(error);
        sectigo_client_free(client);
    }
    unsetenv("SSL_CERT_FILE");
    const char *bad[] = {"roots", "everything", NULL};
    sectigo_error *error = NULL;
    CHECK(client_from(bad, &error) == NULL && strstr(why(error), "roots") != NULL, "a bad roots value: %s", why(error));
    sectigo_error_free(error);
}

/* Client-certificate login on the sandbox's private listener: PEM files and PKCS #12, no
   password; another account's login name is -16; no certificate is a refused handshake. */
static void test_client_certificate(void) {
    const char *login = env("SECTIGO_SANDBOX_LOGIN");
    const char *pem[] = {"base_url", env("SECTIGO_SANDBOX_PRIVATE_URL"), "ca_file", env("SECTIGO_SANDBOX_CA"),
                         "login_name", login, "client_cert", env("SECTIGO_SANDBOX_CLIENT_CERT"),
                         "client_key", env("SECTIGO_SANDBOX_CLIENT_KEY"), NULL};
    const char *p12[] = {"base_url", env("SECTIGO_SANDBOX_PRIVATE_URL"), "ca_file", env("SECTIGO_SANDBOX_CA"),
                         "login_name", login, "client_pkcs12", env("SECTIGO_SANDBOX_CLIENT_P12"),
                         "client_pkcs12_password", env("SECTIGO_SANDBOX_CLIENT_P12_PASSWORD"), NULL};
    const char *const *ways[] = {pem, p12};
    for (int i = 0; i < 2; i++) {
        sectigo_error *error = NULL;
        sectigo_client *client = client_from(ways[i], &error);
        CHECK(client != NULL, "certificate client %d: %s", i, why(error));
        order_and_authorize(client, i == 0 ? "PEM certificate" : "PKCS #12");
        sectigo_client_free(client);
    }
    const char *order[] = {"ap", "sandboxbrand", "reseller", "Y", "name", "N", "emailAddress", "c@example.com",
                           "1_PPP", "9974", NULL};
    const char *other[] = {pem[0], pem[1], pem[2], pem[3], "login_name", env("SECTIGO_SANDBOX_OTHER_LOGIN"),
                           pem[6], pem[7], pem[8], pem[9], NULL};
    sectigo_error *error = NULL;
    sectigo_client *client = client_from(other, &error);
    sectigo_error *e = expect_error(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, SECTIGO_ERROR_KIND_API, "another account");
    int64_t code = 0;
    CHECK(sectigo_error_code(e, &code) == SECTIGO_RESULT_OK && code == -16, "another account's login name: -16, got %lld",
          (long long)code);
    sectigo_error_free(e);
    sectigo_client_free(client);

    const char *none[] = {pem[0], pem[1], pem[2], pem[3], "login_name", login, "login_password",
                          env("SECTIGO_SANDBOX_PASSWORD"), "max_retries", "0", NULL};
    client = client_from(none, &error);
    e = expect_error(client, SECTIGO_ENDPOINT_PLACE_ORDER, order, SECTIGO_ERROR_KIND_TRANSPORT, "no certificate");
    CHECK(sectigo_error_flags(e) == SECTIGO_ERROR_FLAG_RETRY_SAFE, "no certificate: not sent: %u", sectigo_error_flags(e));
    sectigo_error_free(e);
    sectigo_client_free(client);

    const char *with_password[] = {pem[0], pem[1], pem[2], pem[3], pem[4], pem[5], pem[6], pem[7], pem[8], pem[9],
                                   "login_password", "x", NULL};
    CHECK(client_from(with_password, &error) == NULL && strstr(why(error), "login_password") != NULL,
          "a password with a certificate is refused: %s", why(error));
    sectigo_error_free(error);
}

/* The catalogue, the customer's pages and the item setter: the helpers every language has. */
static void test_helpers(void) {
    int64_t ppp = 0;
    int32_t product = 0, term = 0;
    CHECK(sectigo_catalogue_ppp(SECTIGO_WEB_PRODUCT_WEB_DNS_PRO, SECTIGO_TERM_YEAR1, &ppp) == SECTIGO_RESULT_OK && ppp == 9974,
          "Web DNS Pro for a year is PPP 9974, not %lld", (long long)ppp);
    CHECK(sectigo_catalogue_from_ppp(9978, &product, &term) == SECTIGO_RESULT_OK && product == SECTIGO_WEB_PRODUCT_WEB_DNS_PRO &&
              term == SECTIGO_TERM_YEAR5,
          "PPP 9978 is Web DNS Pro for five years, not %d/%d", (int)product, (int)term);
    CHECK(sectigo_catalogue_from_ppp(12345678, &product, &term) == SECTIGO_RESULT_NOT_FOUND, "an unknown PPP");
    CHECK(sectigo_catalogue_ppp(0, SECTIGO_TERM_YEAR1, &ppp) == SECTIGO_RESULT_OUT_OF_RANGE, "product 0");
    CHECK(sectigo_catalogue_ppp(SECTIGO_WEB_PRODUCT_WEB_DNS_PRO, 99, &ppp) == SECTIGO_RESULT_OUT_OF_RANGE, "term 99");
    CHECK(sectigo_catalogue_ppp(SECTIGO_WEB_PRODUCT_WEB_DNS_PRO, SECTIGO_TERM_YEAR1, NULL) == SECTIGO_RESULT_NULL_ARGUMENT,
          "NULL ppp_out");
    /* Every product and term: a code, or not sold; each code leads back to its pair. */
    int sold = 0;
    for (int p = 1; p < 64; p++) {
        for (int t = SECTIGO_TERM_DAYS30; t <= SECTIGO_TERM_YEAR5; t++) {
            sectigo_result r = sectigo_catalogue_ppp(p, t, &ppp);
            if (r == SECTIGO_RESULT_OK) {
                sold++;
                CHECK(sectigo_catalogue_from_ppp(ppp, &product, &term) == SECTIGO_RESULT_OK && product == p && term == t,
                      "PPP %lld leads back to %d/%d", (long long)ppp, p, t);
            } else {
                CHECK(r == SECTIGO_RESULT_NOT_FOUND || r == SECTIGO_RESULT_OUT_OF_RANGE, "ppp(%d, %d): %s", p, t,
                      sectigo_result_str(r));
            }
        }
    }
    CHECK(sold > 8, "the catalogue sells %d product terms", sold);

    sectigo_error *e = NULL;
    char *url = NULL;
    CHECK(sectigo_page_url(SECTIGO_PAGE_SASP_POST_PAYMENT, NULL, "a b&c", "1000003", &url, &e) == SECTIGO_RESULT_OK &&
              strcmp(url, "https://secure.sectigo.com/products/postPayment1a?SID=a+b%26c&orderNumber=1000003") == 0,
          "SASP page: %s", url ? url : why(e));
    sectigo_string_free(url);
    url = NULL;
    CHECK(sectigo_page_url(SECTIGO_PAGE_VALIDATION_MANAGER, NULL, "s", "1", &url, &e) == SECTIGO_RESULT_ERROR && url == NULL &&
              sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_CONFIG && strstr(why(e), "{SID}") != NULL,
          "the Validation Manager page needs a template: %s", why(e));
    sectigo_error_free(e);
    e = NULL;
    CHECK(sectigo_page_url(SECTIGO_PAGE_VALIDATION_MANAGER, "https://vm.example/?s={SID}&o={orderNumber}", "x/y", "7", &url, &e) ==
                  SECTIGO_RESULT_OK &&
              strcmp(url, "https://vm.example/?s=x%2Fy&o=7") == 0,
          "Validation Manager page: %s", url ? url : why(e));
    sectigo_string_free(url);

    sectigo_request *order = NULL;
    char *body = NULL;
    CHECK(sectigo_request_new(SECTIGO_ENDPOINT_PLACE_ORDER, &order, NULL) == SECTIGO_RESULT_OK, "request");
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_LOGIN_NAME, "login", NULL);
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_LOGIN_PASSWORD, "password", NULL);
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_AP, "brand", NULL);
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_RESELLER, "Y", NULL);
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_NAME, "Jane Doe", NULL);
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_EMAIL_ADDRESS, "jane@example.com", NULL);
    CHECK(sectigo_request_set_item(order, 1, SECTIGO_PLACE_ORDER_ITEM_PPP, "9974", NULL) == SECTIGO_RESULT_OK, "item 1");
    CHECK(sectigo_request_set_item(order, 2, SECTIGO_PLACE_ORDER_ITEM_PPP, "9975", NULL) == SECTIGO_RESULT_OK, "item 2");
    CHECK(sectigo_request_set_item(order, 0, SECTIGO_PLACE_ORDER_ITEM_PPP, "9975", &e) == SECTIGO_RESULT_OUT_OF_RANGE &&
              sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_ARGUMENT,
          "item 0");
    sectigo_error_free(e);
    e = NULL;
    CHECK(sectigo_request_prepare(order, &body, &e) == SECTIGO_RESULT_OK && strstr(body, "1_PPP=9974") != NULL &&
              strstr(body, "2_PPP=9975") != NULL,
          "items in the body: %s", body ? body : why(e));
    sectigo_string_free(body);
    sectigo_request_free(order);
}

/* A raw call to `path` with NULL-terminated pairs and flags. */
static sectigo_result raw_call(const sectigo_client *client, const char *path, const char *const *pairs, uint32_t flags,
                               sectigo_raw_answer **answer, sectigo_error **error) {
    char buf[2048];
    size_t count = 0;
    size_t len = pack_pairs(pairs, buf, sizeof buf, &count);
    return sectigo_client_call_raw(client, path, len > 0 ? buf : NULL, len, count, flags, answer, error);
}

/* How many requests the sandbox counted for `path` (programmed answers count by path). */
static int seen(const char *path) {
    static char counters[16384];
    if (sandbox_fetch("GET", "/_sandbox/counters", "", counters, sizeof counters) != 200) return -1;
    char key[300];
    snprintf(key, sizeof key, "\"%s\": ", path);
    const char *at = strstr(counters, key);
    return at != NULL ? atoi(at + strlen(key)) : 0;
}

/* Programs the sandbox's answer on a path; returns 0 on success. */
static int program(const char *form) {
    char reply[1024];
    return sandbox_fetch("POST", "/_sandbox/answers", form, reply, sizeof reply) == 200 ? 0 : -1;
}

static void test_raw(void) {
    sectigo_client *client = retry_client(env("SECTIGO_SANDBOX_URL"), "2");
    sectigo_raw_answer *answer = NULL;
    sectigo_error *e = NULL;
    int64_t code = 0;
    const char *collect[] = {"orderNumber", "1234567", "queryType", "0", NULL};
    /* The suite runs several times against one sandbox: start from no programmed answers and
       zero counters. */
    CHECK(program("clear=1") == 0, "clear the programmed answers");
    CHECK(sandbox_admin("/_sandbox/reset-counters", "") == 0, "reset the counters");

    /* A newline answer, with the credentials and the parameters as given. */
    CHECK(program("path=/products/download/CollectSSL-c1&body=0%0A1%0AIssued%0A") == 0, "program");
    sectigo_result r = raw_call(client, "/products/download/CollectSSL-c1", collect, SECTIGO_RAW_READ_ONLY, &answer, &e);
    CHECK(r == SECTIGO_RESULT_OK, "raw call: %s", why(e));
    CHECK(sectigo_raw_answer_status(answer) == 200, "status");
    CHECK(streq(sectigo_raw_answer_content_type(answer), "text/plain"), "content type");
    CHECK(streq(sectigo_raw_answer_format(answer), "newline"), "format");
    CHECK(sectigo_raw_answer_code(answer, &code) == SECTIGO_RESULT_OK && code == 0, "code 0");
    CHECK(sectigo_raw_answer_message(answer) == NULL, "no message on success");
    CHECK(sectigo_raw_answer_line_count(answer) == 2 && streq(sectigo_raw_answer_line_at(answer, 1), "Issued") &&
              sectigo_raw_answer_line_at(answer, 2) == NULL,
          "lines");
    CHECK(sectigo_raw_answer_field_count(answer) == 0, "no pairs in a newline answer");
    sectigo_raw_answer_free(answer);
    answer = NULL;
    static char answered[16384];
    CHECK(sandbox_fetch("GET", "/_sandbox/answered", "", answered, sizeof answered) == 200, "answered");
    CHECK(strstr(answered, "\"loginName\",\n        \"sandbox_reseller\"") != NULL || strstr(answered, "sandbox_reseller") != NULL,
          "the login went first: %s", answered);
    CHECK(strstr(answered, env("SECTIGO_SANDBOX_PASSWORD")) == NULL && strstr(answered, "<redacted>") != NULL,
          "the password was sent (and the sandbox shows it redacted)");
    CHECK(strstr(answered, "1234567") != NULL, "the parameters as given");

    /* A URL-encoded answer, without the client's credentials. */
    CHECK(program("path=/products/!GetStatus-c&body=errorCode%3D0%26certificateStatus%3DIssued") == 0, "program");
    const char *bare[] = {"x", "1", NULL};
    r = raw_call(client, "/products/!GetStatus-c", bare, SECTIGO_RAW_READ_ONLY | SECTIGO_RAW_NO_CREDENTIALS, &answer, &e);
    CHECK(r == SECTIGO_RESULT_OK, "url-encoded: %s", why(e));
    const char *value = NULL;
    const char *name = NULL;
    CHECK(streq(sectigo_raw_answer_format(answer), "url_encoded"), "format");
    CHECK(sectigo_raw_answer_get(answer, "CERTIFICATESTATUS", &value) == SECTIGO_RESULT_OK && streq(value, "Issued"), "get");
    CHECK(sectigo_raw_answer_get(answer, "nothing", &value) == SECTIGO_RESULT_NOT_FOUND, "get: not found");
    CHECK(sectigo_raw_answer_field_count(answer) == 2 &&
              sectigo_raw_answer_field_at(answer, 0, &name, &value) == SECTIGO_RESULT_OK && streq(name, "errorCode"),
          "pairs in order");
    CHECK(sectigo_raw_answer_field_at(answer, 2, &name, &value) == SECTIGO_RESULT_OUT_OF_RANGE, "past the end");
    sectigo_raw_answer_free(answer);
    answer = NULL;
    CHECK(sandbox_fetch("GET", "/_sandbox/answered", "", answered, sizeof answered) == 200, "answered");
    const char *last = strstr(answered, "/products/!GetStatus-c");
    CHECK(last != NULL && strstr(last, "loginName") == NULL, "no credentials sent");

    /* A binary body, byte for byte (NUL bytes included). */
    CHECK(program("path=/products/download/CollectSSL-c2&body_hex=504b030400ff00fe0a&content_type=application/zip") == 0,
          "program");
    r = raw_call(client, "/products/download/CollectSSL-c2", collect, SECTIGO_RAW_READ_ONLY, &answer, &e);
    CHECK(r == SECTIGO_RESULT_OK, "binary: %s", why(e));
    size_t len = 0;
    const uint8_t *body = sectigo_raw_answer_body(answer, &len);
    CHECK(len == 9 && memcmp(body, "PK\x03\x04\x00\xff\x00\xfe\n", 9) == 0, "the body byte for byte (%zu bytes)", len);
    CHECK(streq(sectigo_raw_answer_content_type(answer), "application/zip"), "content type");
    CHECK(sectigo_raw_answer_code(answer, &code) == SECTIGO_RESULT_NOT_FOUND && sectigo_raw_answer_format(answer) == NULL,
          "no code in a binary body");
    sectigo_raw_answer_free(answer);
    answer = NULL;

    /* An error code: the same API error as spec endpoints. */
    CHECK(program("path=/products/download/CollectSSL-c3&body=-3%0AThe+%27orderNumber%27+argument+is+missing%21%0A") == 0,
          "program");
    r = raw_call(client, "/products/download/CollectSSL-c3", collect, SECTIGO_RAW_READ_ONLY, &answer, &e);
    CHECK(r != SECTIGO_RESULT_OK && answer == NULL && sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_API, "api error");
    CHECK(sectigo_error_code(e, &code) == SECTIGO_RESULT_OK && code == -3, "code -3");
    CHECK(streq(sectigo_error_argument(e), "orderNumber"), "argument: %s", sectigo_error_argument(e));
    CHECK(strstr(why(e), "/products/download/CollectSSL-c3") != NULL, "names the path: %s", why(e));
    sectigo_error_free(e);
    e = NULL;

    /* A broken answer to a state-changing call: outcome unknown, sent once. */
    CHECK(program("path=/products/!AutoApplySSL-c&close=1") == 0, "program");
    const char *apply[] = {"csr", "-----BEGIN CERTIFICATE REQUEST-----", "apiToken", "c-token-5d1e", NULL};
    r = raw_call(client, "/products/!AutoApplySSL-c", apply, 0, &answer, &e);
    CHECK(r != SECTIGO_RESULT_OK && sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN, "outcome unknown: %s", why(e));
    CHECK(sectigo_error_flags(e) == SECTIGO_ERROR_FLAG_MAY_HAVE_TAKEN_EFFECT, "may have taken effect");
    CHECK(strstr(why(e), "c-token-5d1e") == NULL, "no secret in the message");
    CHECK(seen("/products/!AutoApplySSL-c") == 1, "sent once: %d", seen("/products/!AutoApplySSL-c"));
    sectigo_error_free(e);
    e = NULL;

    /* A broken answer to a read-only call: sent again. */
    CHECK(program("path=/products/download/CollectSSL-c4&close=1&count=1") == 0, "program");
    CHECK(program("path=/products/download/CollectSSL-c4&body=0%0A2%0A") == 0, "program");
    r = raw_call(client, "/products/download/CollectSSL-c4", collect, SECTIGO_RAW_READ_ONLY, &answer, &e);
    CHECK(r == SECTIGO_RESULT_OK && sectigo_raw_answer_retries(answer) == 1, "retried once: %s", why(e));
    CHECK(seen("/products/download/CollectSSL-c4") == 2, "seen twice");
    sectigo_raw_answer_free(answer);
    answer = NULL;

    /* Refused before anything is sent. */
    const char *paths[] = {"https://example.com/products/x", "//example.com/x", "products/x", "/products/../x",
                           "/products/%2e%2e/x", "/products/x?a=1", "/products/x#f", "/products/x\r\nHost: a"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        r = raw_call(client, paths[i], collect, 0, &answer, &e);
        CHECK(r != SECTIGO_RESULT_OK && sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_CONFIG && answer == NULL,
              "refused path %zu: %s", i, why(e));
        sectigo_error_free(e);
        e = NULL;
    }
    const char *bad_name[] = {"a=b", "1", NULL};
    r = raw_call(client, "/products/x-c", bad_name, 0, &answer, &e);
    CHECK(r != SECTIGO_RESULT_OK && sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_CONFIG, "refused name: %s", why(e));
    sectigo_error_free(e);
    e = NULL;
    r = raw_call(client, "/products/x-c", collect, 8, &answer, &e);
    CHECK(r != SECTIGO_RESULT_OK && sectigo_error_get_kind(e) == SECTIGO_ERROR_KIND_ARGUMENT, "unknown flag: %s", why(e));
    sectigo_error_free(e);
    e = NULL;
    CHECK(seen("/products/x-c") == 0, "nothing was sent");
    CHECK(sectigo_client_call_raw(client, NULL, NULL, 0, 0, 0, &answer, &e) == SECTIGO_RESULT_NULL_ARGUMENT, "NULL path");
    sectigo_error_free(e);
    CHECK(sectigo_raw_answer_status(NULL) == 0 && sectigo_raw_answer_body(NULL, &len) == NULL && len == 0, "NULL answer");
    sectigo_raw_answer_free(NULL);
    sectigo_client_free(client);
}

int main(void) {
    test_every_endpoint();
    test_every_error_kind();
    test_retries();
    test_log_records();
    test_canary();
    test_misuse();
    test_helpers();
    test_two_threads_share_a_client();
    test_packed();
    test_not_sent();
    test_fork();
    test_bad_settings();
    test_proxy();
    test_trust();
    test_client_certificate();
    test_raw();
    return finish();
}
