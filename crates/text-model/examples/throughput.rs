//! Embedding throughput: embeds the texts of a file (one per line) and prints texts per second
//! and the process's peak memory. For comparing changes to the model's forward pass on the same
//! texts (docs/benchmarks.md, "Embedding the catalogue").
//!
//!     cargo run --release -p nextflex-text-model --example throughput -- MODEL_DIR TEXTS [N]

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, texts, rest @ ..] = args.as_slice() else {
        return Err("usage: throughput MODEL_DIR TEXTS [N]".into());
    };
    let n: usize = rest.first().map_or(Ok(usize::MAX), |n| n.parse())?;
    let texts: Vec<String> = std::fs::read_to_string(texts)?
        .lines()
        .take(n)
        .map(str::to_owned)
        .collect();
    let model = nextflex_text_model::TextModel::load(std::path::Path::new(dir))?;
    let started = std::time::Instant::now();
    let vectors = model.embed_many(&texts, &mut |_| {})?;
    let seconds = started.elapsed().as_secs_f64();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    println!(
        "{} texts in {seconds:.1} s: {:.1} texts/s; {peak}",
        vectors.len(),
        vectors.len() as f64 / seconds
    );
    Ok(())
}
