#![warn(clippy::too_many_lines)]

fn main() {
    let cli = skilltop::settings::cli::parse_or_exit();
    if let Err(e) = color_eyre::install() {
        eprintln!("skilltop: cannot install the error handler: {e}");
    }
    if let Err(e) = skilltop::run::run(cli) {
        eprintln!("skilltop: {e}");
        std::process::exit(e.exit_code());
    }
}
