<?php

// Loads the Sectigo PHP package without Composer: require this file. (With Composer, its PSR-4
// autoloader does the same from composer.json.)
declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (!str_starts_with($class, 'Sectigo\\')) {
        return;
    }
    $name = substr($class, strlen('Sectigo\\'));
    foreach ([__DIR__, __DIR__ . '/generated'] as $dir) {
        $file = "$dir/" . str_replace('\\', '/', $name) . '.php';
        if (is_file($file)) {
            require $file;
            return;
        }
    }
});
