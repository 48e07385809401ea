//! Tests of `ials.rs`, kept apart so that the model reads in one file of its own size.

use super::*;

/// Two taste groups: users 0..20 like items 0..10, users 20..40 like items 10..20, each
/// rating a random 60 % of their group's items 4–5 and a few of the other group's 1–2.
fn two_tastes() -> (Vec<u32>, Vec<u32>, Vec<f32>) {
    let mut rng = SplitMix64(3);
    let (mut us, mut is, mut vs) = (Vec::new(), Vec::new(), Vec::new());
    for u in 0..40u32 {
        let group = u / 20;
        for i in 0..20u32 {
            let mine = i / 10 == group;
            let p = if mine { 0.6 } else { 0.1 };
            if rng.uniform() < p {
                us.push(u);
                is.push(i);
                vs.push(if mine { 4.5 } else { 1.5 });
            }
        }
    }
    (us, is, vs)
}

fn params(cg_steps: usize, feedback: Feedback) -> ValidIalsParams {
    IalsParams {
        factors: 4,
        iterations: 8,
        regularization: 0.01,
        unobserved_weight: 0.2,
        frequency_exponent: 1.0,
        cg_steps,
        feedback,
        seed: 5,
        objective: Objective::Rendle,
    }
    .validate()
    .unwrap()
}

/// Spark's implicit objective (α₀ = 1, penalty λ n⁺), solved exactly.
fn spark_params(alpha: f64) -> ValidIalsParams {
    IalsParams {
        unobserved_weight: 1.0,
        regularization: 0.1,
        objective: Objective::Spark { alpha },
        ..*params(0, ALL).get()
    }
    .validate()
    .unwrap()
}

const ALL: Feedback = Feedback {
    positive_from: 0.5,
    value_weight: 0.0,
    negative_weight: 0.0,
};
const LIKED: Feedback = Feedback {
    positive_from: 3.5,
    value_weight: 0.5,
    negative_weight: 0.5,
};

#[test]
fn items_of_one_taste_go_together() {
    let (us, is, vs) = two_tastes();
    let model = IalsModel::fit(&params(2, LIKED), &us, &is, &vs).unwrap();
    let pos = |id: u32| model.items().position(id).unwrap() as usize;
    let affinity = model.affinity(3).unwrap();
    assert!(
        (affinity[pos(3)] - 1.0).abs() < 1e-5,
        "{}",
        affinity[pos(3)]
    );
    let mean = |range: std::ops::Range<u32>| {
        range.clone().map(|i| affinity[pos(i)]).sum::<f32>() / range.len() as f32
    };
    assert!(mean(0..10) > mean(10..20) + 0.5, "{affinity:?}");
    assert_eq!(model.affinity(99), None);
}

#[test]
fn a_dismissal_lowers_the_dismissed_films_taste() {
    let (us, is, vs) = two_tastes();
    let model = IalsModel::fit(&params(2, LIKED), &us, &is, &vs).unwrap();
    let mine = [(0, 5.0), (1, 5.0)];
    let score = |taste: &Taste, item| model.score(taste, item).unwrap();
    let plain = model.fold_in(&mine);
    let dismissed = model.fold_in_with(&mine, &[2], 1.0);
    assert!(score(&dismissed, 2) < score(&plain, 2) - 0.05);
    assert_eq!(model.fold_in_with(&mine, &[2], 0.0), plain);
}

#[test]
fn the_loss_falls_every_iteration_exact_and_by_conjugate_gradient() {
    let (us, is, vs) = two_tastes();
    for steps in [0, 2] {
        for feedback in [ALL, LIKED] {
            let mut losses = Vec::new();
            train(&params(steps, feedback), &us, &is, &vs, |_, loss| {
                losses.push(loss())
            })
            .unwrap();
            for pair in losses.windows(2) {
                assert!(pair[1] <= pair[0] * (1.0 + 1e-12), "cg {steps}: {losses:?}");
            }
            assert!(losses[losses.len() - 1] < losses[0]);
        }
    }
}

/// The brute-force normal equations of one user: the full dense matrix over every item.
fn brute_force_user(model: &IalsModel, ratings: &[(u32, f32)]) -> Vec<f64> {
    let k = model.params.factors;
    let n = model.items.len();
    let (mut a, mut b) = (vec![0.0; k * k], vec![0.0; k]);
    let (mut observed, mut positives) = (0, 0);
    for i in 0..n {
        let q = model.item_row(i);
        let rating = ratings
            .iter()
            .find(|r| r.0 == model.items.ids()[i])
            .map(|r| r.1);
        let (w, t) = rating
            .and_then(|r| model.params.feedback.observe(r))
            .unwrap_or((0.0, 0.0));
        observed += usize::from(w > 0.0);
        positives += usize::from(w * t > 0.0);
        for r in 0..k {
            b[r] += w * t * q[r];
            for c in 0..k {
                a[r * k + c] += (model.params.unobserved_weight + w) * q[r] * q[c];
            }
        }
    }
    let penalty = model.params.penalty(observed, positives, n);
    for d in 0..k {
        a[d * k + d] += penalty;
    }
    assert!(cholesky_solve(&mut a, &mut b, k));
    b
}

