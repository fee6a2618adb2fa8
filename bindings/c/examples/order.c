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

/* Every function returns a sectigo_result: on anything but SECTIGO_RESULT_OK, stop. */
#define TRY(call) if ((call) != SECTIGO_RESULT_OK) goto done

int main(void) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_request *order = NULL, *authorize = NULL;
    sectigo_response *placed = NULL, *authorized = NULL;
    sectigo_error *error = NULL;
    const char *order_number = NULL; /* borrowed from the response */
    int64_t ppp = 0;
    char ppp_text[24];
    int ok = 0;

    printf("libsectigo %s\n", sectigo_version());
    TRY(sectigo_options_new(&options));
    TRY(sectigo_options_set(options, "login_name", env("SECTIGO_LOGIN_NAME", ""), &error));
    TRY(sectigo_options_set(options, "login_password", env("SECTIGO_LOGIN_PASSWORD", ""), &error));
    if (getenv("SECTIGO_BASE_URL") != NULL) TRY(sectigo_options_set(options, "base_url", getenv("SECTIGO_BASE_URL"), &error));
    if (getenv("SECTIGO_CA_FILE") != NULL) TRY(sectigo_options_set(options, "ca_file", getenv("SECTIGO_CA_FILE"), &error));
    TRY(sectigo_client_new(options, &client, &error));

    TRY(sectigo_request_new(SECTIGO_ENDPOINT_PLACE_ORDER, &order, &error));
    TRY(sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_AP, env("SECTIGO_AP", "reseller_brand_name"), &error));
    TRY(sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_RESELLER, "Y", &error));
    TRY(sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_NAME, "Jane Doe", &error));
    TRY(sectigo_request_set(order, SECTIGO_PLACE_ORDER_PARAM_EMAIL_ADDRESS, "jane@example.com", &error));
    /* Item 1: the catalogue's pricing code for a year of Web DNS Pro (9974). */
    TRY(sectigo_catalogue_ppp(SECTIGO_WEB_PRODUCT_WEB_DNS_PRO, SECTIGO_TERM_YEAR1, &ppp));
    snprintf(ppp_text, sizeof ppp_text, "%lld", (long long)ppp);
    TRY(sectigo_request_set_item(order, 1, SECTIGO_PLACE_ORDER_ITEM_PPP, ppp_text, &error));
    TRY(sectigo_client_call(client, order, &placed, &error));
    TRY(sectigo_response_get(placed, SECTIGO_PLACE_ORDER_FIELD_ORDER_NUMBER, &order_number));
    printf("placed order %s\n", order_number);

    TRY(sectigo_request_new(SECTIGO_ENDPOINT_AUTO_AUTHORIZE, &authorize, &error));
    TRY(sectigo_request_set(authorize, SECTIGO_AUTO_AUTHORIZE_PARAM_ORDER_NUMBER, order_number, &error));
    TRY(sectigo_client_call(client, authorize, &authorized, &error));
    printf("authorized order %s\n", order_number);
    ok = 1;

done:
    if (error != NULL) {
        /* SECTIGO_ERROR_KIND_OUTCOME_UNKNOWN: the order may exist; check before retrying. */
        fprintf(stderr, "%s\n", sectigo_error_message(error));
    } else if (!ok) {
        fprintf(stderr, "failed without an error: out of memory, or an answer without its order number\n");
    }
    sectigo_error_free(error);
    sectigo_response_free(authorized);
    sectigo_response_free(placed);
    sectigo_request_free(authorize);
    sectigo_request_free(order);
    sectigo_client_free(client);
    sectigo_options_free(options);
    return ok ? 0 : 1;
}
