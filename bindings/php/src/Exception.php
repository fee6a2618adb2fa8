<?php

declare(strict_types=1);

namespace Sectigo;

/** Root of every error the SDK throws. */
class Exception extends \RuntimeException
{
    /** The library's description (never contains a password). */
    public function __construct(string $message, int $code = 0)
    {
        parent::__construct($message, $code);
    }
}
