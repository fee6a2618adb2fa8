//! Debian packages of a glibc Linux target, made with `dpkg-deb` from the files its archive
//! staged (`archive.rs`), laid out as Debian's policy places them:
//!
//! - `libsectigo<ABI>` (e.g. `libsectigo0.1`): the shared library in `/usr/lib/<triplet>/`,
//!   with its SONAME link, a `shlibs` file and the `ldconfig` trigger;
//! - `libsectigo-dev`: the header, the static library, the `.so` link and a pkg-config file
//!   for `/usr`;
//! - `sectigo`: the `sectigo` and `sectigo-sandbox` commands, the manual page and the bash, zsh
//!   and fish completions;
//! - `php-sectigo` (architecture `all`, made once): the PHP package in `/usr/share/php/sectigo`
//!   and `sectigo.ini`, the PHP package README's php.ini lines for `/usr`, which the package's
//!   scripts put into every PHP version's `mods-available` (through ucf, which keeps an
//!   administrator's edits), so that `phpenmod sectigo` enables it. Nothing is enabled on
//!   install: a server preloads one script per PHP server, and it may have one already.
//!
//! What each needs of the C library comes from the binaries' `NEEDED` entries and glibc symbol
//! versions. Every package is reproducible (`SOURCE_DATE_EPOCH`, files owned by root).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::archive::{pkg_config, source_date};
use super::binaries::newest_glibc;
use super::{VERSION, abi_version, copy, work_file, write};
use crate::commands::process::{capture, fresh_dir};
use crate::commands::targets::Target;

/// Who answers for the packages (the `Maintainer` field, and the changelog's signature).
pub(super) const MAINTAINER: &str = "Sectigo SDK maintainers <sectigo-sdk@users.noreply.github.com>";
/// Where each package is put together, with the scratch files in `work/`.
const STAGE: &str = "target/deb-stage";
/// The source package every binary package comes from.
const SOURCE: &str = "sectigo";
/// Where `php-sectigo` keeps its php.ini lines, copied from here into each PHP version's
/// `mods-available`.
pub const PHP_INI: &str = "/usr/share/php-sectigo/sectigo.ini";

