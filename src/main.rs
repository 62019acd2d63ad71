#![warn(clippy::too_many_lines)]

fn main() {
    let cli = skilltop::settings::cli::parse_or_exit();
    if let Err(e) = color_eyre::install() {
        skilltop::run::warn(&format!("skilltop: cannot install the error handler: {e}"));
    }
    if let Err(e) = skilltop::run::run(cli) {
        if !e.is_quiet() {
            skilltop::run::warn(&format!("skilltop: {e}"));
        }
        std::process::exit(e.exit_code());
    }
}
