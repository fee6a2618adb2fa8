<?php

declare(strict_types=1);

namespace Sectigo;

/** A successful answer. */
final class Response
{
    /**
     * @param array<string, string> $fields every field, in the order received
     * @param list<string> $quirks leniencies the decoder applied (`error_code_missing`, ...)
     * @param int $retries how many times the call was sent again before this answer
     */
    public function __construct(
        public readonly int $code,
        public readonly array $fields,
        public readonly string $raw,
        public readonly array $quirks,
        public readonly int $retries = 0,
    ) {
    }

    /** A field by name (case-insensitive), or null. */
    public function get(string $name): ?string
    {
        if (isset($this->fields[$name])) {
            return $this->fields[$name];
        }
        foreach ($this->fields as $field => $value) {
            if (strcasecmp($field, $name) === 0) {
                return $value;
            }
        }
        return null;
    }

    /**
     * A field that a successful answer must carry.
     *
     * @throws DecodeException when it is missing
     */
    public function required(string $name): string
    {
        return $this->get($name) ?? throw new DecodeException("the answer has no $name field", 'missing_field', $this->raw);
    }

    /**
     * An integer field, or null when it is missing.
     *
     * @throws DecodeException when it is there but not an integer
     */
    public function int(string $name): ?int
    {
        $value = $this->get($name);
        if ($value === null) {
            return null;
        }
        $number = filter_var(trim($value), FILTER_VALIDATE_INT);
        if ($number === false) {
            throw new DecodeException("the answer's $name field is not an integer", 'not_an_integer', $this->raw);
        }
        return $number;
    }

    /**
     * An integer field that a successful answer must carry.
     *
     * @throws DecodeException when it is missing or not an integer
     */
    public function requiredInt(string $name): int
    {
        return $this->int($name) ?? throw new DecodeException("the answer has no $name field", 'missing_field', $this->raw);
    }

    /** @return array<string, string> */
    public function toArray(): array
    {
        return $this->fields;
    }

    /** Session handles stay out of dumps. */
    public function __debugInfo(): array
    {
        $fields = $this->fields;
        foreach (['SID', 'saspSessionID'] as $secret) {
            if (isset($fields[$secret])) {
                $fields[$secret] = '<redacted>';
            }
        }
        return ['code' => $this->code, 'fields' => $fields, 'quirks' => $this->quirks, 'retries' => $this->retries];
    }
}