/// The packages of one target's architecture: the library, its `-dev` package and the commands.
pub(super) fn arch_packages(root: &Path, dist: &Path, target: &Target, stage: &Path) -> Result<Vec<PathBuf>, String> {
    let arch = target.debian_arch;
    let triplet = target.debian_triplet();
    let abi = abi_version(VERSION);
    let library = format!("libsectigo{abi}");
    let soname = xtask::soname(VERSION);
    let real = format!("libsectigo.so.{VERSION}");
    let libdir = format!("usr/lib/{triplet}");

    let so = stage.join("lib").join(&real);
    let lib = Deb {
        name: library.clone(),
        arch,
        section: "libs",
        multi_arch: Some("same"),
        depends: c_library_depends(&[&so])?,
        summary: "C library for Sectigo's reseller products API".into(),
        description: "Places, authorizes and looks up certificate orders, opens customer \
                      sessions and signs up Tier 2 partners through Sectigo's reseller API. \
                      Calls that may have placed or paid for an order are never sent twice; \
                      their outcome is never lost."
            .into(),
        files: vec![(so.clone(), format!("{libdir}/{real}"), 0o644)],
        links: vec![(format!("{libdir}/{soname}"), real.clone())],
        control: vec![
            ("shlibs", format!("libsectigo {abi} {library} (>= {VERSION})\n"), 0o644),
            ("triggers", "activate-noawait ldconfig\n".into(), 0o644),
        ],
    };
    let pc = pkg_config("/usr", &format!("${{prefix}}/lib/{triplet}"));
    let pc_file = work_file(root, STAGE, &format!("sectigo-{arch}.pc"))?;
    write(&pc_file, pc.as_bytes())?;
    let dev = Deb {
        name: "libsectigo-dev".into(),
        arch,
        section: "libdevel",
        multi_arch: Some("same"),
        depends: vec![format!("{library} (= {VERSION})")],
        summary: "C library for Sectigo's reseller products API (development files)".into(),
        description: "The header, the static library and the pkg-config file for building C \
                      programs against libsectigo: cc prog.c $(pkg-config --cflags --libs \
                      sectigo). Also valgrind suppressions for the TLS library's assembly."
            .into(),
        files: vec![
            (stage.join("include/sectigo.h"), "usr/include/sectigo.h".into(), 0o644),
            (stage.join("lib/libsectigo.a"), format!("{libdir}/libsectigo.a"), 0o644),
            (pc_file, format!("{libdir}/pkgconfig/sectigo.pc"), 0o644),
            (stage.join("share/sectigo/valgrind.supp"), "usr/share/libsectigo-dev/valgrind.supp".into(), 0o644),
        ],
        links: vec![(format!("{libdir}/libsectigo.so"), soname.clone())],
        control: vec![],
    };
    let bins = [stage.join("bin/sectigo"), stage.join("bin/sectigo-sandbox")];
    let man = work_file(root, STAGE, "sectigo.1.gz")?;
    gzip(&stage.join("share/man/man1/sectigo.1"), &man)?;
    let cli = Deb {
        name: "sectigo".into(),
        arch,
        section: "utils",
        multi_arch: Some("foreign"),
        depends: c_library_depends(&bins.iter().collect::<Vec<_>>())?,
        summary: "command line client and sandbox for Sectigo's reseller products API".into(),
        description: "sectigo calls every endpoint of Sectigo's reseller API from the shell \
                      (sectigo place-order, sectigo demo, sectigo call for a path outside the \
                      spec), with the account from SECTIGO_LOGIN_NAME and \
                      SECTIGO_LOGIN_PASSWORD. sectigo-sandbox is a fake of the API over HTTPS, \
                      for testing a panel's code without an account."
            .into(),
        files: vec![
            (bins[0].clone(), "usr/bin/sectigo".into(), 0o755),
            (bins[1].clone(), "usr/bin/sectigo-sandbox".into(), 0o755),
            (man, "usr/share/man/man1/sectigo.1.gz".into(), 0o644),
            (
                stage.join("share/bash-completion/completions/sectigo"),
                "usr/share/bash-completion/completions/sectigo".into(),
                0o644,
            ),
            (
                stage.join("share/zsh/site-functions/_sectigo"),
                "usr/share/zsh/vendor-completions/_sectigo".into(),
                0o644,
            ),
            (
                stage.join("share/fish/vendor_completions.d/sectigo.fish"),
                "usr/share/fish/vendor_completions.d/sectigo.fish".into(),
                0o644,
            ),
        ],
        links: vec![],
        control: vec![],
    };
    [lib, dev, cli].iter().map(|deb| deb.build(root, dist)).collect()
}

/// `php-sectigo`, for every architecture (the PHP code calls the library of the machine's own
/// `libsectigo` package), from any target's staged PHP package.
pub(super) fn php_package(root: &Path, dist: &Path, stage: &Path) -> Result<PathBuf, String> {
    let library = format!("libsectigo{}", abi_version(VERSION));
    let ini = work_file(root, STAGE, "sectigo.ini")?;
    write(&ini, php_ini(root)?.as_bytes())?;
    let mut files = vec![(ini, PHP_INI.trim_start_matches('/').to_owned(), 0o644)];
    let package = stage.join("share/php/sectigo");
    for file in tree(&package)? {
        let relative = file.strip_prefix(&package).map_err(|e| e.to_string())?.display().to_string();
        files.push((file, format!("usr/share/php/sectigo/{relative}"), 0o644));
    }
    let deb = Deb {
        name: "php-sectigo".into(),
        arch: "all",
        section: "php",
        multi_arch: Some("foreign"),
        // The package refuses a library of another version; FFI comes with php<X.Y>-common.
        depends: vec![format!("{library} (= {VERSION})"), "php-common".into(), "php-ffi".into(), "ucf".into()],
        summary: "PHP client for Sectigo's reseller products API (FFI)".into(),
        description: "Sectigo\\Client for control panels on PHP 8.1 or later: orders, \
                      authorizations, customer sessions and Tier 2 sign-ups through the C \
                      library libsectigo, over PHP's FFI extension. Under php-fpm or Apache, \
                      enable its php.ini lines with phpenmod sectigo (see \
                      /etc/php/<version>/mods-available/sectigo.ini before doing so on a \
                      server that already preloads a script), then restart the server."
            .into(),
        files,
        links: vec![],
        control: vec![("postinst", PHP_POSTINST.into(), 0o755), ("postrm", PHP_POSTRM.into(), 0o755)],
    };
    deb.build(root, dist)
}

