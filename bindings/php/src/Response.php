<?php

declare(strict_types=1);

namespace Sectigo;

/** A successful answer. */
final class Response
{
    /**
     * @param array<string, string> $fields every field, in the order received
     * @param list<string> $quirks leniencies the decoder applied (`error_code_missing`, ...)
     */
    public function __construct(
        public readonly int $code,
        public readonly array $fields,
        public readonly string $raw,
        public readonly array $quirks,
    ) {
    }

    /** A field by name (case-insensitive), or null. */
    public function get(string $name): ?string
    {
        foreach ($this->fields as $field => $value) {
            if (strcasecmp($field, $name) === 0) {
                return $value;
            }
        }
        return null;
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
        return ['code' => $this->code, 'fields' => $fields, 'quirks' => $this->quirks];
    }
}
