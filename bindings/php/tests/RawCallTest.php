<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Sectigo\ApiException;
use Sectigo\ArgumentException;
use Sectigo\Client;
use Sectigo\ConfigException;
use Sectigo\OutcomeUnknownException;
use Sectigo\RateLimitedException;
use Sectigo\RawAnswer;
use Sectigo\TransportException;
use Sectigo\Testing\Sandbox;

/**
 * `Client::callRaw()` against the sandbox's programmed answers (set through
 * `Sectigo\Testing\Sandbox`): what is sent, both text formats, a binary body byte for byte, API
 * errors, the money rule on a lost answer, the read rules, and the refused paths.
 */
final class RawCallTest extends TestCase
{
    private const COLLECT = '/products/download/CollectSSL';

    private static ?Sandbox $sandbox = null;

    private static function sandbox(): Sandbox
    {
        return self::$sandbox ??= Sandbox::start();
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox?->stop();
        self::$sandbox = null;
    }

    protected function setUp(): void
    {
        self::sandbox()->clearAnswers();
        self::sandbox()->resetCounters();
    }

    private function client(): Client
    {
        return self::sandbox()->client(0, ['max_retries' => 2, 'retry_base_ms' => 10, 'retry_max_ms' => 20]);
    }

    private function seen(string $path): int
    {
        return (int) (self::sandbox()->counters()['requests'][$path] ?? 0);
    }

    public function testANewlineAnswerWithTheCredentialsAndTheParametersAsGiven(): void
    {
        $sandbox = self::sandbox();
        $sandbox->programAnswer(self::COLLECT, "0\n1\nIssued\n");
        $answer = $this->client()->callRaw(
            self::COLLECT,
            ['orderNumber' => '1234567', 'queryType' => 0, 'note' => 'a&b=c d'],
            readOnly: true,
        );
        $this->assertInstanceOf(RawAnswer::class, $answer);
        $this->assertSame(
            [200, 'text/plain', 'newline', 0, null],
            [$answer->status, $answer->contentType, $answer->format, $answer->code, $answer->message],
        );
        $this->assertSame(['1', 'Issued'], $answer->lines);
        $this->assertSame("0\n1\nIssued\n", $answer->body);
        $this->assertSame(0, $answer->retries);
        $sent = $sandbox->answered()[0];
        $this->assertSame(['POST', self::COLLECT], [$sent['method'], $sent['path']]);
        $this->assertSame([
            ['loginName', $sandbox->accounts[0]['login_name']],
            ['loginPassword', '<redacted>'],
            ['orderNumber', '1234567'],
            ['queryType', '0'],
            ['note', 'a&b=c d'],
        ], $sent['params']);

        // Pairs, for a name sent twice; and no credentials.
        $this->client()->callRaw(self::COLLECT, [['domain', 'a.example'], ['domain', 'b.example']], credentials: false);
        $this->assertSame([['domain', 'a.example'], ['domain', 'b.example']], $sandbox->answered()[1]['params']);
    }

    public function testAUrlEncodedAnswerIsReadAsPairs(): void
    {
        self::sandbox()->programAnswer('/products/!GetStatus', 'errorCode=0&certificateStatus=Issued&note=a%26b');
        $answer = $this->client()->callRaw('/products/!GetStatus', ['a' => '1'], readOnly: true);
        $this->assertSame(['url_encoded', 0], [$answer->format, $answer->code]);
        $this->assertSame('Issued', $answer->get('CERTIFICATESTATUS'));
        $this->assertSame('a&b', $answer->get('note'));
        $this->assertNull($answer->get('missing'));
        $this->assertSame([['errorCode', '0'], ['certificateStatus', 'Issued'], ['note', 'a&b']], $answer->fields);
        $this->assertSame([], $answer->lines);
    }

    public function testABinaryBodyComesBackByteForByte(): void
    {
        $zip = "PK\x03\x04" . implode('', array_map('chr', range(0, 255))) . "\x00\x00";
        self::sandbox()->programAnswer(self::COLLECT, $zip, ['content_type' => 'application/zip']);
        $answer = $this->client()->callRaw(self::COLLECT, ['orderNumber' => '1', 'queryType' => '1', 'responseType' => '0'], readOnly: true);
        $this->assertSame('application/zip', $answer->contentType);
        $this->assertSame([null, null], [$answer->code, $answer->format]);
        $this->assertSame(bin2hex($zip), bin2hex($answer->body));
        $this->assertStringContainsString('262 bytes', print_r($answer, true), 'dumps show the size, not the bytes');
    }

