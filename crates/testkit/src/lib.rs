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
