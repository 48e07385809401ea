//! Tests of `als.rs`, kept apart so that the model reads in one file of its own size.

use super::*;

/// Ratings drawn from a planted rank-2 model with biases, and that model.
struct Planted {
    users: Vec<u32>,
    items: Vec<u32>,
    values: Vec<f32>,
    truth: Box<dyn Fn(u32, u32) -> f64>,
}

/// Ratings from a planted rank-2 model with biases, on a dense-ish random subset of pairs.
fn planted(users: u32, items: u32, density: f64, seed: u64) -> Planted {
    let mut rng = SplitMix64(seed);
    let uf: Vec<[f64; 2]> = (0..users).map(|_| [rng.normal(), rng.normal()]).collect();
    let itf: Vec<[f64; 2]> = (0..items).map(|_| [rng.normal(), rng.normal()]).collect();
    let ub: Vec<f64> = (0..users).map(|_| rng.normal() * 0.3).collect();
    let ib: Vec<f64> = (0..items).map(|_| rng.normal() * 0.3).collect();
    let truth = move |u: u32, i: u32| {
        let (u, i) = (u as usize, i as usize);
        3.0 + ub[u] + ib[i] + 0.5 * (uf[u][0] * itf[i][0] + uf[u][1] * itf[i][1])
    };
    let (mut us, mut is, mut vs) = (Vec::new(), Vec::new(), Vec::new());
    for u in 0..users {
        for i in 0..items {
            if rng.uniform() < density {
                us.push(u);
                is.push(i);
                vs.push(truth(u, i) as f32);
            }
        }
    }
    Planted {
        users: us,
        items: is,
        values: vs,
        truth: Box::new(truth),
    }
}

fn params(rank: usize) -> ValidAlsParams {
    AlsParams {
        rank,
        iterations: 15,
        lambda: 0.01,
        bias_lambda: 0.1,
        seed: 7,
        popularity_weight: 0.0,
        half_life_days: 0.0,
        day_lambda: 0.0,
    }
    .validate()
    .unwrap()
}

#[test]
fn recovers_a_planted_low_rank_matrix() {
    let Planted {
        users: us,
        items: is,
        values: vs,
        truth,
    } = planted(200, 150, 0.3, 1);
    let model = AlsModel::fit(&params(2), &us, &is, &vs).unwrap();
    // Held-out pairs (not in the training set) are predicted close to the truth.
    let train: HashSet<(u32, u32)> = us.iter().copied().zip(is.iter().copied()).collect();
    let mut err = 0.0;
    let mut n = 0;
    for u in 0..200 {
        for i in 0..150 {
            if !train.contains(&(u, i)) {
                let d = f64::from(model.predict(u, i)) - truth(u, i);
                err += d * d;
                n += 1;
            }
        }
    }
    let rmse = (err / n as f64).sqrt();
    assert!(rmse < 0.1, "held-out RMSE {rmse}");
}

#[test]
fn parts_round_trip_and_bad_parts_are_refused() {
    let Planted {
        users: us,
        items: is,
        values: vs,
        ..
    } = planted(30, 20, 0.5, 4);
    let model = AlsModel::fit(&params(3), &us, &is, &vs).unwrap();
    let back = AlsModel::from_parts(model.to_parts()).unwrap();
    assert_eq!(back, model);
    assert_eq!(back.predict(us[0], is[0]), model.predict(us[0], is[0]));

    let mut short = model.to_parts();
    short.item_factors.pop();
    let mut twice = model.to_parts();
    twice.user_ids[1] = twice.user_ids[0];
    let mut nan = model.to_parts();
    nan.user_bias[0] = f64::NAN;
    let mut rank = model.to_parts();
    rank.params.rank = 0;
    for bad in [short, twice, nan, rank] {
        assert!(AlsModel::from_parts(bad).is_err());
    }
}

#[test]
fn deterministic_for_a_seed_whatever_the_threads() {
    let Planted {
        users: us,
        items: is,
        values: vs,
        ..
    } = planted(60, 40, 0.4, 2);
    let a = AlsModel::fit(&params(3), &us, &is, &vs).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b = pool.install(|| AlsModel::fit(&params(3), &us, &is, &vs).unwrap());
    assert_eq!(a, b);
    let other = AlsParams {
        seed: 8,
        ..*params(3).get()
    }
    .validate()
    .unwrap();
    assert_ne!(AlsModel::fit(&other, &us, &is, &vs).unwrap(), a);
}

