<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Sectigo\ApiException;
use Sectigo\Client;
use Sectigo\ConfigException;
use Sectigo\DecodeException;
use Sectigo\OutcomeUnknownException;
use Sectigo\RateLimitedException;
use Sectigo\TransportException;
use Sectigo\ValidationException;

final class ClientTest extends TestCase
{
    private function order(): array
    {
        return ['ap' => 'sandboxbrand', 'reseller' => true, 'name' => 'Jane Doe',
                'emailAddress' => 'jane@example.com', 'items' => [['PPP' => 9974]]];
    }

    public function testEveryEndpoint(): void
    {
        $client = sandbox_client();
        $placed = $client->placeOrder($this->order());
        $this->assertInstanceOf(Sectigo\PlaceOrderResult::class, $placed);
        $number = $placed->orderNumber;
        $this->assertMatchesRegularExpression('/^\d+$/', $number);
        $this->assertSame(0, $placed->response->code);
        $this->assertStringContainsString($number, $placed->response->raw, 'the raw answer stays reachable');

        $authorized = $client->autoAuthorize(['orderNumber' => $number, 'test' => false]);
        $this->assertInstanceOf(Sectigo\AutoAuthorizeResult::class, $authorized);
        $this->assertSame(0, $authorized->response->code);

        $session = $client->initCustomerSession(['orderNumber' => '1000001']);
        $this->assertSame(16, strlen($session->sid));
        $this->assertSame('1000003', $session->orderNumber, 'the latest replacement');
        $this->assertStringNotContainsString($session->sid, print_r($session, true));

        $signup = $client->tier2PartnerSignup([
            'ap' => 'sandboxbrand', 'partnerType' => 29, 'brandName' => 'php-brand-' . getmypid(),
            'companyWebsite' => 'https://php.example', 'organizationName' => 'PHP Hosting',
            'streetAddress1' => '1', 'streetAddress2' => '2', 'streetAddress3' => '3',
            'localityName' => 'Leeds', 'stateOrProvinceName' => 'Yorkshire', 'postalCode' => 'LS1',
            'countryName' => 'GB', 'adminEmailAddress' => 'a@php.example', 'adminTelephoneNumber' => '1',
            'adminLoginName' => 'php_admin_' . getmypid(), 'adminLoginPassword' => 'pw',
        ]);
        $this->assertGreaterThan(0, $signup->accountId);
    }

    public function testSiteLockOrderByIdAndGenericCall(): void
    {
        $client = sandbox_client();
        $placed = $client->call('place_order', ['ap' => 'sandboxbrand', 'reseller' => 'y', 'foreName' => 'Ann',
            'emailAddress' => 'ann@example.com', '1_ID' => 7001]);
        $done = $client->autoAuthorize(['orderNumber' => $placed->get('orderNumber')]);
        $this->assertNotNull($done->slUserId);
        $this->assertNotNull($done->slSiteId);
    }

    public function testValidationListsEveryViolation(): void
    {
        try {
            sandbox_client()->placeOrder(['ap' => str_repeat('x', 65), 'countryName' => 'USA', 'colour' => 'red']);
            $this->fail('expected a ValidationException');
        } catch (ValidationException $e) {
            $rules = array_map(fn ($v) => $v['param'] . ':' . $v['rule'], $e->violations());
            foreach (
                ['ap:max_length', 'countryName:country_code', 'colour:unknown', 'reseller:required',
                      'items:min_items'] as $expected
            ) {
                $this->assertContains($expected, $rules);
            }
            $this->assertInstanceOf(Sectigo\Exception::class, $e);
        }
    }

    public function testANulByteIsRefusedNamingTheParameter(): void
    {
        foreach ([['orderNumber' => '1000' . "\0" . '001'], ['orderNumber' => '1000001', "x\0y" => '1']] as $params) {
            try {
                sandbox_client()->initCustomerSession($params);
                $this->fail('expected a ValidationException');
            } catch (ValidationException $e) {
                $violation = $e->violations()[0];
                $this->assertSame('no_nul_byte', $violation['rule']);
                $this->assertStringContainsString($violation['param'], $e->getMessage());
                $this->assertContains($violation['param'], ['orderNumber', 'x\0y']);
            }
        }
    }

