//! A model version's stored form: one object, `models/<version>/snapshot.bin`, holding what
//! training produced (rating statistics, the similar lists, the ALS model, the ranking model,
//! the build report).
//! The catalogue itself is read from the database when a version is loaded.
//!
//! Layout: the magic `NXFLXSNP`, the format version (u32), the payload, then the SHA-256 of
//! everything before it. Numbers are little-endian; a list is its length (u64) and its items;
//! text is UTF-8 with its length. Loading checks the magic, the format version and the
//! checksum before decoding, and decoding checks every length, so a corrupt, truncated or
//! foreign object is refused whole, never half-loaded.

use std::collections::HashMap;

use nextflex_engine::als::{AlsModel, AlsParams, AlsParts};
use nextflex_engine::blend::BlendModel;
use nextflex_engine::content::TermParts;
use nextflex_engine::ease::{EaseModel, EaseParams, EaseParts};
use nextflex_engine::ials::{Feedback, IalsModel, IalsParams, IalsParts, Objective};
use nextflex_engine::ranking::RankingModel;
use nextflex_engine::similar::{SimilarIndex, SimilarParts};
use sha2::{Digest, Sha256};

use crate::recommender::{BuildReport, Embeddings, RatingStats, Trained};
use nextflex_store::error::{Error, Result};

const MAGIC: &[u8; 8] = b"NXFLXSNP";
/// Bumped whenever the layout changes in a way this build could not read back; other versions
/// are refused (retrain to upgrade). A new kind of ranking section gets a tag of its own
/// instead, and the old tags stay readable (2, EASE before the time decay, reads as no decay):
/// a version stored before it still loads. An older build refuses a newer tag whole.
pub const FORMAT_VERSION: u32 = 6;

/// The object key of a version's snapshot.
pub fn key(version: &str) -> String {
    format!("{}snapshot.bin", prefix(version))
}

/// The folder of a version's objects.
pub fn prefix(version: &str) -> String {
    format!("models/{version}/")
}

/// Encodes what training produced; returns the bytes and their hex SHA-256 (the trailing one).
pub fn encode(trained: &Trained) -> Result<(Vec<u8>, String)> {
    let mut w = Writer(Vec::with_capacity(1 << 20));
    w.0.extend_from_slice(MAGIC);
    w.u32(FORMAT_VERSION);
    for stats in [&trained.stats, &trained.dataset_stats] {
        let mut rows: Vec<(&i64, &RatingStats)> = stats.iter().collect();
        rows.sort_by_key(|(id, _)| **id);
        w.len(rows.len());
        for (id, s) in rows {
            w.i64(*id);
            w.u64(s.count);
            w.f64(s.mean);
        }
    }
    let c = trained.similar.to_parts();
    w.len(c.k);
    w.len(c.ids.len());
    for ((id, title), year) in c.ids.iter().zip(&c.titles).zip(&c.years) {
        w.i64(*id);
        w.str(title);
        w.i64(year.unwrap_or(i64::MIN));
    }
    w.len(c.terms.names.len());
    for (name, role) in c.terms.names.iter().zip(&c.terms.roles) {
        w.str(name);
        w.u8(*role);
    }
    w.u32s(&c.terms.offsets);
    w.u32s(&c.terms.terms);
    w.u32s(&c.neighbours);
    w.f32s(&c.scores);
    w.f32s(&c.collaborative);
    w.len(c.series.len());
    c.series.iter().for_each(|x| w.u8(*x));
    match &trained.als {
        None => w.u8(0),
        Some(model) => {
            // 3: with the half-life and the day penalty (2 reads as no day biases, 1 as neither).
            w.u8(3);
            let p = model.to_parts();
            w.len(p.params.rank);
            w.len(p.params.iterations);
            w.f64(p.params.lambda);
            w.f64(p.params.bias_lambda);
            w.u64(p.params.seed);
            w.f64(p.params.popularity_weight);
            w.f64(p.params.half_life_days);
            w.f64(p.params.day_lambda);
            w.f64(p.mean);
            w.f32(p.min_rating);
            w.f32(p.max_rating);
            w.u32s(&p.user_ids);
            w.u32s(&p.item_ids);
            for v in [
                &p.user_bias,
                &p.item_bias,
                &p.item_boost,
                &p.user_factors,
                &p.item_factors,
            ] {
                w.f64s(v);
            }
        }
    }
    match &trained.ranking {
        None => w.u8(0),
        Some(RankingModel::Ials(model)) => w.ials(model),
        Some(RankingModel::Ease(model)) => w.ease(model),
        Some(RankingModel::Blend(model)) => {
            // 5: the blend: iALS's weight, then EASE's section and iALS's, each with its tag.
            w.u8(5);
            w.f64(model.ials_weight());
            w.ease(model.ease());
            w.ials(model.ials());
        }
    }
    match &trained.embeddings {
        None => w.u8(0),
        Some(e) => {
            w.u8(1);
            w.embeddings(e);
        }
    }
    let report = serde_json::to_string(&trained.report)
        .map_err(|e| Error::internal("cannot encode the build report", e))?;
    w.str(&report);
    let digest = Sha256::digest(&w.0);
    w.0.extend_from_slice(&digest);
    Ok((w.0, hex(&digest)))
}

