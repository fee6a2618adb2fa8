//! The checks of the macOS binaries, which no Mac runs here: read from the Mach-O files
//! themselves (the header and load commands with the `object` crate; the export trie and the
//! code signature, which it does not decode, here).
//!
//! - the file type and CPU are the target's (the plain slice: arm64, not arm64e);
//! - the minimum macOS (`LC_BUILD_VERSION`, or `LC_VERSION_MIN_MACOSX` below 10.14) is the
//!   target's, which its wheel's tag also names;
//! - the libraries it loads are macOS's own (libSystem, libiconv, Security, CoreFoundation),
//!   and each symbol it binds is bound to the library that owns the symbol's prefix
//!   ([`OWNERS`]): a symbol put into the wrong stub of `xtask/macos-sdk/` would link here and
//!   fail when loaded;
//! - the export trie holds only the names wanted (`_sectigo_*`, `_PyInit_*`);
//! - the C library's install name is `@rpath/libsectigo.<ABI>.dylib`, and no shipped file has
//!   a run path (`LC_RPATH`);
//! - an arm64 file carries a code signature (macOS runs no unsigned arm64 code) whose every
//!   page hash is right.

use std::path::Path;

use crate::commands::targets::{Os, Target};

use object::macho;
use object::read::macho::{MachHeader, Nlist};
use object::{Endian, Endianness};
use sha2::{Digest, Sha256};

/// What a binary is: the Mach-O file type it must have and the names it may export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The C library: exports only `_sectigo_*`.
    Library,
    /// The Python module: exports only `_PyInit_*`, and Python's own symbols are found at load
    /// time in the process (`-undefined dynamic_lookup`).
    Module,
    /// A command.
    Executable,
    /// A user's program linked against the C library's dylib: it may load it too, and binds
    /// its `_sectigo_*` names there.
    Linked,
    /// A user's program linked against the static library: it loads only macOS's libraries.
    LinkedStatic,
}

impl Kind {
    /// A user's program, not a file the archive or wheel ships: it may have the run path its
    /// pkg-config flags add.
    fn users(self) -> bool {
        matches!(self, Kind::Linked | Kind::LinkedStatic)
    }
}

/// Which library of macOS owns a symbol, by its prefix; the rest is libSystem's. The stubs
/// (`xtask/macos-sdk/`) are checked against the same table.
pub const OWNERS: &[(&str, &[&str])] = &[
    (SECURITY, &["_Sec", "_kSec"]),
    (CORE_FOUNDATION, &["_CF", "_kCF", "___CF", "___kCF"]),
    (LIB_ICONV, &["_iconv", "_libiconv"]),
];
pub const LIB_SYSTEM: &str = "/usr/lib/libSystem.B.dylib";
pub const LIB_ICONV: &str = "/usr/lib/libiconv.2.dylib";
pub const SECURITY: &str = "/System/Library/Frameworks/Security.framework/Versions/A/Security";
pub const CORE_FOUNDATION: &str = "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation";
/// The SDK folder `dist` makes of the stubs, in the workspace's root.
pub const SDK_DIR: &str = "target/macos-sdk";
/// The stubs of `xtask/macos-sdk/`, by their paths in the SDK folder, with the library each
/// stands for.
pub const STUBS: &[(&str, &str)] = &[
    ("System/Library/Frameworks/Security.framework/Security.tbd", SECURITY),
    ("System/Library/Frameworks/CoreFoundation.framework/CoreFoundation.tbd", CORE_FOUNDATION),
    ("usr/lib/libiconv.tbd", LIB_ICONV),
    ("usr/lib/libSystem.tbd", LIB_SYSTEM),
];
/// Python's C API, which a module finds in the interpreter that loads it.
const PYTHON_PREFIXES: &[&str] = &["_Py", "__Py"];

/// The C library's install name, `@rpath/libsectigo.<ABI>.dylib`.
pub fn install_name() -> String {
    format!("@rpath/{}", xtask::dylib_name(xtask::VERSION))
}

/// A library's file name (`Security`, `libSystem.B.dylib`), for the log.
pub fn file_name(library: &str) -> &str {
    library.rsplit('/').next().unwrap_or(library)
}

