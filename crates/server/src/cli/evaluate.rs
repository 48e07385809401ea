//! `nextflex evaluate`: trains the models on part of a ratings file and scores them on the rest
//! (RMSE, MAE, P@10, recall@10, NDCG@10, coverage), or runs one of its studies: "not
//! interested" weights (`--dismissal-weights`) and similar-movie settings (`--similar`).

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;
use nextflex_app::recommender;
use nextflex_app::recommender::evaluation::{self as evaluate, ModelKind};
use nextflex_app::recommender::tuning::{self, TuningSettings};
use nextflex_engine::als::AlsParams;
use nextflex_engine::ranking::RankingParams;
use nextflex_engine::similar::SimilarParams;
use nextflex_store::db;
use nextflex_store::error::{Error, Result};

use super::shared::{AlsArgs, EaseArgs, IalsArgs, TextModelArgs, TuningArgs};
use super::{Context, json, values};

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Ratings file: MovieLens/Kaggle CSV with a header (userId,movieId,rating[,timestamp]),
    /// tab-separated u.data, or ::-separated ratings.dat; may be gzipped (not with --search)
    #[arg(long, required_unless_present = "search")]
    pub ratings: Option<PathBuf>,
    /// random:TRAIN_FRACTION:SEED, or time:TRAIN_FRACTION (each user's latest ratings tested)
    #[arg(long, default_value = "random:0.8:42")]
    pub split: evaluate::SplitSpec,
    /// Test on this ratings file (same layouts as --ratings, e.g. MovieLens u1.test) and train on
    /// all of --ratings, instead of splitting
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// Score a validation part carved from the training part (split the same way), leaving the
    /// test part untouched: for tuning
    #[arg(long)]
    pub validation: bool,
    /// Which models to score: als (predicted ratings), ranking (the model of the lists as
    /// shipped: EASE where the catalogue fits it, blended with iALS where tuning chose it, else
    /// iALS), ease (alone), ials, popularity (most rated first), or all (popularity, als,
    /// ranking, ease, ials)
    #[arg(long, value_enum, default_value = "all")]
    pub model: EvalModel,
    /// Seed of the initial factors
    #[arg(long, default_value_t = AlsParams::default().seed)]
    pub seed: u64,
    /// At most this many users get their top-10 scored (a seeded sample beyond it)
    #[arg(long, default_value_t = 2000, value_parser = values::positive_count)]
    pub ranking_users: usize,
    #[command(flatten)]
    pub als: AlsArgs,
    #[command(flatten)]
    pub ials: IalsArgs,
    #[command(flatten)]
    pub ease: EaseArgs,
    #[command(flatten)]
    pub tuning: TuningArgs,
    #[command(flatten)]
    pub text_model: TextModelArgs,
    #[command(flatten)]
    pub studies: StudyArgs,
    /// Print one JSON object on stdout
    #[arg(long)]
    pub json: bool,
}