const EMBEDDINGS_MAGIC: &[u8; 8] = b"NXFLXEMB";

/// The embeddings cache: the magic `NXFLXEMB`, the embeddings, then the SHA-256 of all before.
pub fn encode_embeddings(embeddings: &Embeddings) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(embeddings.vectors.len() * 4 + 64));
    w.0.extend_from_slice(EMBEDDINGS_MAGIC);
    w.embeddings(embeddings);
    let digest = Sha256::digest(&w.0);
    w.0.extend_from_slice(&digest);
    w.0
}

/// Reads the embeddings cache, refusing anything damaged.
pub fn decode_embeddings(bytes: &[u8]) -> Result<Embeddings> {
    let corrupt = |what: &str| Error::Invalid(format!("the embeddings cache is unusable: {what}"));
    if bytes.len() < EMBEDDINGS_MAGIC.len() + 32
        || &bytes[..EMBEDDINGS_MAGIC.len()] != EMBEDDINGS_MAGIC
    {
        return Err(corrupt("it is not a NextFlex embeddings cache"));
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != digest {
        return Err(corrupt("its checksum does not match"));
    }
    let mut r = Reader {
        bytes: body,
        at: EMBEDDINGS_MAGIC.len(),
    };
    let embeddings = r.embeddings()?;
    if r.at != body.len() {
        return Err(corrupt("it has trailing bytes"));
    }
    Ok(embeddings)
}

/// Decodes a stored snapshot, refusing anything that is not whole and of this format.
pub fn decode(bytes: &[u8]) -> Result<Trained> {
    let corrupt = unusable;
    if bytes.len() < MAGIC.len() + 4 + 32 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(corrupt("it is not a NextFlex model snapshot"));
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    let mut r = Reader {
        bytes: body,
        at: MAGIC.len(),
    };
    let format = r.u32()?;
    if format != FORMAT_VERSION {
        return Err(corrupt(&format!(
            "its format version is {format}, this build reads {FORMAT_VERSION}; train a new version"
        )));
    }
    if Sha256::digest(body).as_slice() != digest {
        return Err(corrupt(
            "its checksum does not match (the object is damaged)",
        ));
    }
    let mut stats = Vec::with_capacity(2);
    for _ in 0..2 {
        let n = r.len()?;
        let mut map = HashMap::with_capacity(n);
        for _ in 0..n {
            let id = r.i64()?;
            let count = r.u64()?;
            let mean = r.f64()?;
            map.insert(id, RatingStats { count, mean });
        }
        stats.push(map);
    }
    let k = r.len()?;
    let n = r.len()?;
    let (mut ids, mut titles, mut years) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        ids.push(r.i64()?);
        titles.push(r.str()?);
        let year = r.i64()?;
        years.push((year != i64::MIN).then_some(year));
    }
    let terms = r.len()?;
    let (mut names, mut roles) = (Vec::new(), Vec::new());
    for _ in 0..terms {
        names.push(r.str()?);
        roles.push(r.u8()?);
    }
    let terms = TermParts {
        names,
        roles,
        offsets: r.u32s()?,
        terms: r.u32s()?,
    };
    let similar = SimilarIndex::from_parts(SimilarParts {
        k,
        ids,
        titles,
        years,
        terms,
        neighbours: r.u32s()?,
        scores: r.f32s()?,
        collaborative: r.f32s()?,
        series: {
            let n = r.len()?;
            (0..n).map(|_| r.u8()).collect::<Result<_>>()?
        },
    })
    .map_err(|e| corrupt(&e.to_string()))?;
    let als = match r.u8()? {
        0 => None,
        tag @ 1..=3 => {
            let params = AlsParams {
                rank: r.len()?,
                iterations: r.len()?,
                lambda: r.f64()?,
                bias_lambda: r.f64()?,
                seed: r.u64()?,
                popularity_weight: r.f64()?,
                half_life_days: if tag >= 2 { r.f64()? } else { 0.0 },
                day_lambda: if tag >= 3 { r.f64()? } else { 0.0 },
            };
            let parts = AlsParts {
                params,
                mean: r.f64()?,
                min_rating: r.f32()?,
                max_rating: r.f32()?,
                user_ids: r.u32s()?,
                item_ids: r.u32s()?,
                user_bias: r.f64s()?,
                item_bias: r.f64s()?,
                item_boost: r.f64s()?,
                user_factors: r.f64s()?,
                item_factors: r.f64s()?,
            };
            Some(AlsModel::from_parts(parts).map_err(|e| corrupt(&e.to_string()))?)
        }
        _ => return Err(corrupt("unknown model section")),
    };
    let ranking = match r.u8()? {
        0 => None,
        5 => {
            let weight = r.f64()?;
            let ease = match r.u8()? {
                tag @ (2 | 4) => r.ease(tag)?,
                _ => return Err(corrupt("the blend's first model is not EASE")),
            };
            let ials = match r.u8()? {
                tag @ (1 | 3) => r.ials(tag)?,
                _ => return Err(corrupt("the blend's second model is not iALS")),
            };
            let blend = BlendModel::new(ease, ials, weight).map_err(|e| corrupt(&e.to_string()))?;
            Some(RankingModel::Blend(Box::new(blend)))
        }
        tag @ (1 | 3) => Some(RankingModel::Ials(r.ials(tag)?)),
        tag @ (2 | 4) => Some(RankingModel::Ease(r.ease(tag)?)),
        _ => return Err(corrupt("unknown ranking model section")),
    };
    let embeddings = match r.u8()? {
        0 => None,
        1 => Some(r.embeddings()?),
        _ => return Err(corrupt("unknown embeddings section")),
    };
    let report: BuildReport =
        serde_json::from_str(&r.str()?).map_err(|e| corrupt(&format!("build report: {e}")))?;
    if r.at != body.len() {
        return Err(corrupt("it has trailing bytes"));
    }
    let [stats, dataset_stats]: [HashMap<i64, RatingStats>; 2] =
        stats.try_into().map_err(|_| corrupt("statistics"))?;
    Ok(Trained {
        stats,
        dataset_stats,
        similar,
        similar_params: None,
        als,
        ranking,
        embeddings,
        report,
    })
}

