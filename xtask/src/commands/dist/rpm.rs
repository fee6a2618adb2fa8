//! RPM packages of a glibc Linux target for Enterprise Linux 7 and later (RHEL, AlmaLinux,
//! Rocky, CloudLinux: cPanel's and Plesk's servers), made with `rpmbuild` from the files its
//! archive staged (`archive.rs`), split as Fedora's guidelines split a library:
//!
//! - `sectigo-libs`: the shared library in `/usr/lib64/`, with its SONAME link, `ldconfig` run
//!   after install and removal;
//! - `sectigo-devel`: the header, the static library, the `.so` link and a pkg-config file for
//!   `/usr` (so `dnf install 'pkgconfig(sectigo)'` finds it too);
//! - `sectigo`: the `sectigo` and `sectigo-sandbox` commands, the manual page and the bash, zsh
//!   and fish completions;
//! - `php-sectigo` (`noarch`, made once): the PHP package in `/usr/share/php/sectigo`, the
//!   directory EL's PHP has on its `include_path`, and `/etc/php.d/40-sectigo.ini`, the PHP
//!   package README's php.ini lines for `/usr`. EL's PHP reads every file in `php.d`, so the
//!   lines are on once php-fpm or Apache restarts; a server that already preloads a script is
//!   warned at install (PHP keeps only one `opcache.preload`).
//!
//! rpmbuild finds what the binaries need (`libc.so.6(GLIBC_2.17)(64bit)` and so on) and what
//! they provide from the files themselves; `cargo xtask test` checks the lists against what
//! EL 7 has. The payload is xz, which EL 7's rpm reads; every package is reproducible
//! (`SOURCE_DATE_EPOCH`, files owned by root).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::archive::{pkg_config, source_date};
use super::debian::{HOMEPAGE, MAINTAINER, gzip, php_ini_lines, tree, wrap};
use super::{VERSION, copy, work_file, write};
use crate::commands::process::{capture, fresh_dir};
use crate::commands::targets::Target;

pub use xtask::RPM_RELEASE as RELEASE;
/// Where EL's PHP reads its extension ini files; 10-opcache.ini and 20-ffi.ini come before.
pub const PHP_INI: &str = "/etc/php.d/40-sectigo.ini";
/// Where each package is put together, with the scratch files in `work/`.
const STAGE: &str = "target/rpm-stage";
/// EL's 64-bit library folder, on x86_64 and aarch64 alike.
const LIBDIR: &str = "usr/lib64";

/// RPM's name for a target's architecture.
pub fn rpm_arch(target: &Target) -> &'static str {
    target.arch
}

/// The file name rpmbuild gives a package.
fn file_name(name: &str, arch: &str) -> String {
    format!("{name}-{VERSION}-{RELEASE}.{arch}.rpm")
}

