<?php

// The PHP tests run through `cargo xtask test`, which builds the C library, starts a sandbox
// and sets SECTIGO_LIBRARY and SECTIGO_SANDBOX_*.
declare(strict_types=1);

error_reporting(E_ALL);
require __DIR__ . '/../src/autoload.php';

foreach (
    ['SECTIGO_LIBRARY', 'SECTIGO_SANDBOX_URL', 'SECTIGO_SANDBOX_HTTP_URL', 'SECTIGO_SANDBOX_CA',
          'SECTIGO_SANDBOX_LOGIN', 'SECTIGO_SANDBOX_PASSWORD', 'SECTIGO_SANDBOX_SIGNUP_PATH'] as $name
) {
    if (!getenv($name)) {
        fwrite(STDERR, "$name is not set: run the PHP tests through `cargo xtask test`\n");
        exit(2);
    }
}

/** A client for the sandbox. */
function sandbox_client(#[\SensitiveParameter] array $overrides = []): Sectigo\Client
{
    return new Sectigo\Client($overrides + [
        'base_url' => getenv('SECTIGO_SANDBOX_URL'),
        'ca_file' => getenv('SECTIGO_SANDBOX_CA'),
        'login_name' => getenv('SECTIGO_SANDBOX_LOGIN'),
        'login_password' => getenv('SECTIGO_SANDBOX_PASSWORD'),
        'paths' => ['tier2_partner_signup' => getenv('SECTIGO_SANDBOX_SIGNUP_PATH')],
        'timeout_ms' => 20000,
    ]);
}

/** POSTs to the sandbox's admin endpoints (fault injection). */
function sandbox_admin(string $path, array $form): void
{
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
        'content' => http_build_query($form),
    ]]);
    if (file_get_contents(getenv('SECTIGO_SANDBOX_HTTP_URL') . $path, false, $context) === false) {
        throw new RuntimeException("sandbox admin $path failed");
    }
}
