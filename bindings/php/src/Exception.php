<?php

declare(strict_types=1);

namespace Sectigo;

/** Root of every error the SDK throws. */
class Exception extends \RuntimeException
{
    /** Bits of the C library's `sectigo_error_flag`. */
    private const RATE_LIMITED = 1;
    private const RETRY_SAFE = 2;
    private const MAY_HAVE_TAKEN_EFFECT = 4;

    private int $flags = 0;
    private int $retries = 0;

    /** The library's description (never contains a password). */
    public function __construct(string $message, int $code = 0)
    {
        parent::__construct($message, $code);
    }

    /** @internal set by the client from the library's error */
    public function withFlags(int $flags, int $retries = 0): static
    {
        $this->flags = $flags;
        $this->retries = $retries;
        return $this;
    }

    /** How many times the call was sent again before it failed for good. */
    public function retries(): int
    {
        return $this->retries;
    }

    /** The server refused the call for now (-42, on any endpoint): wait, then send it again. */
    public function isRateLimited(): bool
    {
        return ($this->flags & self::RATE_LIMITED) !== 0;
    }

    /**
     * Sending the same call again is provably safe: rate limited, or the connection was never
     * established (nothing was sent).
     */
    public function retrySafe(): bool
    {
        return ($this->flags & self::RETRY_SAFE) !== 0;
    }

    /** The call may have taken effect (an order may exist): never resend it blindly. */
    public function mayHaveTakenEffect(): bool
    {
        return ($this->flags & self::MAY_HAVE_TAKEN_EFFECT) !== 0;
    }

    /**
     * The server's answer as received, when one came and belongs to this failure (API errors,
     * unreadable answers, HTTP statuses, lost answers); null otherwise. A method on every
     * exception of the package.
     */
    public function raw(): ?string
    {
        return null;
    }
}
