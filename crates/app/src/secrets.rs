//! The JWT signing secret: from `NEXTFLEX_JWT_SECRET`, or generated once and kept in the data
//! folder (mode 0600) so that tokens stay valid across restarts.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use rand::Rng;

use nextflex_store::config::Secret;
use nextflex_store::error::{Error, Result};

pub const SECRET_FILE: &str = "jwt-secret";
const MIN_LEN: usize = 32;

/// Returns the configured secret, else the one kept in `data_dir`, creating it on first start.
pub fn jwt_secret(configured: Option<String>, data_dir: &Path) -> Result<Secret> {
    if let Some(value) = configured.filter(|v| !v.is_empty()) {
        if value.len() < MIN_LEN {
            return Err(Error::Config(format!(
                "NEXTFLEX_JWT_SECRET is too short: use at least {MIN_LEN} characters"
            )));
        }
        return Ok(Secret::new(value));
    }
    let path = data_dir.join(SECRET_FILE);
    match read_secret_file(&path)? {
        Some(secret) => Ok(secret),
        None => create_secret_file(data_dir, &path),
    }
}

fn read_secret_file(path: &Path) -> Result<Option<Secret>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::Config(format!(
                "cannot read the JWT secret file {}: {e}",
                path.display()
            )));
        }
    };
    let value = text.trim();
    if value.len() < MIN_LEN {
        return Err(Error::Config(format!(
            "the JWT secret file {} is damaged (shorter than {MIN_LEN} characters): delete it to \
             generate a new one, which logs everybody out",
            path.display()
        )));
    }
    // Someone loosened the permissions: tighten them again rather than refuse to start.
    if let Ok(meta) = fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(path = %path.display(), "the JWT secret file was readable by others; setting mode 0600");
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(|e| {
            Error::Config(format!("cannot set mode 0600 on {}: {e}", path.display()))
        })?;
    }
    Ok(Some(Secret::new(value)))
}

fn create_secret_file(data_dir: &Path, path: &Path) -> Result<Secret> {
    fs::create_dir_all(data_dir).map_err(|e| {
        Error::Config(format!(
            "cannot create the data folder {}: {e}",
            data_dir.display()
        ))
    })?;
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let value: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // create_new: if another process won the race, use its secret instead of overwriting it.
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match file {
        Ok(mut f) => {
            f.write_all(value.as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(|e| {
                    Error::Config(format!(
                        "cannot write the JWT secret file {}: {e}",
                        path.display()
                    ))
                })?;
            tracing::info!(path = %path.display(), "generated a new JWT secret");
            Ok(Secret::new(value))
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            read_secret_file(path)?.ok_or_else(|| {
                Error::Config(format!("the JWT secret file {} vanished", path.display()))
            })
        }
        Err(e) => Err(Error::Config(format!(
            "cannot create the JWT secret file {}: {e}",
            path.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("var");
        let first = jwt_secret(None, &data).unwrap();
        let mode = fs::metadata(data.join(SECRET_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(first.expose().len(), 96);
        let again = jwt_secret(None, &data).unwrap();
        assert_eq!(first, again);
    }

    #[test]
    fn configured_secret_wins_and_must_be_long() {
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(40);
        assert_eq!(
            jwt_secret(Some(long.clone()), dir.path()).unwrap().expose(),
            long
        );
        assert!(!dir.path().join(SECRET_FILE).exists());
        let err = jwt_secret(Some("short".into()), dir.path()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn loose_permissions_are_tightened_and_damage_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SECRET_FILE);
        fs::write(&path, "y".repeat(64)).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        jwt_secret(None, dir.path()).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::write(&path, "tiny").unwrap();
        assert!(
            jwt_secret(None, dir.path())
                .unwrap_err()
                .to_string()
                .contains("damaged")
        );
    }
}
