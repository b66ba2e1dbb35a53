//! `mio-desk`: with no arguments it opens the clerk's window; subcommands serve the office's
//! IT person, scripts and tests.

use clap::Parser;

fn main() {
    let cli = mio_desk::cli::Cli::parse();
    if cli.command.is_none() {
        let dir = mio_desk::desk::DataDir::new(
            cli.data_dir
                .clone()
                .unwrap_or_else(mio_desk::cli::default_data_dir),
        );
        std::process::exit(mio_desk::ui::run(dir));
    }
    std::process::exit(mio_desk::cli::run(cli));
}
