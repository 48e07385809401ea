//! The `nextflex` binary as users run it: a command without the caller's NEXTFLEX_* variables,
//! its output, and a `nextflex serve` process.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The binary, with no NEXTFLEX_* variables from the caller's environment.
pub fn nextflex(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nextflex"));
    cmd.current_dir(cwd);
    for (key, _) in std::env::vars() {
        if key.starts_with("NEXTFLEX_") || key.starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// The binary under an open-file limit (`ulimit -n`), as an operator's service manager may set.
pub fn nextflex_with_file_limit(cwd: &Path, limit: u32) -> Command {
    let plain = nextflex(cwd);
    let mut cmd = Command::new("sh");
    cmd.current_dir(cwd)
        .args(["-c", &format!("ulimit -n {limit} && exec \"$0\" \"$@\"")])
        .arg(plain.get_program());
    for (key, value) in plain.get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A `nextflex serve` process; its address is read from the "listening on" log line.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    log: mpsc::Receiver<String>,
    /// The log lines before "listening on".
    pub startup: String,
}

impl Server {
    pub fn start(cmd: &mut Command) -> Server {
        let mut child = cmd
            .arg("serve")
            .env("NEXTFLEX_ADDR", "127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, log) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = String::new();
        let addr = loop {
            match log.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    if let Some(rest) = line.split("listening on http://").nth(1) {
                        let addr: String = rest
                            .chars()
                            .take_while(|c| !c.is_whitespace() && *c != '"')
                            .collect();
                        break addr.parse().unwrap();
                    }
                    seen.push_str(&line);
                    seen.push('\n');
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!("server did not start; log:\n{seen}");
                }
            }
        };
        Server {
            child,
            addr,
            log,
            startup: seen,
        }
    }

    /// Waits for a log line containing all of `parts`.
    pub fn wait_for_log(&self, parts: &[&str], within: Duration) -> String {
        let deadline = std::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if parts.iter().all(|p| line.contains(p)) => return line,
                Ok(_) => {}
                Err(_) => panic!("no log line with {parts:?} within {within:?}"),
            }
        }
    }

    /// Sends SIGTERM and returns the exit status and the rest of the log.
    pub fn terminate(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                let log: Vec<String> = self.log.try_iter().collect();
                panic!("server ignored SIGTERM; its log since: {log:#?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let rest = self.log.try_iter().collect();
        (status, rest)
    }
}

pub fn copy_fixture(name: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(super::fixture(name)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}
