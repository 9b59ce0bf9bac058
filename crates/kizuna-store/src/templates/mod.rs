//! Emergency templates (避難指示, 高齢者等避難, 断水, …): ready texts that fill
//! the compose form so a notice can go out in under a minute. A template belongs
//! to one municipality or to the whole region.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::notice::Urgency;
use kizuna_core::staff::Scope;
use kizuna_core::{CategoryKey, MunicipalityCode};

use crate::catalog::{category_key, municipality_code};
use crate::db::{Row, corrupt};
use crate::{Result, SqlStore, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeTemplate {
    pub id: i64,
    /// `None`: a template of the whole region.
    pub municipality: Option<MunicipalityCode>,
    pub name: String,
    pub title: String,
    pub body: String,
    pub title_en: Option<String>,
    pub body_en: Option<String>,
    pub category: CategoryKey,
    pub urgency: Urgency,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A template as written in the console (texts as typed: a template holds
/// placeholders such as 〇〇 that the author replaces, so it is checked as a
/// notice only when used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateText {
    pub municipality: Option<MunicipalityCode>,
    pub name: String,
    pub title: String,
    pub body: String,
    pub title_en: Option<String>,
    pub body_en: Option<String>,
    pub category: CategoryKey,
    pub urgency: Urgency,
}

#[async_trait]
pub trait Templates: Send + Sync + 'static {
    /// The templates a scope may use: the region's and, for one municipality, its own.
    async fn templates(&self, scope: &Scope) -> Result<Vec<NoticeTemplate>>;
    async fn template(&self, id: i64) -> Result<Option<NoticeTemplate>>;
    async fn create_template(&self, template: &TemplateText, actor: &str, now: DateTime<Utc>) -> Result<i64>;
    async fn update_template(&self, id: i64, template: &TemplateText, actor: &str, now: DateTime<Utc>) -> Result<()>;
    async fn delete_template(&self, id: i64) -> Result<bool>;
}

const BY_ID: &str = "SELECT id, municipality_code, name, title, body, title_en, body_en, category_key, urgency,
     updated_by, updated_at FROM notice_templates WHERE id = $1";

/// The region's templates and, given `$1`, one municipality's; in their order.
const FOR_SCOPE: &str = "SELECT id, municipality_code, name, title, body, title_en, body_en, category_key, urgency,
     updated_by, updated_at FROM notice_templates
     WHERE municipality_code IS NULL OR $1 IS NULL OR municipality_code = $1
     ORDER BY municipality_code IS NOT NULL, position, id";

const INSERT: &str = "INSERT INTO notice_templates (municipality_code, name, title, body, title_en, body_en,
     category_key, urgency, position, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT COALESCE(MAX(position), 0) + 1 FROM notice_templates), $9, $10)
     RETURNING id";

const UPDATE: &str = "UPDATE notice_templates SET municipality_code = $2, name = $3, title = $4, body = $5,
     title_en = $6, body_en = $7, category_key = $8, urgency = $9, updated_by = $10, updated_at = $11 WHERE id = $1";

const DELETE: &str = "DELETE FROM notice_templates WHERE id = $1";

#[async_trait]
impl Templates for SqlStore {
    async fn templates(&self, scope: &Scope) -> Result<Vec<NoticeTemplate>> {
        let own = scope.municipality().map(|c| c.as_str());
        self.db.query(FOR_SCOPE).bind(own).fetch_all().await?.iter().map(template_from_row).collect()
    }

    async fn template(&self, id: i64) -> Result<Option<NoticeTemplate>> {
        let row = self.db.query(BY_ID).bind(id).fetch_optional().await?;
        row.as_ref().map(template_from_row).transpose()
    }

    async fn create_template(&self, t: &TemplateText, actor: &str, now: DateTime<Utc>) -> Result<i64> {
        self.db
            .query(INSERT)
            .bind(t.municipality.as_ref().map(|c| c.as_str()))
            .bind(&t.name)
            .bind(&t.title)
            .bind(&t.body)
            .bind(t.title_en.as_deref())
            .bind(t.body_en.as_deref())
            .bind(t.category.as_str())
            .bind(t.urgency.as_str())
            .bind(actor)
            .bind(now)
            .fetch_scalar()
            .await
    }

    async fn update_template(&self, id: i64, t: &TemplateText, actor: &str, now: DateTime<Utc>) -> Result<()> {
        let changed = self
            .db
            .query(UPDATE)
            .bind(id)
            .bind(t.municipality.as_ref().map(|c| c.as_str()))
            .bind(&t.name)
            .bind(&t.title)
            .bind(&t.body)
            .bind(t.title_en.as_deref())
            .bind(t.body_en.as_deref())
            .bind(t.category.as_str())
            .bind(t.urgency.as_str())
            .bind(actor)
            .bind(now)
            .execute()
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_template(&self, id: i64) -> Result<bool> {
        Ok(self.db.query(DELETE).bind(id).execute().await? > 0)
    }
}

fn template_from_row(row: &Row) -> Result<NoticeTemplate> {
    let municipality: Option<String> = row.get("municipality_code")?;
    let urgency: String = row.get("urgency")?;
    Ok(NoticeTemplate {
        id: row.get("id")?,
        municipality: municipality.as_deref().map(municipality_code).transpose()?,
        name: row.get("name")?,
        title: row.get("title")?,
        body: row.get("body")?,
        title_en: row.get("title_en")?,
        body_en: row.get("body_en")?,
        category: category_key(&row.get::<String>("category_key")?)?,
        urgency: Urgency::parse(&urgency).ok_or_else(|| corrupt("urgency", &urgency))?,
        updated_by: row.get("updated_by")?,
        updated_at: row.get("updated_at")?,
    })
}
