<?php
// The PHP side of `cargo xtask bench`; prints one JSON object. The SDK's initCustomerSession
// (responseFormat=1, over FFI) against the same POST through the curl extension with a reused
// handle (same body, same CA file; the answer read as text, then also parsed into fields), in
// interleaved blocks; connections per 1000 calls; memory over 100 000 calls. Reads
// SECTIGO_BENCH_URL, _ADMIN_URL, _CA, _LOGIN, _PASSWORD, _BLOCKS, _CALLS. Run on the command
// line (FFI::cdef) or with the library preloaded (ffi.preload).
declare(strict_types=1);

require __DIR__ . '/../src/autoload.php';

$env = static fn (string $name): string => (string) getenv($name) ?: throw new RuntimeException("$name is not set: run through `cargo xtask bench`");
$url = $env('SECTIGO_BENCH_URL');
$admin = $env('SECTIGO_BENCH_ADMIN_URL');
$ca = $env('SECTIGO_BENCH_CA');
$blocks = (int) (getenv('SECTIGO_BENCH_BLOCKS') ?: 15);
$calls = (int) (getenv('SECTIGO_BENCH_CALLS') ?: 300);

$loadStarted = hrtime(true);
$client = new Sectigo\Client([
    'base_url' => $url,
    'ca_file' => $ca,
    'login_name' => $env('SECTIGO_BENCH_LOGIN'),
    'login_password' => $env('SECTIGO_BENCH_PASSWORD'),
    'max_retries' => 0,
]);
$loadMs = (hrtime(true) - $loadStarted) / 1e6;

$curl = curl_init("$url/products/!initCustomerSession");
curl_setopt_array($curl, [
    CURLOPT_POST => true,
    CURLOPT_POSTFIELDS => http_build_query([
        'loginName' => $env('SECTIGO_BENCH_LOGIN'),
        'loginPassword' => $env('SECTIGO_BENCH_PASSWORD'),
        'orderNumber' => '1000003',
        'responseFormat' => '1',
    ]),
    CURLOPT_HTTPHEADER => ['Content-Type: application/x-www-form-urlencoded; charset=UTF-8'],
    CURLOPT_CAINFO => $ca,
    CURLOPT_RETURNTRANSFER => true,
]);

$variants = [
    'sdk' => static function () use ($client): void {
        $client->initCustomerSession(['orderNumber' => '1000003', 'responseFormat' => 1])->sid !== '' || throw new RuntimeException('no SID');
    },
    'php_curl' => static function () use ($curl): void {
        $body = curl_exec($curl);
        is_string($body) && str_starts_with($body, 'errorCode=0') || throw new RuntimeException('curl: ' . curl_error($curl));
    },
    // The same, and the answer read into fields as any caller must (errorCode, SID).
    'php_curl_parsed' => static function () use ($curl): void {
        $body = curl_exec($curl);
        is_string($body) || throw new RuntimeException('curl: ' . curl_error($curl));
        parse_str($body, $fields);
        ($fields['errorCode'] ?? '') === '0' && ($fields['SID'] ?? '') !== '' || throw new RuntimeException("curl: $body");
    },
];
$median = static function (array $values): float {
    sort($values);
    return $values[intdiv(count($values), 2)];
};
$times = array_fill_keys(array_keys($variants), []);
foreach ($variants as $f) {
    for ($i = 0; $i < intdiv($calls, 4); $i++) {
        $f();
    }
}
for ($b = 0; $b < $blocks; $b++) {
    foreach ($variants as $name => $f) {
        $started = hrtime(true);
        for ($i = 0; $i < $calls; $i++) {
            $f();
        }
        $times[$name][] = (hrtime(true) - $started) / 1e3 / $calls;
    }
}
$perCall = array_map($median, $times);

$adminCall = static function (string $method, string $what) use ($admin): array {
    $context = stream_context_create(['http' => ['method' => $method, 'content' => '']]);
    return json_decode((string) file_get_contents("$admin/_sandbox/$what", false, $context), true, 512, JSON_THROW_ON_ERROR);
};
// Connections (each a TLS handshake) per 1000 sequential calls (the admin endpoints' own are not
// counted). (A PHP client made with the same options shares the library's pool, as under
// php-fpm.)
$connections = [];
foreach ($variants as $name => $f) {
    $adminCall('POST', 'reset-counters');
    for ($i = 0; $i < 1000; $i++) {
        $f();
    }
    $connections[$name] = $adminCall('GET', 'counters')['connections'];
}

$rssKb = static function (): int {
    preg_match('/^VmRSS:\s+(\d+)/m', (string) file_get_contents('/proc/self/status'), $m);
    return (int) ($m[1] ?? 0);
};
$rss = [[0, $rssKb()]];
for ($i = 1; $i <= 100000; $i++) {
    $variants['sdk']();
    if ($i % 10000 === 0) {
        $rss[] = [$i, $rssKb()];
    }
}

echo json_encode([
    'preloaded' => (bool) ini_get('ffi.preload'),
    'per_call_us' => $perCall,
    'ratio_sdk_to_php_curl' => $perCall['sdk'] / $perCall['php_curl'],
    'ratio_sdk_to_php_curl_parsed' => $perCall['sdk'] / $perCall['php_curl_parsed'],
    'blocks' => $blocks,
    'calls_per_block' => $calls,
    'connections_per_1000_calls' => $connections,
    'first_client_ms' => $loadMs,
    'rss_kb' => $rss,
    'php' => PHP_VERSION,
    'curl' => curl_version()['version'],
], JSON_THROW_ON_ERROR), "\n";
