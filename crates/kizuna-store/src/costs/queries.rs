//! The statements of the cost items.

pub(super) const INSERT_ITEM: &str = "INSERT INTO cost_items (fiscal_year, name, amount_yen, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5)
     RETURNING id, fiscal_year, name, amount_yen, created_by, created_at";

/// In the order entered: the council reads the list as the secretariat built it.
pub(super) const ITEMS_OF_YEAR: &str = "SELECT id, fiscal_year, name, amount_yen, created_by, created_at
     FROM cost_items WHERE fiscal_year = $1 ORDER BY id";

pub(super) const ITEM_BY_ID: &str =
    "SELECT id, fiscal_year, name, amount_yen, created_by, created_at FROM cost_items WHERE id = $1";

pub(super) const DELETE_ITEM: &str = "DELETE FROM cost_items WHERE id = $1";
