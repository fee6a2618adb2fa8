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

/** The request broke the spec's rules; nothing was sent. */
final class ValidationException extends Exception
{
    /** @param list<array{param: string, rule: string, message: string}> $violations */
    public function __construct(string $message, private readonly array $violations)
    {
        parent::__construct($message);
    }

    /**
     * Every rule broken: the parameter (`loginName`, `1_PPP`, `items`), the rule (`required`,
     * `max_length`, `allowed_values`, ...) and a sentence naming both.
     *
     * @return list<array{param: string, rule: string, message: string}>
     */
    public function violations(): array
    {
        return $this->violations;
    }
}

/** The API answered with an error code (`getCode()`). */
final class ApiException extends Exception
{
    public function __construct(
        string $message,
        int $code,
        private readonly ?string $serverMessage,
        private readonly ?string $item,
        private readonly ?string $argument,
        private readonly ?string $errorId,
        private readonly ?string $raw,
    ) {
        parent::__construct($message, $code);
    }

    /** The server's own message. */
    public function serverMessage(): ?string
    {
        return $this->serverMessage;
    }

    /** The parameter the server blames (`errorItem`). */
    public function item(): ?string
    {
        return $this->item;
    }

    /** The value in the message's placeholder (`orderNumber` in "The 'orderNumber' argument is missing!"). */
    public function argument(): ?string
    {
        return $this->argument;
    }

    /** The error-table key (`argument_missing`), or null for a code the documents do not list. */
    public function errorId(): ?string
    {
        return $this->errorId;
    }

    /** The body as received. */
    public function raw(): ?string
    {
        return $this->raw;
    }
}

/** The request did not get through (connection, TLS, timeout, HTTP status). */
final class TransportException extends Exception
{
    public function __construct(string $message, public readonly ?string $detail, public readonly int $status)
    {
        parent::__construct($message);
    }
}

/** The answer could not be read (a read-only call). */
final class DecodeException extends Exception
{
    public function __construct(string $message, public readonly ?string $detail, public readonly ?string $raw)
    {
        parent::__construct($message);
    }
}

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

/** Bad setup: an unknown option or endpoint, a missing endpoint path, an unloadable library. */
final class ConfigException extends Exception
{
}
