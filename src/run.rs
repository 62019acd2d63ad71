//! Wiring: from resolved options to a loaded store, a snapshot, and the chosen view.
