<?php

declare(strict_types=1);

namespace Sectigo;

use FFI;

/**
 * A client for Sectigo's reseller API over the C library (PHP's FFI extension).
 *
 * Options: `login_name`, `login_password`, `base_url`, `host` (`current`|`legacy`, or
 * `private`|`private_legacy` for client-certificate login), `timeout_ms`, `connect_timeout_ms`,
 * `roots` (`bundled`, the default, or `system`: the system's store, honouring SSL_CERT_FILE and
 * SSL_CERT_DIR), `ca_file`, `proxy` (`http://user:password@host:port`, `https://...` or `none`;
 * without it https_proxy/HTTPS_PROXY are read, as curl does) and `no_proxy`, `client_cert` +
 * `client_key` (PEM files) or `client_pkcs12` + `client_pkcs12_password` (log in with a client
 * certificate: `login_name` and no `login_password`), `allow_http`, `user_agent`, `resolve`
 * (`HOST:PORT:ADDR[,ADDR]`, one or a list), `max_retries` (default 3, `0` turns retries off),
 * `retry_base_ms` and `retry_max_ms` (the first and the largest bound of the random wait before a
 * retry, default 250 and 8000), `paths` (endpoint id => path, e.g.
 * `['tier2_partner_signup' => '/products/...']`), `logger` (any PSR-3
 * `Psr\Log\LoggerInterface`: each call's records, see below) with `log_level` (`debug`, the
 * default with a logger, or `warn`), and, on the command line only, `library`. Passwords (the
 * account's, the proxy's, the PKCS #12 file's) never show in messages, traces or log records.
 *
 * With a `logger`, each call's log records reach it once the call is over (the library keeps
 * them with the answer or the error; nothing calls back into PHP during a call): a `warning` for
 * each retry and for a call whose outcome is unknown, a `debug` record for each call (endpoint,
 * outcome, duration, errorCode, retries). Their context holds `endpoint`, `retries` and
 * `error_code` (null when the server gave none).
 *
 * A failed call is sent again only when that is provably safe: a -42 answer, a connection never
 * established, a call that changes nothing whose connection broke. Never a call that may have
 * placed or paid for an order. `Response::$retries` and `Exception::retries()` count the resends.
 *
 * Under php-fpm or Apache the library comes in through php.ini (`ffi.preload` with
 * sectigo.ffi.h, `opcache.preload` with preload.php): see the README. On the command line it is
 * loaded on first use from `library`, the SECTIGO_LIBRARY environment variable, the release
 * archive's lib/ when this package is unpacked there, or the dynamic loader's search path.
 * Clients made with the same options in one process share their connections.
 */
final class Client implements ClientInterface
{
    use Endpoints;

    private static ?FFI $ffi = null;
    /** @var array<string, FFI\CData> out-parameters, reused: each only carries a pointer back */
    private static array $slots = [];
    /** The out-parameters of call() and response() and their addresses, made with $ffi. */
    private static FFI\CData $responseSlot;
    private static FFI\CData $errorSlot;
    private static FFI\CData $responseAddress;
    private static FFI\CData $errorAddress;
    private static FFI\CData $lengthSlot;
    private static FFI\CData $lengthAddress;
    private FFI\CData $client;
    /** The PSR-3 logger of the `logger` option (psr/log is suggested, not required). */
    private ?object $logger = null;

