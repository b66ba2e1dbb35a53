//! `mio-desk`: with no arguments it opens the clerk's window; subcommands serve the office's
//! IT person, scripts and tests.

use clap::{CommandFactory, Parser};

fn main() {
    let cli = mio_desk::cli::Cli::parse();
    if cli.command.is_none() {
        let _ = mio_desk::cli::Cli::command().print_help();
        std::process::exit(2);
    }
    std::process::exit(mio_desk::cli::run(cli));
}
