/* Places a one-year Web DNS Pro order and authorizes it.
 *   SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... SECTIGO_AP=... ./order
 * SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance). */
#include <stdio.h>
#include <stdlib.h>
#include <sectigo.h>

static const char *env(const char *name, const char *fallback) {
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : fallback;
}

int main(void) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_request *order = NULL, *authorize = NULL;
    sectigo_response *placed = NULL, *authorized = NULL;
    sectigo_error *error = NULL;
    const char *order_number = NULL;

    printf("libsectigo %s\n", sectigo_version());
    sectigo_options_new(&options);
    sectigo_options_set(options, "login_name", env("SECTIGO_LOGIN_NAME", ""), NULL);
    sectigo_options_set(options, "login_password", env("SECTIGO_LOGIN_PASSWORD", ""), NULL);
    if (getenv("SECTIGO_BASE_URL") != NULL) sectigo_options_set(options, "base_url", getenv("SECTIGO_BASE_URL"), NULL);
    if (getenv("SECTIGO_CA_FILE") != NULL) sectigo_options_set(options, "ca_file", getenv("SECTIGO_CA_FILE"), NULL);
    if (sectigo_client_new(options, &client, &error) != SECTIGO_RESULT_OK) goto done;

    sectigo_request_new(SECTIGO_ENDPOINT_PLACE_ORDER, &order, NULL);
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_AP, env("SECTIGO_AP", "reseller_brand_name"), NULL);
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_RESELLER, "Y", NULL);
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_NAME, "Jane Doe", NULL);
    sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_EMAIL_ADDRESS, "jane@example.com", NULL);
    sectigo_request_set(order, "1_" SECTIGO_PLACE_ORDER_ITEM_PPP, "9974", NULL); /* one-year Web DNS Pro */
    if (sectigo_client_call(client, order, &placed, &error) != SECTIGO_RESULT_OK) goto done;
    sectigo_response_get(placed, SECTIGO_PLACE_ORDER_FIELD_ORDER_NUMBER, &order_number);
    printf("placed order %s\n", order_number);

    sectigo_request_new(SECTIGO_ENDPOINT_AUTO_AUTHORIZE, &authorize, NULL);
    sectigo_request_set(authorize, SECTIGO_AUTO_AUTHORIZE_PARAM_ORDER_NUMBER, order_number, NULL);
    if (sectigo_client_call(client, authorize, &authorized, &error) != SECTIGO_RESULT_OK) goto done;
    printf("authorized order %s\n", order_number);

done:
    if (error != NULL) {
        /* SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN: the order may exist; check before retrying. */
        fprintf(stderr, "%s\n", sectigo_error_message(error));
    }
    sectigo_error_free(error);
    sectigo_response_free(authorized);
    sectigo_response_free(placed);
    sectigo_request_free(authorize);
    sectigo_request_free(order);
    sectigo_client_free(client);
    sectigo_options_free(options);
    return error == NULL ? 0 : 1;
}
