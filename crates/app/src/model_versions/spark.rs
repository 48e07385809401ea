//! Spark's ALS and ours, both ways. Spark's model is factors only, a prediction being
//! `u · i`; ours adds a global mean and user and item biases. Imported, a Spark model keeps its
//! factors with a zero mean and zero biases, so that it predicts exactly what Spark predicts.
//! Exported, ours carries the rest in two extra factors: `u' = [u, mean + b_u, 1]` and
//! `i' = [i, 1, b_i]`, so that `u' · i'` is our prediction (before clamping to the rating scale).
//!
//! A model Spark trained with `implicitPrefs = true` becomes the ranking model instead: its item
//! factors with Spark's objective ([`Objective::Spark`]), so that folding a user in gives the
//! user factors Spark computed. Spark's saved model does not record how it was trained, so the
//! α and regParam it used are given.

use nextflex_data::spark::SparkAls;
use nextflex_engine::als::{AlsModel, AlsParams, AlsParts};
use nextflex_engine::ials::{IalsModel, IalsParams, IalsParts, Objective};

use nextflex_store::error::{Error, Result};

/// Our model from Spark's. Spark ids must be non-negative (they are the dataset's user ids and
/// the catalogue's movie ids that `spark/train_als.py` trained on).
pub fn from_spark(spark: &SparkAls) -> Result<AlsModel> {
    let param = |name: &str| spark.metadata["paramMap"][name].as_f64();
    let rank = spark.rank;
    let user_ids = ids(&spark.user_ids, "user")?;
    let item_ids = ids(&spark.item_ids, "item")?;
    let (nu, ni) = (user_ids.len(), item_ids.len());
    let widen = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect();
    let parts = AlsParts {
        params: AlsParams {
            rank,
            iterations: param("maxIter").map_or(10, |x| x as usize).clamp(1, 200),
            lambda: param("regParam").filter(|l| *l > 0.0).unwrap_or(0.1),
            bias_lambda: 0.0,
            seed: param("seed").map_or(0, |s| s as u64),
            popularity_weight: 0.0,
            half_life_days: 0.0,
            day_lambda: 0.0,
        },
        mean: 0.0,
        min_rating: 0.5,
        max_rating: 5.0,
        user_ids,
        item_ids,
        user_bias: vec![0.0; nu],
        item_bias: vec![0.0; ni],
        item_boost: vec![0.0; ni],
        user_factors: widen(&spark.user_factors),
        item_factors: widen(&spark.item_factors),
    };
    AlsModel::from_parts(parts).map_err(|e| Error::Invalid(format!("the Spark model: {e}")))
}

/// Our ranking model from a Spark model trained with `implicitPrefs = true`, `alpha` and
/// `regParam` being what that training used.
pub fn ranking_from_spark(spark: &SparkAls, alpha: f64, reg_param: f64) -> Result<IalsModel> {
    let defaults = IalsParams::default();
    let params = IalsParams {
        factors: spark.rank,
        regularization: reg_param,
        unobserved_weight: 1.0,
        cg_steps: 0,
        objective: Objective::Spark { alpha },
        ..defaults
    };
    let parts = IalsParts {
        params,
        item_ids: ids(&spark.item_ids, "item")?,
        item_factors: spark.item_factors.iter().map(|&x| f64::from(x)).collect(),
        users: spark.user_ids.len(),
    };
    IalsModel::from_parts(parts).map_err(|e| Error::Invalid(format!("the Spark model: {e}")))
}

fn ids(ids: &[i32], what: &str) -> Result<Vec<u32>> {
    ids.iter()
        .map(|&id| {
            u32::try_from(id).map_err(|_| {
                Error::Invalid(format!("the Spark model has a negative {what} id {id}"))
            })
        })
        .collect()
}

/// Spark's model from ours, with the biases folded into two extra factors. Ids above Spark's
/// `int` range (the app's own users, numbered from 2³¹; they are folded in per request anyway)
/// are left out; the second value says how many users were.
pub fn to_spark(model: &AlsModel) -> (SparkAls, usize) {
    let p = model.to_parts();
    let k = p.params.rank;
    let mut user_ids = Vec::new();
    let mut user_factors = Vec::new();
    let mut skipped = 0;
    for (u, &id) in p.user_ids.iter().enumerate() {
        let Ok(id) = i32::try_from(id) else {
            skipped += 1;
            continue;
        };
        user_ids.push(id);
        user_factors.extend(p.user_factors[u * k..(u + 1) * k].iter().map(|&x| x as f32));
        user_factors.push((p.mean + p.user_bias[u]) as f32);
        user_factors.push(1.0);
    }
    let mut item_ids = Vec::new();
    let mut item_factors = Vec::new();
    for (i, &id) in p.item_ids.iter().enumerate() {
        let Ok(id) = i32::try_from(id) else {
            continue;
        };
        item_ids.push(id);
        item_factors.extend(p.item_factors[i * k..(i + 1) * k].iter().map(|&x| x as f32));
        item_factors.push(1.0);
        item_factors.push(p.item_bias[i] as f32);
    }
    let spark = SparkAls::new(k + 2, user_ids, user_factors, item_ids, item_factors);
    (spark, skipped)
}
