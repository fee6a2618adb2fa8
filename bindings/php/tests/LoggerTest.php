<?php

declare(strict_types=1);

// Debian's php-psr-log (psr/log 1.1) provides the interface for these tests.
require_once 'Psr/Log/autoload.php';

use PHPUnit\Framework\TestCase;
use Sectigo\ConfigException;
use Sectigo\OutcomeUnknownException;

/** Keeps every record it is given. */
final class RecordingLogger extends Psr\Log\AbstractLogger
{
    /** @var list<array{0: mixed, 1: string, 2: array<string, mixed>}> */
    public array $records = [];

    public function log($level, $message, array $context = []): void
    {
        $this->records[] = [$level, (string) $message, $context];
    }
}

final class LoggerTest extends TestCase
{
    public function testEachCallRetryAndUnknownOutcomeReachThePsr3Logger(): void
    {
        $logger = new RecordingLogger();
        $client = sandbox_client(['logger' => $logger, 'retry_base_ms' => 2, 'retry_max_ms' => 10]);

        sandbox_admin('/_sandbox/faults', ['kind' => 'rate_limited', 'endpoint' => '!initCustomerSession', 'count' => 1]);
        $client->initCustomerSession(['orderNumber' => '1000003']);
        [$retry, $call] = $logger->records;
        $this->assertSame('warning', $retry[0]);
        $this->assertStringContainsString('sending it again', $retry[1]);
        $this->assertSame('debug', $call[0]);
        $this->assertStringStartsWith('!initCustomerSession: ok in ', $call[1]);
        $this->assertStringEndsWith('(errorCode 0, retries 1)', $call[1]);
        $this->assertSame(['endpoint' => '!initCustomerSession', 'retries' => 1, 'error_code' => 0], $call[2]);

        $logger->records = [];
        sandbox_admin('/_sandbox/faults', ['kind' => 'close', 'endpoint' => '!PlaceOrder', 'count' => 1]);
        try {
            $client->placeOrder(['ap' => 'sandboxbrand', 'reseller' => true, 'name' => 'Jane Doe',
                                 'emailAddress' => 'jane@example.com', 'items' => [['PPP' => 9974]]]);
            $this->fail('expected an OutcomeUnknownException');
        } catch (OutcomeUnknownException $e) {
            $this->assertCount(1, $logger->records);
            [$level, $message, $context] = $logger->records[0];
            $this->assertSame('warning', $level);
            $this->assertStringStartsWith('!PlaceOrder: outcome unknown after ', $message);
            $this->assertSame(['endpoint' => '!PlaceOrder', 'retries' => 0, 'error_code' => null], $context);
        }

        // An API error: its errorCode in the context; 'warn' keeps only the warnings.
        $logger->records = [];
        try {
            $client->autoAuthorize(['orderNumber' => 1000003]);
            $this->fail('expected an API error');
        } catch (Sectigo\ApiException $e) {
            $this->assertSame(-27, $logger->records[0][2]['error_code']);
        }
        $quiet = new RecordingLogger();
        sandbox_client(['logger' => $quiet, 'log_level' => 'warn'])->initCustomerSession(['orderNumber' => '1000003']);
        $this->assertSame([], $quiet->records);
    }

    public function testNoPasswordReachesTheLogger(): void
    {
        $logger = new RecordingLogger();
        $client = sandbox_client(['logger' => $logger, 'retry_base_ms' => 2, 'retry_max_ms' => 10]);
        sandbox_admin('/_sandbox/faults', ['kind' => 'rate_limited', 'endpoint' => '!initCustomerSession', 'count' => 2]);
        $client->initCustomerSession(['orderNumber' => '1000003']);
        $this->assertGreaterThanOrEqual(3, count($logger->records));
        $this->assertStringNotContainsString(getenv('SECTIGO_SANDBOX_PASSWORD'), var_export($logger->records, true));
    }

    public function testTheLoggerMustBePsr3(): void
    {
        $this->expectException(ConfigException::class);
        $this->expectExceptionMessage('option logger');
        sandbox_client(['logger' => new stdClass()]);
    }
}