    public function testAnswersComeBackWhole(): void
    {
        // Read back from the library in one buffer: every field in order, the quirks, the raw
        // body with its separators and a NUL byte (U+FFFD, as in every string of the library).
        $body = "SID=a%00b&orderNumber=7&note=x%26y%3Dz&empty=";
        $response = Client::decode('!initCustomerSession', ['orderNumber' => '1', 'responseFormat' => 1], 200, null, $body);
        $this->assertSame(['SID' => "a\u{FFFD}b", 'orderNumber' => '7', 'note' => 'x&y=z', 'empty' => ''], $response->fields);
        $this->assertSame(['error_code_missing'], $response->quirks);
        $this->assertSame($body, $response->raw);
        $this->assertSame(0, $response->code);
        $this->assertSame(0, $response->retries);
        $this->assertSame('7', $response->get('ORDERNUMBER'), 'names are case-insensitive');

        $raw = "errorCode=0&SID=ab\0cd";
        $response = Client::decode('!initCustomerSession', ['orderNumber' => '1', 'responseFormat' => 1], 200, null, $raw);
        $this->assertSame("errorCode=0&SID=ab\u{FFFD}cd", $response->raw);
        $this->assertSame(['errorCode' => '0', 'SID' => "ab\u{FFFD}cd"], $response->fields);
    }

    public function testApiErrors(): void
    {
        $client = sandbox_client();
        try {
            $client->autoAuthorize(['orderNumber' => 1000003]);
            $this->fail('expected an ApiException');
        } catch (ApiException $e) {
            $this->assertSame(-27, $e->getCode());
            $this->assertSame('order_not_awaiting_authorization', $e->errorId());
            $this->assertSame('1000003', $e->argument());
        }
        try {
            $client->placeOrder(['emailAddress' => 'not-an-email'] + $this->order());
            $this->fail('expected an ApiException');
        } catch (ApiException $e) {
            $this->assertSame(-70, $e->getCode());
            $this->assertSame('emailAddress', $e->item());
            $this->assertSame('Invalid Email Address!', $e->serverMessage());
        }
        $password = 'php-wrong-password-6d1';
        try {
            sandbox_client(['login_password' => $password])->initCustomerSession(['orderNumber' => '1']);
            $this->fail('expected an ApiException');
        } catch (ApiException $e) {
            $this->assertSame(-16, $e->getCode());
            $this->assertStringNotContainsString($password, $e->getMessage() . print_r($e, true));
        }
    }

    public function testOutcomeUnknownIsNotResent(): void
    {
        sandbox_admin('/_sandbox/faults', ['kind' => 'close', 'endpoint' => '!PlaceOrder', 'count' => 1]);
        try {
            sandbox_client()->placeOrder($this->order());
            $this->fail('expected an OutcomeUnknownException');
        } catch (OutcomeUnknownException $e) {
            $this->assertStringContainsString('check the account', $e->getMessage());
            $this->assertStringNotContainsString(getenv('SECTIGO_SANDBOX_PASSWORD'), $e->getMessage());
            $this->assertTrue($e->mayHaveTakenEffect());
            $this->assertFalse($e->retrySafe());
        }
    }

