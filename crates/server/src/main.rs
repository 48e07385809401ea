// mimalloc rather than the system allocator: the text model's forward pass allocates and frees
// large buffers per layer, which glibc's malloc hands back to the kernel each time; measured
// on the demo catalogue, embedding ran 31 films/s with it and 40 films/s with mimalloc
// (docs/benchmarks.md, "Search by meaning").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    nextflex::cli::main()
}
