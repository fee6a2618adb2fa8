<?php

declare(strict_types=1);

namespace Sectigo;

/**
 * The answer to `Client::callRaw()`: the HTTP status, content type and body as received, and,
 * when the body is text in one of the documents' formats, what it says.
 */
final class RawAnswer
{
    /**
     * @param int $status the HTTP status
     * @param ?string $contentType the `Content-Type` header, when one came
     * @param string $body the body, byte for byte (a ZIP or PKCS #7 file comes back whole)
     * @param ?int $code the `errorCode` (line 1, or `errorCode=`); null when the body is in
     *     neither format (a binary file, HTML, free text)
     * @param ?string $format `newline`, `url_encoded`, or null
     * @param ?string $message the error text (line 2 of a newline answer with a negative code,
     *     or `errorMessage`)
     * @param list<string> $lines a newline answer's lines after the first (the code)
     * @param list<array{0: string, 1: string}> $fields a URL-encoded answer's (name, value) pairs
     *     in the order received, `errorCode` included
     * @param int $retries how many times the call was sent again before this answer
     */
    public function __construct(
        public readonly int $status,
        public readonly ?string $contentType,
        public readonly string $body,
        public readonly ?int $code,
        public readonly ?string $format,
        public readonly ?string $message,
        public readonly array $lines,
        public readonly array $fields,
        public readonly int $retries = 0,
    ) {
    }

    /** A pair of a URL-encoded answer by name (case-insensitive), or null. */
    public function get(string $name): ?string
    {
        foreach ($this->fields as [$field, $value]) {
            if (strcasecmp($field, $name) === 0) {
                return $value;
            }
        }
        return null;
    }

    /** The body's size rather than its bytes, in dumps. */
    public function __debugInfo(): array
    {
        return [
            'status' => $this->status,
            'contentType' => $this->contentType,
            'body' => strlen($this->body) . ' bytes',
            'code' => $this->code,
            'format' => $this->format,
            'message' => $this->message,
            'lines' => $this->lines,
            'fields' => $this->fields,
            'retries' => $this->retries,
        ];
    }
}
