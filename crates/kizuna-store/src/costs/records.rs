//! Cost items as they cross the storage boundary.

use chrono::{DateTime, Utc};
use kizuna_core::costs::{CostItemName, Yen};

#[derive(Debug, Clone)]
pub struct NewCostItem {
    /// The year the fiscal year begins in (`kizuna_core::time::fiscal_year_of`).
    pub fiscal_year: i32,
    pub name: CostItemName,
    pub amount: Yen,
    /// Who entered it (`staff:ID`).
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostItem {
    pub id: i64,
    pub fiscal_year: i32,
    pub name: CostItemName,
    pub amount: Yen,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}
