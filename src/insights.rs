//! Findings and recommendations: judgement over a finished snapshot and the catalog.

use crate::catalog::Catalog;
use crate::store::snapshot::{Insight, Snapshot};

/// The findings of PRODUCT.md "Findings", most severe first, and one recommendation each.
pub fn derive(_snapshot: &Snapshot, _catalog: &Catalog) -> (Vec<Insight>, Vec<String>) {
    (Vec::new(), Vec::new())
}