#[test]
fn fold_in_equals_the_training_solve() {
    let Planted {
        users: us,
        items: is,
        values: vs,
        ..
    } = planted(80, 50, 0.3, 3);
    let model = AlsModel::fit(&params(4), &us, &is, &vs).unwrap();
    // Folding user 5's own ratings back in reproduces their trained vector: the trained
    // vector is exactly the user solve against the final item factors.
    let ratings: Vec<(u32, f32)> = us
        .iter()
        .zip(&is)
        .zip(&vs)
        .filter(|((u, _), _)| **u == 5)
        .map(|((_, i), v)| (*i, *v))
        .collect();
    let folded = model.fold_in(&ratings);
    let trained = model.user_vector(5).unwrap();
    assert!(
        (folded.bias - trained.bias).abs() < 1e-9,
        "{} vs {}",
        folded.bias,
        trained.bias
    );
    for (a, b) in folded.factors.iter().zip(&trained.factors) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
}

/// Rating times for `planted` data: each user's ratings a day apart, in their order.
fn times_of(users: &[u32]) -> Vec<i64> {
    let mut next: std::collections::HashMap<u32, i64> = Default::default();
    users
        .iter()
        .map(|u| {
            let t = next.entry(*u).or_insert(1_500_000_000);
            *t += 86_400;
            *t
        })
        .collect()
}

#[test]
fn a_half_life_weighs_recent_ratings_and_fold_in_still_equals_training() {
    let Planted {
        users: us,
        items: is,
        values: vs,
        ..
    } = planted(80, 50, 0.3, 3);
    let times = times_of(&us);
    let decayed = AlsParams {
        half_life_days: 5.0,
        ..*params(4).get()
    }
    .validate()
    .unwrap();
    // Without a half-life the times change nothing.
    assert_eq!(
        AlsModel::fit_at(&params(4), &us, &is, &vs, &times).unwrap(),
        AlsModel::fit(&params(4), &us, &is, &vs).unwrap()
    );
    let model = AlsModel::fit_at(&decayed, &us, &is, &vs, &times).unwrap();
    assert_ne!(model, AlsModel::fit(&decayed, &us, &is, &vs).unwrap());
    // Folding user 5 in with their times reproduces their weighted training solve.
    let mine: Vec<usize> = (0..us.len()).filter(|&n| us[n] == 5).collect();
    let ratings: Vec<(u32, f32)> = mine.iter().map(|&n| (is[n], vs[n])).collect();
    let at: Vec<i64> = mine.iter().map(|&n| times[n]).collect();
    let folded = model.fold_in_at(&ratings, &at);
    let trained = model.user_vector(5).unwrap();
    assert!((folded.bias - trained.bias).abs() < 1e-9);
    for (a, b) in folded.factors.iter().zip(&trained.factors) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
    // A user who rated low long ago and high lately: under the half-life their bias follows
    // the recent ratings.
    let year = 365 * 86_400;
    let drifted: Vec<(u32, f32)> = (0..10)
        .map(|i| (i, if i < 5 { 1.0 } else { 5.0 }))
        .collect();
    let when: Vec<i64> = (0..10).map(|i| if i < 5 { 0 } else { 2 * year }).collect();
    let plain = model.fold_in(&drifted);
    let recent = model.fold_in_at(&drifted, &when);
    assert!(
        recent.bias > plain.bias + 0.5,
        "{} vs {}",
        recent.bias,
        plain.bias
    );
    // Mismatched times are refused, not misread.
    assert!(AlsModel::fit_at(&decayed, &us, &is, &vs, &times[1..]).is_err());
}