    public function testRetriesAreSafeCountedAndConfigurable(): void
    {
        $fast = ['retry_base_ms' => 2, 'retry_max_ms' => 10];
        sandbox_admin('/_sandbox/faults', ['kind' => 'rate_limited', 'endpoint' => '!initCustomerSession', 'count' => 2]);
        $session = sandbox_client($fast)->initCustomerSession(['orderNumber' => '1000003']);
        $this->assertSame(2, $session->response->retries, 'refused twice with -42, then served');

        sandbox_admin('/_sandbox/faults', ['kind' => 'rate_limited', 'endpoint' => '!PlaceOrder', 'count' => 3]);
        try {
            sandbox_client($fast + ['max_retries' => 2])->placeOrder($this->order());
            $this->fail('expected a RateLimitedException');
        } catch (RateLimitedException $e) {
            $this->assertSame(-42, $e->getCode());
            $this->assertSame(2, $e->retries(), 'gave up after max_retries');
            $this->assertTrue($e->isRateLimited() && $e->retrySafe());
        }

        sandbox_admin('/_sandbox/faults', ['kind' => 'rate_limited', 'endpoint' => '!initCustomerSession', 'count' => 1]);
        try {
            sandbox_client(['max_retries' => 0])->initCustomerSession(['orderNumber' => '1000003']);
            $this->fail('expected a RateLimitedException');
        } catch (RateLimitedException $e) {
            $this->assertSame(0, $e->retries(), 'max_retries 0 turns retries off');
        }

        sandbox_admin('/_sandbox/faults', ['kind' => 'close', 'endpoint' => '!PlaceOrder', 'count' => 1]);
        try {
            sandbox_client($fast)->placeOrder($this->order());
            $this->fail('expected an OutcomeUnknownException');
        } catch (OutcomeUnknownException $e) {
            $this->assertSame(0, $e->retries(), 'an order that may exist is never sent again');
        }

        try {
            sandbox_client($fast + ['base_url' => 'https://127.0.0.1:1', 'max_retries' => 1])->placeOrder($this->order());
            $this->fail('expected a TransportException');
        } catch (TransportException $e) {
            $this->assertSame(1, $e->retries(), 'never connected: sent again');
        }

        try {
            sandbox_client(['max_retries' => 'many']);
            $this->fail('expected a ConfigException');
        } catch (ConfigException $e) {
            $this->assertStringContainsString('max_retries', $e->getMessage());
        }
    }

    public function testTransportDecodeAndConfigErrors(): void
    {
        try {
            sandbox_client(['base_url' => 'https://127.0.0.1:1'])->initCustomerSession(['orderNumber' => '1']);
            $this->fail('expected a TransportException');
        } catch (TransportException $e) {
            $this->assertSame('connect', $e->detail());
            $this->assertTrue($e->retrySafe(), 'never connected: nothing was sent');
            $this->assertFalse($e->mayHaveTakenEffect());
            $this->assertNull($e->raw());
        }
        sandbox_admin('/_sandbox/faults', ['kind' => 'status', 'status' => 503, 'endpoint' => '!initCustomerSession', 'count' => 1]);
        try {
            sandbox_client()->initCustomerSession(['orderNumber' => '1000003']);
            $this->fail('expected a TransportException');
        } catch (TransportException $e) {
            $this->assertSame(503, $e->status());
            $this->assertStringContainsString('503', (string) $e->raw(), 'the raw answer is kept');
        }
        sandbox_admin('/_sandbox/faults', ['kind' => 'garbage', 'endpoint' => '!initCustomerSession', 'count' => 1]);
        try {
            sandbox_client()->initCustomerSession(['orderNumber' => '1000003']);
            $this->fail('expected a DecodeException');
        } catch (DecodeException $e) {
            $this->assertNotNull($e->raw());
        }
        try {
            sandbox_client(['paths' => []])->tier2PartnerSignup(['ap' => 'x']);
            $this->fail('expected a ConfigException');
        } catch (ConfigException $e) {
            $this->assertStringContainsString('path', $e->getMessage());
        }
        $this->expectException(ConfigException::class);
        new Client(['colour' => 'red']);
    }

