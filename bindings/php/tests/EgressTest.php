<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Sectigo\ApiException;
use Sectigo\Client;
use Sectigo\ConfigException;
use Sectigo\TransportException;

/** Proxies (a real tinyproxy on loopback), trust (roots, SSL_CERT_FILE) and client-certificate login. */
final class EgressTest extends TestCase
{
    private function order(): array
    {
        return ['ap' => 'sandboxbrand', 'reseller' => true, 'name' => 'Jane Doe',
                'emailAddress' => 'egress@example.com', 'items' => [['PPP' => 9974]]];
    }

    /** Tunnels to the sandbox in the proxy's log. */
    private function tunnels(): int
    {
        $target = substr(getenv('SECTIGO_SANDBOX_URL'), strlen('https://'));
        return substr_count((string) file_get_contents(getenv('SECTIGO_SANDBOX_PROXY_LOG')), "CONNECT $target HTTP/1.1");
    }

    private function orderAndAuthorize(Client $client): void
    {
        $number = $client->placeOrder($this->order())->orderNumber;
        $client->autoAuthorize(['orderNumber' => $number]);
        $this->assertNotSame('', $number);
    }

    public function testCallsGoThroughTheProxyOptionAndItsPasswordIsNeverShown(): void
    {
        $url = getenv('SECTIGO_SANDBOX_PROXY_URL');
        $password = getenv('SECTIGO_SANDBOX_PROXY_PASSWORD');
        $before = $this->tunnels();
        $this->orderAndAuthorize(sandbox_client(['proxy' => $url, 'no_proxy' => '', 'user_agent' => 'php-proxy']));
        $this->assertGreaterThan($before, $this->tunnels(), 'the proxy log shows the tunnel');

        $wrong = str_replace($password, 'not-the-password', $url);
        try {
            sandbox_client(['proxy' => $wrong, 'no_proxy' => '', 'max_retries' => 0])->placeOrder($this->order());
            $this->fail('expected a TransportException');
        } catch (TransportException $e) {
            $this->assertTrue($e->retrySafe(), 'a refused CONNECT is not sent');
            $this->assertFalse($e->mayHaveTakenEffect());
            $this->assertStringContainsString('proxy', $e->getMessage());
            $this->assertStringNotContainsString('not-the-password', (string) $e);
        }
        try {
            new Client(['proxy' => "socks5://user:$password@127.0.0.1:1080"]);
            $this->fail('expected a ConfigException');
        } catch (ConfigException $e) {
            $this->assertStringContainsString('SOCKS', $e->getMessage());
            // Neither the message nor the trace (the options are a sensitive parameter).
            $this->assertStringNotContainsString($password, (string) $e);
        }
    }

    public function testHttpsProxyFromTheEnvironmentIsRead(): void
    {
        $before = $this->tunnels();
        putenv('https_proxy=' . getenv('SECTIGO_SANDBOX_PROXY_URL'));
        try {
            $this->orderAndAuthorize(sandbox_client(['user_agent' => 'php-proxy-env']));
        } finally {
            putenv('https_proxy');
        }
        $this->assertGreaterThan($before, $this->tunnels(), 'https_proxy is read (the shared clients key on it)');
        $before = $this->tunnels();
        $this->orderAndAuthorize(sandbox_client(['user_agent' => 'php-proxy-env']));
        $this->assertSame($before, $this->tunnels(), 'without https_proxy, no tunnel');
    }

    public function testSystemRootsReadSslCertFile(): void
    {
        putenv('SSL_CERT_FILE=' . getenv('SECTIGO_SANDBOX_CA'));
        try {
            $base = ['base_url' => getenv('SECTIGO_SANDBOX_URL'), 'login_name' => getenv('SECTIGO_SANDBOX_LOGIN'),
                     'login_password' => getenv('SECTIGO_SANDBOX_PASSWORD'), 'max_retries' => 0];
            $this->orderAndAuthorize(new Client($base + ['roots' => 'system']));
            try {
                (new Client($base + ['roots' => 'bundled']))->placeOrder($this->order());
                $this->fail('bundled roots do not know the sandbox CA');
            } catch (TransportException $e) {
                $this->assertTrue($e->retrySafe(), 'an untrusted certificate: nothing was sent');
            }
        } finally {
            putenv('SSL_CERT_FILE');
        }
        try {
            new Client(['roots' => 'everything']);
            $this->fail('expected a ConfigException');
        } catch (ConfigException $e) {
            $this->assertStringContainsString('roots', $e->getMessage());
        }
    }

    public function testClientCertificateLogin(): void
    {
        $base = ['base_url' => getenv('SECTIGO_SANDBOX_PRIVATE_URL'), 'ca_file' => getenv('SECTIGO_SANDBOX_CA'),
                 'login_name' => getenv('SECTIGO_SANDBOX_LOGIN')];
        $pem = ['client_cert' => getenv('SECTIGO_SANDBOX_CLIENT_CERT'), 'client_key' => getenv('SECTIGO_SANDBOX_CLIENT_KEY')];
        $p12 = ['client_pkcs12' => getenv('SECTIGO_SANDBOX_CLIENT_P12'),
                'client_pkcs12_password' => getenv('SECTIGO_SANDBOX_CLIENT_P12_PASSWORD')];
        $this->orderAndAuthorize(new Client($base + $pem));
        $this->orderAndAuthorize(new Client($base + $p12));
        try {
            (new Client(['login_name' => getenv('SECTIGO_SANDBOX_OTHER_LOGIN')] + $base + $pem))->placeOrder($this->order());
            $this->fail('another account: expected an ApiException');
        } catch (ApiException $e) {
            $this->assertSame(-16, $e->getCode());
        }
        try {
            (new Client($base + ['login_password' => getenv('SECTIGO_SANDBOX_PASSWORD'), 'max_retries' => 0]))
                ->placeOrder($this->order());
            $this->fail('no certificate: expected a TransportException');
        } catch (TransportException $e) {
            $this->assertTrue($e->retrySafe(), 'a refused handshake: nothing was sent');
            $this->assertFalse($e->mayHaveTakenEffect());
        }
        try {
            new Client(['client_pkcs12_password' => 'wrong'] + $p12 + $base);
            $this->fail('a wrong PKCS #12 password: expected a ConfigException');
        } catch (ConfigException $e) {
            $this->assertStringContainsString('client_pkcs12', $e->getMessage());
        }
    }

    /** The PHP block of docs/deployment.md, as written (xtask/tests/docs.rs counts on it). */
    public function testTheDocsCertificateExampleRuns(): void
    {
        $readme = file_get_contents(__DIR__ . '/../../../docs/deployment.md');
        $section = substr($readme, strpos($readme, '## Logging in with a client certificate'));
        $start = strpos($section, "```php\n") + strlen("```php\n");
        $code = substr($section, $start, strpos($section, '```', $start) - $start);
        $this->assertStringContainsString("'client_pkcs12' => '/etc/panel/sectigo.p12'", $code);
        // The account holder's file where the example keeps it, and its password in the environment.
        $code = str_replace('/etc/panel/sectigo.p12', getenv('SECTIGO_SANDBOX_CLIENT_P12'), $code);
        putenv('SECTIGO_P12_PASSWORD=' . getenv('SECTIGO_SANDBOX_CLIENT_P12_PASSWORD'));
        try {
            eval($code);
        } finally {
            putenv('SECTIGO_P12_PASSWORD');
        }
        $this->assertInstanceOf(Client::class, $client);
    }
}
