//! The statements of the reference data.

/// Whether the consortium was already seeded.
pub(super) const COUNT_CONSORTIA: &str = "SELECT COUNT(*) FROM consortium";

pub(super) const INSERT_CONSORTIUM: &str = "INSERT INTO consortium (id, name_ja, name_en, jma_prefecture_code,
     jma_subregion_code, jma_quake_region_code, cost_rule, created_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7)";

/// `position` keeps the order of the seed file, which every list follows.
pub(super) const INSERT_MUNICIPALITY: &str = "INSERT INTO municipalities (code, jma_area_code, name_ja, name_kana,
     name_en, sender_local, cost_share, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub(super) const INSERT_DEPARTMENT: &str = "INSERT INTO departments (municipality_code, name) VALUES ($1, $2)";

pub(super) const INSERT_CATEGORY: &str =
    "INSERT INTO categories (key, name_ja, name_en, emergency, restricted, position)
     VALUES ($1, $2, $3, $4, $5, $6)";

pub(super) const CONSORTIUM: &str = "SELECT name_ja, name_en, jma_prefecture_code, jma_subregion_code,
     jma_quake_region_code FROM consortium WHERE id = 1";

/// The municipalities with a fixed share of the cost; the others split the rest.
pub(super) const FIXED_COST_SHARES: &str =
    "SELECT code, cost_share FROM municipalities WHERE cost_share IS NOT NULL ORDER BY position";

pub(super) const MUNICIPALITIES: &str = "SELECT code, jma_area_code, name_ja, name_kana, name_en, sender_local
     FROM municipalities ORDER BY position";

pub(super) const DEPARTMENTS: &str = "SELECT municipality_code, name FROM departments ORDER BY id";

pub(super) const CATEGORIES: &str =
    "SELECT key, name_ja, name_en, emergency, restricted FROM categories ORDER BY position";

pub(super) const AREAS_OF: &str =
    "SELECT id, municipality_code, name_ja, name_en FROM areas WHERE municipality_code = $1 ORDER BY id";

pub(super) const QUIET_HOURS: &str = "SELECT quiet_start, quiet_end FROM consortium WHERE id = 1";

pub(super) const SET_QUIET_HOURS: &str = "UPDATE consortium SET quiet_start = $1, quiet_end = $2 WHERE id = 1";

/// How a municipality signs its mail: its names and the sender's local part.
pub(super) const UPDATE_MUNICIPALITY: &str =
    "UPDATE municipalities SET name_ja = $2, name_en = $3, sender_local = $4 WHERE code = $1";

pub(super) const RENAME_AREA: &str = "UPDATE areas SET name_ja = $2, name_en = $3 WHERE id = $1";

/// A new category goes last in the lists.
pub(super) const SAVE_CATEGORY: &str = "INSERT INTO categories (key, name_ja, name_en, emergency, restricted, position)
     VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(position), 0) + 1 FROM categories))
     ON CONFLICT (key) DO UPDATE SET name_ja = excluded.name_ja, name_en = excluded.name_en,
        emergency = excluded.emergency, restricted = excluded.restricted";

pub(super) const PACING_RULES: &str = "SELECT domain, per_minute FROM pacing_rules ORDER BY domain";

pub(super) const INSERT_AREA: &str =
    "INSERT INTO areas (municipality_code, name_ja, name_en) VALUES ($1, $2, $3) RETURNING id";