/// The studies `evaluate` runs instead of scoring the models.
#[derive(Debug, Args)]
pub struct StudyArgs {
    /// Instead of the models' scores: the ranking model's top-10 when "not interested" counts
    /// against similar films with each of these weights (comma-separated; 0: dismissed films
    /// are only left out), the test part's ratings of 2 or less standing in for dismissals
    #[arg(long, value_delimiter = ',', value_parser = values::non_negative::<f64>)]
    pub dismissal_weights: Vec<f64>,
    /// Instead of the models' scores: similar-movie lists under several settings, each on
    /// every measure at once: the held-out hit rate and NDCG@10 of each liked training movie's
    /// top 10, the wince rate and popularity share of the 300 most rated films' lists, and
    /// the fan panel's recall (--panel). The ratings' movieId are MovieLens ids, matched to the
    /// catalogue in --database (import the catalogue first)
    #[arg(long, conflicts_with = "dismissal_weights")]
    pub similar: bool,
    /// With --similar: weights of the genres' cosine to compare (default: the shipped one)
    #[arg(long, value_delimiter = ',', value_parser = values::non_negative::<f32>)]
    pub similar_kind: Vec<f32>,
    /// With --similar: weights of the keywords' and people's cosine to compare
    #[arg(long, value_delimiter = ',', value_parser = values::non_negative::<f32>)]
    pub similar_about: Vec<f32>,
    /// With --similar: weights of who-liked-what to compare
    #[arg(long, value_delimiter = ',', value_parser = values::non_negative::<f32>)]
    pub similar_collaborative: Vec<f32>,
    /// With --similar: popularity dampings β to compare (who-liked-what divided by the
    /// neighbour's rating count to this power)
    #[arg(long, value_delimiter = ',', value_parser = values::non_negative::<f32>)]
    pub similar_damping: Vec<f32>,
    /// With --similar: confidence priors to compare (a film's score times n / (n + prior) for
    /// its n ratings; 0: none)
    #[arg(long, value_delimiter = ',', value_parser = values::non_negative::<f32>)]
    pub similar_prior: Vec<f32>,
    /// With --similar: hub dampings γ to compare (a film close to everything has its score
    /// divided by its closeness over the median's to this power; 0: none)
    #[arg(long, value_delimiter = ',', value_parser = values::non_negative::<f32>)]
    pub similar_hub: Vec<f32>,
    /// Instead of the models' scores: how well search finds films by what they are about, on
    /// the catalogue in --database. Queries: each MovieLens tag given to 5 films or more (the
    /// tags left out of the index), and --descriptions. Title only, words (BM25), meaning (the
    /// embeddings of --text-model) and their fusion, by NDCG@10 and recall@10
    #[arg(long, conflicts_with_all = ["similar", "dismissal_weights"])]
    pub search: bool,
    /// With --search: hand-written descriptions, `query,movielens_id,title,year` per line (the
    /// repository's is crates/server/tests/fixtures/search-descriptions.csv)
    #[arg(long, requires = "search")]
    pub descriptions: Option<PathBuf>,
    /// With --similar: a fan panel, `film,year,neighbour,neighbour_year` per line, scored as
    /// recall@10 (the repository's is crates/server/tests/fixtures/similar-panel.csv)
    #[arg(long, requires = "similar")]
    pub panel: Option<PathBuf>,
}

/// `evaluate --model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalModel {
    Als,
    Ranking,
    Ease,
    Ials,
    Popularity,
    All,
}

/// The models' scores, or one of the studies.
enum Outcome {
    Models(Box<evaluate::Evaluation>),
    Dismissals(Vec<evaluate::DismissalScores>),
    Similar(Vec<evaluate::SimilarScores>),
}

