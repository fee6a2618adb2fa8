<?php

// Calls CollectSSL, an endpoint outside the SDK's spec (https://docs.sectigo.com/sps/collect-ssl/request),
// with callRaw(): asks for an order's certificate and saves what comes back.
//   SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... php collect_ssl.php ORDER_NUMBER OUT_FILE
// SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance).
declare(strict_types=1);

require is_file(__DIR__ . '/vendor/autoload.php') ? __DIR__ . '/vendor/autoload.php' : __DIR__ . '/../src/autoload.php';

use Sectigo\ApiException;
use Sectigo\Client;
use Sectigo\Exception;

[, $orderNumber, $outFile] = $argv + [null, null, null];
if ($orderNumber === null || $outFile === null) {
    fwrite(STDERR, "usage: php collect_ssl.php ORDER_NUMBER OUT_FILE\n");
    exit(2);
}
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
    // queryType 1: the status with the certificate and its chain; responseType 2: PKCS #7;
    // responseEncoding 1: binary. Downloading changes nothing, so the call is read-only.
    $answer = $client->callRaw('/products/download/CollectSSL', [
        'orderNumber' => $orderNumber,
        'queryType' => 1,
        'responseType' => 2,
        'responseEncoding' => 1,
    ], readOnly: true);
    file_put_contents($outFile, $answer->body);
    $code = $answer->code ?? 'none (not text)';
    echo "HTTP $answer->status, $answer->contentType, errorCode $code: " . strlen($answer->body) . " bytes saved\n";
} catch (ApiException $e) {
    fwrite(STDERR, "error {$e->getCode()}: {$e->serverMessage()}\n");
    exit(1);
} catch (Exception $e) {
    fwrite(STDERR, $e->getMessage() . "\n");
    exit(4);
}
