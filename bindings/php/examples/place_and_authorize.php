<?php

// Places a one-year Web DNS Pro order and authorizes it.
//   SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... SECTIGO_AP=... php place_and_authorize.php
// SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance).
declare(strict_types=1);

// Composer's autoloader in an application; the package's own one in its examples folder.
require is_file(__DIR__ . '/vendor/autoload.php') ? __DIR__ . '/vendor/autoload.php' : __DIR__ . '/../src/autoload.php';

use Sectigo\ApiException;
use Sectigo\Client;
use Sectigo\OutcomeUnknownException;
use Sectigo\ValidationException;

$options = [
    'login_name' => getenv('SECTIGO_LOGIN_NAME') ?: '',
    'login_password' => getenv('SECTIGO_LOGIN_PASSWORD') ?: '',
];
if (getenv('SECTIGO_BASE_URL')) {
    $options['base_url'] = getenv('SECTIGO_BASE_URL');
}
if (getenv('SECTIGO_CA_FILE')) {
    $options['ca_file'] = getenv('SECTIGO_CA_FILE');
}
$client = new Client($options);

try {
    $order = $client->placeOrder([
        'ap' => getenv('SECTIGO_AP') ?: 'reseller_brand_name',
        'reseller' => true,
        'name' => 'Jane Doe',
        'emailAddress' => 'jane@example.com',
        'items' => [Sectigo\WebProduct::WebDnsPro->item(Sectigo\Term::Year1)], // ['PPP' => 9974]
    ]);
    $number = $order->orderNumber;
    echo "placed order $number\n";
    $client->autoAuthorize(['orderNumber' => $number]);
    echo "authorized order $number\n";
} catch (ValidationException $e) {
    foreach ($e->violations() as $v) {
        fwrite(STDERR, "[{$v['rule']}] {$v['message']}\n");
    }
    exit(3);
} catch (OutcomeUnknownException $e) {
    fwrite(STDERR, $e->getMessage() . "\n"); // the order may exist: check before retrying
    exit(5);
} catch (ApiException $e) {
    fwrite(STDERR, "error {$e->getCode()}: {$e->serverMessage()}\n");
    exit(1);
}
