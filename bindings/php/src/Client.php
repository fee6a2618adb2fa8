<?php

declare(strict_types=1);

namespace Sectigo;

use FFI;

/**
 * A client for Sectigo's reseller API over the C library (PHP's FFI extension).
 *
 * Options: `login_name`, `login_password`, `base_url`, `host` (`current`|`legacy`), `timeout_ms`,
 * `connect_timeout_ms`, `ca_file`, `allow_http`, `user_agent`, `paths` (endpoint id => path, e.g.
 * `['tier2_partner_signup' => '/products/...']`), `library` (path of libsectigo.so; default the
 * SECTIGO_LIBRARY environment variable, then the release archive's lib/ when this package is
 * unpacked there, then `libsectigo.so` from the system's search path), `header` (path of
 * sectigo.h; default SECTIGO_HEADER, then the archive's include/, then the source tree's).
 */
final class Client
{
    use Generated\Endpoints;

    private static ?FFI $ffi = null;
    private FFI\CData $client;

    /** @param array<string, mixed> $options */
    public function __construct(array $options = [])
    {
        $ffi = self::ffi($options['library'] ?? null, $options['header'] ?? null);
        $opts = $ffi->new('sectigo_options*');
        self::check($ffi, $ffi->sectigo_options_new(FFI::addr($opts)), null);
        try {
            foreach ($options as $name => $value) {
                if (in_array($name, ['library', 'header'], true)) {
                    continue;
                }
                if ($name === 'paths') {
                    foreach ((array) $value as $endpoint => $path) {
                        $this->set($ffi, $opts, "path:$endpoint", (string) $path);
                    }
                    continue;
                }
                $this->set($ffi, $opts, (string) $name, is_bool($value) ? ($value ? '1' : '0') : (string) $value);
            }
            $client = $ffi->new('sectigo_client*');
            $error = $ffi->new('sectigo_error*');
            self::check($ffi, $ffi->sectigo_client_new($opts, FFI::addr($client), FFI::addr($error)), $error);
            $this->client = $client;
        } finally {
            $ffi->sectigo_options_free($opts);
        }
    }

    public function __destruct()
    {
        if (isset($this->client)) {
            self::$ffi?->sectigo_client_free($this->client);
        }
    }

    /** The client holds a password: keep it out of dumps. */
    public function __debugInfo(): array
    {
        return ['client' => 'sectigo_client (credentials redacted)'];
    }

    private function set(FFI $ffi, FFI\CData $opts, string $name, string $value): void
    {
        $error = $ffi->new('sectigo_error*');
        self::check($ffi, $ffi->sectigo_options_set($opts, $name, $value, FFI::addr($error)), $error);
    }

    /**
     * Validates and sends a call to an endpoint (wire name such as `!PlaceOrder`, or id).
     *
     * @param array<string, mixed> $params
     * @throws Exception
     */
    public function call(string $endpoint, array $params): Response
    {
        $ffi = self::$ffi;
        $request = self::request($ffi, $endpoint, $params);
        try {
            $response = $ffi->new('sectigo_response*');
            $error = $ffi->new('sectigo_error*');
            self::check($ffi, $ffi->sectigo_client_call($this->client, $request, FFI::addr($response), FFI::addr($error)), $error);
            return self::response($ffi, $response);
        } finally {
            $ffi->sectigo_request_free($request);
        }
    }

    /**
     * Checks a request without sending it (and without credentials); returns the form body.
     *
     * @param array<string, mixed> $params
     * @throws Exception
     */
    public static function prepare(string $endpoint, array $params, array $options = []): string
    {
        $ffi = self::ffi($options['library'] ?? null, $options['header'] ?? null);
        $request = self::request($ffi, $endpoint, $params);
        try {
            $body = $ffi->new('char*');
            $error = $ffi->new('sectigo_error*');
            self::check($ffi, $ffi->sectigo_request_prepare($request, FFI::addr($body), FFI::addr($error)), $error);
            $text = FFI::string($body);
            $ffi->sectigo_string_free($body);
            return $text;
        } finally {
            $ffi->sectigo_request_free($request);
        }
    }

