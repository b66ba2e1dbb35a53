//! `mio-desk`: with no arguments it opens the clerk's window; subcommands serve the office's
//! IT person, scripts and tests.

use clap::Parser;

fn main() {
    mio_desk::cli::quiet_on_closed_pipe();
    let cli = mio_desk::cli::Cli::parse();
    if cli.command.is_none() {
        match mio_desk::cli::data_dir(&cli) {
            Ok(dir) => std::process::exit(mio_desk::ui::run(dir)),
            Err(mio_desk::cli::Failure(m)) => {
                eprintln!("{m}");
                std::process::exit(1);
            }
        }
    }
    std::process::exit(mio_desk::cli::run(cli));
}
