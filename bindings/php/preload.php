<?php

// For opcache.preload: compiles every class of the package once per server start, so that
// under php-fpm or Apache (ffi.enable=preload) the package may use the header that ffi.preload
// loaded (FFI::scope('SECTIGO')). See the README's PHP section for the php.ini lines.
declare(strict_types=1);

require __DIR__ . '/src/autoload.php';

foreach ([__DIR__ . '/src', __DIR__ . '/src/generated'] as $dir) {
    foreach (glob("$dir/*.php") ?: [] as $file) {
        $class = 'Sectigo\\' . basename($file, '.php');
        if ($class !== 'Sectigo\\autoload' && !class_exists($class) && !interface_exists($class) && !trait_exists($class)) {
            throw new \LogicException("preload: $file does not declare $class");
        }
    }
}