    /**
     * Reads an answer offline: the parameters it answers, the HTTP status, the Location header
     * and the body.
     *
     * @param array<string, mixed> $params
     * @throws Exception
     */
    public static function decode(string $endpoint, array $params, int $status, ?string $location, string $body, array $options = []): Response
    {
        $ffi = self::ffi($options['library'] ?? null, $options['header'] ?? null);
        $request = self::request($ffi, $endpoint, $params);
        try {
            $length = strlen($body);
            $buffer = null;
            if ($length > 0) {
                $buffer = $ffi->new("uint8_t[$length]");
                FFI::memcpy($buffer, $body, $length);
            }
            $response = $ffi->new('sectigo_response*');
            $error = $ffi->new('sectigo_error*');
            $result = $ffi->sectigo_response_decode($request, $status, $location, $buffer, $length, FFI::addr($response), FFI::addr($error));
            self::check($ffi, $result, $error);
            return self::response($ffi, $response);
        } finally {
            $ffi->sectigo_request_free($request);
        }
    }

    /** @param array<string, mixed> $params */
    private static function request(FFI $ffi, string $endpoint, array $params): FFI\CData
    {
        $request = $ffi->new('sectigo_request*');
        $error = $ffi->new('sectigo_error*');
        self::check($ffi, $ffi->sectigo_request_new($endpoint, FFI::addr($request), FFI::addr($error)), $error);
        try {
            foreach (self::flatten($params) as [$name, $value]) {
                $error = $ffi->new('sectigo_error*');
                self::check($ffi, $ffi->sectigo_request_set($request, $name, $value, FFI::addr($error)), $error);
            }
        } catch (Exception $e) {
            $ffi->sectigo_request_free($request);
            throw $e;
        }
        return $request;
    }

    /**
     * (name, value) pairs: `items` expands to `1_PPP`...; booleans become Y/N; lists give
     * repeated names (which the library reports as duplicates).
     *
     * @param array<string|int, mixed> $params
     * @return list<array{0: string, 1: string}>
     */
    private static function flatten(array $params): array
    {
        $pairs = [];
        foreach ($params as $name => $value) {
            if ($name === 'items' && is_array($value)) {
                foreach (array_values($value) as $i => $item) {
                    foreach ((array) $item as $itemName => $itemValue) {
                        $pairs[] = [($i + 1) . '_' . $itemName, self::text($itemValue)];
                    }
                }
            } elseif (is_array($value) && array_is_list($value) && is_string($name)) {
                foreach ($value as $v) {
                    $pairs[] = [$name, self::text($v)];
                }
            } elseif (is_array($value) && count($value) === 2 && is_int($name)) {
                $pairs[] = [(string) $value[0], self::text($value[1])];
            } else {
                $pairs[] = [(string) $name, self::text($value)];
            }
        }
        return $pairs;
    }

    private static function text(mixed $value): string
    {
        return match (true) {
            is_bool($value) => $value ? 'Y' : 'N',
            is_int($value), is_float($value), is_string($value) => (string) $value,
            $value === null => '',
            default => throw new ValidationException('parameter values must be strings, numbers or booleans', []),
        };
    }

    private static function response(FFI $ffi, FFI\CData $response): Response
    {
        try {
            $fields = [];
            $count = $ffi->sectigo_response_field_count($response);
            for ($i = 0; $i < $count; $i++) {
                $name = $ffi->new('const char*');
                $value = $ffi->new('const char*');
                $ffi->sectigo_response_field_at($response, $i, FFI::addr($name), FFI::addr($value));
                $fields[(string) self::string($name)] = (string) self::string($value);
            }
            $quirks = [];
            for ($i = 0; $i < $ffi->sectigo_response_quirk_count($response); $i++) {
                $quirks[] = (string) self::string($ffi->sectigo_response_quirk_at($response, $i));
            }
            return new Response((int) $ffi->sectigo_response_code($response), $fields, (string) self::string($ffi->sectigo_response_raw($response)), $quirks);
        } finally {
            $ffi->sectigo_response_free($response);
        }
    }

    /** A C string: PHP's FFI hands `const char *` results over as strings already, NULL as null. */
    private static function string(mixed $pointer): ?string
    {
        if ($pointer === null || is_string($pointer)) {
            return $pointer;
        }
        return FFI::isNull($pointer) ? null : FFI::string($pointer);
    }