#[test]
fn day_biases_follow_a_users_sessions_and_fold_in_still_equals_training() {
    let Planted {
        users: us,
        items: is,
        values: vs,
        truth,
    } = planted(80, 60, 0.4, 5);
    // Each user rates in four sessions a week apart; session s runs `mood(u, s)` off their usual.
    let day = 86_400;
    let mood = |u: u32, s: i64| [0.6, -0.6, 0.3, -0.3][((u as i64 + s) % 4) as usize];
    let session = |n: usize| (n % 4) as i64;
    let times: Vec<i64> = (0..us.len())
        .map(|n| 1_600_000_000 + session(n) * 7 * day)
        .collect();
    let moody: Vec<f32> = (0..us.len())
        .map(|n| vs[n] + mood(us[n], session(n)) as f32)
        .collect();
    let with_days = AlsParams {
        day_lambda: 1.0,
        ..*params(2).get()
    }
    .validate()
    .unwrap();
    let plain = AlsModel::fit(&params(2), &us, &is, &moody).unwrap();
    // The fitted vectors, whatever the parameters asked for.
    let vectors = |m: &AlsModel| (m.to_parts().user_factors, m.to_parts().item_factors);
    // Without times there are no days, and without a day penalty the times change nothing.
    let untimed = AlsModel::fit(&with_days, &us, &is, &moody).unwrap();
    assert!(vectors(&untimed) == vectors(&plain));
    let unknown = vec![0; us.len()]; // a source without times reads as all 0
    let undated = AlsModel::fit_at(&with_days, &us, &is, &moody, &unknown).unwrap();
    assert!(vectors(&undated) == vectors(&plain));
    // Such a model says it has no day biases, so that a user folded in later with times is
    // solved as training solved everyone.
    assert_eq!(undated.params().day_lambda, 0.0);
    let (ratings, at) = (vec![(is[0], 4.0), (is[1], 2.0)], vec![0, 3 * day]);
    assert_eq!(
        undated.fold_in_at(&ratings, &at),
        plain.fold_in_at(&ratings, &at)
    );
    let unpenalised = AlsModel::fit_at(&params(2), &us, &is, &moody, &times).unwrap();
    assert!(unpenalised == plain);
    let model = AlsModel::fit_at(&with_days, &us, &is, &moody, &times).unwrap();
    assert!(vectors(&model) != vectors(&plain));
    let mut error = (0.0, 0.0);
    for u in 0..80 {
        let mine: Vec<usize> = (0..us.len()).filter(|&n| us[n] == u).collect();
        let ratings: Vec<(u32, f32)> = mine.iter().map(|&n| (is[n], moody[n])).collect();
        let at: Vec<i64> = mine.iter().map(|&n| times[n]).collect();
        let folded = model.fold_in_at(&ratings, &at);
        // Folding in reproduces the training solve, day biases and all.
        let trained = model.user_vector(u).unwrap();
        assert!((folded.bias - trained.bias).abs() < 1e-9);
        for (a, b) in folded.factors.iter().zip(&trained.factors) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
        // The explanation terms still add up to the score's user part, exactly.
        let item = model.items.position(is[mine[0]]).unwrap() as usize;
        let total: f64 = model.contributions(&folded, item).iter().map(|t| t.0).sum();
        let part = folded.bias + dot(&folded.factors, model.item_row(item));
        assert!((total - part).abs() < 1e-9, "{total} vs {part}");
        // An unrated film on each session's day: the day bias brings the prediction closer to
        // what the user would give it that day.
        let unrated = (0..60)
            .find(|i| !ratings.iter().any(|r| r.0 == *i))
            .unwrap();
        let without = plain.fold_in(&ratings);
        for s in 0..4 {
            let when = 1_600_000_000 + s * 7 * day;
            let want = truth(u, unrated) + mood(u, s);
            let with = model.rating(&folded, unrated, when).unwrap();
            error.0 += (f64::from(with) - want).powi(2);
            let other = plain.rating(&without, unrated, when).unwrap();
            error.1 += (f64::from(other) - want).powi(2);
        }
        // A day the user rated nothing on has no day bias.
        assert_eq!(folded.day_bias(1_600_000_000 + 3 * day), 0.0);
    }
    assert!(
        error.0 < 0.5 * error.1,
        "squared error with day biases {} vs without {}",
        error.0,
        error.1
    );
}

#[test]
fn every_pair_gets_a_finite_prediction() {
    let model = AlsModel::fit(&params(2), &[1, 1, 2], &[10, 11, 10], &[4.0, 3.0, 5.0]).unwrap();
    for (u, i) in [(1, 10), (1, 99), (99, 10), (99, 99)] {
        let p = model.predict(u, i);
        assert!(p.is_finite() && (3.0..=5.0).contains(&p), "{u},{i}: {p}");
    }
    assert!((model.predict(99, 99) - model.mean() as f32).abs() < 1e-6);
}

