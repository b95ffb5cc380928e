//! The `edgesim` binary: everything lives in the library and the `cli` module.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
