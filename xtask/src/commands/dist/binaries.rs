//! The checks of every ELF and PE binary the artefacts hold: its file format and architecture
//! (the ELF or PE header), what it exports, and what it needs of the C library (glibc symbol
//! versions, musl's libc, Windows' own DLLs). ELF files are read with binutils' `objdump`, PE
//! files with mingw-w64's `objdump` (Debian's `binutils-mingw-w64-x86-64`). Mach-O files have
//! their own checks (`macho.rs`).

use std::path::Path;
use std::process::Command;

use crate::commands::process::capture;
use crate::commands::targets::{GLIBC, Libc, Os, Target};

/// The file format and architecture of a binary, checked against the target's (a 64-bit
/// little-endian ELF file and its `e_machine`, or a PE32+ file and its `Machine`): a wrong or
/// foreign file is an error naming it.
pub(super) fn check_machine(binary: &Path, target: &Target) -> Result<(), String> {
    let bytes = std::fs::read(binary).map_err(|e| format!("{}: {e}", binary.display()))?;
    let u16_at = |at: usize| bytes.get(at..at + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])));
    let machine = match target.os {
        Os::Linux => {
            if bytes.get(..6) != Some(b"\x7fELF\x02\x01") {
                return Err(format!("{} is not a 64-bit little-endian ELF file", binary.display()));
            }
            u16_at(18)
        }
        Os::Windows => {
            // The MZ stub points to the PE header: "PE\0\0", Machine, ..., and 20 bytes on,
            // the optional header's magic (0x20b: PE32+, a 64-bit image).
            let pe = u16_at(0x3c).zip(u16_at(0x3e)).map(|(lo, hi)| (lo | hi << 16) as usize);
            let signed = bytes.get(..2) == Some(b"MZ") && pe.and_then(|at| bytes.get(at..at + 4)) == Some(b"PE\0\0");
            match pe {
                Some(at) if signed && u16_at(at + 24) == Some(0x20b) => u16_at(at + 4),
                _ => return Err(format!("{} is not a PE32+ (64-bit Windows) file", binary.display())),
            }
        }
        Os::Mac(..) => return Err(format!("{}: a Mach-O file is checked by macho.rs", binary.display())),
    }
    .unwrap_or(0);
    if machine != target.machine {
        return Err(format!(
            "{} is for machine {machine:#x}, not {:#x} ({})",
            binary.display(),
            target.machine,
            target.triple
        ));
    }
    Ok(())
}

/// The newest `GLIBC_x.y` symbol version a binary needs.
pub fn newest_glibc(binary: &Path) -> Result<(u32, u32), String> {
    let table = capture("objdump -T", Command::new("objdump").arg("-T").arg(binary))?;
    let mut newest = (0, 0);
    for word in table.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        if let Some(v) = word.strip_prefix("GLIBC_") {
            let mut nums = v.split('.').map(|n| n.parse::<u32>().unwrap_or(0));
            let found = (nums.next().unwrap_or(0), nums.next().unwrap_or(0));
            newest = newest.max(found);
        }
    }
    Ok(newest)
}

/// Checks what a binary needs of the target's C library: no glibc newer than [`GLIBC`], or
/// nothing but musl's libc (or nothing at all: static). Says what it found.
pub(super) fn check_libc(binary: &Path, target: &Target) -> Result<String, String> {
    match target.libc {
        Libc::Gnu => check_glibc(binary).map(|(a, b)| format!("glibc {a}.{b}")),
        Libc::Musl => {
            let dynamic = capture("objdump -p", Command::new("objdump").arg("-p").arg(binary))?;
            let needed: Vec<&str> =
                dynamic.lines().filter_map(|l| l.trim().strip_prefix("NEEDED")).map(str::trim).collect();
            let others: Vec<&&str> =
                needed.iter().filter(|n| **n != "libc.so" && !n.starts_with("libc.musl-")).collect();
            if !others.is_empty() {
                return Err(format!("{} needs more than musl's libc: {others:?}", binary.display()));
            }
            Ok(if needed.is_empty() { "nothing (static)".to_owned() } else { "musl's libc only".to_owned() })
        }
        Libc::System => check_pe_imports(binary, &[]).map(|()| "Windows' own DLLs only".to_owned()),
    }
}

