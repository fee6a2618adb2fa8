<?php

declare(strict_types=1);

namespace Sectigo\Testing;

use Sectigo\Client;
use Sectigo\ConfigException;

/**
 * The sandbox (a fake of the API on loopback, shipped as the archive's `bin/sectigo-sandbox`)
 * started for a test, with a client ready for it: what Python's `sectigo.testing.sandbox()` is.
 *
 *     $sandbox = Sandbox::start();
 *     $client = $sandbox->client();          // logged in as the first account
 *     $client->placeOrder(['ap' => $sandbox->accounts[0]['brand'], ...]);
 *
 * Each sandbox is a process of its own with fresh state; it stops with `stop()` or when the
 * object goes. The binary is `$binary`, else the SECTIGO_SANDBOX_BINARY environment variable,
 * else the archive's `bin/sectigo-sandbox` when this package is unpacked there, else
 * `sectigo-sandbox` on the PATH.
 */
final class Sandbox
{
    /** The HTTPS base URL (`https://127.0.0.1:PORT`), for the `base_url` option. */
    public readonly string $baseUrl;

    /** Plain HTTP on another port: its admin endpoints (`/_sandbox/faults`, ...) are served there. */
    public readonly string $httpUrl;

    /** The PEM file of the CA that signed the sandbox's certificate, for the `ca_file` option. */
    public readonly string $caFile;

    /** Where the Tier 2 partner signup is served (`'paths' => ['tier2_partner_signup' => ...]`). */
    public readonly string $signupPath;

    /**
     * The accounts: the first has credit, the second none.
     *
     * @var list<array{login_name: string, login_password: string, brand: string, credit_cents: int}>
     */
    public readonly array $accounts;

    /**
     * The whole ready line (see docs/sandbox.md for each key).
     *
     * @var array<string, mixed>
     */
    public readonly array $info;

    /** @var resource|null */
    private $process;

    /** @var array<int, resource> */
    private array $pipes;

    /**
     * Starts a sandbox and waits for its ready line.
     *
     * @param list<string> $flags more flags of `sectigo-sandbox` (`--legacy`, `--quirks`, `--rate-limit`, ...)
     * @throws ConfigException the binary cannot be found or started, or says nothing it can read
     */
    public static function start(array $flags = [], ?string $binary = null): self
    {
        return new self($binary ?? self::binary(), $flags);
    }

    /** @param list<string> $flags */
    private function __construct(string $binary, array $flags)
    {
        $command = array_merge([$binary, '--port', '0', '--http-port', '0', '--exit-with-stdin'], $flags);
        $process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if (!is_resource($process)) {
            throw new ConfigException("cannot start the sandbox $binary");
        }
        $this->process = $process;
        $this->pipes = $pipes;
        $line = fgets($pipes[1]);
        $info = is_string($line) ? json_decode($line, true) : null;
        if (!is_array($info) || ($info['event'] ?? null) !== 'ready') {
            $said = trim((string) stream_get_contents($pipes[2]));
            $this->stop();
            throw new ConfigException("the sandbox $binary did not start: " . ($said !== '' ? $said : var_export($line, true)));
        }
        $this->info = $info;
        $this->baseUrl = (string) $info['https_url'];
        $this->httpUrl = (string) $info['http_url'];
        $this->caFile = (string) $info['ca_file'];
        $this->signupPath = (string) $info['signup_path'];
        $this->accounts = $info['accounts'];
    }

