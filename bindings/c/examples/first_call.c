/* Opens a customer session for an order: one call, and what to do when it fails.
 *   SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... ./first_call ORDER_NUMBER
 * SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance). */
#include <stdio.h>
#include <stdlib.h>
#include <sectigo.h>

int main(int argc, char **argv) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_request *request = NULL;
    sectigo_response *session = NULL;
    sectigo_error *error = NULL;
    const char *sid = NULL; /* borrowed from the response */
    const char *base_url = getenv("SECTIGO_BASE_URL"), *ca_file = getenv("SECTIGO_CA_FILE");

    sectigo_options_new(&options);
    sectigo_options_set(options, "login_name", getenv("SECTIGO_LOGIN_NAME") ? getenv("SECTIGO_LOGIN_NAME") : "", NULL);
    sectigo_options_set(options, "login_password", getenv("SECTIGO_LOGIN_PASSWORD") ? getenv("SECTIGO_LOGIN_PASSWORD") : "", NULL);
    if (base_url != NULL) sectigo_options_set(options, "base_url", base_url, NULL);
    if (ca_file != NULL) sectigo_options_set(options, "ca_file", ca_file, NULL);
    if (sectigo_client_new(options, &client, &error) == SECTIGO_RESULT_OK) {
        sectigo_request_new(SECTIGO_ENDPOINT_INIT_CUSTOMER_SESSION, &request, NULL);
        sectigo_request_set(request, SECTIGO_INIT_CUSTOMER_SESSION_PARAM_ORDER_NUMBER, argc > 1 ? argv[1] : "", NULL);
        if (sectigo_client_call(client, request, &session, &error) == SECTIGO_RESULT_OK) {
            /* The SID opens the customer's page: hand it on, never log it. */
            sectigo_response_get(session, SECTIGO_INIT_CUSTOMER_SESSION_FIELD_SID, &sid);
            printf("customer session opened for order %s\n", argv[1]);
        }
    }
    if (error != NULL) {
        /* Validation: nothing was sent. API: the server's code and message. Never a password. */
        fprintf(stderr, "%s\n", sectigo_error_message(error));
    }
    sectigo_error_free(error);
    sectigo_response_free(session);
    sectigo_request_free(request);
    sectigo_client_free(client);
    sectigo_options_free(options);
    return error == NULL ? 0 : 1;
}
