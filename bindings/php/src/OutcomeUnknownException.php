<?php

declare(strict_types=1);

namespace Sectigo;

/**
 * A state-changing call (placing an order, signing up a partner, authorizing an order) may have
 * taken effect, and its answer was lost. It was not resent: check the account before retrying.
 */
final class OutcomeUnknownException extends Exception
{
    public function __construct(string $message, public readonly int $status, public readonly ?string $body)
    {
        parent::__construct($message);
    }
}