#[test]
fn fold_in_equals_the_brute_force_solve_and_the_training_solve() {
    let (us, is, vs) = two_tastes();
    let (model, users) = train(&params(0, LIKED), &us, &is, &vs, |_, _| {}).unwrap();
    // User 3's ratings, folded in, against the dense normal equations.
    let mine: Vec<(u32, f32)> = us
        .iter()
        .zip(&is)
        .zip(&vs)
        .filter(|((u, _), _)| **u == 3)
        .map(|((_, &i), &v)| (i, v))
        .collect();
    let taste = model.fold_in(&mine);
    let brute = brute_force_user(&model, &mine);
    for (x, y) in taste.factors.iter().zip(&brute) {
        assert!((x - y).abs() < 1e-9, "{x} vs {y}");
    }
    // The training's user half-step (the same function training runs) against the final
    // items gives every user what folding their ratings in gives.
    let k = model.params.factors;
    let (mut ou, mut oi, mut obs) = (Vec::new(), Vec::new(), Vec::new());
    for ((&u, &i), &v) in us.iter().zip(&is).zip(&vs) {
        if let Some((w, t)) = LIKED.observe(v) {
            let u = users.iter().position(|&id| id == u).unwrap() as u32;
            ou.push(u);
            oi.push(model.items.position(i).unwrap());
            obs.push((w as f32, t as f32));
        }
    }
    let by_user = Rows::build(users.len(), &ou, &oi, &obs);
    let mut solved = vec![0.0; users.len() * k];
    solve_side(&by_user, &model.item_factors, &mut solved, &model.params);
    let u = users.iter().position(|&id| id == 3).unwrap();
    for (x, y) in taste.factors.iter().zip(&solved[u * k..(u + 1) * k]) {
        assert!((x - y).abs() < 1e-9, "{x} vs {y}");
    }
    // Conjugate gradient with as many steps as factors converges to the exact solve, to the
    // precision of its f32 passes over the observations.
    let (cg, _) = train(&params(k, LIKED), &us, &is, &vs, |_, _| {}).unwrap();
    let (exact, _) = train(&params(0, LIKED), &us, &is, &vs, |_, _| {}).unwrap();
    for (x, y) in cg.item_factors.iter().zip(&exact.item_factors) {
        assert!((x - y).abs() < 1e-5, "{x} vs {y}");
    }
}

#[test]
fn spark_objective_folds_in_as_sparks_normal_equations_and_trains_down() {
    let (us, is, vs) = two_tastes();
    let alpha = 0.8;
    let mut losses = Vec::new();
    let (model, _) = train(&spark_params(alpha), &us, &is, &vs, |_, loss| {
        losses.push(loss())
    })
    .unwrap();
    for pair in losses.windows(2) {
        assert!(pair[1] <= pair[0] * (1.0 + 1e-12), "{losses:?}");
    }
    // Spark's ALS.computeFactors, written out: A = YᵀY + Σ c₁ y yᵀ + λ n⁺ I,
    // b = Σ (1 + c₁) y over positive ratings, c₁ = α |r|.
    let mine = [(0, 5.0), (1, 4.5), (2, 4.0), (15, 1.0)];
    let k = model.params.factors;
    let (mut a, mut b) = (vec![0.0; k * k], vec![0.0; k]);
    for i in 0..model.items.len() {
        let y = model.item_row(i);
        let c1 = mine
            .iter()
            .find(|r| r.0 == model.items.ids()[i])
            .map_or(0.0, |r| alpha * f64::from(r.1));
        for r in 0..k {
            if c1 > 0.0 {
                b[r] += (1.0 + c1) * y[r];
            }
            for c in 0..k {
                a[r * k + c] += (1.0 + c1) * y[r] * y[c];
            }
        }
    }
    for d in 0..k {
        a[d * k + d] += 0.1 * mine.len() as f64;
    }
    assert!(cholesky_solve(&mut a, &mut b, k));
    let taste = model.fold_in(&mine);
    for (x, y) in taste.factors.iter().zip(&b) {
        assert!((x - y).abs() < 1e-9, "{x} vs {y}");
    }
    // Its explanations still sum to the score.
    let parts = model.explain(&taste, 7).unwrap();
    let sum: f64 = parts.iter().map(|p| p.1).sum();
    assert!((sum - model.score(&taste, 7).unwrap()).abs() < 1e-9);
    // Spark's objective needs α > 0 and every pair weighing 1.
    let bad = IalsParams {
        unobserved_weight: 0.5,
        ..*spark_params(alpha).get()
    };
    assert!(bad.validate().is_err());
    let bad = IalsParams {
        objective: Objective::Spark { alpha: 0.0 },
        ..*spark_params(alpha).get()
    };
    assert!(bad.validate().is_err());
}

