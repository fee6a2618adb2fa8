<?php

// A control panel's page, as the php-fpm and `php -S` tests serve it: each request makes its
// own Sectigo\Client, as a panel does, and answers one JSON object. ?action= picks the work:
// flow (order, authorize, session), session, validation, api_error, outcome_unknown, trace.
declare(strict_types=1);

// Preloaded under php-fpm (opcache.preload); the autoloader then finds every class already
// there. Required anyway so the page also runs where nothing was preloaded.
require_once(getenv('SECTIGO_PHP_PACKAGE') ?: __DIR__ . '/../..') . '/src/autoload.php';

use Sectigo\ApiException;
use Sectigo\Client;
use Sectigo\OutcomeUnknownException;
use Sectigo\ValidationException;

header('Content-Type: application/json');

function client(array $overrides = []): Client
{
    return new Client($overrides + [
        'base_url' => getenv('SECTIGO_SANDBOX_URL'),
        'ca_file' => getenv('SECTIGO_SANDBOX_CA'),
        'login_name' => getenv('SECTIGO_SANDBOX_LOGIN'),
        'login_password' => getenv('SECTIGO_SANDBOX_PASSWORD'),
    ]);
}

$order = ['ap' => 'sandboxbrand', 'reseller' => true, 'name' => 'Jane Doe',
          'emailAddress' => 'jane@example.com', 'items' => [['PPP' => 9974]]];
$opcache = function_exists('opcache_get_status') ? opcache_get_status(false) : false;
$answer = ['pid' => getmypid(), 'sapi' => PHP_SAPI, 'preloaded' => isset($opcache['preload_statistics'])];
try {
    switch ($_GET['action'] ?? '') {
        case 'flow':
            $client = client();
            $placed = $client->placeOrder($order);
            $client->autoAuthorize(['orderNumber' => $placed->orderNumber]);
            $session = $client->initCustomerSession(['orderNumber' => $placed->orderNumber]);
            $answer += ['order' => $placed->orderNumber, 'session' => strlen($session->sid) > 0];
            break;
        case 'session':
            $answer['session'] = strlen(client()->initCustomerSession(['orderNumber' => '1000003'])->sid) > 0;
            break;
        case 'validation':
            client()->placeOrder(['ap' => 'sandboxbrand', 'reseller' => true] + ['items' => []]);
            break;
        case 'api_error':
            client(['login_password' => 'page-canary-0c1d'])->initCustomerSession(['orderNumber' => '1000003']);
            break;
        case 'outcome_unknown':
            client()->placeOrder($order);
            break;
        default:
            http_response_code(404);
            $answer['error'] = 'unknown action';
    }
} catch (ValidationException | ApiException | OutcomeUnknownException $e) {
    $answer += ['exception' => get_class($e), 'api' => $e instanceof ApiException, 'code' => $e->getCode()];
    $answer['trace'] = $e->getTraceAsString() . print_r($e->getTrace(), true);
} catch (Throwable $e) {
    http_response_code(500);
    $answer += ['exception' => get_class($e), 'message' => $e->getMessage()];
}
$status = (string) @file_get_contents('/proc/self/status');
$answer['rss_kb'] = preg_match('/^VmRSS:\s+(\d+)/m', $status, $m) ? (int) $m[1] : 0;
echo json_encode($answer), "\n";
