//! The Windows target's `.zip` (its PE binaries are checked in `binaries.rs`).
//!
//! The zip has the archives' layout, Windows' way: `bin/sectigo.dll` beside the commands (where
//! Windows looks for a program's DLLs), `lib/libsectigo.dll.a` (its import library, for
//! mingw-w64 and clang) and `lib/sectigo.def` (its exports, from which MSVC's `lib /def` makes a
//! `sectigo.lib`), the header, the PHP package, licences and checksums.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::archive::{docs_and_sums, php_package, source_date};
use super::binaries::{check_machine, check_pe_imports, pe_exports};

const DLLTOOL: &str = "x86_64-w64-mingw32-dlltool";
use super::{VERSION, copy, size, write};
use crate::commands::process::{capture, fresh_dir};
use crate::commands::targets::Target;

/// Stages and packs the Windows zip.
pub(super) fn archive(root: &Path, dist: &Path, target: &Target) -> Result<PathBuf, String> {
    let built = root.join("target").join(target.triple).join("release");
    let stage = root.join("target/dist-stage").join(target.triple);
    fresh_dir(&stage)?;

    // The DLL, checked, and what links against it.
    let dll = stage.join("bin/sectigo.dll");
    copy(&built.join("sectigo_ffi.dll"), &dll)?;
    check_machine(&dll, target)?;
    let exported = pe_exports(&dll)?;
    let strays: Vec<&String> = exported.iter().filter(|s| !s.starts_with("sectigo_")).collect();
    if !strays.is_empty() || exported.is_empty() {
        return Err(format!("sectigo.dll exports more than sectigo_* (or nothing): {strays:?}"));
    }
    check_pe_imports(&dll, &[])?;
    // The import library names the DLL as shipped (Cargo's would name sectigo_ffi.dll).
    let def = stage.join("lib/sectigo.def");
    write(&def, format!("LIBRARY sectigo.dll\nEXPORTS\n{}\n", exported.join("\n")).as_bytes())?;
    capture(
        "dlltool (the import library)",
        Command::new(DLLTOOL)
            .args(["--dllname", "sectigo.dll", "--input-def"])
            .arg(&def)
            .arg("--output-lib")
            .arg(stage.join("lib/libsectigo.dll.a")),
    )?;
    copy(&root.join("bindings/c/include/sectigo.h"), &stage.join("include/sectigo.h"))?;

    for bin in ["sectigo", "sectigo-sandbox"] {
        let exe = stage.join("bin").join(target.exe(bin));
        copy(&built.join(target.exe(bin)), &exe)?;
        check_machine(&exe, target)?;
        check_pe_imports(&exe, &[])?;
    }
    php_package(root, &stage)?;
    docs_and_sums(root, &stage)?;

    let archive = dist.join(target.archive_name());
    zip(&stage, &archive, &source_date(root))?;
    println!(
        "archive {}: sectigo.dll {} bytes, PE32+ machine {:#x}, exports only sectigo_* ({}), imports Windows' own DLLs only",
        target.name,
        size(&dll)?,
        target.machine,
        exported.len(),
    );
    Ok(archive)
}

/// Zips a folder as the tar archives are made: names sorted, one time stamp, no owners.
fn zip(stage: &Path, archive: &Path, epoch: &str) -> Result<(), String> {
    const PACK: &str = r#"
import os, sys, time, zipfile
stage, out, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip dates start in 1980
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, subfolders, files in os.walk(stage):
        subfolders.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo(os.path.relpath(path, stage).replace(os.sep, "/"), stamp)
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            with open(path, "rb") as f:
                z.writestr(info, f.read(), zipfile.ZIP_DEFLATED, 9)
"#;
    let _ = std::fs::remove_file(archive);
    capture(
        &format!("zipping sectigo-{VERSION}"),
        Command::new(crate::commands::setup::python()).args(["-c", PACK]).arg(stage).arg(archive).arg(epoch),
    )
    .map(drop)
}