pub async fn run(args: EvaluateArgs, ctx: &Context) -> Result<()> {
    if args.studies.search {
        return search_study(&args, ctx).await;
    }
    let Some(ratings) = &args.ratings else {
        return Err(Error::Config("--ratings is needed".into()));
    };
    let path = ctx.cwd.join(ratings);
    let settings = eval_settings(&args);
    let test_path = args.test.as_ref().map(|t| ctx.cwd.join(t));
    let (split, validation) = (args.split, args.validation);
    // On a time split, tuning validates each user's latest ratings too.
    let tuning = TuningSettings {
        by_time: matches!(args.split, evaluate::SplitSpec::Time { .. }),
        ..args.tuning.settings()
    };
    let weights = args.studies.dismissal_weights.clone();
    let study = &args.studies;
    let grid = evaluate::similar_grid(
        &study.similar_kind,
        &study.similar_about,
        &study.similar_collaborative,
        &study.similar_damping,
        &study.similar_prior,
        &study.similar_hub,
    );
    let panel_text = match &study.panel {
        Some(p) => Some(
            std::fs::read_to_string(ctx.cwd.join(p))
                .map_err(|e| Error::Config(format!("--panel {}: {e}", p.display())))?,
        ),
        None => None,
    };
    // The catalogue's content, keyed by MovieLens id, for the similar-movies study.
    let catalogue = if args.studies.similar {
        let (movies, ids) = ctx
            .with_db(async |db| db::catalogue::features(db).await)
            .await?;
        let by_movielens: HashMap<u32, i64> = movies
            .iter()
            .zip(&ids)
            .filter_map(|(m, &id)| Some((u32::try_from(m.movielens_id?).ok()?, id)))
            .collect();
        if by_movielens.is_empty() {
            return Err(Error::Config(format!(
                "--similar: the catalogue in {} has no MovieLens movie; import one first \
                 (nextflex import)",
                ctx.database.redacted()
            )));
        }
        let items: Vec<_> = movies
            .into_iter()
            .zip(ids)
            .map(|(m, id)| recommender::content_item(m, id))
            .collect();
        Some((by_movielens, items))
    } else {
        None
    };
    let outcome = tokio::task::spawn_blocking(move || {
        let mut ratings = evaluate::read_file(&path)?;
        let mut test = test_path.as_deref().map(evaluate::read_file).transpose()?;
        if let Some((by_movielens, items)) = &catalogue {
            ratings = evaluate::in_catalogue(&ratings, by_movielens)?;
            test = test
                .map(|t| evaluate::in_catalogue(&t, by_movielens))
                .transpose()?;
            let (train, test) = evaluate::parts(&ratings, test.as_ref(), split, validation)?;
            let panel = match &panel_text {
                Some(text) => evaluate::read_panel(text, evaluate::title_finder(items))?,
                None => Vec::new(),
            };
            // Tuned as a training is, on a validation part of the training part: the ranking
            // model and the lists' weights, which join the grid (marked).
            let task = tuning::SimilarTask {
                items,
                params: SimilarParams::default(),
            };
            let tuned = tuning::tune(
                &train,
                settings.als,
                settings.ranking,
                false,
                Some(task),
                &tuning,
            )?;
            let settings = evaluate::EvalSettings {
                ranking: tuned.ranking,
                ..settings
            };
            let mut grid = grid;
            if !grid.contains(&tuned.similar) {
                grid.push(tuned.similar);
            }
            return evaluate::evaluate_similar(&train, &test, items, &settings, &grid, &panel).map(
                |mut scores| {
                    let at = grid.iter().position(|g| *g == tuned.similar);
                    if let Some(s) = at.and_then(|at| scores.get_mut(at)) {
                        s.tuned = true;
                    }
                    Outcome::Similar(scores)
                },
            );
        }
        let (train, test) = evaluate::parts(&ratings, test.as_ref(), split, validation)?;
        // Tuned as a training is: on a validation part of the training part only.
        let tune_als = settings.models.contains(&ModelKind::Als);
        // `--model ials` alone tunes iALS, even where EASE would ship.
        let start = RankingParams {
            ials_only: settings.models == [ModelKind::Ials],
            ..settings.ranking
        };
        let tuned = tuning::tune(&train, settings.als, start, tune_als, None, &tuning)?;
        let settings = evaluate::EvalSettings {
            als: tuned.als,
            ranking: tuned.ranking,
            ..settings
        };
        if weights.is_empty() {
            evaluate::evaluate(&train, &test, &settings).map(|e| {
                Outcome::Models(Box::new(evaluate::Evaluation {
                    tuning: Some(tuned.report),
                    ..e
                }))
            })
        } else {
            evaluate::evaluate_dismissals(&train, &test, &settings, &weights)
                .map(Outcome::Dismissals)
        }
    })
    .await
    .map_err(|e| Error::internal("the evaluation task failed", e))??;
    match outcome {
        Outcome::Models(e) if args.json => println!("{}", json(&e)?),
        Outcome::Dismissals(scores) if args.json => println!("{}", json(&scores)?),
        Outcome::Similar(scores) if args.json => println!("{}", json(&scores)?),
        Outcome::Models(e) => print_evaluation(&e),
        Outcome::Dismissals(scores) => print_dismissals(&scores),
        Outcome::Similar(scores) => print_similar(&scores),
    }
    Ok(())
}

