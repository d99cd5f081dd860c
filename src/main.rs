//! `arabic-text`: parses the command line and hands over to the library.

use clap::Parser as _;

fn main() -> anyhow::Result<()> {
    arabic_text::cli::run(arabic_text::cli::Cli::parse())
}
