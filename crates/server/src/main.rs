fn main() -> std::process::ExitCode {
    nextflex::cli::main()
}
