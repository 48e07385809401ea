//! Criterion benches of the engine's hot paths on synthetic data shaped like the real sets:
//! ALS half-steps and a whole fit on 100k ratings (ml-latest-small's shape), fold-in plus top-20
//! over a 45k-movie catalogue, and the similar lists' build and lookup over 45k movies.
//!
//!     cargo bench -p nextflex-engine --bench engine

use std::collections::HashSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use nextflex_engine::als::{AlsModel, AlsParams};
use nextflex_engine::content::ContentItem;
use nextflex_engine::rng::SplitMix64;
use nextflex_engine::similar::{SimilarIndex, SimilarParams};

/// An index in `0..n` with a heavy head, as item popularity and keyword use have.
fn skewed(rng: &mut SplitMix64, n: usize) -> usize {
    ((rng.uniform().powi(3)) * n as f64) as usize % n
}

/// `count` ratings by `users` users of `items` items, popular items rated most.
fn ratings(users: usize, items: usize, count: usize, seed: u64) -> (Vec<u32>, Vec<u32>, Vec<f32>) {
    let mut rng = SplitMix64(seed);
    let mut seen = HashSet::with_capacity(count);
    let (mut us, mut is, mut vs) = (Vec::new(), Vec::new(), Vec::new());
    while us.len() < count {
        let (u, i) = (
            skewed(&mut rng, users) as u32,
            skewed(&mut rng, items) as u32,
        );
        if seen.insert((u, i)) {
            us.push(u);
            is.push(i);
            vs.push((1 + rng.below(10)) as f32 / 2.0);
        }
    }
    (us, is, vs)
}

fn params(rank: usize, iterations: usize) -> nextflex_engine::als::ValidAlsParams {
    AlsParams {
        rank,
        iterations,
        ..AlsParams::default()
    }
    .validate()
    .expect("valid parameters")
}

fn als(c: &mut Criterion) {
    let (us, is, vs) = ratings(610, 9_700, 100_000, 1);
    let mut group = c.benchmark_group("als_100k");
    group.sample_size(20);
    // One iteration is three half-steps (users, items, the final users) plus the set-up.
    group.bench_function("fit_rank10_1_iteration", |b| {
        b.iter(|| AlsModel::fit(&params(10, 1), &us, &is, &vs).expect("fit"))
    });
    group.bench_function("fit_rank10_10_iterations", |b| {
        b.iter(|| AlsModel::fit(&params(10, 10), &us, &is, &vs).expect("fit"))
    });
    group.finish();

    // Fold-in of a 50-rating user and a top-20 over a 45k-movie model.
    let (us, is, vs) = ratings(20_000, 45_000, 400_000, 2);
    let model = AlsModel::fit(&params(20, 3), &us, &is, &vs).expect("fit");
    let mut rng = SplitMix64(3);
    let user: Vec<(u32, f32)> = (0..50)
        .map(|_| (is[rng.below(is.len())], (1 + rng.below(10)) as f32 / 2.0))
        .collect();
    let rated: HashSet<u32> = user.iter().map(|r| r.0).collect();
    c.bench_function("fold_in_50_ratings_top20_of_45k_rank20", |b| {
        b.iter(|| {
            let v = model.fold_in(black_box(&user));
            model.recommend(&v, 20, &rated, |_| true)
        })
    });

    // What day biases cost: the same ratings with times spread over 100 days, fitted and folded
    // in (the most active user, 500 of their ratings) without day biases and with them. In
    // ml-latest-small the median user rated on 1 day, the 90th percentile on 13, the most active
    // on 844.
    let (us, is, vs) = ratings(610, 9_700, 100_000, 1);
    let times: Vec<i64> = (0..us.len())
        .map(|n| 86_400 * ((n * 7919) % 100) as i64)
        .collect();
    let mut group = c.benchmark_group("als_100k_days");
    group.sample_size(10);
    for day_lambda in [0.0, 30.0] {
        let p = AlsParams {
            day_lambda,
            ..*params(20, 15).get()
        }
        .validate()
        .expect("valid parameters");
        group.bench_function(format!("fit_rank20_day_lambda_{day_lambda}"), |b| {
            b.iter(|| AlsModel::fit_at(&p, &us, &is, &vs, &times).expect("fit"))
        });
        let model = AlsModel::fit_at(&p, &us, &is, &vs, &times).expect("fit");
        let mine: Vec<usize> = (0..us.len()).filter(|&n| us[n] == 0).take(500).collect();
        let user: Vec<(u32, f32)> = mine.iter().map(|&n| (is[n], vs[n])).collect();
        let at: Vec<i64> = mine.iter().map(|&n| times[n]).collect();
        group.bench_function(
            format!("fold_in_{}_ratings_day_lambda_{day_lambda}", user.len()),
            |b| b.iter(|| model.fold_in_at(black_box(&user), black_box(&at))),
        );
    }
    group.finish();
}

fn content(c: &mut Criterion) {
    let mut rng = SplitMix64(4);
    let genres = [
        "Action",
        "Adventure",
        "Animation",
        "Comedy",
        "Crime",
        "Documentary",
        "Drama",
        "Family",
        "Fantasy",
        "History",
        "Horror",
        "Music",
        "Mystery",
        "Romance",
        "Science Fiction",
        "Thriller",
        "War",
        "Western",
    ];
    let items: Vec<ContentItem> = (0..45_000)
        .map(|id| ContentItem {
            id,
            title: format!("Movie {id}"),
            also_known_as: Vec::new(),
            year: Some(1950 + (id % 70)),
            keywords: (0..rng.below(12))
                .map(|_| format!("keyword{}", skewed(&mut rng, 20_000)))
                .collect(),
            cast: (0..3)
                .map(|_| format!("actor{}", skewed(&mut rng, 50_000)))
                .collect(),
            directors: vec![format!("director{}", rng.below(15_000))],
            genres: (0..1 + rng.below(3))
                .map(|_| genres[rng.below(genres.len())].to_owned())
                .collect(),
            tags: Vec::new(),
            // One film in twenty in a series of three, as in The Movies Dataset.
            collection: (id % 20 == 0).then_some(id / 60),
        })
        .collect();
    let params = SimilarParams {
        k: 50,
        ..SimilarParams::default()
    };
    let ratings: Vec<u64> = (0..items.len() as u64).map(|i| i % 100).collect();
    let mut group = c.benchmark_group("content_45k");
    group.sample_size(10);
    group.bench_function("build_top50", |b| {
        b.iter(|| SimilarIndex::build(&items, &ratings, None, params).expect("build"))
    });
    group.finish();
    let index = SimilarIndex::build(&items, &ratings, None, params).expect("build");
    c.bench_function("content_45k/similar_k10", |b| {
        b.iter(|| index.similar(black_box(12_345), 10))
    });
}

criterion_group!(benches, als, content);
criterion_main!(benches);