/// The packages of one target's architecture: the library, its `-devel` package and the
/// commands.
pub(super) fn arch_packages(root: &Path, dist: &Path, target: &Target, stage: &Path) -> Result<Vec<PathBuf>, String> {
    let arch = rpm_arch(target);
    let soname = xtask::soname(VERSION);
    let real = format!("libsectigo.so.{VERSION}");
    let lib = Rpm {
        name: "sectigo-libs".into(),
        group: "System Environment/Libraries",
        arch,
        summary: "C library for Sectigo's reseller products API".into(),
        description: "Places, authorizes and looks up certificate orders, opens customer sessions and \
                      signs up Tier 2 partners through Sectigo's reseller API. Calls that may have \
                      placed or paid for an order are never sent twice; their outcome is never lost."
            .into(),
        requires: vec![],
        files: vec![File::new(stage.join("lib").join(&real), &format!("{LIBDIR}/{real}"), 0o755)],
        links: vec![(format!("{LIBDIR}/{soname}"), real.clone())],
        scripts: vec![("%post -p /sbin/ldconfig", String::new()), ("%postun -p /sbin/ldconfig", String::new())],
    };
    let pc_file = work_file(root, STAGE, "sectigo.pc")?;
    write(&pc_file, pkg_config("/usr", "${prefix}/lib64").as_bytes())?;
    let dev = Rpm {
        name: "sectigo-devel".into(),
        group: "Development/Libraries",
        arch,
        summary: "C library for Sectigo's reseller products API (development files)".into(),
        description: "The header, the static library and the pkg-config file for building C programs \
                      against libsectigo: cc prog.c $(pkg-config --cflags --libs sectigo). Also \
                      valgrind suppressions for the TLS library's assembly."
            .into(),
        requires: vec![format!("sectigo-libs%{{?_isa}} = {VERSION}-{RELEASE}")],
        files: vec![
            File::new(stage.join("include/sectigo.h"), "usr/include/sectigo.h", 0o644),
            File::new(stage.join("lib/libsectigo.a"), &format!("{LIBDIR}/libsectigo.a"), 0o644),
            File::new(pc_file, &format!("{LIBDIR}/pkgconfig/sectigo.pc"), 0o644),
            File::new(stage.join("share/sectigo/valgrind.supp"), "usr/share/sectigo-devel/valgrind.supp", 0o644),
        ],
        links: vec![(format!("{LIBDIR}/libsectigo.so"), soname)],
        scripts: vec![],
    };
    let man = work_file(root, STAGE, "sectigo.1.gz")?;
    gzip(&stage.join("share/man/man1/sectigo.1"), &man)?;
    let completion =
        |from: &str, to: &str| File::new(stage.join("share").join(from), &format!("usr/share/{to}"), 0o644);
    let cli = Rpm {
        name: "sectigo".into(),
        group: "Applications/Internet",
        arch,
        summary: "Command line client and sandbox for Sectigo's reseller products API".into(),
        description: "sectigo calls every endpoint of Sectigo's reseller API from the shell (sectigo \
                      place-order, sectigo demo, sectigo call for a path outside the spec), with the \
                      account from SECTIGO_LOGIN_NAME and SECTIGO_LOGIN_PASSWORD. sectigo-sandbox is a \
                      fake of the API over HTTPS, for testing a panel's code without an account."
            .into(),
        requires: vec![],
        files: vec![
            File::new(stage.join("bin/sectigo"), "usr/bin/sectigo", 0o755),
            File::new(stage.join("bin/sectigo-sandbox"), "usr/bin/sectigo-sandbox", 0o755),
            File::new(man, "usr/share/man/man1/sectigo.1.gz", 0o644),
            completion("bash-completion/completions/sectigo", "bash-completion/completions/sectigo"),
            completion("zsh/site-functions/_sectigo", "zsh/site-functions/_sectigo"),
            completion("fish/vendor_completions.d/sectigo.fish", "fish/vendor_completions.d/sectigo.fish"),
        ],
        links: vec![],
        scripts: vec![],
    };
    [lib, dev, cli].iter().map(|rpm| rpm.build(root, dist)).collect()
}

/// `php-sectigo`, for every architecture (the PHP code calls the machine's own
/// `sectigo-libs`), from any target's staged PHP package.
pub(super) fn php_package(root: &Path, dist: &Path, stage: &Path) -> Result<PathBuf, String> {
    let ini = work_file(root, STAGE, "40-sectigo.ini")?;
    write(&ini, php_ini(root)?.as_bytes())?;
    let mut ini_file = File::new(ini, PHP_INI.trim_start_matches('/'), 0o644);
    ini_file.config = true;
    let mut files = vec![ini_file];
    let package = stage.join("share/php/sectigo");
    for file in tree(&package)? {
        let relative = file.strip_prefix(&package).map_err(|e| e.to_string())?.display().to_string();
        files.push(File::new(file, &format!("usr/share/php/sectigo/{relative}"), 0o644));
    }
    let rpm = Rpm {
        name: "php-sectigo".into(),
        group: "Development/Libraries",
        arch: "noarch",
        summary: "PHP client for Sectigo's reseller products API (FFI)".into(),
        description: format!(
            "Sectigo\\Client for control panels on PHP 8.1 or later: orders, authorizations, customer \
             sessions and Tier 2 sign-ups through the C library libsectigo, over PHP's FFI \
             extension. {PHP_INI} preloads it under php-fpm and Apache once they restart; read \
             that file first on a server that already preloads a script."
        ),
        // The package refuses a library of another version.
        requires: vec![
            format!("sectigo-libs = {VERSION}-{RELEASE}"),
            "php(language) >= 8.1".into(),
            "php-ffi".into(),
            "php-opcache".into(),
        ],
        files,
        links: vec![],
        scripts: vec![("%post", PHP_POST.into())],
    };
    rpm.build(root, dist)
}

