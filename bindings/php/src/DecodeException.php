<?php

declare(strict_types=1);

namespace Sectigo;

/** The answer could not be read (a read-only call). */
final class DecodeException extends Exception
{
    public function __construct(string $message, public readonly ?string $detail, public readonly ?string $raw)
    {
        parent::__construct($message);
    }
}
