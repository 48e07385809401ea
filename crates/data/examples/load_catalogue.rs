//! Loads dataset folders and prints what the import would store: a quick look at a dataset
//! without a database. Usage: load_catalogue DIR...

use nextflex_data::load::load;
use nextflex_data::sources::scan;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = std::time::Instant::now();
    let dirs = std::env::args()
        .skip(1)
        .map(|p| scan(std::path::Path::new(&p)))
        .collect::<Result<Vec<_>, _>>()?
        .concat();
    let loaded = load(&dirs, false)?;
    let movies = &loaded.movies;
    let count = |f: &dyn Fn(&nextflex_data::catalogue::Movie) -> bool| {
        movies.iter().filter(|m| f(m)).count()
    };
    println!("movies: {}", movies.len());
    println!("  with TMDB id: {}", count(&|m| m.tmdb_id.is_some()));
    println!(
        "  MovieLens movies with TMDB metadata: {}",
        count(&|m| m.movielens_id.is_some() && m.overview.is_some())
    );
    println!("  with cast: {}", count(&|m| !m.cast.is_empty()));
    println!("  with keywords: {}", count(&|m| !m.keywords.is_empty()));
    for r in &loaded.ratings {
        println!("ratings {}: {}", r.name, r.read.ratings.len());
    }
    println!("skipped: {:?}", loaded.skips.0);
    println!("seconds: {:.2}", started.elapsed().as_secs_f64());
    Ok(())
}