/// Checks that a binary needs no glibc newer than [`GLIBC`]; returns what it needs.
fn check_glibc(binary: &Path) -> Result<(u32, u32), String> {
    let newest = newest_glibc(binary)?;
    if newest > GLIBC {
        return Err(format!(
            "{} needs glibc {}.{}, newer than {}.{}",
            binary.display(),
            newest.0,
            newest.1,
            GLIBC.0,
            GLIBC.1
        ));
    }
    Ok(newest)
}

/// The names a shared library defines for others (its dynamic symbol table, less imports).
pub fn exported_symbols(library: &Path) -> Result<Vec<String>, String> {
    let table = capture("objdump -T", Command::new("objdump").arg("-T").arg(library))?;
    Ok(table
        .lines()
        .filter(|l| {
            let first = l.split_whitespace().next().unwrap_or_default();
            first.len() >= 8 && first.bytes().all(|b| b.is_ascii_hexdigit()) && !l.contains("*UND*")
        })
        .filter_map(|l| l.split_whitespace().last().map(str::to_owned))
        .collect())
}

pub(super) fn soname(library: &Path) -> Result<String, String> {
    let dynamic = capture("objdump -p", Command::new("objdump").arg("-p").arg(library))?;
    dynamic
        .lines()
        .find_map(|l| l.trim().strip_prefix("SONAME").map(|s| s.trim().to_owned()))
        .ok_or_else(|| format!("{} has no SONAME", library.display()))
}

const OBJDUMP: &str = "x86_64-w64-mingw32-objdump";

/// The DLLs every Windows (8.1 and newer) has, which the binaries may import: Rust's standard
/// library, rustls' and ureq's needs, and msvcrt (mingw-w64's C runtime).
const SYSTEM_DLLS: &[&str] = &[
    "advapi32.dll",
    "bcrypt.dll",
    "bcryptprimitives.dll",
    "crypt32.dll",
    "kernel32.dll",
    "msvcrt.dll",
    "ntdll.dll",
    "secur32.dll",
    "userenv.dll",
    "ws2_32.dll",
];

/// The names a DLL exports (its export directory's name table).
pub(super) fn pe_exports(binary: &Path) -> Result<Vec<String>, String> {
    let dump = capture("objdump -p", Command::new(OBJDUMP).arg("-p").arg(binary))?;
    let table = dump.split("[Ordinal/Name Pointer] Table").nth(1).unwrap_or_default();
    Ok(table
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_once(']').map(|(_, name)| name.trim().to_owned()))
        .collect())
}

/// The DLLs a binary imports.
fn pe_imports(binary: &Path) -> Result<Vec<String>, String> {
    let dump = capture("objdump -p", Command::new(OBJDUMP).arg("-p").arg(binary))?;
    Ok(dump.lines().filter_map(|l| l.trim().strip_prefix("DLL Name:")).map(|n| n.trim().to_owned()).collect())
}

/// Checks that a binary imports nothing but Windows' own DLLs (and `extra`): no mingw-w64
/// runtime DLL (`libgcc_s_seh-1.dll`, `libwinpthread-1.dll`), which no user's machine has.
pub(super) fn check_pe_imports(binary: &Path, extra: &[&str]) -> Result<(), String> {
    let others: Vec<String> = pe_imports(binary)?
        .into_iter()
        .filter(|dll| {
            let dll = dll.to_ascii_lowercase();
            !dll.starts_with("api-ms-win-") && !SYSTEM_DLLS.contains(&dll.as_str()) && !extra.contains(&dll.as_str())
        })
        .collect();
    if others.is_empty() {
        Ok(())
    } else {
        Err(format!("{} imports DLLs that are not Windows' own: {others:?}", binary.display()))
    }
}