    public function testABrokenHandshakeIsNotSentAndIsRetried(): void
    {
        $fast = ['retry_base_ms' => 2, 'retry_max_ms' => 10];
        $kinds = ['handshake_reset', 'handshake_close', 'plain_http', 'handshake_alert', 'untrusted_cert', 'wrong_name_cert'];
        foreach ($kinds as $kind) {
            $number = sandbox_client()->placeOrder($this->order())->orderNumber;
            $calls = [
                'placeOrder' => fn (Client $c) => $c->placeOrder($this->order()),
                'autoAuthorize' => fn (Client $c) => $c->autoAuthorize(['orderNumber' => $number]),
            ];
            foreach ($calls as $what => $send) {
                // A tag in the options makes a client (a pool) of its own: a new connection.
                sandbox_admin('/_sandbox/faults', ['kind' => $kind, 'count' => 1]);
                try {
                    $send(sandbox_client(['max_retries' => 0, 'user_agent' => "php-$kind-$what-once"]));
                    $this->fail("$kind $what: expected a TransportException");
                } catch (TransportException $e) {
                    $this->assertTrue($e->retrySafe(), "$kind $what: retry-safe");
                    $this->assertFalse($e->mayHaveTakenEffect(), "$kind $what: nothing was sent");
                }
                sandbox_admin('/_sandbox/faults', ['kind' => $kind, 'count' => 1]);
                $done = $send(sandbox_client($fast + ['user_agent' => "php-$kind-$what-retried"]));
                $this->assertSame(1, $done->response->retries, "$kind $what: sent again once");
            }
        }
    }

    public function testForkedProcessesNeverShareAConnection(): void
    {
        $client = sandbox_client(['max_retries' => 0, 'user_agent' => 'php-fork']);
        $mine = [$client->placeOrder($this->order())->orderNumber, $client->placeOrder($this->order())->orderNumber];
        for ($round = 0; $round < 10; $round++) {
            $pid = pcntl_fork();
            $this->assertGreaterThanOrEqual(0, $pid);
            $own = $mine[$pid === 0 ? 1 : 0];
            $bad = 0;
            for ($i = 0; $i < 10; $i++) {
                // In the child, half the calls go through a client made there, with the same
                // options: the library's shared clients start empty in a child.
                $which = $pid === 0 && $i % 2 ? sandbox_client(['max_retries' => 0, 'user_agent' => 'php-fork']) : $client;
                try {
                    $bad += $which->initCustomerSession(['orderNumber' => $own])->orderNumber === $own ? 0 : 1;
                } catch (Sectigo\Exception $e) {
                    fwrite(STDERR, ($pid === 0 ? 'child' : 'parent') . ": {$e->getMessage()}\n");
                    $bad++;
                }
            }
            if ($pid === 0) {
                // Leave without PHPUnit's shutdown: the exit code is the report.
                pcntl_exec('/bin/sh', ['-c', 'exit ' . ($bad === 0 ? 0 : 1)]);
            }
            pcntl_waitpid($pid, $status);
            $this->assertTrue(pcntl_wifexited($status) && pcntl_wexitstatus($status) === 0, "child of round $round");
            $this->assertSame(0, $bad, "parent of round $round");
        }
    }

    public function testBadSettingsAreConfigErrorsNamingTheSetting(): void
    {
        $cases = [
            [['user_agent' => "panel/1.0\r\nX-Injected: 1"], 'user_agent'],
            [['timeout_ms' => 99999999999], 'timeout'],
            [['connect_timeout_ms' => 3600001], 'connect_timeout'],
            [['resolve' => ['localhost:443:not-an-address']], 'resolve'],
            [['resolve' => 'no-port'], 'resolve'],
            // Values the settings table's types refuse before the library sees them.
            [['paths' => '/products/x'], 'option paths: an array'],
            [['timeout_ms' => [1000]], 'option timeout_ms: text, a number or a boolean, not array'],
            [['ca_file' => [null]], 'option ca_file: text, a number or a boolean, not null'],
            [['colour' => 'red'], 'unknown option "colour"'],
        ];
        foreach ($cases as [$settings, $named]) {
            try {
                new Client($settings + ['login_name' => 'login', 'login_password' => 'password']);
                $this->fail("$named: expected a ConfigException");
            } catch (ConfigException $e) {
                $this->assertStringContainsString($named, $e->getMessage());
            }
        }
        $port = parse_url(getenv('SECTIGO_SANDBOX_URL'), PHP_URL_PORT);
        $pinned = sandbox_client(['base_url' => "https://localhost:$port", 'resolve' => ["localhost:$port:127.0.0.1"]]);
        $this->assertSame('1000003', $pinned->initCustomerSession(['orderNumber' => '1000003'])->orderNumber);
        // A repeatable setting takes a list (ca_file: several files to trust), a map an array.
        $trusting = sandbox_client(['ca_file' => [getenv('SECTIGO_SANDBOX_CA'), getenv('SECTIGO_SANDBOX_CA')]]);
        $this->assertSame('1000003', $trusting->initCustomerSession(['orderNumber' => '1000003'])->orderNumber);
        $options = [
            'ca_file' => ['a.pem', 'b.pem'],
            'paths' => ['tier2_partner_signup' => '/x'],
            'allow_http' => true,
            'max_retries' => 2,
        ];
        $this->assertSame(
            [['ca_file', 'a.pem'], ['ca_file', 'b.pem'], ['path:tier2_partner_signup', '/x'],
             ['allow_http', '1'], ['max_retries', '2']],
            \Sectigo\Options::pairs($options),
        );
    }

