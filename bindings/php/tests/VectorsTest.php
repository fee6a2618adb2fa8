<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Sectigo\ApiException;
use Sectigo\Client;
use Sectigo\DecodeException;
use Sectigo\ValidationException;

/** The language-neutral vectors of tests/vectors/ (generated as JSON), offline. */
final class VectorsTest extends TestCase
{
    private static function vectors(): array
    {
        return json_decode(file_get_contents(__DIR__ . '/../../../tests/vectors/generated/vectors.json'), true, 512, JSON_THROW_ON_ERROR);
    }

    /** Parameters as (name, value) pairs, so repeated names stay repeated. */
    private static function params(array $case): array
    {
        return array_map(fn ($p) => [$p[0], $p[1]], $case['params']);
    }

    public static function requests(): array
    {
        $out = [];
        foreach (self::vectors()['requests'] as $case) {
            $out["{$case['file']}/{$case['name']}"] = [$case];
        }
        return $out;
    }

    public static function responses(): array
    {
        $out = [];
        foreach (self::vectors()['responses'] as $case) {
            $out["{$case['file']}/{$case['name']}"] = [$case];
        }
        return $out;
    }

    /** @dataProvider requests */
    public function testRequest(array $case): void
    {
        try {
            $body = Client::prepare($case['endpoint'], self::params($case));
            $this->assertArrayHasKey('body', $case, "expected violations, got body $body");
            $this->assertSame($case['body'], $body);
        } catch (ValidationException $e) {
            $this->assertArrayHasKey('violations', $case, $e->getMessage());
            $got = array_map(fn ($v) => $v['param'] . ':' . $v['rule'], $e->violations());
            $expected = array_map(fn ($v) => $v['param'] . ':' . $v['rule'], $case['violations']);
            sort($got);
            sort($expected);
            $this->assertSame($expected, $got);
        }
    }

    /** @dataProvider responses */
    public function testResponse(array $case): void
    {
        $expect = $case['expect'];
        $none = fn (?string $v) => $v === '' ? null : $v;
        try {
            $response = Client::decode($case['endpoint'], self::params($case), $case['status'] ?? 200, $case['location'] ?? null, $case['body']);
            $this->assertSame('success', $expect['outcome']);
            $this->assertSame($expect['code'] ?? 0, $response->code);
            foreach ($expect['fields'] ?? [] as $name => $value) {
                $this->assertSame($value, $response->get($name), $name);
            }
            foreach ($expect['absent'] ?? [] as $name) {
                $this->assertNull($response->get($name), $name);
            }
            if (isset($expect['quirks'])) {
                $this->assertSame($expect['quirks'], $response->quirks);
            }
        } catch (ApiException $e) {
            $this->assertSame('api_error', $expect['outcome'], $e->getMessage());
            $this->assertSame($expect['code'], $e->getCode());
            // -42 on any endpoint: rate limited, safe to send again after a wait; no other code is.
            $limited = $expect['code'] === -42;
            $this->assertSame($limited, $e instanceof Sectigo\RateLimitedException);
            $this->assertSame($limited, $e->isRateLimited());
            $this->assertSame($limited, $e->retrySafe());
            $this->assertFalse($e->mayHaveTakenEffect());
            $fields = ['message' => $e->serverMessage(), 'item' => $e->item(), 'argument' => $e->argument(), 'error' => $e->errorId()];
            foreach ($fields as $key => $got) {
                if (array_key_exists($key, $expect)) {
                    $this->assertSame($none($expect[$key]), $got, $key);
                }
            }
        } catch (DecodeException $e) {
            $this->assertSame('decode_error', $expect['outcome'], $e->getMessage());
            $this->assertSame($expect['kind'], $e->detail());
        }
    }
}
