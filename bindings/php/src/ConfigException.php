<?php

declare(strict_types=1);

namespace Sectigo;

/** Bad setup: an unknown option or endpoint, a missing endpoint path, an unloadable library. */
final class ConfigException extends Exception
{
}