/// What `evaluate`'s flags ask for.
fn eval_settings(a: &EvaluateArgs) -> evaluate::EvalSettings {
    let models = match a.model {
        EvalModel::Als => vec![ModelKind::Als],
        EvalModel::Ranking => vec![ModelKind::Ranking],
        EvalModel::Ease => vec![ModelKind::Ease],
        EvalModel::Ials => vec![ModelKind::Ials],
        EvalModel::Popularity => vec![ModelKind::Popularity],
        EvalModel::All => vec![
            ModelKind::Popularity,
            ModelKind::Als,
            ModelKind::Ranking,
            ModelKind::Ease,
            ModelKind::Ials,
        ],
    };
    evaluate::EvalSettings {
        models,
        als: a.als.params(a.seed),
        ranking: a.ease.ranking(&a.ials, a.seed),
        max_users: a.ranking_users,
    }
}

fn print_similar(scores: &[evaluate::SimilarScores]) {
    println!(
        "kind  about  collab  damping  prior  hub   hit@10   NDCG@10  coverage  wince  popular  repeats  panel"
    );
    for s in scores {
        println!(
            "{:>4}  {:>5}  {:>6}  {:>7}  {:>5}  {:>3}   {:.4}   {:.4}   {:.4}    {:.3}  {:.3}    {:>5}    {}{}",
            s.kind,
            s.about,
            s.collaborative,
            s.damping,
            s.prior,
            s.hub,
            s.hit_rate_at_10,
            s.ndcg_at_10,
            s.coverage,
            s.wince_rate,
            s.popular_share,
            s.most_repeated,
            s.panel_recall.map_or("—".to_owned(), |r| format!("{r:.3}")),
            match (s.chosen, s.tuned) {
                (true, true) => "  ← chosen, tuned",
                (true, false) => "  ← chosen",
                (false, true) => "  ← tuned",
                (false, false) => "",
            }
        );
    }
}

fn print_dismissals(scores: &[evaluate::DismissalScores]) {
    println!("dismissal weight   users   NDCG@10   recall@10");
    for d in scores {
        println!(
            "{:>16}   {:>5}   {:>7.4}   {:>9.4}",
            d.weight, d.users, d.ndcg_at_10, d.recall_at_10
        );
    }
}

fn print_evaluation(e: &evaluate::Evaluation) {
    println!(
        "train / test pairs {} / {} · {} users ranked · top-10 over every unrated training movie",
        e.train_pairs, e.test_pairs, e.ranked_users
    );
    println!(
        "  {:<11} {:>7} {:>7} {:>7} {:>9} {:>8} {:>9} {:>8}",
        "model", "RMSE", "MAE", "P@10", "recall@10", "NDCG@10", "coverage", "fit s"
    );
    let opt = |x: Option<f64>| x.map_or("—".to_owned(), |x| format!("{x:.4}"));
    for m in &e.models {
        println!(
            "  {:<11} {:>7} {:>7} {:>7.4} {:>9.4} {:>8.4} {:>9.4} {:>8.2}",
            serde_json::to_value(m.model)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            opt(m.rmse),
            opt(m.mae),
            m.precision_at_10,
            m.recall_at_10,
            m.ndcg_at_10,
            m.coverage,
            m.fit_seconds
        );
    }
    if let Some(t) = e.tuning.as_ref().and_then(|t| serde_json::to_value(t).ok()) {
        super::train::print_tuning(&t);
    }
}

