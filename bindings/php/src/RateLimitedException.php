<?php

declare(strict_types=1);

namespace Sectigo;

/**
 * The server refused the call for now (-42, "Call limit reached!"), which any endpoint may
 * answer: nothing was done, and sending the same call again after a wait is safe.
 */
final class RateLimitedException extends ApiException
{
}