    /**
     * @param array<string, mixed> $options the settings of `Options` (their types are
     *     `Options`'s `ClientOptions`), plus `library` and `logger`
     * @throws ConfigException
     */
    public function __construct(#[\SensitiveParameter] array $options = [])
    {
        $ffi = self::ffi($options['library'] ?? null);
        if (isset($options['logger'])) {
            if (!$options['logger'] instanceof \Psr\Log\LoggerInterface) {
                throw new ConfigException('option logger: not a Psr\Log\LoggerInterface (' . get_debug_type($options['logger']) . ')');
            }
            $this->logger = $options['logger'];
            $options['log_level'] ??= 'debug';
        }
        unset($options['logger']);
        $opts = $ffi->new('sectigo_options*');
        self::check($ffi, $ffi->sectigo_options_new(FFI::addr($opts)), null);
        try {
            unset($options['library']);
            // The settings table's (spec/client.toml) names, lists and maps, as the library takes them.
            foreach (Options::pairs($options) as [$name, $value]) {
                $this->set($ffi, $opts, $name, $value);
            }
            $client = $ffi->new('sectigo_client*');
            $error = self::slot($ffi, 'sectigo_error*');
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

    private function set(FFI $ffi, FFI\CData $opts, string $name, #[\SensitiveParameter] string $value): void
    {
        $error = self::slot($ffi, 'sectigo_error*');
        self::check($ffi, $ffi->sectigo_options_set($opts, $name, $value, FFI::addr($error)), $error);
    }

    /**
     * Validates and sends a call to an endpoint (wire name such as `!PlaceOrder`, or id).
     *
     * @param array<string, mixed> $params
     * @throws Exception
     */
    public function call(string $endpoint, #[\SensitiveParameter] array $params): Response
    {
        $ffi = self::$ffi;
        // Every parameter in one buffer, "name\0value\0..." (see sectigo_client_call_packed), for
        // one crossing into the library. Text and numbers go straight in; the rest is flattened.
        $packed = '';
        $count = 0;
        foreach ($params as $name => $value) {
            if (is_string($value) || is_int($value)) {
                $packed .= $name . "\0" . $value . "\0";
                $count++;
                continue;
            }
            foreach (self::flatten([$name => $value]) as [$pairName, $pairValue]) {
                $packed .= $pairName . "\0" . $pairValue . "\0";
                $count++;
            }
        }
        if (substr_count($packed, "\0") !== 2 * $count) {
            self::flatten($params); // names the parameter that holds a NUL byte
        }
        $result = $ffi->sectigo_client_call_packed(
            $this->client,
            $endpoint,
            $packed,
            strlen($packed),
            $count,
            self::$responseAddress,
            self::$errorAddress,
        );
        if ($this->logger !== null && ($result === 0 || !FFI::isNull(self::$errorSlot))) {
            $this->forwardLog($ffi, $endpoint, $result === 0);
        }
        if ($result !== 0) {
            self::check($ffi, $result, self::$errorSlot);
        }
        return self::response($ffi, self::$responseSlot);
    }

    /**
     * Calls an endpoint that is not in the spec, by its path on the client's host
     * (`/products/download/CollectSSL`): the client's credentials first (unless `$credentials`
     * is false), then `$params` as given, form-encoded in a POST body. `$params` maps names to
     * values, or is a list of `[name, value]` pairs (for a name sent twice).
     *
     * The call changes state unless `$readOnly`: once any byte of it may have reached the server
     * it is never sent again, and a lost answer is an `OutcomeUnknownException`. A negative
     * `errorCode` in the answer is the same `ApiException` as for spec endpoints. An absolute
     * URL, `..`, a query string, a fragment or a control character in the path, or a name that
     * is not plain, is a `ConfigException` before anything is sent.
     *
     * @param array<string|int, mixed> $params
     * @throws Exception
     */
    public function callRaw(
        string $path,
        #[\SensitiveParameter] array $params = [],
        bool $readOnly = false,
        bool $credentials = true,
    ): RawAnswer {
        $ffi = self::$ffi;
        $packed = '';
        $count = 0;
        foreach ($params as $name => $value) {
            if (is_int($name)) {
                if (!is_array($value) || !array_is_list($value) || count($value) !== 2) {
                    throw new ConfigException(
                        "raw call to $path: params[$name] is not a [name, value] pair (give name => value, or pairs)"
                    );
                }
                [$name, $value] = $value;
            }
            $name = self::text($name);
            $value = self::text($value);
            if (str_contains($name, "\0") || str_contains($value, "\0")) {
                throw new ConfigException(
                    'raw call to ' . $path . ': parameter ' . str_replace("\0", '\\0', $name)
                    . ': a NUL byte cannot be sent (parameter names and values are text)'
                );
            }
            $packed .= $name . "\0" . $value . "\0";
            $count++;
        }
        $flags = ($readOnly ? 1 : 0) | ($credentials ? 0 : 2);
        $answer = self::slot($ffi, 'sectigo_raw_answer*');
        $result = $ffi->sectigo_client_call_raw(
            $this->client,
            $path,
            $packed,
            strlen($packed),
            $count,
            $flags,
            FFI::addr($answer),
            self::$errorAddress,
        );
        if ($this->logger !== null && ($result === 0 || !FFI::isNull(self::$errorSlot))) {
            $this->forwardLog($ffi, $path, $result === 0, $result === 0 ? $answer : null);
        }
        if ($result !== 0) {
            self::check($ffi, $result, self::$errorSlot);
        }
        return self::rawAnswer($ffi, $answer);
    }

    /** Reads a raw call's answer, then frees it. */
    private static function rawAnswer(FFI $ffi, FFI\CData $answer): RawAnswer
    {
        try {
            $body = $ffi->sectigo_raw_answer_body($answer, self::$lengthAddress);
            $length = (int) self::$lengthSlot->cdata;
            $code = self::slot($ffi, 'int64_t');
            $hasCode = $ffi->sectigo_raw_answer_code($answer, FFI::addr($code)) === 0;
            $lines = [];
            for ($i = 0, $n = $ffi->sectigo_raw_answer_line_count($answer); $i < $n; $i++) {
                $lines[] = (string) self::string($ffi->sectigo_raw_answer_line_at($answer, $i));
            }
            $fields = [];
            $name = self::slot($ffi, 'const char*', 'name');
            $value = self::slot($ffi, 'const char*', 'value');
            for ($i = 0, $n = $ffi->sectigo_raw_answer_field_count($answer); $i < $n; $i++) {
                $ffi->sectigo_raw_answer_field_at($answer, $i, FFI::addr($name), FFI::addr($value));
                $fields[] = [(string) self::string($name), (string) self::string($value)];
            }
            return new RawAnswer(
                (int) $ffi->sectigo_raw_answer_status($answer),
                self::string($ffi->sectigo_raw_answer_content_type($answer)),
                $length === 0 ? '' : FFI::string($body, $length),
                $hasCode ? (int) $code->cdata : null,
                self::string($ffi->sectigo_raw_answer_format($answer)),
                self::string($ffi->sectigo_raw_answer_message($answer)),
                $lines,
                $fields,
                (int) $ffi->sectigo_raw_answer_retries($answer),
            );
        } finally {
            $ffi->sectigo_raw_answer_free($answer);
        }
    }

    /**
     * Hands the call's log records (kept with its answer or error) to the logger; `$raw` is a
     * raw call's answer, when that is what came back.
     */
    private function forwardLog(FFI $ffi, string $endpoint, bool $answered, ?FFI\CData $raw = null): void
    {
        $level = self::slot($ffi, 'sectigo_log_level');
        $code = null;
        if ($raw !== null) {
            $subject = $raw;
            $count = $ffi->sectigo_raw_answer_log_count($subject);
            $retries = (int) $ffi->sectigo_raw_answer_retries($subject);
            $found = self::slot($ffi, 'int64_t');
            if ($ffi->sectigo_raw_answer_code($subject, FFI::addr($found)) === 0) {
                $code = (int) $found->cdata;
            }
        } elseif ($answered) {
            $subject = self::$responseSlot;
            $count = $ffi->sectigo_response_log_count($subject);
            $retries = (int) $ffi->sectigo_response_retries($subject);
            $code = (int) $ffi->sectigo_response_code($subject);
        } else {
            $subject = self::$errorSlot;
            $count = $ffi->sectigo_error_log_count($subject);
            $retries = (int) $ffi->sectigo_error_retries($subject);
            $found = self::slot($ffi, 'int64_t');
            if ($ffi->sectigo_error_code($subject, FFI::addr($found)) === 0) {
                $code = (int) $found->cdata;
            }
        }
        $context = ['endpoint' => $endpoint, 'retries' => $retries, 'error_code' => $code];
        for ($i = 0; $i < $count; $i++) {
            $message = self::string(match (true) {
                $raw !== null => $ffi->sectigo_raw_answer_log_at($subject, $i, FFI::addr($level)),
                $answered => $ffi->sectigo_response_log_at($subject, $i, FFI::addr($level)),
                default => $ffi->sectigo_error_log_at($subject, $i, FFI::addr($level)),
            });
            $psr = match ((int) $level->cdata) {
                1 => 'error',
                2 => 'warning',
                3 => 'info',
                default => 'debug',
            };
            $this->logger?->log($psr, (string) $message, $context);
        }
    }

    /**
     * Checks a request without sending it (and without credentials); returns the form body.
     *
     * @param array<string, mixed> $params
     * @throws Exception
     */
    public static function prepare(string $endpoint, #[\SensitiveParameter] array $params, array $options = []): string
    {
        $ffi = self::ffi($options['library'] ?? null);
        $request = self::request($ffi, $endpoint, $params);
        try {
            $body = $ffi->new('char*');
            $error = self::slot($ffi, 'sectigo_error*');
            self::check($ffi, $ffi->sectigo_request_prepare($request, FFI::addr($body), FFI::addr($error)), $error);
            $text = FFI::string($body);
            $ffi->sectigo_string_free($body);
            return $text;
        } finally {
            $ffi->sectigo_request_free($request);
        }
    }

    /**
     * The URL of a customer page by its id (`sasp_post_payment`, `validation_manager`) for a
     * session handle of `!initCustomerSession` and an order number, from the C library's
     * `sectigo_page_url`; `Sectigo\Pages` has one method per page. A page whose URL the
     * documents leave out needs `$template`, holding `{SID}` and `{orderNumber}`.
     *
     * @param array<string, mixed> $options `library`, as for the constructor
     * @throws ConfigException an unknown page, a missing template or one without a placeholder
     */
    public static function pageUrl(
        string $page,
        ?string $template,
        #[\SensitiveParameter] string $sid,
        int|string $orderNumber,
        array $options = [],
    ): string {
        $ffi = self::ffi($options['library'] ?? null);
        $url = $ffi->new('char*');
        $error = self::slot($ffi, 'sectigo_error*');
        self::check($ffi, $ffi->sectigo_page_url($page, $template, $sid, (string) $orderNumber, FFI::addr($url), FFI::addr($error)), $error);
        $text = FFI::string($url);
        $ffi->sectigo_string_free($url);
        return $text;
    }

    /**
     * Reads an answer offline: the parameters it answers, the HTTP status, the Location header
     * and the body.
     *
     * @param array<string, mixed> $params
     * @throws Exception
     */
    public static function decode(
        string $endpoint,
        #[\SensitiveParameter] array $params,
        int $status,
        ?string $location,
        string $body,
        array $options = [],
    ): Response {
        $ffi = self::ffi($options['library'] ?? null);
        $request = self::request($ffi, $endpoint, $params);
        try {
            $length = strlen($body);
            $buffer = null;
            if ($length > 0) {
                $buffer = $ffi->new("uint8_t[$length]");
                FFI::memcpy($buffer, $body, $length);
            }
            $response = self::slot($ffi, 'sectigo_response*');
            $error = self::slot($ffi, 'sectigo_error*');
            $result = $ffi->sectigo_response_decode($request, $status, $location, $buffer, $length, FFI::addr($response), FFI::addr($error));
            self::check($ffi, $result, $error);
            return self::response($ffi, $response);
        } finally {
            $ffi->sectigo_request_free($request);
        }
    }

    /** @param array<string, mixed> $params */
    private static function request(FFI $ffi, string $endpoint, #[\SensitiveParameter] array $params): FFI\CData
    {
        $request = $ffi->new('sectigo_request*');
        $error = self::slot($ffi, 'sectigo_error*');
        self::check($ffi, $ffi->sectigo_request_new($endpoint, FFI::addr($request), FFI::addr($error)), $error);
        try {
            foreach (self::flatten($params) as [$name, $value]) {
                $error = self::slot($ffi, 'sectigo_error*');
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
    private static function flatten(#[\SensitiveParameter] array $params): array
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
        // The library takes C strings, which end at a NUL byte: refuse one rather than cut the
        // text short.
        foreach ($pairs as [$name, $value]) {
            if (str_contains($name, "\0") || str_contains($value, "\0")) {
                $param = str_replace("\0", '\\0', $name);
                $message = "$param: a NUL byte cannot be sent (parameter names and values are text)";
                throw new ValidationException($message, [['param' => $param, 'rule' => 'no_nul_byte', 'message' => $message]]);
            }
        }
        return $pairs;
    }

    private static function text(#[\SensitiveParameter] mixed $value): string
    {
        return match (true) {
            is_bool($value) => $value ? 'Y' : 'N',
            is_int($value), is_float($value), is_string($value) => (string) $value,
            $value === null => '',
            default => throw new ValidationException('parameter values must be strings, numbers or booleans', []),
        };
    }

    /** Reads the answer from its packed form (one crossing; see sectigo_response_packed), then frees it. */
    private static function response(FFI $ffi, FFI\CData $response): Response
    {
        try {
            $data = $ffi->sectigo_response_packed($response, self::$lengthAddress);
            if ($data === null || FFI::isNull($data)) {
                throw new Exception('sectigo library: the answer could not be read back');
            }
            // No part holds a NUL byte (the library writes U+FFFD for one), so one split is exact:
            // code, retries, field count, quirk count, names and values, quirks, raw body.
            $parts = explode("\0", FFI::string($data, self::$lengthSlot->cdata));
            $end = 4 + 2 * (int) $parts[2];
            $fields = [];
            for ($i = 4; $i < $end; $i += 2) {
                $fields[$parts[$i]] = $parts[$i + 1];
            }
            $quirks = $parts[3] === '0' ? [] : array_slice($parts, $end, (int) $parts[3]);
            return new Response((int) $parts[0], $fields, $parts[count($parts) - 1], $quirks, (int) $parts[1]);
        } finally {
            $ffi->sectigo_response_free($response);
        }
    }

    /** A reusable out-parameter of `$type` (one per `$key`). */
    private static function slot(FFI $ffi, string $type, string $key = ''): FFI\CData
    {
        return self::$slots[$type . $key] ??= $ffi->new($type);
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
            $kind = ErrorKind::tryFrom((int) $ffi->sectigo_error_get_kind($error));
            $detail = self::string($ffi->sectigo_error_detail_kind($error));
            $raw = self::string($ffi->sectigo_error_raw($error));
            $status = (int) $ffi->sectigo_error_status($error);
            $flags = (int) $ffi->sectigo_error_flags($error);
            $retries = (int) $ffi->sectigo_error_retries($error);
            switch ($kind) {
                case ErrorKind::Validation:
                    $violations = [];
                    for ($i = 0; $i < $ffi->sectigo_error_violation_count($error); $i++) {
                        $p = $ffi->new('const char*');
                        $r = $ffi->new('const char*');
                        $m = $ffi->new('const char*');
                        $ffi->sectigo_error_violation_at($error, $i, FFI::addr($p), FFI::addr($r), FFI::addr($m));
                        $violations[] = [
                            'param' => (string) self::string($p),
                            'rule' => (string) self::string($r),
                            'message' => (string) self::string($m),
                        ];
                    }
                    throw (new ValidationException($message, $violations))->withFlags($flags, $retries);
                case ErrorKind::Api:
                    $code = $ffi->new('int64_t');
                    $ffi->sectigo_error_code($error, FFI::addr($code));
                    $class = ApiErrorClasses::forCode((int) $code->cdata);
                    throw (new $class(
                        $message,
                        (int) $code->cdata,
                        self::string($ffi->sectigo_error_server_message($error)),
                        self::string($ffi->sectigo_error_item($error)),
                        self::string($ffi->sectigo_error_argument($error)),
                        self::string($ffi->sectigo_error_id($error)),
                        $raw,
                    ))->withFlags($flags, $retries);
                case ErrorKind::Transport:
                    throw (new TransportException($message, $detail, $status, $raw))->withFlags($flags, $retries);
                case ErrorKind::Decode:
                    throw (new DecodeException($message, $detail, $raw))->withFlags($flags, $retries);
                case ErrorKind::OutcomeUnknown:
                    throw (new OutcomeUnknownException($message, $status, $raw))->withFlags($flags, $retries);
                case ErrorKind::Config:
                    throw (new ConfigException($message))->withFlags($flags, $retries);
                default:
                    throw (new Exception($message))->withFlags($flags, $retries);
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

    /**
     * The library's functions: the declarations that `ffi.preload` loaded (the production path
     * under php-fpm and Apache), else, on the command line, sectigo.ffi.h read here with the
     * library found by `library`, SECTIGO_LIBRARY, the release archive's lib/ or the SONAME.
     */
    private static function ffi(?string $library): FFI
    {
        if (self::$ffi !== null) {
            return self::$ffi;
        }
        if (!extension_loaded('ffi')) {
            throw new ConfigException('the PHP FFI extension is not loaded: ' . self::setup());
        }
        try {
            $ffi = FFI::scope('SECTIGO');
        } catch (\FFI\Exception) {
            $ffi = self::cdef($library);
        }
        $version = self::string($ffi->sectigo_version());
        if ($version !== Version::VERSION) {
            throw new ConfigException(
                "the sectigo C library is version $version, this PHP package " . Version::VERSION
                . ': install both from one release'
            );
        }
        self::$responseSlot = $ffi->new('sectigo_response*');
        self::$errorSlot = $ffi->new('sectigo_error*');
        self::$lengthSlot = $ffi->new('size_t');
        self::$responseAddress = FFI::addr(self::$responseSlot);
        self::$errorAddress = FFI::addr(self::$errorSlot);
        self::$lengthAddress = FFI::addr(self::$lengthSlot);
        return self::$ffi = $ffi;
    }

    private static function cdef(?string $library): FFI
    {
        $header = dirname(__DIR__) . '/sectigo.ffi.h';
        $text = @file_get_contents($header);
        if ($text === false) {
            throw new ConfigException("cannot read $header, which ships with this package");
        }
        // FFI::cdef takes declarations only: drop the comment and the FFI_SCOPE/FFI_LIB lines.
        $text = preg_replace(['~/\*.*?\*/~s', '/^\s*#[^\n]*$/m'], '', $text);
        $library ??= getenv('SECTIGO_LIBRARY') ?: self::bundledLibrary();
        try {
            return FFI::cdef($text, $library);
        } catch (\FFI\Exception $e) {
            throw new ConfigException(
                "cannot load the sectigo C library $library under " . PHP_SAPI . ': ' . $e->getMessage() . '. '
                . self::setup()
            );
        }
    }

    /**
     * The library of the release archive this package came in (`share/php/sectigo` of it):
     * `lib/libsectigo.so.*`, `bin/sectigo.dll` of the Windows zip, or `lib/libsectigo.*.dylib`
     * of a macOS archive; else the name the dynamic loader searches for.
     */
    private static function bundledLibrary(): string
    {
        $prefix = dirname(__DIR__, 4);
        if (PHP_OS_FAMILY === 'Windows') {
            return is_file("$prefix/bin/sectigo.dll") ? "$prefix/bin/sectigo.dll" : 'sectigo.dll';
        }
        if (PHP_OS_FAMILY === 'Darwin') {
            $dylib = "$prefix/lib/" . Version::DYLIB;
            return is_file($dylib) ? $dylib : Version::DYLIB;
        }
        return self::firstFile(glob("$prefix/lib/libsectigo.so.*") ?: []) ?? Version::SONAME;
    }

    /** The php.ini lines that load the library the production way. */
    private static function setup(): string
    {
        $dir = dirname(__DIR__);
        return "under php-fpm or Apache, add to php.ini and restart:\n"
            . "    ffi.enable=preload\n"
            . "    ffi.preload=$dir/sectigo.ffi.h\n"
            . "    opcache.enable=1\n"
            . "    opcache.preload=$dir/preload.php\n"
            . "    opcache.preload_user=www-data\n"
            . (PHP_OS_FAMILY === 'Darwin'
                ? '(and let the dynamic loader find ' . Version::DYLIB . ', e.g. in /usr/local/lib)'
                : '(and let the dynamic loader find ' . Version::SONAME . ', e.g. with ldconfig)');
    }
}