/// The library that owns a symbol (by [`OWNERS`]; libSystem otherwise).
pub fn owner(symbol: &str) -> &'static str {
    OWNERS.iter().find(|(_, prefixes)| prefixes.iter().any(|p| symbol.starts_with(p))).map_or(LIB_SYSTEM, |(l, _)| l)
}

/// What the checks found, for the log.
#[derive(Debug)]
pub struct Checked {
    pub minimum_os: String,
    pub loads: Vec<String>,
    pub exports: usize,
    pub bound: usize,
    /// The number of pages whose hash was checked (0: no signature).
    pub signed_pages: usize,
}

/// Checks a macOS binary of `target`: its CPU type and file type, the minimum macOS it records
/// (the target's), what it loads and binds, exports and, on arm64, its signature.
pub fn check(binary: &Path, kind: Kind, target: &Target) -> Result<Checked, String> {
    let Os::Mac(major, minor) = target.os else {
        return Err(format!("{} is not a macOS target", target.triple));
    };
    let (machine, minimum_os) = (target.machine, (major, minor));
    let name = binary.display();
    let bytes = std::fs::read(binary).map_err(|e| format!("{name}: {e}"))?;
    let header = macho::MachHeader64::<Endianness>::parse(&*bytes, 0)
        .map_err(|e| format!("{name} is not a 64-bit Mach-O file: {e}"))?;
    let endian = header.endian().map_err(|e| format!("{name}: {e}"))?;
    if header.cputype(endian) != machine {
        return Err(format!("{name} is for CPU {:#x}, not {machine:#x}", header.cputype(endian)));
    }
    // The plain slice of the CPU (not arm64e, which macOS runs only for its own code).
    let subtype = header.cpusubtype(endian) & !macho::CPU_SUBTYPE_MASK;
    let plain =
        if machine == macho::CPU_TYPE_ARM64 { macho::CPU_SUBTYPE_ARM64_ALL } else { macho::CPU_SUBTYPE_X86_64_ALL };
    if subtype != plain {
        return Err(format!("{name} is for CPU subtype {subtype:#x}, not {plain:#x}"));
    }
    let file_type = match kind {
        Kind::Library | Kind::Module => macho::MH_DYLIB,
        Kind::Executable | Kind::Linked | Kind::LinkedStatic => macho::MH_EXECUTE,
    };
    if header.filetype(endian) != file_type {
        return Err(format!("{name} is Mach-O file type {}, not {file_type}", header.filetype(endian)));
    }

    let mut minimum = None;
    let mut loads = Vec::new();
    let mut id = None;
    let mut trie = None;
    let mut signature = None;
    let mut rpaths = Vec::new();
    let mut commands = header.load_commands(endian, &*bytes, 0).map_err(|e| format!("{name}: {e}"))?;
    while let Some(command) = commands.next().map_err(|e| format!("{name}: {e}"))? {
        let word = |at: usize| {
            command.raw_data().get(at..at + 4).map(|b| endian.read_u32_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(0)
        };
        match command.cmd() {
            macho::LC_BUILD_VERSION if word(8) == macho::PLATFORM_MACOS => minimum = Some(word(12)),
            macho::LC_VERSION_MIN_MACOSX => minimum = Some(word(8)),
            macho::LC_LOAD_DYLIB
            | macho::LC_LOAD_WEAK_DYLIB
            | macho::LC_REEXPORT_DYLIB
            | macho::LC_LOAD_UPWARD_DYLIB
            | macho::LC_LAZY_LOAD_DYLIB => loads.push(load_name(command.raw_data(), word(8))),
            macho::LC_ID_DYLIB => id = Some(load_name(command.raw_data(), word(8))),
            macho::LC_RPATH => rpaths.push(load_name(command.raw_data(), word(8))),
            macho::LC_DYLD_INFO | macho::LC_DYLD_INFO_ONLY => trie = Some((word(40), word(44))),
            macho::LC_DYLD_EXPORTS_TRIE => trie = Some((word(8), word(12))),
            macho::LC_CODE_SIGNATURE => signature = Some((word(8), word(12))),
            _ => {}
        }
    }

    let version = minimum.ok_or_else(|| format!("{name} records no minimum macOS"))?;
    let found = (version >> 16, (version >> 8) & 0xff);
    if found != minimum_os {
        return Err(format!(
            "{name} records macOS {}.{} as its minimum, not {}.{} (the wheel's tag)",
            found.0, found.1, minimum_os.0, minimum_os.1
        ));
    }
    let sectigo = install_name();
    let mut allowed = vec![LIB_SYSTEM, LIB_ICONV, SECURITY, CORE_FOUNDATION];
    if kind == Kind::Linked {
        allowed.push(&sectigo);
    }
    if let Some(other) = loads.iter().find(|l| !allowed.contains(&l.as_str())) {
        return Err(format!("{name} loads {other}, which is not one of macOS's own libraries {allowed:?}"));
    }
    if !loads.iter().any(|l| l == LIB_SYSTEM) {
        return Err(format!("{name} does not load libSystem: {loads:?}"));
    }
    if kind == Kind::Library && id.as_deref() != Some(sectigo.as_str()) {
        return Err(format!("{name} has install name {id:?}, not {sectigo}"));
    }

    // Only a user's program has a run path (the archive's lib, from its pkg-config file): a
    // shipped file with one would search a folder of the machine that built it.
    if !kind.users() && !rpaths.is_empty() {
        return Err(format!("{name} has run paths {rpaths:?}: a shipped file searches no folder of its own"));
    }
    let bound = check_bindings(&bytes, &loads, kind, &sectigo).map_err(|e| format!("{name}: {e}"))?;

    let wanted = match kind {
        Kind::Library => Some("_sectigo_"),
        Kind::Module => Some("_PyInit_"),
        Kind::Executable | Kind::Linked | Kind::LinkedStatic => None,
    };
    // The count of names, and of those not wanted, with the first few of them.
    let (mut exports, mut unwanted, mut strays) = (0, 0, Vec::new());
    if let Some((offset, size)) = trie.filter(|(_, size)| *size > 0) {
        let data = (offset as usize)
            .checked_add(size as usize)
            .and_then(|end| bytes.get(offset as usize..end))
            .ok_or_else(|| format!("{name}: its export trie is outside the file"))?;
        let mut seen = vec![false; data.len()];
        walk_trie(data, 0, &mut String::new(), &mut seen, 0, &mut |export| {
            exports += 1;
            if wanted.is_some_and(|prefix| !export.starts_with(prefix)) {
                unwanted += 1;
                if strays.len() < 10 {
                    strays.push(export.to_owned());
                }
            }
        })
        .map_err(|e| format!("{name}: its export trie: {e}"))?;
    }
    if let Some(prefix) = wanted
        && (exports == 0 || unwanted > 0)
    {
        return Err(format!("{name} exports {exports} names, {unwanted} of them not {prefix}*: {strays:?}"));
    }

    let signed_pages = match signature {
        Some((offset, size)) => {
            check_signature(&bytes, offset as usize, size as usize).map_err(|e| format!("{name}: {e}"))?
        }
        None if machine == macho::CPU_TYPE_ARM64 => return Err(format!("{name} is arm64 code without a signature")),
        None => 0,
    };
    Ok(Checked { minimum_os: format!("{}.{}", found.0, found.1), loads, exports, bound, signed_pages })
}

/// A load command's name or path (a C string at `offset` in the command).
fn load_name(command: &[u8], offset: u32) -> String {
    let name = command.get(offset as usize..).unwrap_or_default();
    let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
    String::from_utf8_lossy(&name[..end]).into_owned()
}

/// The imported symbols of a Mach-O file: for each, its name, the ordinal of the library it is
/// bound to, and where in the file that ordinal is (the high byte of the entry's `n_desc`).
/// Read from LC_SYMTAB without the sections (object's whole-file reader refuses the empty
/// section list of lld's `__LINKEDIT` segment).
fn imports(bytes: &[u8]) -> Result<Vec<(String, u8, usize)>, String> {
    let header = macho::MachHeader64::<Endianness>::parse(bytes, 0).map_err(|e| e.to_string())?;
    let endian = header.endian().map_err(|e| e.to_string())?;
    if !endian.is_little_endian() {
        return Err("a big-endian Mach-O file".into());
    }
    let mut commands = header.load_commands(endian, bytes, 0).map_err(|e| e.to_string())?;
    let mut symtab = None;
    while let Some(command) = commands.next().map_err(|e| e.to_string())? {
        if let Some(found) = command.symtab().map_err(|e| e.to_string())? {
            symtab = Some(found);
        }
    }
    let symtab = symtab.ok_or("no symbol table (LC_SYMTAB)")?;
    let symbols =
        symtab.symbols::<macho::MachHeader64<Endianness>, _>(endian, bytes).map_err(|e| format!("its symbols: {e}"))?;
    let undefined = |t: u8| t & macho::N_STAB == 0 && t & macho::N_TYPE == macho::N_UNDF && t & macho::N_EXT != 0;
    let mut found = Vec::new();
    for (index, symbol) in symbols.iter().enumerate().filter(|(_, s)| undefined(s.n_type())) {
        let name = symbol.name(endian, symbols.strings()).map_err(|e| format!("a symbol's name: {e}"))?;
        // An nlist_64 entry is 16 bytes: n_strx (4), n_type, n_sect, n_desc (2), n_value (8).
        let at = symtab.symoff.get(endian) as usize + index * 16 + 7;
        found.push((String::from_utf8_lossy(name).into_owned(), (symbol.n_desc(endian) >> 8) as u8, at));
    }
    Ok(found)
}

/// Each undefined symbol is bound, by its two-level namespace ordinal, to the library that owns
/// it; a module's Python symbols are looked up at load time, and a linked program's
/// `_sectigo_*` are bound to `sectigo`, the C library. Returns how many were checked.
fn check_bindings(bytes: &[u8], loads: &[String], kind: Kind, sectigo: &str) -> Result<usize, String> {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (name, ordinal, _) in imports(bytes)? {
        let python = PYTHON_PREFIXES.iter().any(|p| name.starts_with(p));
        let bound_to = match ordinal {
            macho::DYNAMIC_LOOKUP_ORDINAL => "(looked up at load time)",
            macho::SELF_LIBRARY_ORDINAL | macho::EXECUTABLE_ORDINAL => "(itself)",
            n => loads.get(usize::from(n) - 1).map_or("(no such library)", String::as_str),
        };
        let owner = match name.as_str() {
            _ if python => "Python",
            n if kind == Kind::Linked && n.starts_with("_sectigo_") => sectigo,
            n => owner(n),
        };
        let right = match owner {
            "Python" => kind == Kind::Module && ordinal == macho::DYNAMIC_LOOKUP_ORDINAL,
            owner => bound_to == owner,
        };
        if !right {
            wrong.push(format!("{name} -> {bound_to} (owner: {owner})"));
        }
        checked += 1;
    }
    if !wrong.is_empty() {
        return Err(format!("symbols bound to the wrong library (fix the stubs in xtask/macos-sdk/): {wrong:?}"));
    }
    if checked == 0 {
        return Err("no undefined symbols to check: the symbol table was stripped of them".into());
    }
    Ok(checked)
}

fn uleb(data: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = *data.get(*at).ok_or("a number runs past the end")?;
        *at += 1;
        if shift >= 64 {
            return Err("a number is too long".into());
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
    }
}

/// The names of dyld's export trie, each given to `export`: each node has its terminal
/// information (a size, then the flags and address when not zero) and its edges (a count, then
/// for each a C string and the child's offset). The trie is a tree: a node reached twice
/// (`seen`, one flag per byte) is refused and the depth is bounded, and the name grows and
/// shrinks in one buffer, so a hostile file costs time in proportion to its size.
fn walk_trie(
    data: &[u8],
    node: usize,
    name: &mut String,
    seen: &mut [bool],
    depth: usize,
    export: &mut dyn FnMut(&str),
) -> Result<(), String> {
    if depth > 256 {
        return Err("deeper than any name".into());
    }
    match seen.get_mut(node) {
        Some(flag) if !*flag => *flag = true,
        Some(_) => return Err(format!("node {node} is reached twice")),
        None => return Err(format!("node {node} is past the end")),
    }
    let mut at = node;
    let terminal = uleb(data, &mut at)? as usize;
    if terminal > 0 {
        export(name);
    }
    at = at.checked_add(terminal).ok_or("a node's size overflows")?;
    let edges = *data.get(at).ok_or("an edge count past the end")?;
    at += 1;
    for _ in 0..edges {
        let end = data.get(at..).and_then(|d| d.iter().position(|b| *b == 0)).ok_or("an unterminated edge")?;
        let label = data.get(at..at + end).unwrap_or_default();
        at += end + 1;
        let child = uleb(data, &mut at)? as usize;
        if child <= node || child >= data.len() {
            return Err(format!("an edge to {child} from {node}"));
        }
        let kept = name.len();
        name.push_str(&String::from_utf8_lossy(label));
        walk_trie(data, child, name, seen, depth + 1, export)?;
        name.truncate(kept);
    }
    Ok(())
}

/// The code signature's CodeDirectory (big-endian, inside a SuperBlob): every page of the file
/// up to its `codeLimit` must hash (SHA-256) to its slot. Returns the number of pages.
fn check_signature(bytes: &[u8], offset: usize, size: usize) -> Result<usize, String> {
    let blob = bytes.get(offset..offset.saturating_add(size)).ok_or("the code signature is outside the file")?;
    let be = |at: usize| blob.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(0);
    const SUPERBLOB: u32 = 0xfade_0cc0;
    const CODE_DIRECTORY: u32 = 0xfade_0c02;
    if be(0) != SUPERBLOB {
        return Err(format!("the code signature is no SuperBlob (magic {:#x})", be(0)));
    }
    let count = be(8) as usize;
    let directory = (0..count.min(64))
        .map(|i| be(12 + i * 8 + 4) as usize)
        .find(|at| be(*at) == CODE_DIRECTORY)
        .ok_or("the code signature has no CodeDirectory")?;
    let cd = |at: usize| be(directory + at);
    let byte = |at: usize| blob.get(directory + at).copied().unwrap_or(0);
    let (flags, hash_offset, code_slots, code_limit) = (cd(12), cd(16) as usize, cd(28) as usize, cd(32) as usize);
    let (hash_size, hash_type, page_shift) = (byte(36), byte(37), byte(39));
    const ADHOC: u32 = 0x2;
    if flags & ADHOC == 0 {
        return Err(format!("the code signature is not ad hoc (flags {flags:#x})"));
    }
    if hash_type != 2 || hash_size != 32 {
        return Err(format!("the code signature's hashes are type {hash_type}, {hash_size} bytes, not SHA-256"));
    }
    if code_limit != offset {
        return Err(format!("the signature covers {code_limit} bytes, not the {offset} before it"));
    }
    // Apple's pages are 4 KiB (x86_64) or 16 KiB (arm64); a hostile shift would overflow.
    if !(12..=16).contains(&page_shift) {
        return Err(format!("the code signature's pages are 2^{page_shift} bytes, not 4 KiB to 64 KiB"));
    }
    let page = 1usize << page_shift;
    if code_slots != code_limit.div_ceil(page) {
        return Err(format!("{code_slots} page hashes for {code_limit} bytes of {page}-byte pages"));
    }
    for slot in 0..code_slots {
        let from = slot * page;
        let data = bytes.get(from..(from + page).min(code_limit)).ok_or("a signed page is outside the file")?;
        let at = directory + hash_offset + slot * 32;
        let recorded = blob.get(at..at + 32).ok_or("a page hash is outside the signature")?;
        if Sha256::digest(data).as_slice() != recorded {
            return Err(format!("page {slot} (bytes {from}..) does not match its hash in the code signature"));
        }
    }
    Ok(code_slots)
}

/// Shows that [`check_bindings`] catches a symbol put into the wrong stub, on a real file (the
/// C library): a copy with its first CoreFoundation symbol bound to libSystem instead, as
/// that stub would have bound it, must fail, naming the symbol. `loads` are the libraries it
/// loads, as [`check`] found them. Returns the symbol.
pub fn check_catches_a_wrong_stub(library: &Path, loads: &[String]) -> Result<String, String> {
    let name = library.display();
    let mut bytes = std::fs::read(library).map_err(|e| format!("{name}: {e}"))?;
    let lib_system = loads.iter().position(|l| l == LIB_SYSTEM).ok_or_else(|| format!("{name} loads no libSystem"))?;
    let (symbol, _, at) = imports(&bytes)?
        .into_iter()
        .find(|(s, _, _)| owner(s) == CORE_FOUNDATION)
        .ok_or_else(|| format!("{name} binds nothing of CoreFoundation"))?;
    let ordinal = bytes.get_mut(at).ok_or_else(|| format!("{name}: {symbol}'s entry is outside the file"))?;
    *ordinal = u8::try_from(lib_system + 1).map_err(|e| e.to_string())?;
    let sectigo = install_name();
    match check_bindings(&bytes, loads, Kind::Library, &sectigo) {
        Err(e) if e.contains(&format!("{symbol} -> {LIB_SYSTEM}")) => Ok(symbol),
        other => Err(format!("{name}: {symbol} bound to libSystem was not caught: {other:?}")),
    }
}

/// The targets this project links for, as text stubs name them.
pub const STUB_TARGETS: &[&str] = &["x86_64-macos", "arm64-macos"];

/// The symbols a text stub (`.tbd`) exports, every document of it: each name with the targets
/// of the list that holds it (`symbols`, `weak-symbols` and `thread-local-symbols` of the
/// `exports` and `reexports` sections; the `undefineds` section's are not exports). `#`
/// comment lines are skipped; a target is kept as the linker reads it for [`STUB_TARGETS`]
/// (`arm64e-macos`, a slice with the same symbols, as `arm64-macos`), and the rest (Mac
/// Catalyst, `arm64e.x1`) is dropped. A list not written in brackets (`[ a, b ]`) is refused:
/// the linker would read it, and the checks would not.
pub fn stub_exports(stub: &str) -> Result<Vec<(String, Vec<&'static str>)>, String> {
    const SECTIONS: &[&str] = &["reexports:", "undefineds:", "exports:"];
    const LISTS: &[&str] = &["targets:", "weak-symbols:", "thread-local-symbols:", "symbols:"];
    let text: String = stub.lines().filter(|l| !l.trim_start().starts_with('#')).flat_map(|l| [l, "\n"]).collect();
    let mut rest = text.as_str();
    let mut targets: Vec<&'static str> = Vec::new();
    let mut exporting = true;
    let mut found = Vec::new();
    while let Some((at, key)) = SECTIONS.iter().chain(LISTS).filter_map(|k| rest.find(k).map(|at| (at, *k))).min() {
        let after = &rest[at + key.len()..];
        if SECTIONS.contains(&key) {
            exporting = key != "undefineds:";
            rest = after;
            continue;
        }
        let (list, tail) = after
            .trim_start()
            .strip_prefix('[')
            .and_then(|l| l.split_once(']'))
            .ok_or_else(|| format!("a `{key}` list that is not written in brackets ([ a, b ])"))?;
        let items = list.split(',').map(|s| s.trim().trim_matches('\'')).filter(|s| !s.is_empty());
        if key == "targets:" {
            let kept = items.filter_map(|t| match t {
                "arm64e-macos" => Some("arm64-macos"),
                t => STUB_TARGETS.iter().find(|s| **s == t).copied(),
            });
            targets = kept.fold(Vec::new(), |mut all, t| {
                if !all.contains(&t) {
                    all.push(t);
                }
                all
            });
        } else if exporting {
            found.extend(items.map(|s| (s.to_owned(), targets.clone())));
        }
        rest = tail;
    }
    Ok(found)
}

/// Checks that every symbol of a stub belongs, by [`OWNERS`], to `library` (libSystem's stub
/// holds the libraries it re-exports, which are all libSystem's), for one of [`STUB_TARGETS`].
/// Returns how many names it lists.
pub fn check_stub(name: &str, stub: &str, library: &str) -> Result<usize, String> {
    let symbols = stub_exports(stub).map_err(|e| format!("{name}: {e}"))?;
    let strays: Vec<String> = symbols
        .iter()
        .filter(|(s, targets)| owner(s) != library || targets.is_empty())
        .map(|(s, targets)| format!("{s} (owner: {}, targets: {targets:?})", owner(s)))
        .collect();
    if strays.is_empty() {
        Ok(symbols.len())
    } else {
        Err(format!("{name} lists symbols that {library} does not own by prefix, or for no target: {strays:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stubs in the repository list only what their library owns, each for a target.
    #[test]
    fn committed_stubs_hold_only_their_prefixes() {
        let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("macos-sdk");
        for (path, library) in STUBS {
            let text = std::fs::read_to_string(sdk.join(path)).unwrap();
            assert!(text.contains(&format!("install-name:    '{library}'")), "{path}");
            let listed = check_stub(path, &text, library).unwrap();
            assert_eq!(listed == 0, *library == LIB_ICONV, "{path} lists {listed}");
        }
    }

    #[test]
    fn stub_exports_keep_the_targets_linked_here() {
        let stub = "# symbols: [ _commented ]\n--- !tapi-tbd\ntargets:         [ x86_64-macos, x86_64-maccatalyst, \
                    arm64e-macos, arm64e.x1-macos ]\nexports:\n  - targets: [ x86_64-macos, arm64e-macos, \
                    arm64e.x1-macos ]\n    symbols: [ _a, 'R1$_b' ]\n    weak-symbols: [ _w ]\n  - targets: \
                    [ x86_64-maccatalyst ]\n    thread-local-symbols: [ _t ]\n";
        let both = vec!["x86_64-macos", "arm64-macos"];
        assert_eq!(
            stub_exports(stub).unwrap(),
            [("_a".into(), both.clone()), ("R1$_b".into(), both.clone()), ("_w".into(), both), ("_t".into(), vec![])]
        );
        // What a binary needs from elsewhere is no export; a list the checks cannot read is refused.
        let stub = "targets: [ arm64-macos ]\nexports:\n  - targets: [ arm64-macos ]\n    symbols: [ _a ]\n\
                    undefineds:\n  - targets: [ arm64-macos ]\n    symbols: [ _u ]\nreexports:\n  - targets: \
                    [ arm64-macos ]\n    symbols: [ _r ]\n";
        assert_eq!(
            stub_exports(stub).unwrap(),
            [("_a".into(), vec!["arm64-macos"]), ("_r".into(), vec!["arm64-macos"])]
        );
        let block = "exports:\n  - targets: [ arm64-macos ]\n    symbols:\n      - _a\n";
        assert_eq!(stub_exports(block).unwrap_err(), "a `symbols:` list that is not written in brackets ([ a, b ])");
    }

    #[test]
    fn a_symbol_in_the_wrong_stub_is_named() {
        let stub = "targets: [ arm64-macos ]\nsymbols: [ _SecRandomCopyBytes, _CFRelease ]\n";
        let error = check_stub("x.tbd", stub, SECURITY).unwrap_err();
        assert!(error.contains("_CFRelease (owner: /System/Library/Frameworks/CoreFoundation"), "{error}");
        assert!(!error.contains("_SecRandomCopyBytes"), "{error}");
        assert_eq!(owner("_malloc"), LIB_SYSTEM);
        assert_eq!(owner("___kCFBooleanTrue"), CORE_FOUNDATION);
    }

    #[test]
    fn a_trie_whose_edges_share_a_node_is_refused() {
        // Node 0: no terminal, two edges ("a", "b"); node 8 is terminal with no edges.
        let tree = [0, 2, b'a', 0, 8, b'b', 0, 11, 1, 0, 0, 1, 0, 0];
        let mut names = Vec::new();
        walk_trie(&tree, 0, &mut String::new(), &mut [false; 14], 0, &mut |n| names.push(n.to_owned())).unwrap();
        assert_eq!(names, ["a", "b"]);
        // Both edges to node 8: each doubling of such a trie would double the walk.
        let shared = [0, 2, b'a', 0, 8, b'b', 0, 8, 1, 0, 0];
        let error = walk_trie(&shared, 0, &mut String::new(), &mut [false; 11], 0, &mut |_| {}).unwrap_err();
        assert_eq!(error, "node 8 is reached twice");
    }

    #[test]
    fn a_signature_with_a_hostile_page_size_is_refused() {
        // A SuperBlob with one CodeDirectory at 20 that signs nothing (codeLimit 0).
        let mut blob = vec![0u8; 64];
        blob[0..4].copy_from_slice(&0xfade_0cc0u32.to_be_bytes());
        blob[8..12].copy_from_slice(&1u32.to_be_bytes());
        blob[16..20].copy_from_slice(&20u32.to_be_bytes());
        blob[20..24].copy_from_slice(&0xfade_0c02u32.to_be_bytes());
        blob[32..36].copy_from_slice(&2u32.to_be_bytes());
        (blob[56], blob[57], blob[59]) = (32, 2, 12);
        assert_eq!(check_signature(&blob, 0, 64), Ok(0));
        blob[59] = 64;
        let error = check_signature(&blob, 0, 64).unwrap_err();
        assert!(error.contains("2^64 bytes"), "{error}");
    }
}
