//! Reference data: the consortium, its municipalities (with their departments
//! and cost shares), areas (地区) and categories. Seeded once from the
//! consortium file; every change is announced on [`Topic::ReferenceData`] so
//! each process reloads what it keeps in memory.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::consortium::{Category, ConsortiumInfo, ConsortiumSeed, CostSharing, Municipality};
use kizuna_core::quiet::QuietHours;
use kizuna_core::{CategoryKey, JmaAreaCode, MunicipalityCode};

use crate::changes::Topic;
use crate::db::{Row, corrupt, postgres::lock_migrations};
use crate::{Result, SqlStore, StoreError};

mod queries;
use queries::*;

/// An area (地区) within a municipality, which notices and residents may narrow to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub id: i64,
    pub municipality: MunicipalityCode,
    pub name_ja: String,
    pub name_en: String,
}

#[async_trait]
pub trait Catalog: Send + Sync + 'static {
    /// Seeds the consortium into an empty database. Returns false, changing
    /// nothing, when a consortium is already there: the file only seeds.
    async fn seed_if_empty(&self, seed: &ConsortiumSeed, now: DateTime<Utc>) -> Result<bool>;
    async fn consortium(&self) -> Result<Option<ConsortiumInfo>>;
    async fn cost_sharing(&self) -> Result<CostSharing>;
    /// In the order of the consortium file.
    async fn municipalities(&self) -> Result<Vec<Municipality>>;
    /// In the order of the consortium file.
    async fn categories(&self) -> Result<Vec<Category>>;
    async fn areas(&self, municipality: &MunicipalityCode) -> Result<Vec<Area>>;
    async fn add_area(&self, municipality: &MunicipalityCode, name_ja: &str, name_en: &str) -> Result<i64>;
    async fn rename_area(&self, id: i64, name_ja: &str, name_en: &str) -> Result<()>;
    /// Changes how a municipality is named and signs its mail.
    async fn update_municipality(
        &self,
        code: &MunicipalityCode,
        name_ja: &str,
        name_en: &str,
        sender_local: &str,
    ) -> Result<()>;
    /// Adds a category, or changes the one with its key.
    async fn save_category(&self, category: &Category) -> Result<()>;
    /// The consortium's quiet hours, if it set any.
    async fn quiet_hours(&self) -> Result<Option<QuietHours>>;
    async fn set_quiet_hours(&self, quiet: Option<&QuietHours>) -> Result<()>;
    /// The per-minute limits of destination domains in force.
    async fn pacing_rules(&self) -> Result<Vec<crate::PacingRule>>;
}

#[async_trait]
impl Catalog for SqlStore {
    async fn seed_if_empty(&self, seed: &ConsortiumSeed, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.db.begin().await?;
        // Processes starting together on one PostgreSQL seed once.
        lock_migrations(&mut tx).await?;
        let existing: i64 = tx.query(COUNT_CONSORTIA).fetch_scalar().await?;
        if existing > 0 {
            return Ok(false);
        }
        let CostSharing::FixedThenEqual { fixed } = &seed.cost_sharing;
        let info = &seed.info;
        tx.query(INSERT_CONSORTIUM)
            .bind(&info.name_ja)
            .bind(&info.name_en)
            .bind(&info.jma_prefecture_code)
            .bind(&info.jma_subregion_code)
            .bind(&info.jma_quake_region_code)
            .bind("fixed_then_equal")
            .bind(now)
            .execute()
            .await?;
        for (position, m) in seed.municipalities.iter().enumerate() {
            let share = fixed.iter().find(|(code, _)| *code == m.code).map(|(_, share)| *share);
            tx.query(INSERT_MUNICIPALITY)
                .bind(m.code.as_str())
                .bind(m.jma_area_code.as_str())
                .bind(&m.name_ja)
                .bind(&m.name_kana)
                .bind(&m.name_en)
                .bind(&m.sender_local)
                .bind(share)
                .bind(position as i64)
                .execute()
                .await?;
            for department in &m.departments {
                tx.query(INSERT_DEPARTMENT).bind(m.code.as_str()).bind(department).execute().await?;
            }
        }
        for (position, c) in seed.categories.iter().enumerate() {
            tx.query(INSERT_CATEGORY)
                .bind(c.key.as_str())
                .bind(&c.name_ja)
                .bind(&c.name_en)
                .bind(c.emergency)
                .bind(c.restricted)
                .bind(position as i64)
                .execute()
                .await?;
        }
        tx.announce(Topic::ReferenceData).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn consortium(&self) -> Result<Option<ConsortiumInfo>> {
        let row = self.db.query(CONSORTIUM).fetch_optional().await?;
        row.map(|row| {
            Ok(ConsortiumInfo {
                name_ja: row.get("name_ja")?,
                name_en: row.get("name_en")?,
                jma_prefecture_code: row.get("jma_prefecture_code")?,
                jma_subregion_code: row.get("jma_subregion_code")?,
                jma_quake_region_code: row.get("jma_quake_region_code")?,
            })
        })
        .transpose()
    }

    async fn cost_sharing(&self) -> Result<CostSharing> {
        let rows = self.db.query(FIXED_COST_SHARES).fetch_all().await?;
        let fixed = rows
            .iter()
            .map(|row| Ok((municipality_code(&row.get::<String>("code")?)?, row.get::<f64>("cost_share")?)))
            .collect::<Result<_>>()?;
        Ok(CostSharing::FixedThenEqual { fixed })
    }

    async fn municipalities(&self) -> Result<Vec<Municipality>> {
        let rows = self.db.query(MUNICIPALITIES).fetch_all().await?;
        let departments = self.db.query(DEPARTMENTS).fetch_all().await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let code: String = row.get("code")?;
            let jma: String = row.get("jma_area_code")?;
            let mut names = Vec::new();
            for d in &departments {
                if d.get::<String>("municipality_code")? == code {
                    names.push(d.get("name")?);
                }
            }
            out.push(Municipality {
                code: municipality_code(&code)?,
                jma_area_code: JmaAreaCode::parse(&jma).map_err(|_| corrupt("JMA area code", &jma))?,
                name_ja: row.get("name_ja")?,
                name_kana: row.get("name_kana")?,
                name_en: row.get("name_en")?,
                departments: names,
                sender_local: row.get("sender_local")?,
            });
        }
        Ok(out)
    }

