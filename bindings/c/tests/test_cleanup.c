#define _POSIX_C_SOURCE 200809L
/* One call over TLS, every handle freed, then sectigo_global_cleanup(): run under valgrind
 * with --show-reachable=yes by the test command, which reports every block still reachable
 * (none may be the library's pools or caches). */
#include "common.h"

int main(void) {
    const char *settings[] = {"base_url", env("SECTIGO_SANDBOX_URL"), "ca_file", env("SECTIGO_SANDBOX_CA"),
                              "login_name", env("SECTIGO_SANDBOX_LOGIN"), "login_password",
                              env("SECTIGO_SANDBOX_PASSWORD"), NULL};
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_request *request = NULL;
    sectigo_response *session = NULL;
    sectigo_error *e = NULL;
    CHECK(sectigo_options_new(&options) == SECTIGO_RESULT_OK, "options");
    for (int i = 0; settings[i] != NULL; i += 2) {
        CHECK(sectigo_options_set(options, settings[i], settings[i + 1], &e) == SECTIGO_RESULT_OK, "%s: %s", settings[i],
              why(e));
    }
    CHECK(sectigo_client_new(options, &client, &e) == SECTIGO_RESULT_OK, "client: %s", why(e));
    CHECK(sectigo_request_new(SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, &request, &e) == SECTIGO_RESULT_OK, "request");
    sectigo_request_set(request, SECTIGO_INIT_CUSTOMER_SESSION_PARAM_ORDER_NUMBER, "1000003", NULL);
    CHECK(sectigo_client_call(client, request, &session, &e) == SECTIGO_RESULT_OK, "call: %s", why(e));
    sectigo_response_free(session);
    sectigo_request_free(request);
    sectigo_client_free(client);
    sectigo_options_free(options);
    sectigo_error_free(e);
    sectigo_global_cleanup();
    sectigo_global_cleanup(); /* twice is harmless */
    return finish();
}
