<?php

declare(strict_types=1);

namespace Sectigo;

/** The API answered with an error code (`getCode()`). */
class ApiException extends Exception
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