    /** Throws the exception for a failed result, freeing the error. */
    private static function check(FFI $ffi, int $result, ?FFI\CData $error): void
    {
        if ($result === 0) {
            return;
        }
        if ($error === null || FFI::isNull($error)) {
            throw new Exception("sectigo library call failed (result $result)");
        }
        try {
            $message = self::string($ffi->sectigo_error_message($error)) ?? 'unknown error';
            $kind = (int) $ffi->sectigo_error_get_kind($error);
            $detail = self::string($ffi->sectigo_error_detail_kind($error));
            $raw = self::string($ffi->sectigo_error_raw($error));
            $status = (int) $ffi->sectigo_error_status($error);
            switch ($kind) {
                case 1:
                    $violations = [];
                    for ($i = 0; $i < $ffi->sectigo_error_violation_count($error); $i++) {
                        $p = $ffi->new('const char*');
                        $r = $ffi->new('const char*');
                        $m = $ffi->new('const char*');
                        $ffi->sectigo_error_violation_at($error, $i, FFI::addr($p), FFI::addr($r), FFI::addr($m));
                        $violations[] = ['param' => (string) self::string($p), 'rule' => (string) self::string($r), 'message' => (string) self::string($m)];
                    }
                    throw new ValidationException($message, $violations);
                case 2:
                    $code = $ffi->new('int64_t');
                    $ffi->sectigo_error_code($error, FFI::addr($code));
                    throw new ApiException(
                        $message,
                        (int) $code->cdata,
                        self::string($ffi->sectigo_error_server_message($error)),
                        self::string($ffi->sectigo_error_item($error)),
                        self::string($ffi->sectigo_error_argument($error)),
                        self::string($ffi->sectigo_error_id($error)),
                        $raw,
                    );
                case 3:
                    throw new TransportException($message, $detail, $status);
                case 4:
                    throw new DecodeException($message, $detail, $raw);
                case 5:
                    throw new OutcomeUnknownException($message, $status, $raw);
                case 6:
                    throw new ConfigException($message);
                default:
                    throw new Exception($message);
            }
        } finally {
            $ffi->sectigo_error_free($error);
        }
    }

    /** @param list<string> $paths */
    private static function firstFile(array $paths): ?string
    {
        foreach ($paths as $path) {
            if (is_file($path)) {
                return $path;
            }
        }
        return null;
    }

    /** Loads the C library once, declaring it from sectigo.h (preprocessor lines and comments removed). */
    private static function ffi(?string $library, ?string $header): FFI
    {
        if (self::$ffi !== null) {
            return self::$ffi;
        }
        if (!extension_loaded('ffi')) {
            throw new ConfigException('the PHP FFI extension is not loaded');
        }
        // Unpacked from the release archive, this file is PREFIX/share/php/sectigo/src/Client.php,
        // next to PREFIX/lib and PREFIX/include; in the source tree, the header is ../../c/include.
        $prefix = dirname(__DIR__, 4);
        $library ??= getenv('SECTIGO_LIBRARY') ?: self::firstFile(glob("$prefix/lib/libsectigo.so.*") ?: []) ?? 'libsectigo.so';
        $header ??= getenv('SECTIGO_HEADER')
            ?: self::firstFile(["$prefix/include/sectigo.h", __DIR__ . '/../../c/include/sectigo.h'])
            ?? __DIR__ . '/../../c/include/sectigo.h';
        $text = @file_get_contents($header);
        if ($text === false) {
            throw new ConfigException("cannot read the C header $header (option 'header' or SECTIGO_HEADER)");
        }
        $text = preg_replace('/#ifdef __cplusplus.*?#endif[^\n]*\n/s', '', $text);
        $text = preg_replace('~/\*.*?\*/~s', '', $text);
        $text = preg_replace('~//[^\n]*~', '', $text);
        $text = preg_replace('/^\s*#[^\n]*$/m', '', $text);
        try {
            self::$ffi = FFI::cdef($text, $library);
        } catch (\FFI\Exception $e) {
            throw new ConfigException("cannot load the sectigo C library $library: " . $e->getMessage());
        }
        return self::$ffi;
    }
}