/// The error of a snapshot that cannot be read.
fn unusable(what: &str) -> Error {
    Error::Invalid(format!("the model artifact is unusable: {what}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Writer(Vec<u8>);

impl Writer {
    /// An iALS section with its tag: 1 trained here; 3 Spark's objective (imported), its α
    /// after the seed.
    fn ials(&mut self, model: &IalsModel) {
        let p = model.to_parts();
        let q = p.params;
        self.u8(match q.objective {
            Objective::Rendle => 1,
            Objective::Spark { .. } => 3,
        });
        self.len(q.factors);
        self.len(q.iterations);
        self.f64(q.regularization);
        self.f64(q.unobserved_weight);
        self.f64(q.frequency_exponent);
        self.len(q.cg_steps);
        self.feedback(&q.feedback);
        self.u64(q.seed);
        if let Objective::Spark { alpha } = q.objective {
            self.f64(alpha);
        }
        self.len(p.users);
        self.u32s(&p.item_ids);
        self.f64s(&p.item_factors);
    }

    /// An EASE section with its tag: 4 (2, before the time decay, is read as no decay).
    fn ease(&mut self, model: &EaseModel) {
        self.u8(4);
        let p = model.to_parts();
        self.f64(p.params.lambda);
        self.len(p.params.min_likes);
        self.len(p.params.max_items);
        self.feedback(&p.params.feedback);
        self.f64(p.params.popularity_discount);
        self.f32(p.params.dislike_below);
        self.f32(p.params.negative_weight);
        self.f64(p.params.half_life_days);
        self.u32s(&p.item_ids);
        self.f32s(&p.weights);
    }

    fn embeddings(&mut self, e: &Embeddings) {
        self.str(&e.model);
        self.len(e.ids.len());
        e.ids.iter().for_each(|&id| self.i64(id));
        e.hashes.iter().for_each(|&h| self.u64(h));
        self.f32s(&e.vectors);
    }
    fn feedback(&mut self, f: &Feedback) {
        self.f32(f.positive_from);
        self.f64(f.value_weight);
        self.f64(f.negative_weight);
    }
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, v: usize) {
        self.u64(v as u64);
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f32(&mut self, v: f32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, v: &str) {
        self.len(v.len());
        self.0.extend_from_slice(v.as_bytes());
    }
    fn u32s(&mut self, v: &[u32]) {
        self.len(v.len());
        v.iter().for_each(|x| self.u32(*x));
    }
    fn f32s(&mut self, v: &[f32]) {
        self.len(v.len());
        v.iter().for_each(|x| self.f32(*x));
    }
    fn f64s(&mut self, v: &[f64]) {
        self.len(v.len());
        v.iter().for_each(|x| self.f64(*x));
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    /// An iALS section after its tag (1 or 3, see [`Writer::ials`]).
    fn ials(&mut self, tag: u8) -> Result<IalsModel> {
        let mut params = IalsParams {
            factors: self.len()?,
            iterations: self.len()?,
            regularization: self.f64()?,
            unobserved_weight: self.f64()?,
            frequency_exponent: self.f64()?,
            cg_steps: self.len()?,
            feedback: self.feedback()?,
            seed: self.u64()?,
            objective: Objective::Rendle,
        };
        if tag == 3 {
            params.objective = Objective::Spark { alpha: self.f64()? };
        }
        let parts = IalsParts {
            params,
            users: self.count()?,
            item_ids: self.u32s()?,
            item_factors: self.f64s()?,
        };
        IalsModel::from_parts(parts).map_err(|e| unusable(&e.to_string()))
    }

    /// An EASE section after its tag (2 or 4, see [`Writer::ease`]).
    fn ease(&mut self, tag: u8) -> Result<EaseModel> {
        let params = EaseParams {
            lambda: self.f64()?,
            min_likes: self.count()?,
            max_items: self.count()?,
            feedback: self.feedback()?,
            popularity_discount: self.f64()?,
            dislike_below: self.f32()?,
            negative_weight: self.f32()?,
            half_life_days: if tag == 4 { self.f64()? } else { 0.0 },
        };
        let parts = EaseParts {
            params,
            item_ids: self.u32s()?,
            weights: self.f32s()?,
        };
        EaseModel::from_parts(parts).map_err(|e| unusable(&e.to_string()))
    }

    fn embeddings(&mut self) -> Result<Embeddings> {
        let model = self.str()?;
        let n = self.len()?;
        let ids = (0..n).map(|_| self.i64()).collect::<Result<Vec<_>>>()?;
        let hashes = (0..n).map(|_| self.u64()).collect::<Result<Vec<_>>>()?;
        let vectors = self.f32s()?;
        if vectors.len() != n * nextflex_text_model::DIMENSIONS {
            return Err(Error::Invalid(
                "the embeddings are not one vector per film".into(),
            ));
        }
        Ok(Embeddings {
            model,
            ids,
            hashes,
            vectors,
        })
    }
    fn feedback(&mut self) -> Result<Feedback> {
        Ok(Feedback {
            positive_from: self.f32()?,
            value_weight: self.f64()?,
            negative_weight: self.f64()?,
        })
    }
    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        let end = self.at.checked_add(N).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(Error::Invalid(
                "the model artifact is unusable: it is truncated".into(),
            ));
        };
        let mut out = [0u8; N];
        out.copy_from_slice(&self.bytes[self.at..end]);
        self.at = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take::<1>()?[0])
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take()?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take()?))
    }
    /// A length, which must fit in what is left (at one byte per item at least).
    /// A number that is not the length of what follows (so not bounded by the bytes left).
    fn count(&mut self) -> Result<usize> {
        usize::try_from(self.u64()?).map_err(|_| {
            Error::Invalid("the model artifact is unusable: a count is out of range".into())
        })
    }
    fn len(&mut self) -> Result<usize> {
        let n = self.u64()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.bytes.len() - self.at)
            .ok_or_else(|| {
                Error::Invalid("the model artifact is unusable: a length is out of range".into())
            })
    }
    fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_le_bytes(self.take()?))
    }
    fn f32(&mut self) -> Result<f32> {
        Ok(f32::from_le_bytes(self.take()?))
    }
    fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(self.take()?))
    }
    fn str(&mut self) -> Result<String> {
        let n = self.len()?;
        let bytes = self.bytes[self.at..self.at + n].to_vec();
        self.at += n;
        String::from_utf8(bytes)
            .map_err(|_| Error::Invalid("the model artifact is unusable: text is not UTF-8".into()))
    }
    fn u32s(&mut self) -> Result<Vec<u32>> {
        let n = self.len()?;
        (0..n).map(|_| self.u32()).collect()
    }
    fn f32s(&mut self) -> Result<Vec<f32>> {
        let n = self.len()?;
        (0..n).map(|_| self.f32()).collect()
    }
    fn f64s(&mut self) -> Result<Vec<f64>> {
        let n = self.len()?;
        (0..n).map(|_| self.f64()).collect()
    }
}