    public function testANegativeCodeIsTheSameApiExceptionAsForSpecEndpoints(): void
    {
        self::sandbox()->programAnswer(self::COLLECT, "-3\nThe 'orderNumber' argument is missing!\n");
        try {
            $this->client()->callRaw(self::COLLECT, ['queryType' => '0'], readOnly: true);
            $this->fail('no exception');
        } catch (ArgumentException $e) {
            $this->assertInstanceOf(ApiException::class, $e);
            $this->assertSame(-3, $e->getCode());
            $this->assertSame('orderNumber', $e->argument());
            $this->assertSame("The 'orderNumber' argument is missing!", $e->serverMessage());
            $this->assertStringContainsString(self::COLLECT, $e->getMessage());
        }
        self::sandbox()->clearAnswers();
        self::sandbox()->programAnswer(self::COLLECT, 'errorCode=-1234&errorMessage=Something+new');
        try {
            $this->client()->callRaw(self::COLLECT, ['queryType' => '0']);
            $this->fail('no exception');
        } catch (ApiException $e) {
            $this->assertSame([-1234, 'Something new', null], [$e->getCode(), $e->serverMessage(), $e->errorId()]);
        }
    }

    public function testCallLimitIsRetriedOnAnyPath(): void
    {
        self::sandbox()->programAnswer(self::COLLECT, "-42\nCall limit reached! Please try again later.\n", ['count' => 1]);
        self::sandbox()->programAnswer(self::COLLECT, "0\nplaced\n");
        $answer = $this->client()->callRaw(self::COLLECT, ['a' => '1']);
        $this->assertSame([0, 1], [$answer->code, $answer->retries]);
        $this->assertSame(2, $this->seen(self::COLLECT));
        $this->assertTrue(class_exists(RateLimitedException::class));
    }

    public function testALostAnswerToAStateChangingCallIsOutcomeUnknownAndSentOnce(): void
    {
        $path = '/products/!AutoApplySSL';
        self::sandbox()->programAnswer($path, '', ['close' => true]);
        try {
            $this->client()->callRaw($path, ['csr' => '-----BEGIN...', 'apiToken' => 'php-token-8e2c']);
            $this->fail('no exception');
        } catch (OutcomeUnknownException $e) {
            $this->assertTrue($e->mayHaveTakenEffect());
            $this->assertStringNotContainsString('php-token-8e2c', $e->getMessage() . $e->getTraceAsString());
        }
        $this->assertSame(1, $this->seen($path), 'never resent');

        self::sandbox()->clearAnswers();
        self::sandbox()->programAnswer($path, '<html>oops</html>', ['status' => 404]);
        try {
            $this->client()->callRaw($path, ['a' => '1']);
            $this->fail('no exception');
        } catch (TransportException $e) {
            $this->assertSame(404, $e->status(), 'a 4xx is a refusal, not an unknown outcome');
            $this->assertSame('<html>oops</html>', $e->raw());
        }
    }

    public function testABrokenAnswerToAReadOnlyCallIsSentAgain(): void
    {
        self::sandbox()->programAnswer(self::COLLECT, '', ['close' => true, 'count' => 1]);
        self::sandbox()->programAnswer(self::COLLECT, "0\n2\n");
        $answer = $this->client()->callRaw(self::COLLECT, ['queryType' => '0'], readOnly: true);
        $this->assertSame([0, 1, ['2']], [$answer->code, $answer->retries, $answer->lines]);
        $this->assertSame(2, $this->seen(self::COLLECT));
    }

    public function testRefusedPathsAndNamesSendNothing(): void
    {
        $client = $this->client();
        $before = self::sandbox()->counters()['connections'];
        foreach (
            ['https://example.com/products/x', '//example.com/x', 'products/x', '/products/../x', '/products/%2e%2e/x',
             '/products/x?a=1', '/products/x#f', "/products/x\r\nHost: a", '/products/x y'] as $path
        ) {
            try {
                $client->callRaw($path, ['a' => '1']);
                $this->fail("no exception for $path");
            } catch (ConfigException $e) {
                $this->assertStringContainsString('raw call path', $e->getMessage());
            }
        }
        foreach ([['a=b' => '1'], ['' => '1'], ["a\0" => '1'], ['loginPassword' => 'x'], ['not a pair']] as $params) {
            try {
                $client->callRaw(self::COLLECT, $params);
                $this->fail('no exception for ' . json_encode(array_keys($params)));
            } catch (ConfigException $e) {
                $this->assertStringContainsString('raw call to', $e->getMessage());
            }
        }
        $this->assertSame($before, self::sandbox()->counters()['connections'], 'nothing was sent');
    }

    public function testTheInterfaceOffersIt(): void
    {
        $answer = new RawAnswer(200, 'text/plain', "0\n", 0, 'newline', null, [], []);
        $mock = $this->createMock(\Sectigo\ClientInterface::class);
        $mock->expects($this->once())->method('callRaw')->with(self::COLLECT, ['a' => '1'], true)->willReturn($answer);
        $this->assertSame($answer, $mock->callRaw(self::COLLECT, ['a' => '1'], readOnly: true));
    }
}
