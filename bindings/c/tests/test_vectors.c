/* The language-neutral vectors of tests/vectors/ through the C ABI, offline: requests through
   sectigo_request_prepare, answers through sectigo_response_decode. */
#define _POSIX_C_SOURCE 200809L

#include "common.h"
#include "generated/vectors.h"

static sectigo_request *request_for(const char *endpoint, size_t n, const sv_pair *params) {
    sectigo_request *request = NULL;
    sectigo_error *error = NULL;
    if (sectigo_request_new(endpoint, &request, &error) != SECTIGO_RESULT_OK) {
        fprintf(stderr, "request_new %s: %s\n", endpoint, why(error));
        sectigo_error_free(error);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (sectigo_request_set(request, params[i].name, params[i].value, NULL) != SECTIGO_RESULT_OK) {
            sectigo_request_free(request);
            return NULL;
        }
    }
    return request;
}

static void run_request(const sv_request_case *c) {
    sectigo_request *request = request_for(c->endpoint, c->nparams, c->params);
    CHECK(request != NULL, "%s/%s: request", c->file, c->name);
    if (request == NULL) return;
    char *body = NULL;
    sectigo_error *error = NULL;
    sectigo_result r = sectigo_request_prepare(request, &body, &error);
    if (c->body != NULL) {
        CHECK(r == SECTIGO_RESULT_OK && streq(body, c->body), "%s/%s: body\n  got      %s\n  expected %s (%s)", c->file,
              c->name, body != NULL ? body : "(none)", c->body, why(error));
    } else {
        size_t n = sectigo_error_violation_count(error);
        int matched = r == SECTIGO_RESULT_ERROR && n == c->nviolations;
        for (size_t i = 0; matched && i < c->nviolations; i++) {
            int found = 0;
            for (size_t j = 0; j < n; j++) {
                const char *p = NULL, *rule = NULL, *m = NULL;
                sectigo_error_violation_at(error, j, &p, &rule, &m);
                found |= streq(p, c->violations[i].param) && streq(rule, c->violations[i].rule);
            }
            matched = found;
        }
        CHECK(matched, "%s/%s: violations differ: %s", c->file, c->name, why(error));
    }
    sectigo_string_free(body);
    sectigo_error_free(error);
    sectigo_request_free(request);
}

/* "" in a vector means "none" (NULL); NULL means "not checked". */
static int same(const char *expected, const char *got) {
    if (expected == NULL) return 1;
    if (expected[0] == '\0') return got == NULL;
    return streq(expected, got);
}

static void run_response(const sv_response_case *c) {
    sectigo_request *request = request_for(c->endpoint, c->nparams, c->params);
    CHECK(request != NULL, "%s/%s: request", c->file, c->name);
    if (request == NULL) return;
    sectigo_response *response = NULL;
    sectigo_error *error = NULL;
    sectigo_result r = sectigo_response_decode(request, (uint16_t)c->status, c->location, (const uint8_t *)c->body,
                                               c->body_len, &response, &error);
    if (streq(c->outcome, "success")) {
        CHECK(r == SECTIGO_RESULT_OK, "%s/%s: expected success: %s", c->file, c->name, why(error));
        if (r == SECTIGO_RESULT_OK) {
            CHECK(!c->has_code || sectigo_response_code(response) == c->code, "%s/%s: code", c->file, c->name);
            for (size_t i = 0; i < c->nfields; i++) {
                const char *v = NULL;
                CHECK(sectigo_response_get(response, c->fields[i].name, &v) == SECTIGO_RESULT_OK &&
                          streq(v, c->fields[i].value), "%s/%s: field %s", c->file, c->name, c->fields[i].name);
            }
            for (size_t i = 0; i < c->nabsent; i++) {
                const char *v = NULL;
                CHECK(sectigo_response_get(response, c->absent[i], &v) == SECTIGO_RESULT_NOT_FOUND, "%s/%s: %s absent",
                      c->file, c->name, c->absent[i]);
            }
            if (c->check_quirks) {
                int ok = sectigo_response_quirk_count(response) == c->nquirks;
                for (size_t i = 0; ok && i < c->nquirks; i++) ok = streq(sectigo_response_quirk_at(response, i), c->quirks[i]);
                CHECK(ok, "%s/%s: quirks", c->file, c->name);
            }
        }
    } else if (streq(c->outcome, "api_error")) {
        int64_t code = 0;
        CHECK(r == SECTIGO_RESULT_ERROR && sectigo_error_get_kind(error) == SECTIGO_ERROR_KIND_API, "%s/%s: expected an API error: %s",
              c->file, c->name, why(error));
        CHECK(!c->has_code || (sectigo_error_code(error, &code) == SECTIGO_RESULT_OK && code == c->code), "%s/%s: code",
              c->file, c->name);
        CHECK(same(c->message, sectigo_error_server_message(error)), "%s/%s: message %s", c->file, c->name,
              sectigo_error_server_message(error));
        CHECK(same(c->item, sectigo_error_item(error)), "%s/%s: item", c->file, c->name);
        CHECK(same(c->argument, sectigo_error_argument(error)), "%s/%s: argument", c->file, c->name);
        CHECK(same(c->error, sectigo_error_id(error)), "%s/%s: error id", c->file, c->name);
        /* -42, on any endpoint: rate limited, so a retry after a wait is safe; no other API error is. */
        uint32_t limited = (uint32_t)SECTIGO_ERROR_FLAG_RATE_LIMITED | (uint32_t)SECTIGO_ERROR_FLAG_RETRY_SAFE;
        CHECK(sectigo_error_flags(error) == (c->has_code && c->code == -42 ? limited : 0u), "%s/%s: flags %u", c->file,
              c->name, (unsigned)sectigo_error_flags(error));
    } else {
        CHECK(r == SECTIGO_RESULT_ERROR && sectigo_error_get_kind(error) == SECTIGO_ERROR_KIND_DECODE &&
                  streq(sectigo_error_detail_kind(error), c->kind), "%s/%s: expected decode error %s, got %s", c->file,
              c->name, c->kind, why(error));
    }
    sectigo_response_free(response);
    sectigo_error_free(error);
    sectigo_request_free(request);
}

int main(void) {
    for (size_t i = 0; i < SV_REQUEST_COUNT; i++) run_request(&SV_REQUESTS[i]);
    for (size_t i = 0; i < SV_RESPONSE_COUNT; i++) run_response(&SV_RESPONSES[i]);
    printf("%d request vectors, %d response vectors\n", (int)SV_REQUEST_COUNT, (int)SV_RESPONSE_COUNT);
    return finish();
}