/// `40-sectigo.ini`: the README's lines for the files under `/usr` and EL's web server user,
/// after what to know first.
fn php_ini(root: &Path) -> Result<String, String> {
    let lines = php_ini_lines(root)?;
    let debian_user = "opcache.preload_user=www-data";
    if !lines.contains(debian_user) {
        return Err(format!("bindings/php/README.md: the php.ini lines no longer hold {debian_user}"));
    }
    Ok(format!("{PHP_INI_HEAD}{}", lines.replace(debian_user, "opcache.preload_user=apache")))
}

const PHP_INI_HEAD: &str = "\
; php-sectigo: the Sectigo reseller API SDK for PHP under php-fpm and Apache (mod_php).
; PHP reads every file in /etc/php.d: restart php-fpm or httpd for these lines to take hold.
; The command line needs none of them.
;
; PHP preloads one script per server: if opcache.preload is set already (by a panel or another
; package), the later file wins and the other is silently dropped. On such a server keep only
; the two ffi lines here and add to the existing preload script:
;     require '/usr/share/php/sectigo/preload.php';
; opcache.preload_user is the pool's user when the master runs as root (apache on EL; change it
; to the user of your pool).
";

/// Names each other php.ini file that sets `opcache.preload`: only one preload script is
/// kept.
const PHP_POST: &str = r#"for ini in /etc/php.ini /etc/php.d/*.ini; do
    [ "$ini" = /etc/php.d/40-sectigo.ini ] && continue
    [ -f "$ini" ] || continue
    if grep -Eq '^[[:space:]]*opcache\.preload[[:space:]]*=' "$ini"; then
        echo "php-sectigo: $ini sets opcache.preload too, and PHP keeps only one preload script: see /etc/php.d/40-sectigo.ini" >&2
    fi
done
exit 0"#;

/// A file of a package.
struct File {
    from: PathBuf,
    /// Its path once installed, without the leading `/`.
    to: String,
    mode: u32,
    /// A configuration file (`%config(noreplace)`): an administrator's edits survive upgrades.
    config: bool,
}

impl File {
    fn new(from: PathBuf, to: &str, mode: u32) -> File {
        File { from, to: to.to_owned(), mode, config: false }
    }
}

