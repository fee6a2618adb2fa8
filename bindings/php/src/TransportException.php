<?php

declare(strict_types=1);

namespace Sectigo;

/** The request did not get through (connection, TLS, timeout, HTTP status). */
final class TransportException extends Exception
{
    public function __construct(string $message, public readonly ?string $detail, public readonly int $status)
    {
        parent::__construct($message);
    }
}
