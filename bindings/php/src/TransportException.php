<?php

declare(strict_types=1);

namespace Sectigo;

/** The request did not get through (connection, TLS, timeout, HTTP status). */
final class TransportException extends Exception
{
    /** @param ?string $raw the body that came with the HTTP status (at most 64 KiB) */
    public function __construct(string $message, private readonly ?string $detail, private readonly int $status, private readonly ?string $raw = null)
    {
        parent::__construct($message);
    }

    /** What failed: `connect`, `tls`, `timeout`, `io`, `status`, `cancelled` or `other`. */
    public function detail(): ?string
    {
        return $this->detail;
    }

    /** The HTTP status, or 0 when none came. */
    public function status(): int
    {
        return $this->status;
    }

    /** The body that came with the HTTP status (at most 64 KiB), or null. */
    public function raw(): ?string
    {
        return $this->raw;
    }
}
