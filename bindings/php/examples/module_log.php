<?php

// Sends the SDK's log records to a panel's own module log, with the password scrubbed.
//   SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... php module_log.php
// SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance).
declare(strict_types=1);

// Composer's autoloader in an application (with psr/log); here the package's own one, and
// Debian's php-psr-log.
require is_file(__DIR__ . '/vendor/autoload.php') ? __DIR__ . '/vendor/autoload.php' : __DIR__ . '/../src/autoload.php';
if (!interface_exists(Psr\Log\LoggerInterface::class)) {
    require 'Psr/Log/autoload.php';
}

use Psr\Log\AbstractLogger;
use Sectigo\Client;

/** The panel's module log: one line per record (a panel writes its own file or table). */
final class ModuleLog extends AbstractLogger
{
    /** @param list<string> $secrets values no line may show */
    public function __construct(private array $secrets)
    {
    }

    public function log($level, $message, array $context = []): void
    {
        $line = sprintf('sectigo %s: %s %s', $level, $message, json_encode($context));
        echo str_replace(array_filter($this->secrets), '********', $line), "\n";
    }
}

$password = getenv('SECTIGO_LOGIN_PASSWORD') ?: '';
$options = [
    'login_name' => getenv('SECTIGO_LOGIN_NAME') ?: '',
    'login_password' => $password,
    'logger' => new ModuleLog([$password]),  // 'log_level' => 'warn' keeps retries and lost answers only
];
if (getenv('SECTIGO_BASE_URL')) {
    $options['base_url'] = getenv('SECTIGO_BASE_URL');
}
if (getenv('SECTIGO_CA_FILE')) {
    $options['ca_file'] = getenv('SECTIGO_CA_FILE');
}
$session = (new Client($options))->initCustomerSession(['orderNumber' => '1000003']);
echo "customer session for order {$session->orderNumber}\n";
