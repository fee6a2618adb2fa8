<?php

// Opens a customer session for an order: one call, and what to do when it fails.
//   SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... php first_call.php ORDER_NUMBER
// SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance).
declare(strict_types=1);

require is_file(__DIR__ . '/vendor/autoload.php') ? __DIR__ . '/vendor/autoload.php' : __DIR__ . '/../src/autoload.php';

$options = ['login_name' => getenv('SECTIGO_LOGIN_NAME') ?: '', 'login_password' => getenv('SECTIGO_LOGIN_PASSWORD') ?: ''];
foreach (['base_url' => 'SECTIGO_BASE_URL', 'ca_file' => 'SECTIGO_CA_FILE'] as $option => $variable) {
    if (getenv($variable)) {
        $options[$option] = getenv($variable);
    }
}
try {
    $session = (new Sectigo\Client($options))->initCustomerSession(['orderNumber' => $argv[1] ?? '']);
    echo "customer session opened for order {$session->orderNumber}\n"; // its $sid opens the page: never log it
} catch (Sectigo\ValidationException $e) {
    fwrite(STDERR, $e->getMessage() . "\n"); // nothing was sent; each broken rule is in $e->violations()
    exit(3);
} catch (Sectigo\ApiException $e) {
    fwrite(STDERR, "error {$e->getCode()}: {$e->serverMessage()}\n");
    exit(1);
} catch (Sectigo\Exception $e) {
    // Not answered: unreachable (TransportException; retrySafe() when nothing was sent), an
    // unreadable answer (DecodeException), bad settings (ConfigException). Never a password.
    fwrite(STDERR, $e->getMessage() . "\n");
    exit(4);
}
