//! The Rust embedding against vectors computed once by an independent numpy forward pass of
//! the same weights (tests/data/reference.py, output in reference.json).

use std::path::PathBuf;

use nextflex_text_model::{DIMENSIONS, Error, TextModel, cosine};

/// The model folder from NEXTFLEX_TEXT_MODEL; without it the test says so and passes, except
/// under CI, which fetches the model and must run these.
fn model_dir() -> Option<PathBuf> {
    match std::env::var_os("NEXTFLEX_TEXT_MODEL") {
        Some(dir) => Some(PathBuf::from(dir)),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI must set NEXTFLEX_TEXT_MODEL (see .ci/run)")
        }
        None => {
            eprintln!("skipped: NEXTFLEX_TEXT_MODEL is not set (`make text-model` fetches it)");
            None
        }
    }
}

#[test]
fn embeddings_equal_the_reference_vectors() {
    let Some(dir) = model_dir() else { return };
    let model = TextModel::load(&dir).expect("the model loads");
    let sentences = include_str!("data/sentences.txt");
    let sentences: Vec<&str> = sentences.lines().collect();
    let reference: Vec<Vec<f32>> =
        serde_json::from_str(include_str!("data/reference.json")).expect("reference vectors");
    assert_eq!(sentences.len(), reference.len());
    // One at a time, and all in one padded batch: padding must not change a vector.
    let batched = model.embed(&sentences).expect("embeds");
    for (i, sentence) in sentences.iter().enumerate() {
        let alone = model.embed(&[sentence]).expect("embeds").remove(0);
        for got in [&alone, &batched[i]] {
            assert_eq!(got.len(), DIMENSIONS);
            let worst = got
                .iter()
                .zip(&reference[i])
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(worst < 1e-4, "{sentence:?}: off by {worst}");
        }
    }
}

#[test]
fn meaning_is_closer_than_words() {
    let Some(dir) = model_dir() else { return };
    let model = TextModel::load(&dir).expect("the model loads");
    let v = model
        .embed(&[
            "a shark terrorises a beach town",
            "A great white shark attacks swimmers at a summer resort island.",
            "A boy discovers he is a wizard and goes to a school of magic.",
        ])
        .expect("embeds");
    assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.2);
    let many = model
        .embed_many(&["b".repeat(40), "a".into(), "c".repeat(3)], &mut |_| {})
        .expect("embeds");
    let alone = model.embed(&["a"]).expect("embeds").remove(0);
    assert!(cosine(&many[1], &alone) > 0.9999, "order kept");
}

#[test]
fn a_wrong_or_missing_model_is_refused_by_name() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path();
    match TextModel::load(dir) {
        Err(Error::Missing { file, .. }) => assert_eq!(file, "config.json"),
        other => panic!("expected Missing, got {other:?}"),
    }
    for name in ["config.json", "tokenizer.json", "model.safetensors"] {
        std::fs::write(dir.join(name), b"{}").expect("writes");
    }
    match TextModel::load(dir) {
        Err(Error::Checksum { found, .. }) => assert_ne!(found, nextflex_text_model::MODEL_SHA256),
        other => panic!("expected Checksum, got {other:?}"),
    }
}