#[test]
fn recommendations_exclude_rated_items_follow_the_filter_and_explain() {
    let Planted {
        users: us,
        items: is,
        values: vs,
        ..
    } = planted(100, 60, 0.3, 4);
    let model = AlsModel::fit(&params(3), &us, &is, &vs).unwrap();
    let mine = [(1u32, 5.0f32), (2, 4.5), (3, 1.0)];
    let user = model.fold_in(&mine);
    let rated: HashSet<u32> = mine.iter().map(|(i, _)| *i).collect();
    let recs = model.recommend(&user, 10, &rated, |item| item % 2 == 0);
    assert_eq!(recs.len(), 10);
    assert!(
        recs.iter()
            .all(|r| !rated.contains(&r.item) && r.item % 2 == 0)
    );
    assert!(recs.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(recs.iter().any(|r| !r.because.is_empty()));
    assert!(
        recs.iter()
            .all(|r| r.because.iter().all(|b| rated.contains(b)))
    );
    // One rating is enough to fold in.
    let one = model.fold_in(&[(7, 5.0)]);
    assert_eq!(
        model
            .recommend(&one, 5, &HashSet::from([7]), |_| true)
            .len(),
        5
    );
}

#[test]
fn top_n_equals_a_full_sort_whatever_the_filter_refuses() {
    let Planted {
        users: us,
        items: is,
        values: vs,
        ..
    } = planted(80, 400, 0.2, 5);
    // Rank 3 is scored one factor at a time, rank 9 by two passes of four and one of one.
    for rank in [3, 9] {
        let p = AlsParams {
            popularity_weight: 0.3,
            ..*params(rank).get()
        };
        let model = AlsModel::fit(&p.validate().unwrap(), &us, &is, &vs).unwrap();
        let user = model.fold_in(&[(1, 5.0), (2, 4.0), (3, 1.5)]);
        let rated = HashSet::from([1, 2, 3, 14]);
        for (k, modulus) in [(10, 1), (10, 7), (25, 13), (5, 97), (50, 400)] {
            let keep = |item: u32| item.is_multiple_of(modulus);
            let mut brute: Vec<(f64, u32)> = (0..model.items.len())
                .filter(|&i| !rated.contains(&model.items.ids()[i]) && keep(model.items.ids()[i]))
                .map(|i| {
                    let s = model.mean
                        + user.bias
                        + model.item_bias[i]
                        + dot(&user.factors, model.item_row(i))
                        + model.item_boost[i];
                    (s, model.items.ids()[i])
                })
                .collect();
            brute.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let got: Vec<u32> = model
                .recommend(&user, k, &rated, keep)
                .iter()
                .map(|r| r.item)
                .collect();
            // Ranking runs in f32: the same list as the exact sort, except that items whose
            // exact scores are within f32 rounding may trade places.
            let exact: std::collections::HashMap<u32, f64> =
                brute.iter().map(|&(s, id)| (id, s)).collect();
            let tolerance = 1e-4;
            assert_eq!(
                got.len(),
                k.min(brute.len()),
                "rank {rank}, k={k}, every {modulus}th"
            );
            assert_eq!(got.iter().collect::<HashSet<_>>().len(), got.len());
            for pair in got.windows(2) {
                assert!(
                    exact[&pair[0]] >= exact[&pair[1]] - tolerance,
                    "order {pair:?}"
                );
            }
            let last = got.last().map_or(f64::INFINITY, |id| exact[id]);
            for &(s, id) in &brute {
                assert!(
                    got.contains(&id) || s <= last + tolerance,
                    "rank {rank}, k={k}, every {modulus}th: {id} ({s}) left out"
                );
            }
            let expected: Vec<u32> = brute.iter().take(k).map(|x| x.1).collect();
            let near_tie = brute
                .windows(2)
                .take(k)
                .any(|w| w[0].0 - w[1].0 < tolerance);
            if !near_tie {
                assert_eq!(got, expected, "rank {rank}, k={k}, every {modulus}th item");
            }
        }
    }
}

#[test]
fn bad_parameters_and_inputs_are_refused() {
    for p in [
        AlsParams {
            rank: 0,
            ..AlsParams::default()
        },
        AlsParams {
            iterations: 0,
            ..AlsParams::default()
        },
        AlsParams {
            lambda: 0.0,
            ..AlsParams::default()
        },
        AlsParams {
            lambda: f64::NAN,
            ..AlsParams::default()
        },
        AlsParams {
            bias_lambda: -1.0,
            ..AlsParams::default()
        },
    ] {
        assert!(p.validate().is_err(), "{p:?}");
    }
    let ok = AlsParams::default().validate().unwrap();
    assert!(AlsModel::fit(&ok, &[], &[], &[]).is_err());
    assert!(AlsModel::fit(&ok, &[1], &[1, 2], &[3.0]).is_err());
    assert!(AlsModel::fit(&ok, &[1], &[1], &[f32::NAN]).is_err());
}