    public function testClientDumpsHideThePassword(): void
    {
        $client = sandbox_client(['login_password' => 'php-secret-password-1f2']);
        $this->assertStringNotContainsString('php-secret-password-1f2', print_r($client, true) . var_export($client, true));
    }

    public function testErrorCodesAndClassesComeFromTheSpec(): void
    {
        $this->assertSame(-15, Sectigo\ErrorCode::NotEnoughCredit->value);
        $this->assertSame(Sectigo\ErrorCode::CallLimitReached, Sectigo\ErrorCode::from(-42));
        foreach (Sectigo\ApiErrorClasses::BY_CODE as $code => $class) {
            $this->assertTrue(is_subclass_of($class, Sectigo\ApiException::class), $class);
            $this->assertNotNull(Sectigo\ErrorCode::tryFrom($code), "code $code is named");
        }
        $this->assertSame(Sectigo\ApiException::class, Sectigo\ApiErrorClasses::forCode(-14));
        try {
            sandbox_client(['login_password' => 'wrong-password'])->initCustomerSession(['orderNumber' => '1000003']);
            $this->fail('expected an AuthenticationException');
        } catch (Sectigo\AuthenticationException $e) {
            $this->assertSame(Sectigo\ErrorCode::AuthenticationFailed, Sectigo\ErrorCode::from($e->getCode()));
            $this->assertFalse($e->retrySafe());
        }
    }

    public function testTheCatalogueAndThePages(): void
    {
        $this->assertSame(9974, Sectigo\WebProduct::WebDnsPro->ppp(Sectigo\Term::Year1));
        $this->assertSame(['PPP' => 9978], Sectigo\WebProduct::WebDnsPro->item(Sectigo\Term::Year5));
        $this->assertSame([Sectigo\WebProduct::WebDnsPro, Sectigo\Term::Year5], Sectigo\WebProduct::fromPpp(9978));
        $this->assertNull(Sectigo\WebProduct::fromPpp(12345678));
        $this->assertSame([Sectigo\Term::Year1], Sectigo\WebProduct::WebOneTimeRemediate->terms());
        try {
            Sectigo\WebProduct::WebOneTimeRemediate->item(Sectigo\Term::Days30);
            $this->fail('expected a ValueError');
        } catch (\ValueError $e) {
            $this->assertStringContainsString('is not sold for a', $e->getMessage());
        }
        // Every code leads back to its product and term.
        foreach (Sectigo\WebProduct::cases() as $product) {
            foreach ($product->terms() as $term) {
                $this->assertSame([$product, $term], Sectigo\WebProduct::fromPpp((int) $product->ppp($term)));
            }
        }
        $this->assertSame(
            'https://secure.sectigo.com/products/postPayment1a?SID=a+b%26c&orderNumber=1000003',
            Sectigo\Pages::saspPostPaymentUrl('a b&c', 1000003),
        );
        $this->assertSame(
            'https://vm.example/?s=x%2Fy&o=7',
            Sectigo\Pages::validationManagerUrl('https://vm.example/?s={SID}&o={orderNumber}', 'x/y', '7'),
        );
        try {
            Sectigo\Pages::validationManagerUrl('https://vm.example/?s={SID}', 's', '1');
            $this->fail('expected a ConfigException');
        } catch (Sectigo\ConfigException $e) {
            $this->assertStringContainsString('{orderNumber}', $e->getMessage());
        }
        // A session's SID and order number make the customer's page.
        $session = sandbox_client()->initCustomerSession(['orderNumber' => 1000003]);
        $this->assertStringContainsString('SID=' . urlencode($session->sid), Sectigo\Pages::saspPostPaymentUrl($session->sid, 1000003));
    }

