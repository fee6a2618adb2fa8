/* Calls CollectSSL, an endpoint outside the SDK's spec (https://docs.sectigo.com/sps/collect-ssl/request),
 * with sectigo_client_call_raw: asks for an order's certificate and saves what comes back.
 *   SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... ./collect_ssl ORDER_NUMBER OUT_FILE
 * SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sectigo.h>

#define TRY(call) if ((call) != SECTIGO_RESULT_OK) goto done

int main(int argc, char **argv) {
    sectigo_options *options = NULL;
    sectigo_client *client = NULL;
    sectigo_raw_answer *answer = NULL;
    sectigo_error *error = NULL;
    const char *base_url = getenv("SECTIGO_BASE_URL"), *ca_file = getenv("SECTIGO_CA_FILE");
    const char *login_name = getenv("SECTIGO_LOGIN_NAME"), *login_password = getenv("SECTIGO_LOGIN_PASSWORD");
    char params[256];
    int ok = 0;

    if (argc != 3 || strlen(argv[1]) > 128) {
        fprintf(stderr, "usage: collect_ssl ORDER_NUMBER OUT_FILE\n");
        return 2;
    }
    TRY(sectigo_options_new(&options));
    TRY(sectigo_options_set(options, "login_name", login_name != NULL ? login_name : "", &error));
    TRY(sectigo_options_set(options, "login_password", login_password != NULL ? login_password : "", &error));
    if (base_url != NULL) TRY(sectigo_options_set(options, "base_url", base_url, &error));
    if (ca_file != NULL) TRY(sectigo_options_set(options, "ca_file", ca_file, &error));
    TRY(sectigo_client_new(options, &client, &error));
    /* The parameters packed: each name and value ended by a NUL byte. queryType 1: the status
     * with the certificate and its chain; responseType 2: PKCS #7; responseEncoding 1: binary. */
    int len = snprintf(params, sizeof params, "orderNumber%c%s%cqueryType%c1%cresponseType%c2%cresponseEncoding%c1%c",
                       0, argv[1], 0, 0, 0, 0, 0, 0, 0);
    /* Downloading changes nothing: SECTIGO_RAW_READ_ONLY. */
    TRY(sectigo_client_call_raw(client, "/products/download/CollectSSL", params, (size_t)len, 4, SECTIGO_RAW_READ_ONLY,
                                &answer, &error));
    size_t size = 0;
    const uint8_t *body = sectigo_raw_answer_body(answer, &size);
    FILE *out = fopen(argv[2], "wb");
    if (out == NULL || fwrite(body, 1, size, out) != size || fclose(out) != 0) {
        fprintf(stderr, "cannot write %s\n", argv[2]);
        goto done;
    }
    const char *type = sectigo_raw_answer_content_type(answer);
    int64_t code = 0;
    if (sectigo_raw_answer_code(answer, &code) == SECTIGO_RESULT_OK) {
        printf("HTTP %u, %s, errorCode %lld: %zu bytes saved\n", sectigo_raw_answer_status(answer),
               type != NULL ? type : "no content type", (long long)code, size);
    } else {
        printf("HTTP %u, %s, errorCode none (not text): %zu bytes saved\n", sectigo_raw_answer_status(answer),
               type != NULL ? type : "no content type", size);
    }
    ok = 1;

done:
    if (error != NULL) {
        /* An API error (a negative errorCode) has its code and message; never a password. */
        fprintf(stderr, "%s\n", sectigo_error_message(error));
    } else if (!ok) {
        fprintf(stderr, "failed without an error (out of memory?)\n");
    }
    sectigo_error_free(error);
    sectigo_raw_answer_free(answer);
    sectigo_client_free(client);
    sectigo_options_free(options);
    return ok ? 0 : 1;
}