/// The PHP package README's php.ini lines (its ```ini block).
pub fn readme_php_ini(readme: &str) -> Result<String, String> {
    let start = readme.find("```ini\n").ok_or("bindings/php/README.md has no ```ini block of php.ini lines")?
        + "```ini\n".len();
    let end = readme[start..].find("```").ok_or("bindings/php/README.md: unclosed ```ini block")?;
    Ok(readme[start..start + end].to_owned())
}

/// The README's php.ini lines for the PHP package in `/usr/share/php/sectigo` (the Debian and
/// the RPM package's place for it).
pub(super) fn php_ini_lines(root: &Path) -> Result<String, String> {
    let readme = std::fs::read_to_string(root.join("bindings/php/README.md")).map_err(|e| e.to_string())?;
    let lines = readme_php_ini(&readme)?;
    if !lines.contains("/usr/local/share/php/sectigo/") {
        return Err("bindings/php/README.md: the php.ini lines no longer name /usr/local/share/php/sectigo/".into());
    }
    Ok(lines.replace("/usr/local/share/php/sectigo/", "/usr/share/php/sectigo/"))
}

/// `sectigo.ini`: the README's lines for the files under `/usr`, after what to know first.
fn php_ini(root: &Path) -> Result<String, String> {
    Ok(format!("{PHP_INI_HEAD}{}", php_ini_lines(root)?))
}

const PHP_INI_HEAD: &str = "\
; php-sectigo: the Sectigo reseller API SDK for PHP under php-fpm and Apache (mod_php).
; Enable with `phpenmod sectigo` (or `phpenmod -v 8.2 -s fpm sectigo` for one server), then
; restart php-fpm or Apache; `phpdismod sectigo` disables it. The command line needs none of
; this.
;
; PHP preloads one script per server: if opcache.preload is set already (by a panel or another
; package), the later file wins and the other is silently dropped. On such a server keep only
; the two ffi lines here and add to the existing preload script:
;     require '/usr/share/php/sectigo/preload.php';
; opcache.preload_user is the pool's user when the master runs as root (www-data on Debian).
; priority=30
";

