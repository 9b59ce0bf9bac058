//! The consortium's running costs: items of a fiscal year (年度), each a name and
//! an amount in yen, entered one at a time by consortium admins. How the total
//! is shared is a rule of the domain (`kizuna_core::costs`), not of the store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::costs::{CostItemName, Yen};

use crate::db::Row;
use crate::{Result, SqlStore};

mod queries;
mod records;
use queries::*;
pub use records::*;

#[async_trait]
pub trait Costs: Send + Sync + 'static {
    async fn add_cost_item(&self, item: &NewCostItem, now: DateTime<Utc>) -> Result<CostItem>;
    /// The items of one fiscal year, in the order they were entered.
    async fn cost_items(&self, fiscal_year: i32) -> Result<Vec<CostItem>>;
    async fn cost_item(&self, id: i64) -> Result<Option<CostItem>>;
    /// Removes an item entered by mistake; false when there was no such item.
    async fn remove_cost_item(&self, id: i64) -> Result<bool>;
}

#[async_trait]
impl Costs for SqlStore {
    async fn add_cost_item(&self, item: &NewCostItem, now: DateTime<Utc>) -> Result<CostItem> {
        let row = self
            .db
            .query(INSERT_ITEM)
            .bind(item.fiscal_year)
            .bind(item.name.as_str())
            .bind(item.amount.get())
            .bind(&item.created_by)
            .bind(now)
            .fetch_one()
            .await?;
        item_from_row(&row)
    }

    async fn cost_items(&self, fiscal_year: i32) -> Result<Vec<CostItem>> {
        self.db.query(ITEMS_OF_YEAR).bind(fiscal_year).fetch_all().await?.iter().map(item_from_row).collect()
    }

    async fn cost_item(&self, id: i64) -> Result<Option<CostItem>> {
        self.db.query(ITEM_BY_ID).bind(id).fetch_optional().await?.as_ref().map(item_from_row).transpose()
    }

    async fn remove_cost_item(&self, id: i64) -> Result<bool> {
        Ok(self.db.query(DELETE_ITEM).bind(id).execute().await? > 0)
    }
}

fn item_from_row(row: &Row) -> Result<CostItem> {
    Ok(CostItem {
        id: row.get("id")?,
        fiscal_year: row.get("fiscal_year")?,
        name: CostItemName::from_stored(row.get("name")?),
        amount: Yen::from_stored(row.get("amount_yen")?),
        created_by: row.get("created_by")?,
        created_at: row.get("created_at")?,
    })
}
