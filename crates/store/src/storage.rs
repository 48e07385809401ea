//! Object storage for datasets, model artifacts and images: a local folder, process memory or
//! S3 (and S3-compatible servers), behind `object_store`'s one interface.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

use crate::config::{S3Config, StorageConfig};
use crate::error::{Error, Outage, Result};

/// Written at start-up and read by readiness checks: proves the store is writable and reachable.
const MARKER: &str = "_nextflex/marker";

#[derive(Clone, Debug)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    description: String,
    /// Requests through this handle's methods that failed (a missing object is no failure).
    errors: Arc<AtomicU64>,
    /// The folder of a local store (where an interrupted write leaves its staging files).
    local_root: Option<std::path::PathBuf>,
}

impl Storage {
    /// Opens the store and writes the marker object. Failing to do either is a configuration
    /// error (unwritable folder, unknown bucket, bad credentials, unreachable endpoint).
    pub async fn open(config: &StorageConfig) -> Result<Storage> {
        let description = config.describe();
        let store: Arc<dyn ObjectStore> = match config {
            StorageConfig::Local(root) => {
                std::fs::create_dir_all(root).map_err(|e| {
                    Error::Config(format!(
                        "cannot create the storage folder {}: {e}",
                        root.display()
                    ))
                })?;
                let fs = LocalFileSystem::new_with_prefix(root).map_err(|e| {
                    Error::Config(format!(
                        "cannot use the storage folder {}: {e}",
                        root.display()
                    ))
                })?;
                Arc::new(fs)
            }
            StorageConfig::Memory => Arc::new(InMemory::new()),
            StorageConfig::S3(s3) => s3_store(s3)?,
        };
        let local_root = match config {
            StorageConfig::Local(root) => Some(root.clone()),
            _ => None,
        };
        let storage = Storage {
            store,
            description,
            errors: Arc::default(),
            local_root,
        };
        storage
            .store
            .put(&Path::from(MARKER), marker())
            .await
            .map_err(|e| {
                Error::Config(format!(
                    "cannot write to the object storage {}: {}",
                    storage.description,
                    crate::error::one_line(&e.to_string())
                ))
            })?;
        Ok(storage)
    }

    /// Checks that the store takes writes, by writing the marker again (for readiness probes):
    /// a full disk or a read-only store must take the replica out of rotation, not only an
    /// unreachable one.
    pub async fn ping(&self) -> Result<()> {
        self.counted(self.store.put(&Path::from(MARKER), marker()).await)?;
        Ok(())
    }

    /// Failed requests so far (for the metrics).
    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }

    /// `outcome`, counting it if it is a failure other than a missing object.
    fn counted<T>(&self, outcome: object_store::Result<T>) -> object_store::Result<T> {
        if let Err(e) = &outcome
            && !matches!(e, object_store::Error::NotFound { .. })
        {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        outcome
    }

    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// Writes an object.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        self.counted(
            self.store
                .put(&Path::from(key), PutPayload::from(bytes))
                .await,
        )?;
        Ok(())
    }

    /// Reads a whole object; `None` if there is none under `key`.
    pub async fn get(&self, key: &str) -> Result<Option<bytes::Bytes>> {
        match self.counted(self.store.get(&Path::from(key)).await) {
            Ok(found) => Ok(Some(self.counted(found.bytes().await)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes objects, logging the ones that cannot be deleted instead of failing: it runs
    /// after the rows that pointed at them are gone, when nothing can be rolled back.
    pub async fn delete_logged(&self, keys: &[String]) {
        for key in keys {
            match self.counted(self.store.delete(&Path::from(key.as_str())).await) {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => {
                    tracing::warn!(key, error = %e, "cannot delete an object; it is orphaned")
                }
            }
        }
    }

    /// Deletes every object under `prefix` (a folder: `models/v1/`), with what an interrupted
    /// write left there (a local store's staging files, which listings do not show); how many
    /// objects there were.
    pub async fn delete_prefix(&self, prefix: &str) -> Result<usize> {
        use futures::TryStreamExt;
        let listed: Vec<Path> = self
            .counted(
                self.store
                    .list(Some(&Path::from(prefix)))
                    .map_ok(|meta| meta.location)
                    .try_collect()
                    .await,
            )
            .map_err(Error::from)?;
        // A local store's folder goes whole (staging files with it); others object by object.
        let Some(root) = &self.local_root else {
            for key in &listed {
                match self.counted(self.store.delete(key).await) {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            return Ok(listed.len());
        };
        let folder = root.join(prefix.trim_matches('/'));
        match tokio::fs::remove_dir_all(&folder).await {
            Ok(()) => Ok(listed.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(listed.len()),
            Err(e) => Err(Error::internal(
                format!("cannot remove {}", folder.display()),
                e,
            )),
        }
    }

    /// Where the objects are, for logs (no credentials).
    pub fn description(&self) -> &str {
        &self.description
    }
}

fn marker() -> PutPayload {
    PutPayload::from_static(concat!("nextflex ", env!("CARGO_PKG_VERSION")).as_bytes())
}

/// Whether `e` says the store itself is failing (full, read-only, unreachable, refusing our
/// credentials) rather than refusing this request (a missing object, a bad path).
pub fn outage(e: &object_store::Error) -> Option<Outage> {
    use object_store::Error as E;
    if matches!(
        e,
        E::NotFound { .. }
            | E::AlreadyExists { .. }
            | E::Precondition { .. }
            | E::NotModified { .. }
            | E::InvalidPath { .. }
            | E::NotSupported { .. }
            | E::NotImplemented { .. }
    ) {
        return None;
    }
    Some(Outage::of_io(e).unwrap_or(Outage::Down))
}

fn s3_store(s3: &S3Config) -> Result<Arc<dyn ObjectStore>> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_virtual_hosted_style_request(!s3.path_style)
        // Fail in seconds, not minutes: readiness probes and start-up must not hang.
        .with_retry(RetryConfig {
            max_retries: 2,
            retry_timeout: Duration::from_secs(10),
            ..RetryConfig::default()
        })
        .with_client_options(
            ClientOptions::new()
                .with_connect_timeout(Duration::from_secs(5))
                .with_timeout(Duration::from_secs(60)),
        );
    if let Some(endpoint) = &s3.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    if let Some(creds) = &s3.credentials {
        builder = builder
            .with_access_key_id(&creds.access_key_id)
            .with_secret_access_key(creds.secret_access_key.expose());
        if let Some(token) = &creds.session_token {
            builder = builder.with_token(token.expose());
        }
    }
    let store = builder
        .build()
        .map_err(|e| Error::Config(format!("invalid S3 settings for bucket {}: {e}", s3.bucket)))?;
    Ok(if s3.prefix.is_empty() {
        Arc::new(store)
    } else {
        Arc::new(PrefixStore::new(store, s3.prefix.as_str()))
    })
}