    /**
     * A client of this sandbox, logged in as `accounts[$account]`; `$options` are added to (or
     * replace) its options.
     *
     * @param array<string, mixed> $options
     */
    public function client(int $account = 0, #[\SensitiveParameter] array $options = []): Client
    {
        return new Client($options + [
            'base_url' => $this->baseUrl,
            'ca_file' => $this->caFile,
            'login_name' => $this->accounts[$account]['login_name'],
            'login_password' => $this->accounts[$account]['login_password'],
            'paths' => ['tier2_partner_signup' => $this->signupPath],
        ]);
    }

    /**
     * Makes the next calls fail (docs/sandbox.md lists the kinds): `injectFault('delay', ['ms' => 500,
     * 'endpoint' => '!PlaceOrder', 'count' => 1])`; `injectFault('clear')` removes every fault.
     *
     * @param array<string, string|int> $fields
     */
    public function injectFault(string $kind, array $fields = []): void
    {
        $this->admin('/_sandbox/faults', ['kind' => $kind] + $fields);
    }

    /**
     * Programs what the sandbox answers on a path, for endpoints the spec does not have:
     * `programAnswer('/products/download/CollectSSL', "0\n1\n")`, with `$options`
     * `content_type` (default `text/plain`), `status` (200), `delay_ms`, `close` (true: read the
     * request, then close the connection without answering) and `count` (calls it answers
     * before it goes; default: until cleared). The body may hold any bytes. Rules apply in the
     * order added; `clearAnswers()` removes them.
     *
     * @param array{content_type?: string, status?: int, delay_ms?: int, close?: bool, count?: int} $options
     */
    public function programAnswer(string $path, string $body = '', array $options = []): void
    {
        $form = ['path' => $path, 'body_hex' => bin2hex($body)];
        foreach ($options as $name => $value) {
            $form[$name] = is_bool($value) ? ($value ? '1' : '0') : (string) $value;
        }
        $this->admin('/_sandbox/answers', $form);
    }

    /** Removes every programmed answer, and forgets the requests they answered. */
    public function clearAnswers(): void
    {
        $this->admin('/_sandbox/answers', ['clear' => '1']);
    }

    /**
     * The requests programmed answers were for, oldest first (the latest 100): each
     * `['method' => ..., 'path' => ..., 'params' => [[name, value], ...]]`, secret values shown
     * as `<redacted>`.
     *
     * @return list<array{method: string, path: string, params: list<array{0: string, 1: string}>}>
     */
    public function answered(): array
    {
        /** @var list<array{method: string, path: string, params: list<array{0: string, 1: string}>}> */
        return $this->getJson('/_sandbox/answered');
    }

    /**
     * What the sandbox has seen: `connections`, `open_connections`, `refused_connections`, and
     * `requests` by endpoint label (`!PlaceOrder`) or, for programmed answers, by path.
     *
     * @return array<string, mixed>
     */
    public function counters(): array
    {
        return $this->getJson('/_sandbox/counters');
    }

    /** Sets the counters back to zero. */
    public function resetCounters(): void
    {
        $this->admin('/_sandbox/reset-counters', []);
    }

    /** @return array<mixed> */
    private function getJson(string $path): array
    {
        $text = @file_get_contents($this->httpUrl . $path);
        $value = is_string($text) ? json_decode($text, true) : null;
        if (!is_array($value)) {
            throw new ConfigException("the sandbox did not answer $path");
        }
        return $value;
    }

    /**
     * The accounts, orders and partners, as the sandbox holds them now.
     *
     * @return array<string, mixed>
     */
    public function state(): array
    {
        return $this->getJson('/_sandbox/state');
    }

    /** Stops the sandbox (also done when the object goes). */
    public function stop(): void
    {
        if ($this->process === null) {
            return;
        }
        foreach ($this->pipes as $pipe) {
            fclose($pipe);
        }
        proc_close($this->process);
        $this->process = null;
    }

    public function __destruct()
    {
        $this->stop();
    }

    /** @param array<string, string|int> $form */
    private function admin(string $path, array $form): void
    {
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
            'content' => http_build_query($form),
            'ignore_errors' => true,
        ]]);
        $answer = @file_get_contents($this->httpUrl . $path, false, $context);
        $status = isset($http_response_header[0]) ? (int) explode(' ', $http_response_header[0])[1] : 0;
        if ($answer === false || $status !== 200) {
            throw new ConfigException("the sandbox refused $path: " . trim((string) $answer));
        }
    }

    private static function binary(): string
    {
        $name = PHP_OS_FAMILY === 'Windows' ? 'sectigo-sandbox.exe' : 'sectigo-sandbox';
        $fromEnv = getenv('SECTIGO_SANDBOX_BINARY');
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        // PREFIX/share/php/sectigo/src/Testing: the archive's PREFIX/bin.
        $bundled = dirname(__DIR__, 5) . "/bin/$name";
        return is_file($bundled) ? $bundled : $name;
    }
}
