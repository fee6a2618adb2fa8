<?php

declare(strict_types=1);

namespace Sectigo;

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
