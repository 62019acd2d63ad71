fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let _cli = skilltop::cli::parse_or_exit();
    Ok(())
}
