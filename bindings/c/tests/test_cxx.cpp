// The header compiles as C++ (cbindgen's extern "C" guard) and links from C++.
#include "sectigo.h"

#include <cstdio>

int main() {
    sectigo_options *options = nullptr;
    if (sectigo_options_new(&options) != SECTIGO_RESULT_OK) return 1;
    sectigo_options_free(options);
    std::printf("sectigo %s: 1 passed, 0 failed\n", sectigo_version());
    return 0;
}