    public function testTheReferenceNamesEveryPublicMember(): void
    {
        $readme = file_get_contents(__DIR__ . '/../README.md');
        $start = strpos($readme, '## Reference');
        $reference = substr($readme, $start, strpos($readme, '## Testing against the sandbox') - $start);
        $files = array_merge(glob(__DIR__ . '/../src/*.php'), glob(__DIR__ . '/../src/generated/*.php'), glob(__DIR__ . '/../src/Testing/*.php'));
        $missing = [];
        foreach ($files as $file) {
            $relative = substr($file, strlen(__DIR__ . '/../src/'));
            $short = basename($file, '.php');
            if ($short === 'autoload' || $short === 'Endpoints') {
                continue; // the loader; the trait of the endpoint methods, listed by name
            }
            $class = 'Sectigo\\' . (str_starts_with($relative, 'Testing/') ? 'Testing\\' : '') . $short;
            $reflection = new ReflectionClass($class);
            $names = [$short];
            foreach ($reflection->getMethods(ReflectionMethod::IS_PUBLIC) as $method) {
                if ($method->getDeclaringClass()->getName() === $class && !str_starts_with($method->getName(), '__')) {
                    $names[] = $method->getName();
                }
            }
            foreach ($reflection->getProperties(ReflectionProperty::IS_PUBLIC) as $property) {
                if ($property->getDeclaringClass()->getName() === $class) {
                    $names[] = '$' . $property->getName();
                }
            }
            if (!$reflection->isEnum()) {
                foreach ($reflection->getReflectionConstants(ReflectionClassConstant::IS_PUBLIC) as $constant) {
                    $names[] = $constant->getName();
                }
            }
            if ($reflection->isEnum()) {
                // What every backed enum has.
                $names = array_values(array_diff($names, ['cases', 'from', 'tryFrom', '$name', '$value']));
            }
            // Endpoint methods and result properties are generated from the spec.
            if (str_ends_with($short, 'Result') || $short === 'ClientInterface') {
                $names = [$short];
            }
            foreach ($names as $name) {
                $bare = ltrim($name, '$');
                if (!preg_match('/(?<![A-Za-z0-9_])\$?' . preg_quote($bare, '/') . '(?![A-Za-z0-9_])/', $reference)) {
                    $missing[] = "$class::$name";
                }
            }
        }
        $this->assertSame([], $missing, 'the README\'s Reference names every public member');
    }

    public function testTheTopReadmesFirstCallRunsAsPrinted(): void
    {
        $readme = file_get_contents(__DIR__ . '/../../../README.md');
        $this->assertSame(1, preg_match('/^\| PHP [^|]*\|[^|]*\| `([^`]+)`/m', $readme, $cell), 'the PHP row of the table');
        $code = str_replace("'BRAND'", "'sandboxbrand'", $cell[1]);
        $client = sandbox_client();
        $placed = eval("return {$code};");
        $this->assertInstanceOf(\Sectigo\PlaceOrderResult::class, $placed);
        $this->assertMatchesRegularExpression('/^[0-9]+$/', $placed->orderNumber);
    }

