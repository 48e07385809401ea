//! Object storage: the same round trip on a local folder, in memory and on S3 (moto).

use futures::TryStreamExt;
use nextflex_store::config::StorageConfig;
use nextflex_store::storage::Storage;
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};

use crate::helpers::Moto;

async fn round_trip(storage: &Storage) {
    let store = storage.store();
    let key = Path::from("datasets/ml-latest-small/ratings.parquet");
    let data = (0..=255u8).cycle().take(300_000).collect::<Vec<u8>>();
    store
        .put(&key, PutPayload::from(data.clone()))
        .await
        .unwrap();
    store
        .put(
            &Path::from("models/v1/als.bin"),
            PutPayload::from_static(b"model"),
        )
        .await
        .unwrap();

    let got = store.get(&key).await.unwrap().bytes().await.unwrap();
    assert_eq!(got.as_ref(), data.as_slice());
    assert_eq!(store.head(&key).await.unwrap().size, 300_000);

    let listed: Vec<String> = store
        .list(Some(&Path::from("datasets")))
        .map_ok(|m| m.location.to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, vec![key.to_string()]);

    store.delete(&key).await.unwrap();
    assert!(matches!(
        store.get(&key).await,
        Err(object_store::Error::NotFound { .. })
    ));
    storage.ping().await.unwrap();
}

#[tokio::test]
async fn local_folder_is_created_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("var/objects");
    let storage = Storage::open(&StorageConfig::Local(root.clone()))
        .await
        .unwrap();
    assert!(root.join("_nextflex/marker").is_file());
    round_trip(&storage).await;
    assert!(root.join("models/v1/als.bin").is_file());
}

#[tokio::test]
async fn local_folder_that_cannot_be_created_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = Storage::open(&StorageConfig::Local(file.join("objects")))
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 2, "{err}");
    assert!(
        err.to_string().contains("cannot create the storage folder"),
        "{err}"
    );
}

#[tokio::test]
async fn memory_round_trips() {
    let storage = Storage::open(&StorageConfig::Memory).await.unwrap();
    round_trip(&storage).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_round_trips_under_its_prefix() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    moto.create_bucket("nextflex").await;
    let storage = Storage::open(&moto.storage_config("nextflex", "prod/eu"))
        .await
        .unwrap();
    round_trip(&storage).await;

    // The prefix is real: the bucket seen without it holds the objects under prefix/.
    let whole = Storage::open(&moto.storage_config("nextflex", ""))
        .await
        .unwrap();
    whole
        .store()
        .head(&Path::from("prod/eu/models/v1/als.bin"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_missing_bucket_is_a_config_error() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let err = Storage::open(&moto.storage_config("no-such-bucket", ""))
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 2, "{err}");
    assert!(
        err.to_string()
            .contains("cannot write to the object storage"),
        "{err}"
    );
}