/// `evaluate --search`: search by what films are about, scored on the catalogue's tag queries
/// and the hand-written descriptions.
async fn search_study(args: &EvaluateArgs, ctx: &Context) -> Result<()> {
    use nextflex_app::recommender::search_evaluation::{self as search, SearchCase};
    let model = args.text_model.load().await;
    if model.is_none() {
        eprintln!("no text model (--text-model): scoring titles and words only");
    }
    let storage = nextflex_store::storage::Storage::open(&ctx.storage_config()?).await?;
    let previous = recommender::cached_embeddings(&storage).await?;
    // The popularity order as a snapshot has it (charts only: no model is trained).
    let charts = recommender::RecommenderSettings {
        plan: recommender::Plan::Charts,
        ..recommender::RecommenderSettings::default()
    };
    let (catalogue, movielens, popular_rank) = ctx
        .with_db(async |db| {
            let snapshot = recommender::build(db, &storage, &charts).await?;
            Ok((
                recommender::catalogue(db).await?,
                db::catalogue::movielens_ids(db).await?,
                snapshot.popular_ranks().to_vec(),
            ))
        })
        .await?;
    let by_movielens: HashMap<i64, i64> = movielens.into_iter().collect();
    let descriptions: Vec<SearchCase> = match &args.studies.descriptions {
        None => Vec::new(),
        Some(path) => {
            let text = std::fs::read_to_string(ctx.cwd.join(path))
                .map_err(|e| Error::Config(format!("--descriptions {}: {e}", path.display())))?;
            let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let mut cases = Vec::new();
            for (line, row) in reader.records().enumerate() {
                let row = row
                    .map_err(|e| Error::Config(format!("--descriptions line {}: {e}", line + 2)))?;
                let movielens_id: Option<i64> = row.get(1).and_then(|v| v.trim().parse().ok());
                let id = movielens_id
                    .and_then(|m| by_movielens.get(&m))
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "--descriptions line {}: MovieLens film {:?} is not in the catalogue",
                            line + 2,
                            row.get(2).unwrap_or_default()
                        ))
                    })?;
                cases.push(SearchCase {
                    query: row.get(0).unwrap_or_default().to_owned(),
                    relevant: vec![*id],
                });
            }
            cases
        }
    };
    let tags = search::tag_cases(&catalogue.about);
    if tags.is_empty() && descriptions.is_empty() {
        return Err(Error::Config(
            "--search: the catalogue has no MovieLens tag given to 5 films and no --descriptions \
             were given; import a MovieLens dataset with tags.csv first"
                .into(),
        ));
    }
    let evaluation = tokio::task::spawn_blocking(move || {
        let mut bar: Option<nextflex_app::progress::Counter> = None;
        let corpus = search::Corpus {
            movies: &catalogue.movies,
            popular_rank: &popular_rank,
            about: &catalogue.about,
        };
        let result = search::evaluate_search(
            &corpus,
            model.as_ref().map(|m| m.model().as_ref()),
            previous.as_ref(),
            &tags,
            &descriptions,
            &mut |done, total| {
                bar.get_or_insert_with(|| {
                    nextflex_app::progress::counter(
                        "embedding what films are about (tags left out)",
                        total as u64,
                    )
                })
                .advance_to(done as u64);
            },
        );
        if let Some(bar) = bar {
            bar.done("done");
        }
        result
    })
    .await
    .map_err(|e| Error::internal("the search study failed", e))?
    .map_err(|e| Error::internal("the search study failed", e))?;
    if args.json {
        println!("{}", json(&evaluation)?);
        return Ok(());
    }
    let e = &evaluation;
    println!(
        "search by what films are about: {} tag queries scored ({} chose the fusion's weights), {} descriptions; {} films embedded in {:.1} s",
        e.tag_queries_scored,
        e.tag_queries_tuned,
        e.descriptions,
        e.films_embedded,
        e.embed_seconds
    );
    let weights = |f: &recommender::about::Fusion| {
        format!(
            "words {}, meaning {}, popular {}",
            f.words, f.meaning, f.popular
        )
    };
    println!(
        "fusion weights chosen: {} (shipped: {})",
        weights(&e.chosen),
        weights(&e.shipped)
    );
    for (set, rows) in [
        ("tag queries", &e.tags),
        ("descriptions", &e.description_scores),
    ] {
        if rows.is_empty() {
            continue;
        }
        println!("{set}:");
        println!(
            "  {:<22} {:>8} {:>10} {:>7}",
            "method", "NDCG@10", "recall@10", "hit@5"
        );
        for r in rows.iter() {
            println!(
                "  {:<22} {:>8.4} {:>10.4} {:>7.3}",
                r.method, r.ndcg_at_10, r.recall_at_10, r.hit_at_5
            );
        }
    }
    Ok(())
}
