/* A stand-in for Windows' bcryptprimitives.dll, for running the Windows programs under wine
 * only: wine 8 (Debian 12) lacks the DLL, whose ProcessPrng Rust's standard library takes its
 * random numbers from on Windows 10 and newer. It is never shipped. This one fills the buffer
 * from RtlGenRandom, which wine has. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
