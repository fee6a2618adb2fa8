<?php
// Loads the Sectigo PHP wrapper (no Composer needed): require this file.
declare(strict_types=1);

require_once __DIR__ . '/Exceptions.php';
require_once __DIR__ . '/Response.php';
require_once __DIR__ . '/generated/Endpoints.php';
require_once __DIR__ . '/Client.php';