    public function testTheReadmeExampleRuns(): void
    {
        $example = __DIR__ . '/../examples/place_and_authorize.php';
        $readme = file_get_contents(__DIR__ . '/../README.md');
        $this->assertStringContainsString(trim(file_get_contents($example)), $readme, 'the package README shows the example as it is');
        $env = ['SECTIGO_LOGIN_NAME' => getenv('SECTIGO_SANDBOX_LOGIN'), 'SECTIGO_LOGIN_PASSWORD' => getenv('SECTIGO_SANDBOX_PASSWORD'),
                'SECTIGO_AP' => 'sandboxbrand', 'SECTIGO_BASE_URL' => getenv('SECTIGO_SANDBOX_URL'),
                'SECTIGO_CA_FILE' => getenv('SECTIGO_SANDBOX_CA'), 'SECTIGO_LIBRARY' => getenv('SECTIGO_LIBRARY')];
        $process = proc_open([PHP_BINARY, $example], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        $this->assertSame(0, proc_close($process), $out);
        $this->assertMatchesRegularExpression('/placed order \d+\nauthorized order \d+/', $out);
    }

    /**
     * With traces that record arguments, no frame, message or dump of any kind of error shows a
     * password (#[\SensitiveParameter]); nor does a dump of the client or an answer.
     */
    public function testTracesNeverShowAPassword(): void
    {
        $before = ini_set('zend.exception_ignore_args', '0');
        try {
            $canary = (string) getenv('SECTIGO_CANARY');
            $this->assertNotSame('', $canary);
            $fast = ['retry_base_ms' => 1, 'retry_max_ms' => 5, 'max_retries' => 1];
            $caught = [];
            $attempt = function (callable $call) use (&$caught): void {
                try {
                    $call();
                    $this->fail('expected an exception');
                } catch (Sectigo\Exception $e) {
                    $caught[get_class($e)] = $e;
                }
            };
            // The closures read the canary when they run: captured, it would show in dumps of the
            // trace's Closure objects, which are the test's, not the SDK's.
            $attempt(static fn () => new Client(['login_password' => self::canary(), 'colour' => 'red']));
            $attempt(static fn () => sandbox_client(['login_password' => self::canary()])->initCustomerSession(['orderNumber' => '1000003']));
            $attempt(static fn () => sandbox_client()->placeOrder(['loginPassword' => self::canary(), 'ap' => 'x', 'items' => []]));
            $attempt(static fn () => sandbox_client($fast + ['base_url' => 'https://127.0.0.1:1', 'login_password' => self::canary()])
                ->initCustomerSession(['orderNumber' => '1']));
            sandbox_admin('/_sandbox/faults', ['kind' => 'garbage', 'endpoint' => '!initCustomerSession', 'count' => 1]);
            $attempt(static fn () => sandbox_client(['login_password' => self::canary()])->initCustomerSession(['orderNumber' => '1']));
            sandbox_admin('/_sandbox/faults', ['kind' => 'rate_limited', 'endpoint' => '!initCustomerSession', 'count' => 2]);
            $attempt(static fn () => sandbox_client($fast + ['login_password' => self::canary()])->initCustomerSession(['orderNumber' => '1']));
            sandbox_admin('/_sandbox/faults', ['kind' => 'close', 'endpoint' => '!Tier2PartnerSignup', 'count' => 1]);
            $attempt(static fn () => sandbox_client()->tier2PartnerSignup(self::signup('php_canary_' . getmypid(), self::canary())));
            $this->assertSame(
                ['AuthenticationException', 'ConfigException', 'DecodeException', 'OutcomeUnknownException',
                 'RateLimitedException', 'TransportException', 'ValidationException'],
                self::sorted(array_map(fn ($c) => substr($c, strlen('Sectigo\\')), array_keys($caught))),
            );
            try {
                Client::prepare('!AutoAuthorize', ['loginPassword' => $canary, 'orderNumber' => 'not a number']);
            } catch (Sectigo\ValidationException $e) {
                $caught[] = $e;
            }
            $this->assertCount(8, $caught);
            $client = sandbox_client(['login_password' => $canary]);
            $this->assertStringNotContainsString($canary, print_r($client, true) . var_export($client, true));
            foreach ($caught as $e) {
                $shown = (string) $e . $e->getMessage() . $e->getTraceAsString() . print_r($e->getTrace(), true)
                    . var_export($e->getTrace(), true) . print_r($e, true);
                $this->assertStringNotContainsString($canary, $shown);
                $this->assertStringContainsString('SensitiveParameterValue', $shown, 'the arguments were recorded');
            }
        } finally {
            ini_set('zend.exception_ignore_args', (string) $before);
        }
    }

    /** @return list<string> */
    private static function sorted(array $names): array
    {
        sort($names);
        return $names;
    }

    private static function canary(): string
    {
        return (string) getenv('SECTIGO_CANARY');
    }

    /** A Tier 2 signup for a new admin. */
    private static function signup(string $admin, #[\SensitiveParameter] string $password): array
    {
        return ['ap' => 'sandboxbrand', 'partnerType' => 32, 'companyWebsite' => 'https://pki.example',
            'organizationName' => 'Example PKI', 'streetAddress1' => '1', 'streetAddress2' => '2', 'streetAddress3' => '3',
            'localityName' => 'Leeds', 'stateOrProvinceName' => 'Yorkshire', 'postalCode' => 'LS1', 'countryName' => 'GB',
            'adminEmailAddress' => 'a@pki.example', 'adminTelephoneNumber' => '1', 'adminLoginName' => $admin,
            'adminLoginPassword' => $password];
    }

    public function testResultsAreTypedAndTheVersionIsTheLibrarys(): void
    {
        $client = sandbox_client();
        $session = $client->initCustomerSession(['orderNumber' => '1000001']);
        $this->assertInstanceOf(Sectigo\InitCustomerSessionResult::class, $session);
        $this->assertIsString($session->sid);
        $this->assertSame($session->sid, $session->response->get('SID'));
        $property = new ReflectionProperty(Sectigo\Tier2PartnerSignupResult::class, 'accountId');
        $this->assertSame('int', (string) $property->getType());
        $result = Sectigo\Tier2PartnerSignupResult::class;
        $docs = (string) (new ReflectionMethod($result, '__construct'))->getDocComment()
            . file_get_contents((new ReflectionClass($result))->getFileName());
        $this->assertStringContainsString('accountID', $docs);
        $shape = (string) (new ReflectionMethod(Client::class, 'autoAuthorize'))->getDocComment();
        $this->assertStringContainsString(
            "@param array{loginName?: string, loginPassword?: string, orderNumber: int|string, test?: 'Y'|'N'|bool",
            $shape
        );
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Sectigo\Version::VERSION);
        $ffi = FFI::cdef('const char *sectigo_version(void);', getenv('SECTIGO_LIBRARY'));
        $this->assertSame(Sectigo\Version::VERSION, $ffi->sectigo_version());
    }

    public function testEveryClassLoadsThroughThePreloadScript(): void
    {
        $code = 'require $argv[1]; $all = array_merge(get_declared_classes(), get_declared_interfaces()); '
            . 'echo implode(",", array_filter($all, fn ($c) => str_starts_with($c, "Sectigo"))), PHP_EOL;';
        $php = [PHP_BINARY, '-d', 'ffi.enable=preload', '-r', $code, __DIR__ . '/../preload.php'];
        $process = proc_open($php, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        $this->assertSame(0, proc_close($process), $out);
        $classes = explode(',', trim($out));
        foreach (array_merge(glob(__DIR__ . '/../src/*.php'), glob(__DIR__ . '/../src/generated/*.php')) as $file) {
            $class = 'Sectigo\\' . basename($file, '.php');
            if ($class !== 'Sectigo\\autoload' && $class !== 'Sectigo\\Endpoints') {
                $this->assertContains($class, $classes, "preload.php loads $class");
            }
        }
    }
}
