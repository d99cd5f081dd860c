//! `arabic-text`: parses the command line and hands over to the library.

use clap::Parser as _;

/// jemalloc gives memory back to the OS after a burst; glibc's malloc kept
/// it (docs/deployment.md, "Memory after a burst").
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> anyhow::Result<()> {
    arabic_text::cli::run(arabic_text::cli::Cli::parse())
}
