<?php

declare(strict_types=1);

namespace Sectigo;

/** The request did not get through (connection, TLS, timeout, HTTP status). */
final class TransportException extends Exception
{
    /** @param ?string $raw the body that came with the HTTP status (at most 64 KiB) */
    public function __construct(string $message, public readonly ?string $detail, public readonly int $status, public readonly ?string $raw = null)
    {
        parent::__construct($message);
    }
}
