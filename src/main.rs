use skilltop::run::UsageError;

fn main() {
    let cli = skilltop::settings::cli::parse_or_exit();
    if let Err(e) = color_eyre::install() {
        eprintln!("skilltop: cannot install the error handler: {e}");
    }
    if let Err(report) = skilltop::run::run(cli) {
        if let Some(u) = report.downcast_ref::<UsageError>() {
            eprintln!("skilltop: {u}");
            std::process::exit(2);
        }
        eprintln!("skilltop: {report:?}");
        std::process::exit(1);
    }
}