/// One binary package, built from a spec file of its own.
struct Rpm {
    name: String,
    /// `x86_64`, `aarch64` or `noarch`.
    arch: &'static str,
    /// EL 7's package group (optional on later releases).
    group: &'static str,
    summary: String,
    /// The long description, one paragraph.
    description: String,
    /// Beyond what rpmbuild finds in the files.
    requires: Vec<String>,
    files: Vec<File>,
    /// (link, what it points to).
    links: Vec<(String, String)>,
    /// (section line, body): `%post -p /sbin/ldconfig` has none.
    scripts: Vec<(&'static str, String)>,
}

impl Rpm {
    fn build(&self, root: &Path, dist: &Path) -> Result<PathBuf, String> {
        use std::os::unix::fs::PermissionsExt;
        let top = root.join(STAGE).join(format!("{}.{}", self.name, self.arch));
        fresh_dir(&top)?;
        let files = top.join("files");
        let mode = |path: &Path, mode: u32| {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| format!("{}: {e}", path.display()))
        };
        let licences = format!("usr/share/licenses/{}", self.name);
        let mut listed = Vec::new();
        for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
            let to = files.join(&licences).join(licence);
            copy(&root.join(licence), &to)?;
            mode(&to, 0o644)?;
            listed.push(format!("%license /{licences}/{licence}"));
        }
        listed.push(format!("%dir /{licences}"));
        for file in &self.files {
            let to = files.join(&file.to);
            copy(&file.from, &to)?;
            mode(&to, file.mode)?;
            listed.push(if file.config { format!("%config(noreplace) /{}", file.to) } else { format!("/{}", file.to) });
        }
        for (link, points_to) in &self.links {
            let at = files.join(link);
            if let Some(parent) = at.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::os::unix::fs::symlink(points_to, &at).map_err(|e| format!("{}: {e}", at.display()))?;
            listed.push(format!("/{link}"));
        }
        // The folders only this package has (the PHP package's tree).
        if self.files.iter().any(|f| f.to.starts_with("usr/share/php/sectigo/")) {
            let dirs = capture(
                "listing folders",
                Command::new("find").arg(files.join("usr/share/php/sectigo")).args(["-type", "d"]),
            )?;
            let mut dirs: Vec<&str> = dirs.lines().collect();
            dirs.sort();
            for dir in dirs {
                let inside = Path::new(dir).strip_prefix(&files).map_err(|e| e.to_string())?;
                listed.push(format!("%dir /{}", inside.display()));
            }
        }
        let spec = top.join(format!("{}.spec", self.name));
        write(&spec, self.spec(root, &files, &listed)?.as_bytes())?;
        let out = top.join("out");
        let mut build = Command::new("rpmbuild");
        build
            .env("SOURCE_DATE_EPOCH", source_date(root))
            .args(["-bb", "--quiet", "--target", &format!("{}-linux", self.arch)])
            .arg("--define")
            .arg(format!("_topdir {}", top.display()))
            .arg("--define")
            .arg(format!("_rpmdir {}", out.display()))
            .arg("--define")
            .arg("_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm")
            .arg(&spec);
        capture(&format!("rpmbuild {}", self.name), &mut build)?;
        let name = file_name(&self.name, self.arch);
        let rpm = dist.join(&name);
        std::fs::rename(out.join(&name), &rpm).map_err(|e| format!("rpmbuild made no {name}: {e}"))?;
        Ok(rpm)
    }

    fn spec(&self, root: &Path, files: &Path, listed: &[String]) -> Result<String, String> {
        let mut spec = String::from(SPEC_HEAD);
        spec.push_str(&format!(
            "Name: {}\nVersion: {VERSION}\nRelease: {RELEASE}\nSummary: {}\nGroup: {}\nLicense: MIT OR Apache-2.0\nURL: {HOMEPAGE}\nPackager: {MAINTAINER}\n",
            self.name, self.summary, self.group
        ));
        if self.arch == "noarch" {
            spec.push_str("BuildArch: noarch\n");
        }
        for requires in &self.requires {
            spec.push_str(&format!("Requires: {requires}\n"));
        }
        spec.push_str(&format!("\n%description\n{}\n", wrap(&self.description, 79, "")));
        spec.push_str(&format!("%install\ncp -a '{}/.' '%{{buildroot}}/'\n\n", files.display()));
        for (section, body) in &self.scripts {
            spec.push_str(&format!("{section}\n{body}\n\n"));
        }
        spec.push_str("%files\n%defattr(-,root,root,-)\n");
        for line in listed {
            spec.push_str(line);
            spec.push('\n');
        }
        let date = capture(
            "date",
            Command::new("date").args(["-u", "+%a %b %d %Y", "-d"]).arg(format!("@{}", source_date(root))),
        )?;
        spec.push_str(&format!(
            "\n%changelog\n* {} {MAINTAINER} - {VERSION}-{RELEASE}\n- Release {VERSION} of the Sectigo reseller API SDK.\n",
            date.trim()
        ));
        Ok(spec)
    }
}

/// What every spec starts with: the files are built already (no debug package, no stripping
/// or other post-install steps, which would run this machine's tools on another
/// architecture's files); an xz payload, which EL 7 reads; time stamps from
/// `SOURCE_DATE_EPOCH`.
const SPEC_HEAD: &str = "\
%global debug_package %{nil}
%global __os_install_post %{nil}
%global _build_id_links none
%global _binary_payload w9.xzdio
%global _buildhost sectigo-sdk
%global use_source_date_epoch_as_buildtime 1
%global clamp_mtime_to_source_date_epoch 1
%global source_date_epoch_from_changelog 0
";
