/* Opens a customer session for an order: one call, and what to do when it fails.
 *   SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... ./first_call ORDER_NUMBER
 * SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance). */
#include <stdio.h>
#include <stdlib.h>
#include <sectigo.h>

/* Every function returns a sectigo_result: on anything but SECTIGO_RESULT_OK, stop. */
#define TRY(call) if ((call) != SECTIGO_RESULT_OK) goto done

int main(int argc, char **argv) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_request *request = NULL;
    sectigo_response *session = NULL;
    sectigo_error *error = NULL;
    const char *sid = NULL; /* borrowed from the response */
    const char *base_url = getenv("SECTIGO_BASE_URL"), *ca_file = getenv("SECTIGO_CA_FILE");
    const char *login_name = getenv("SECTIGO_LOGIN_NAME"), *login_password = getenv("SECTIGO_LOGIN_PASSWORD");
    int ok = 0;

    TRY(sectigo_options_new(&options));
    TRY(sectigo_options_set(options, "login_name", login_name != NULL ? login_name : "", &error));
    TRY(sectigo_options_set(options, "login_password", login_password != NULL ? login_password : "", &error));
    if (base_url != NULL) TRY(sectigo_options_set(options, "base_url", base_url, &error));
    if (ca_file != NULL) TRY(sectigo_options_set(options, "ca_file", ca_file, &error));
    TRY(sectigo_client_new(options, &client, &error));
    TRY(sectigo_request_new(SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, &request, &error));
    TRY(sectigo_request_set(request, SECTIGO_INIT_CUSTOMER_SESSION_PARAM_ORDER_NUMBER, argc > 1 ? argv[1] : "", &error));
    TRY(sectigo_client_call(client, request, &session, &error));
    /* The SID opens the customer's page: hand it on, never log it. */
    TRY(sectigo_response_get(session, SECTIGO_INIT_CUSTOMER_SESSION_FIELD_SID, &sid));
    printf("customer session opened for order %s\n", argv[1]);
    ok = 1;

done:
    if (error != NULL) {
        /* Validation: nothing was sent. API: the server's code and message. Never a password. */
        fprintf(stderr, "%s\n", sectigo_error_message(error));
    } else if (!ok) {
        fprintf(stderr, "failed without an error: out of memory, or an answer without its SID\n");
    }
    sectigo_error_free(error);
    sectigo_response_free(session);
    sectigo_request_free(request);
    sectigo_client_free(client);
    sectigo_options_free(options);
    return ok ? 0 : 1;
}