#[test]
fn contributions_sum_to_the_score_and_reasons_carry_their_share() {
    let (us, is, vs) = two_tastes();
    let model = IalsModel::fit(&params(3, LIKED), &us, &is, &vs).unwrap();
    let mine = [(0, 5.0), (1, 4.5), (2, 4.0), (15, 1.0)];
    let taste = model.fold_in(&mine);
    assert!(taste.is_informed());
    let exclude: HashSet<u32> = mine.iter().map(|r| r.0).collect();
    let list = model.recommend(&taste, 5, &exclude, |_| true);
    assert_eq!(list.len(), 5);
    for r in &list {
        let parts = model.explain(&taste, r.item).unwrap();
        let sum: f64 = parts.iter().map(|p| p.1).sum();
        let score = model.score(&taste, r.item).unwrap();
        assert!((sum - score).abs() < 1e-9, "{sum} vs {score}");
        assert!((f64::from(r.score) - score).abs() < 1e-6);
        // The disliked movie is no evidence of taste: it never appears as a reason.
        assert!(r.because.iter().all(|b| b.0 != 15));
        assert!(
            r.because
                .iter()
                .all(|b| f64::from(b.1) >= crate::ranking::MIN_SHARE)
        );
    }
    // Ordered by the score shown, and the first group's items lead.
    for pair in list.windows(2) {
        assert!(pair[0].score >= pair[1].score);
    }
    assert!(list.iter().take(3).all(|r| r.item < 10), "{list:?}");
}

#[test]
fn tastes_get_their_own_lists_and_accept_is_asked_once_each() {
    let (us, is, vs) = two_tastes();
    let model = IalsModel::fit(&params(3, LIKED), &us, &is, &vs).unwrap();
    let first = model.fold_in(&[(0, 5.0), (1, 5.0)]);
    let second = model.fold_in(&[(10, 5.0), (11, 5.0)]);
    let none = HashSet::new();
    let a: Vec<u32> = model
        .recommend(&first, 4, &[0, 1].into(), |_| true)
        .iter()
        .map(|r| r.item)
        .collect();
    let b: Vec<u32> = model
        .recommend(&second, 4, &[10, 11].into(), |_| true)
        .iter()
        .map(|r| r.item)
        .collect();
    assert!(a.iter().filter(|i| **i < 10).count() >= 3, "{a:?}");
    assert!(b.iter().filter(|i| **i >= 10).count() >= 3, "{b:?}");
    assert!(a.iter().all(|i| !b.contains(i)), "{a:?} {b:?}");
    let mut asked = Vec::new();
    let odd: Vec<u32> = model
        .recommend(&first, 3, &none, |i| {
            asked.push(i);
            i % 2 == 1
        })
        .iter()
        .map(|r| r.item)
        .collect();
    assert!(odd.iter().all(|i| i % 2 == 1));
    let unique: HashSet<u32> = asked.iter().copied().collect();
    assert_eq!(unique.len(), asked.len(), "{asked:?}");
    // Nothing known: an uninformed taste.
    assert!(!model.fold_in(&[(99, 5.0)]).is_informed());
}

#[test]
fn parts_round_trip_determinism_and_bad_input() {
    let (us, is, vs) = two_tastes();
    let model = IalsModel::fit(&params(3, ALL), &us, &is, &vs).unwrap();
    assert_eq!(IalsModel::from_parts(model.to_parts()).unwrap(), model);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let single = pool.install(|| IalsModel::fit(&params(3, ALL), &us, &is, &vs).unwrap());
    assert_eq!(single, model);
    let mut short = model.to_parts();
    short.item_factors.pop();
    let mut twice = model.to_parts();
    twice.item_ids[1] = twice.item_ids[0];
    let mut nan = model.to_parts();
    nan.item_factors[0] = f64::NAN;
    for bad in [short, twice, nan] {
        assert!(IalsModel::from_parts(bad).is_err());
    }
    let only_low = IalsModel::fit(&params(3, LIKED), &[1, 2], &[1, 1], &[1.0, 2.0]);
    assert!(only_low.is_err());
    let bad = IalsParams {
        unobserved_weight: 0.0,
        ..IalsParams::default()
    };
    assert!(bad.validate().is_err());
}
