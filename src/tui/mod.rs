//! The live dashboard.

pub struct DashboardInputs {
    pub engine: crate::transcripts::Engine,
    pub store: crate::store::Store,
    pub catalog: crate::catalog::Catalog,
    pub query: crate::store::Query,
    pub project_path: Option<String>,
    pub fixed_now: bool,
    pub prometheus: Option<crate::prometheus::Settings>,
    pub keys: std::collections::BTreeMap<String, String>,
    pub export_dir: std::path::PathBuf,
    pub mono: bool,
}

pub async fn run(_inputs: DashboardInputs) -> color_eyre::Result<()> {
    Ok(())
}
