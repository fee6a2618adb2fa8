<?php

declare(strict_types=1);

namespace Sectigo;

/** The answer could not be read (a read-only call). */
final class DecodeException extends Exception
{
    public function __construct(string $message, private readonly ?string $detail, private readonly ?string $raw)
    {
        parent::__construct($message);
    }

    /** What was wrong with it: `html`, `not_numeric`, `empty`, ... (see the test vectors). */
    public function detail(): ?string
    {
        return $this->detail;
    }

    /** The answer as received. */
    public function raw(): ?string
    {
        return $this->raw;
    }
}
