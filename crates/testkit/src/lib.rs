//! What the test suites need from the machine, shared by the integration tests (`tests/`) and the
//! tests that run the server binary (`api/tests/`): Debian's packages found or installed, so
//! `cargo test --workspace` passes on a fresh machine as it is, and child processes killed with
//! their whole process group, so a test that panics leaves nothing running.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A program the tests run and the Debian package it comes from.
#[derive(Clone, Copy, Debug)]
pub struct Program {
    pub path: &'static str,
    pub package: &'static str,
}

pub const CHROMIUM: Program = Program {
    path: "/usr/bin/chromium",
    package: "chromium",
};
pub const CHROMEDRIVER: Program = Program {
    path: "/usr/bin/chromedriver",
    package: "chromium-driver",
};
pub const NGINX: Program = Program {
    path: "/usr/sbin/nginx",
    package: "nginx-light",
};

/// One installation at a time within a test binary; apt's own lock orders the binaries.
static INSTALLING: Mutex<()> = Mutex::new(());

/// Returns once every program is on the machine, installing the missing ones' packages with
/// apt-get (as root, or through `sudo -n`). Panics with what to do when that is not possible.
pub fn ensure(programs: &[Program]) {
    let missing = |programs: &[Program]| -> Vec<&'static str> {
        programs
            .iter()
            .filter(|p| !Path::new(p.path).exists())
            .map(|p| p.package)
            .collect()
    };
    if missing(programs).is_empty() {
        return;
    }
    let _one = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    // Another binary's apt-get may hold apt's lock past its own timeout: wait for it.
    let deadline = Instant::now() + Duration::from_secs(900);
    let mut last = String::new();
    while Instant::now() < deadline {
        let packages = missing(programs);
        if packages.is_empty() {
            return;
        }
        match apt_get(&packages) {
            Ok(()) if missing(programs).is_empty() => return,
            Ok(()) => panic!(
                "apt-get installed {packages:?}, but {:?} are still missing: set their paths \
                 (CHROMIUM, CHROMEDRIVER) or install them by hand",
                missing(programs)
            ),
            // Only a held lock is worth waiting for; anything else (no root, no sudo, no
            // network) will not change by itself.
            Err(e) if e.contains("lock") => last = e,
            Err(e) => panic!(
                "the tests need {packages:?} and could not install them ({e}): run \
                 `apt-get install -y {}` as root",
                packages.join(" ")
            ),
        }
        std::thread::sleep(Duration::from_secs(5));
    }
    panic!(
        "the tests need {:?} and could not install them ({last}): run \
         `apt-get install -y {}` as root",
        missing(programs),
        missing(programs).join(" ")
    );
}

fn apt_get(packages: &[&str]) -> Result<(), String> {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let run = |args: &[&str]| -> Result<(), String> {
        let mut cmd = if root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.args(["-n", "apt-get"]);
            c
        };
        let out = cmd
            .args(["-o", "DPkg::Lock::Timeout=600", "-y", "-qq"])
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output()
            .map_err(|e| format!("apt-get does not run: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    };
    eprintln!("installing {packages:?} from Debian's packages for the tests");
    run(&["update"])?;
    let mut install = vec!["install", "--no-install-recommends"];
    install.extend_from_slice(packages);
    run(&install)
}

/// SIGKILL to every process in the group `pid` leads: a child started with `process_group(0)`
/// and everything it started (chromedriver's Chromium and its helpers; nginx's workers).
pub fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stderr(std::process::Stdio::null())
        .status();
}

/// The processes whose command line contains `marker`: how a test proves none outlived it.
pub fn processes_with(marker: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(marker))
                .unwrap_or(false)
        })
        .collect()
}

/// A TCP port on 127.0.0.1 that was free a moment ago, for a server or driver a test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// axe-core, the accessibility engine the browser tests inject into each page: this version from
/// the npm registry, checked against its pinned sha512 (`npm view axe-core@<v> dist.integrity`,
/// as hex). Fetched once with the machine's npm into `target/axe-core-<version>/` and read from
/// there after; nothing of it is committed. MPL-2.0, which lets a test load it unchanged.
pub const AXE_VERSION: &str = "4.14.1";
const AXE_SHA512: &str = "1477dafa598d8d065f273d6af302aa203c02e83131707b7fa648cd41bd3d6b734f8c22a0dab86ee6a6f64b8afbe804b214d36db85a2826965edfb3a0b9d546b5";

/// The source of `axe.min.js` (see [`AXE_VERSION`]); panics with what to do when npm cannot
/// fetch it.
pub fn axe_core() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target")
        .join(format!("axe-core-{AXE_VERSION}"));
    let script = dir.join("package/axe.min.js");
    let _one = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    if let Ok(source) = std::fs::read_to_string(&script) {
        return source;
    }
    let fail = |what: String| -> ! {
        panic!(
            "the accessibility tests need axe-core {AXE_VERSION} from the npm registry: {what} \
             (install Node.js and npm, or unpack `npm pack axe-core@{AXE_VERSION}` into {})",
            dir.display()
        )
    };
    // A folder of its own per attempt, renamed into place whole: a test binary running beside
    // this one never reads half a file.
    let work = dir.with_extension(format!("part-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap_or_else(|e| fail(format!("{}: {e}", work.display())));
    let run = |program: &str, args: &[&str]| -> String {
        let out = Command::new(program)
            .args(args)
            .current_dir(&work)
            .output()
            .unwrap_or_else(|e| fail(format!("{program} does not run: {e}")));
        if !out.status.success() {
            fail(format!(
                "{program} {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(
        "npm",
        &["pack", "--silent", &format!("axe-core@{AXE_VERSION}")],
    );
    let tarball = format!("axe-core-{AXE_VERSION}.tgz");
    let sum = run("sha512sum", &[&tarball]);
    if sum.split_whitespace().next() != Some(AXE_SHA512) {
        fail(format!(
            "the package does not match its pinned sha512 ({sum})"
        ));
    }
    run("tar", &["-xzf", &tarball]);
    // A binary beside this one may have put its copy in place meanwhile: then that one is used
    // and this one dropped (a rename onto a folder with files fails, and never half-replaces it).
    if !script.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = std::fs::rename(&work, &dir)
            && !script.exists()
        {
            fail(format!("{}: {e}", dir.display()));
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    std::fs::read_to_string(&script).unwrap_or_else(|e| fail(format!("{}: {e}", script.display())))
}
