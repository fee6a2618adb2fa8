<?php

declare(strict_types=1);

namespace Sectigo;

/**
 * A state-changing call (placing an order, signing up a partner, authorizing an order) may have
 * taken effect, and its answer was lost. It was not resent: check the account before retrying.
 */
final class OutcomeUnknownException extends Exception
{
    /** @param ?string $raw the answer's body when one came (at most 64 KiB), as on the other exceptions */
    public function __construct(string $message, private readonly int $status, private readonly ?string $raw)
    {
        parent::__construct($message);
    }

    /** The HTTP status, or 0 when no answer came. */
    public function status(): int
    {
        return $this->status;
    }

    /** The answer's body when one came (at most 64 KiB), or null. */
    public function raw(): ?string
    {
        return $this->raw;
    }
}