    async fn categories(&self) -> Result<Vec<Category>> {
        let rows = self.db.query(CATEGORIES).fetch_all().await?;
        rows.iter()
            .map(|row| {
                Ok(Category {
                    key: category_key(&row.get::<String>("key")?)?,
                    name_ja: row.get("name_ja")?,
                    name_en: row.get("name_en")?,
                    emergency: row.get("emergency")?,
                    restricted: row.get("restricted")?,
                })
            })
            .collect()
    }

    async fn areas(&self, municipality: &MunicipalityCode) -> Result<Vec<Area>> {
        let rows = self.db.query(AREAS_OF).bind(municipality.as_str()).fetch_all().await?;
        rows.iter().map(area_from_row).collect()
    }

    async fn add_area(&self, municipality: &MunicipalityCode, name_ja: &str, name_en: &str) -> Result<i64> {
        let mut tx = self.db.begin().await?;
        let id = tx.query(INSERT_AREA).bind(municipality.as_str()).bind(name_ja).bind(name_en).fetch_scalar().await?;
        tx.announce(Topic::ReferenceData).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn rename_area(&self, id: i64, name_ja: &str, name_en: &str) -> Result<()> {
        self.change_reference_data(RENAME_AREA, |q| q.bind(id).bind(name_ja).bind(name_en)).await
    }

    async fn update_municipality(
        &self,
        code: &MunicipalityCode,
        name_ja: &str,
        name_en: &str,
        sender_local: &str,
    ) -> Result<()> {
        self.change_reference_data(UPDATE_MUNICIPALITY, |q| {
            q.bind(code.as_str()).bind(name_ja).bind(name_en).bind(sender_local)
        })
        .await
    }

    async fn save_category(&self, c: &Category) -> Result<()> {
        self.change_reference_data(SAVE_CATEGORY, |q| {
            q.bind(c.key.as_str()).bind(&c.name_ja).bind(&c.name_en).bind(c.emergency).bind(c.restricted)
        })
        .await
    }

    async fn quiet_hours(&self) -> Result<Option<QuietHours>> {
        let Some(row) = self.db.query(QUIET_HOURS).fetch_optional().await? else { return Ok(None) };
        let start: Option<String> = row.get("quiet_start")?;
        let end: Option<String> = row.get("quiet_end")?;
        Ok(match (start, end) {
            (Some(start), Some(end)) => QuietHours::parse(&start, &end),
            _ => None,
        })
    }

    async fn set_quiet_hours(&self, quiet: Option<&QuietHours>) -> Result<()> {
        let start = quiet.map(QuietHours::start_text);
        let end = quiet.map(QuietHours::end_text);
        self.change_reference_data(SET_QUIET_HOURS, |q| q.bind(start).bind(end)).await
    }

    async fn pacing_rules(&self) -> Result<Vec<crate::PacingRule>> {
        let rows = self.db.query(PACING_RULES).fetch_all().await?;
        rows.iter()
            .map(|row| Ok(crate::PacingRule { domain: row.get("domain")?, per_minute: row.get("per_minute")? }))
            .collect()
    }
}

impl SqlStore {
    /// Runs one change of reference data and announces it, in one transaction;
    /// `NotFound` when it changed nothing.
    async fn change_reference_data(
        &self,
        sql: &'static str,
        binds: impl FnOnce(crate::db::Statement<'_>) -> crate::db::Statement<'_>,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if binds(tx.query(sql)).execute().await? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.announce(Topic::ReferenceData).await?;
        tx.commit().await
    }
}

fn area_from_row(row: &Row) -> Result<Area> {
    Ok(Area {
        id: row.get("id")?,
        municipality: municipality_code(&row.get::<String>("municipality_code")?)?,
        name_ja: row.get("name_ja")?,
        name_en: row.get("name_en")?,
    })
}

/// A stored municipality code, parsed again only to prove the database holds what was written.
pub(crate) fn municipality_code(code: &str) -> Result<MunicipalityCode> {
    MunicipalityCode::parse(code).map_err(|_| corrupt("municipality code", code))
}

pub(crate) fn category_key(key: &str) -> Result<CategoryKey> {
    CategoryKey::parse(key).map_err(|_| corrupt("category key", key))
}