/// Installs `sectigo.ini` into each PHP version's `mods-available`; enables nothing.
const PHP_POSTINST: &str = r#"#!/bin/sh
# php-sectigo: sectigo.ini into every installed PHP version's mods-available, where phpenmod
# looks for it; ucf keeps an administrator's edits across upgrades. After installing another
# PHP version, run: dpkg-reconfigure php-sectigo
set -e
if [ "$1" = configure ]; then
    for dir in /etc/php/*/mods-available; do
        [ -d "$dir" ] || continue
        ucf /usr/share/php-sectigo/sectigo.ini "$dir/sectigo.ini"
        ucfr php-sectigo "$dir/sectigo.ini"
    done
fi
exit 0
"#;

/// Disables the module on removal (its lines would name files that are gone), and forgets its
/// files on purge.
const PHP_POSTRM: &str = r#"#!/bin/sh
# php-sectigo: once removed, an enabled sectigo.ini would make PHP preload files that are gone,
# so it is disabled for every PHP version and server; purge deletes it.
set -e
if [ "$1" = remove ] || [ "$1" = purge ]; then
    for ini in /etc/php/*/mods-available/sectigo.ini; do
        [ -e "$ini" ] || continue
        version=${ini#/etc/php/}
        version=${version%%/*}
        rm -f /etc/php/"$version"/*/conf.d/*-sectigo.ini
    done
fi
if [ "$1" = purge ]; then
    for ini in /etc/php/*/mods-available/sectigo.ini; do
        [ -e "$ini" ] || continue
        rm -f "$ini" "$ini.ucf-new" "$ini.ucf-old" "$ini.ucf-dist"
        if command -v ucf >/dev/null; then ucf --purge "$ini"; fi
        if command -v ucfr >/dev/null; then ucfr --purge php-sectigo "$ini"; fi
    done
fi
exit 0
"#;

/// One binary package.
struct Deb {
    name: String,
    arch: &'static str,
    section: &'static str,
    multi_arch: Option<&'static str>,
    depends: Vec<String>,
    summary: String,
    /// The long description, one paragraph (wrapped here).
    description: String,
    /// (file, path in the package, mode).
    files: Vec<(PathBuf, String, u32)>,
    /// (link, what it points to).
    links: Vec<(String, String)>,
    /// `DEBIAN/` files beside `control` and `md5sums`: (name, contents, mode).
    control: Vec<(&'static str, String, u32)>,
}

impl Deb {
    fn build(&self, root: &Path, dist: &Path) -> Result<PathBuf, String> {
        use std::os::unix::fs::PermissionsExt;
        let dir = root.join(STAGE).join(format!("{}_{}", self.name, self.arch));
        fresh_dir(&dir)?;
        let mode = |path: &Path, mode: u32| {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| format!("{}: {e}", path.display()))
        };
        let doc = format!("usr/share/doc/{}", self.name);
        let copyright = dir.join(&doc).join("copyright");
        write(&copyright, copyright_text(root)?.as_bytes())?;
        mode(&copyright, 0o644)?;
        let text = work_file(root, STAGE, "changelog")?;
        write(&text, changelog_text(root)?.as_bytes())?;
        let changelog = dir.join(&doc).join("changelog.gz");
        gzip(&text, &changelog)?;
        mode(&changelog, 0o644)?;
        for (from, to, file_mode) in &self.files {
            let to = dir.join(to);
            copy(from, &to)?;
            mode(&to, *file_mode)?;
        }
        for (link, points_to) in &self.links {
            let link = dir.join(link);
            if let Some(parent) = link.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::os::unix::fs::symlink(points_to, &link).map_err(|e| format!("{}: {e}", link.display()))?;
        }
        // Folders 0755, whatever the umask made them.
        let dirs = capture("listing folders", Command::new("find").arg(&dir).args(["-type", "d"]))?;
        for folder in dirs.lines() {
            mode(Path::new(folder), 0o755)?;
        }
        let mut kib = 0;
        let mut regular = Vec::new();
        for file in tree(&dir)? {
            let meta = std::fs::symlink_metadata(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            kib += meta.len().div_ceil(1024);
            if meta.is_file() {
                regular.push(file.strip_prefix(&dir).map_err(|e| e.to_string())?.to_owned());
            }
        }
        // md5sum's own lines, relative to the package's root, are the md5sums format.
        let sums = capture("md5sum", Command::new("md5sum").current_dir(&dir).args(&regular))?;
        let control_dir = dir.join("DEBIAN");
        write(&control_dir.join("md5sums"), sums.as_bytes())?;
        write(&control_dir.join("control"), self.control_text(kib).as_bytes())?;
        mode(&control_dir.join("md5sums"), 0o644)?;
        mode(&control_dir.join("control"), 0o644)?;
        for (name, text, file_mode) in &self.control {
            write(&control_dir.join(name), text.as_bytes())?;
            mode(&control_dir.join(name), *file_mode)?;
        }
        mode(&control_dir, 0o755)?;
        let deb = dist.join(format!("{}_{VERSION}_{}.deb", self.name, self.arch));
        capture(
            "dpkg-deb --build",
            Command::new("dpkg-deb")
                .env("SOURCE_DATE_EPOCH", source_date(root))
                .args(["--root-owner-group", "-Zxz", "--build"])
                .arg(&dir)
                .arg(&deb),
        )?;
        Ok(deb)
    }

    fn control_text(&self, installed_kib: u64) -> String {
        let mut text =
            format!("Package: {}\nSource: {SOURCE}\nVersion: {VERSION}\nArchitecture: {}\n", self.name, self.arch);
        if let Some(multi) = self.multi_arch {
            text.push_str(&format!("Multi-Arch: {multi}\n"));
        }
        text.push_str(&format!(
            "Maintainer: {MAINTAINER}\nInstalled-Size: {installed_kib}\nSection: {}\nPriority: optional\n",
            self.section
        ));
        if !self.depends.is_empty() {
            text.push_str(&format!("Depends: {}\n", self.depends.join(", ")));
        }
        text.push_str(&format!("Homepage: {HOMEPAGE}\nDescription: {}\n", self.summary));
        text.push_str(&wrap(&self.description, 78, " "));
        text
    }
}

pub(super) const HOMEPAGE: &str = "https://github.com/sectigo-sdk/sectigo";

/// A paragraph in lines of at most `width` characters, each after `indent` (one space in a
/// Debian long description, none in an RPM one).
pub(super) fn wrap(paragraph: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in paragraph.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out.push_str(&format!("{indent}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{indent}{line}\n"));
    }
    out
}

/// Debian's machine-readable copyright file: the workspace's licence, MIT's text in full
/// (Debian keeps Apache-2.0's in `/usr/share/common-licenses`).
fn copyright_text(root: &Path) -> Result<String, String> {
    let mit = std::fs::read_to_string(root.join("LICENSE-MIT")).map_err(|e| format!("LICENSE-MIT: {e}"))?;
    let mut lines = mit.lines();
    let notice = lines.next().unwrap_or_default().trim_start_matches("Copyright (c) ").to_owned();
    let body: String = lines
        .skip_while(|l| l.trim().is_empty())
        .map(|l| if l.trim().is_empty() { " .\n".to_owned() } else { format!(" {l}\n") })
        .collect();
    Ok(format!(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
         Upstream-Name: {SOURCE}\nUpstream-Contact: {MAINTAINER}\nSource: {HOMEPAGE}\n\n\
         Files: *\nCopyright: {notice}\nLicense: MIT or Apache-2.0\n\
         Comment: The binaries also hold the Rust crates that Cargo.lock lists, each under its own\n \
         licence (MIT, Apache-2.0, ISC, BSD or Unicode-3.0).\n\n\
         License: MIT\n{body}\n\
         License: Apache-2.0\n On Debian systems, the full text of the Apache License, Version 2.0, is in\n \
         /usr/share/common-licenses/Apache-2.0.\n"
    ))
}

/// A native package's changelog: one entry, for this version, dated by the source's time.
fn changelog_text(root: &Path) -> Result<String, String> {
    let date =
        capture("date -R", Command::new("date").args(["-u", "-R", "-d"]).arg(format!("@{}", source_date(root))))?;
    Ok(format!(
        "{SOURCE} ({VERSION}) unstable; urgency=medium\n\n  * Release {VERSION} of the Sectigo reseller API SDK.\n\n -- {MAINTAINER}  {}\n",
        date.trim()
    ))
}

/// `file`, compressed into `out` by `gzip -9n` (no name, no time stamp in the header).
pub(super) fn gzip(file: &Path, out: &Path) -> Result<(), String> {
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let sink = std::fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let status =
        Command::new("gzip").args(["-9n", "-c"]).arg(file).stdout(sink).status().map_err(|e| format!("gzip: {e}"))?;
    if !status.success() {
        return Err(format!("gzip -9n {} failed ({status})", file.display()));
    }
    Ok(())
}

/// Every file and link under `dir`, sorted.
pub(super) fn tree(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let out =
        capture("listing files", Command::new("find").arg(dir).args(["(", "-type", "f", "-o", "-type", "l", ")"]))?;
    let mut files: Vec<PathBuf> =
        out.lines().map(PathBuf::from).filter(|p| !p.starts_with(dir.join("DEBIAN"))).collect();
    files.sort();
    Ok(files)
}

/// The `Depends` the binaries' `NEEDED` entries call for: glibc's libraries (`libc6`, at the
/// newest symbol version any of them binds) and GCC's unwinder; anything else is an error
/// naming it, for a package that nobody added to this table.
fn c_library_depends(binaries: &[&PathBuf]) -> Result<Vec<String>, String> {
    const GLIBC: &[&str] = &["libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1"];
    let mut glibc = (0, 0);
    let mut depends = Vec::new();
    for binary in binaries {
        let headers = capture("objdump -p", Command::new("objdump").arg("-p").arg(binary))?;
        for needed in headers.lines().filter_map(|l| l.trim().strip_prefix("NEEDED")).map(str::trim) {
            if GLIBC.contains(&needed) || needed.starts_with("ld-linux") {
                glibc = glibc.max(newest_glibc(binary)?);
            } else if needed == "libgcc_s.so.1" {
                depends.push("libgcc-s1".to_owned());
            } else {
                return Err(format!(
                    "{} needs {needed}: no Debian package is known for it (dist/debian.rs)",
                    binary.display()
                ));
            }
        }
    }
    if glibc != (0, 0) {
        depends.insert(0, format!("libc6 (>= {}.{})", glibc.0, glibc.1));
    }
    depends.dedup();
    Ok(depends)
}
