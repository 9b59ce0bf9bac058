//! The consortium that runs Kizuna: its municipalities, categories and how they
//! share the running cost, as read from a `consortium.toml` seed file.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use thiserror::Error;

use crate::codes::{CategoryKey, CodeError, JmaAreaCode, MunicipalityCode};

/// The built-in seed: the Chichibu region (秩父圏域).
pub const CHICHIBU_TOML: &str = include_str!("../../../data/consortium.toml");

#[derive(Debug, Clone, PartialEq)]
pub struct ConsortiumSeed {
    pub info: ConsortiumInfo,
    pub cost_sharing: CostSharing,
    pub municipalities: Vec<Municipality>,
    pub categories: Vec<Category>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsortiumInfo {
    pub name_ja: String,
    pub name_en: String,
    pub jma_prefecture_code: String,
    pub jma_subregion_code: String,
    pub jma_quake_region_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub code: MunicipalityCode,
    pub jma_area_code: JmaAreaCode,
    pub name_ja: String,
    pub name_kana: String,
    pub name_en: String,
    pub departments: Vec<String>,
    /// The local part of the sender address: `"秩父市" <info@D>`.
    pub sender_local: String,
}

impl Municipality {
    /// The name a reader of `lang` is shown: see [`crate::lang::content`].
    pub fn name(&self, lang: crate::Lang) -> &str {
        crate::lang::content(lang, &self.name_ja, Some(&self.name_en)).1
    }

    /// The name in the other language, shown beside [`Self::name`], and that language.
    pub fn name_beside(&self, lang: crate::Lang) -> (crate::Lang, &str) {
        crate::lang::content_beside(lang, &self.name_ja, Some(&self.name_en))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub key: CategoryKey,
    pub name_ja: String,
    pub name_en: String,
    /// Reaches residents who chose "emergency information only".
    pub emergency: bool,
    /// Goes to staff-flagged subscribers only, never shown publicly.
    pub restricted: bool,
}

impl Category {
    /// The name a reader of `lang` is shown: see [`crate::lang::content`].
    pub fn name(&self, lang: crate::Lang) -> &str {
        crate::lang::content(lang, &self.name_ja, Some(&self.name_en)).1
    }

    /// The name in the other language, shown beside [`Self::name`], and that language.
    pub fn name_beside(&self, lang: crate::Lang) -> (crate::Lang, &str) {
        crate::lang::content_beside(lang, &self.name_ja, Some(&self.name_en))
    }
}

/// How the members split the running cost.
#[derive(Debug, Clone, PartialEq)]
pub enum CostSharing {
    /// Named members pay fixed fractions; the rest is split equally among the others.
    FixedThenEqual { fixed: Vec<(MunicipalityCode, f64)> },
}

#[derive(Debug, Error)]
pub enum SeedError {
    #[error("consortium file: {0}")]
    Toml(String),
    #[error("consortium file: {0}")]
    Code(#[from] CodeError),
    #[error("consortium file: {0}")]
    Invalid(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeed {
    consortium: RawConsortium,
    cost_sharing: RawCostSharing,
    municipality: Vec<RawMunicipality>,
    category: Vec<RawCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsortium {
    name_ja: String,
    name_en: String,
    jma_prefecture_code: String,
    jma_subregion_code: String,
    jma_quake_region_code: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCostSharing {
    rule: String,
    #[serde(default)]
    fixed: BTreeMap<String, f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMunicipality {
    local_gov_code: String,
    jma_area_code: String,
    name_ja: String,
    name_kana: String,
    name_en: String,
    #[serde(default)]
    departments: Vec<String>,
    #[serde(default)]
    sender_local: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    key: String,
    name_ja: String,
    name_en: String,
    #[serde(default)]
    emergency: bool,
    #[serde(default)]
    restricted: bool,
}

fn non_empty(value: &str, what: &str) -> Result<String, SeedError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(SeedError::Invalid(format!("{what} must not be empty")));
    }
    Ok(value.to_owned())
}

impl ConsortiumSeed {
    pub fn chichibu() -> Result<Self, SeedError> {
        Self::parse(CHICHIBU_TOML)
    }

    pub fn parse(text: &str) -> Result<Self, SeedError> {
        let raw: RawSeed = toml::from_str(text).map_err(|e| SeedError::Toml(e.to_string()))?;
        let info = ConsortiumInfo {
            name_ja: non_empty(&raw.consortium.name_ja, "consortium.name_ja")?,
            name_en: non_empty(&raw.consortium.name_en, "consortium.name_en")?,
            jma_prefecture_code: raw.consortium.jma_prefecture_code,
            jma_subregion_code: raw.consortium.jma_subregion_code,
            jma_quake_region_code: raw.consortium.jma_quake_region_code,
        };
        let mut municipalities = Vec::new();
        let mut seen = HashSet::new();
        for m in raw.municipality {
            let code = MunicipalityCode::parse(&m.local_gov_code)?;
            if !seen.insert(code.clone()) {
                return Err(SeedError::Invalid(format!("municipality {code} is listed twice")));
            }
            let sender_local = m.sender_local.unwrap_or_else(|| "info".to_owned());
            if sender_local.is_empty()
                || !sender_local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                return Err(SeedError::Invalid(format!("municipality {code}: sender_local {sender_local:?}")));
            }
            municipalities.push(Municipality {
                jma_area_code: JmaAreaCode::parse(&m.jma_area_code)?,
                name_ja: non_empty(&m.name_ja, "municipality.name_ja")?,
                name_kana: m.name_kana.trim().to_owned(),
                name_en: non_empty(&m.name_en, "municipality.name_en")?,
                departments: m.departments,
                sender_local,
                code,
            });
        }
        if municipalities.is_empty() {
            return Err(SeedError::Invalid("at least one [[municipality]] is needed".into()));
        }
        let mut categories = Vec::new();
        let mut keys = HashSet::new();
        for c in raw.category {
            let key = CategoryKey::parse(&c.key)?;
            if !keys.insert(key.clone()) {
                return Err(SeedError::Invalid(format!("category {key} is listed twice")));
            }
            categories.push(Category {
                key,
                name_ja: non_empty(&c.name_ja, "category.name_ja")?,
                name_en: non_empty(&c.name_en, "category.name_en")?,
                emergency: c.emergency,
                restricted: c.restricted,
            });
        }
        if categories.is_empty() {
            return Err(SeedError::Invalid("at least one [[category]] is needed".into()));
        }
        if raw.cost_sharing.rule != "fixed_then_equal" {
            return Err(SeedError::Invalid(format!(
                "cost_sharing.rule {:?} is unknown (known: fixed_then_equal)",
                raw.cost_sharing.rule
            )));
        }
        let mut fixed = Vec::new();
        for (code, share) in raw.cost_sharing.fixed {
            let code = MunicipalityCode::parse(&code)?;
            if !seen.contains(&code) {
                return Err(SeedError::Invalid(format!("cost_sharing.fixed names {code}, which is not a member")));
            }
            if !(0.0..=1.0).contains(&share) {
                return Err(SeedError::Invalid(format!("cost_sharing.fixed share {share} is not between 0 and 1")));
            }
            fixed.push((code, share));
        }
        if fixed.iter().map(|(_, s)| s).sum::<f64>() > 1.0 + 1e-9 {
            return Err(SeedError::Invalid("cost_sharing.fixed shares add up to more than 1".into()));
        }
        Ok(Self { info, cost_sharing: CostSharing::FixedThenEqual { fixed }, municipalities, categories })
    }
}

impl CostSharing {
    /// Splits `total_yen` among `members`, in whole yen that add up to the total,
    /// by the largest remainder (see [`crate::costs`]).
    pub fn allocate(&self, total_yen: i64, members: &[MunicipalityCode]) -> Vec<(MunicipalityCode, i64)> {
        let weights = self.weights(members);
        crate::costs::allocate(total_yen, &weights)
            .unwrap_or_else(|| members.iter().map(|code| (code.clone(), 0)).collect())
    }

    /// Each member's part as a whole-number weight: a fixed fraction in parts
    /// per million, times the number of members who share the rest equally (so
    /// the equal parts stay whole numbers too).
    pub fn weights(&self, members: &[MunicipalityCode]) -> Vec<(MunicipalityCode, u128)> {
        let CostSharing::FixedThenEqual { fixed } = self;
        let ppm_of = |code: &MunicipalityCode| {
            fixed.iter().find(|(c, _)| c == code).map(|(_, share)| (share * 1_000_000.0).round().max(0.0) as u128)
        };
        let equal = members.iter().filter(|code| ppm_of(code).is_none()).count() as u128;
        let fixed_total: u128 = members.iter().filter_map(ppm_of).sum();
        let rest = 1_000_000u128.saturating_sub(fixed_total);
        members
            .iter()
            .map(|code| {
                let weight = match ppm_of(code) {
                    Some(ppm) => ppm * equal.max(1),
                    None => rest,
                };
                (code.clone(), weight)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> ConsortiumSeed {
        match ConsortiumSeed::chichibu() {
            Ok(seed) => seed,
            Err(error) => panic!("built-in seed must parse: {error}"),
        }
    }

    #[test]
    fn the_built_in_seed_is_the_chichibu_region() {
        let seed = seed();
        let names: Vec<&str> = seed.municipalities.iter().map(|m| m.name_ja.as_str()).collect();
        assert_eq!(names, ["秩父市", "横瀬町", "皆野町", "長瀞町", "小鹿野町"]);
        let staff = seed.categories.iter().find(|c| c.key.as_str() == "staff");
        assert_eq!(staff.map(|c| (c.restricted, c.emergency)), Some((true, false)));
        let emergency: Vec<&str> = seed.categories.iter().filter(|c| c.emergency).map(|c| c.key.as_str()).collect();
        assert_eq!(emergency, ["disaster", "weather"]);
        assert_eq!(seed.info.jma_subregion_code, "110030");
    }

    #[test]
    fn chichibu_pays_half_and_the_rest_split_equally() {
        let seed = seed();
        let members: Vec<MunicipalityCode> = seed.municipalities.iter().map(|m| m.code.clone()).collect();
        let parts = seed.cost_sharing.allocate(1_000_000, &members);
        let yen: Vec<i64> = parts.iter().map(|(_, y)| *y).collect();
        assert_eq!(yen, [500_000, 125_000, 125_000, 125_000, 125_000]);
        let odd = seed.cost_sharing.allocate(1_000_003, &members);
        assert_eq!(odd.iter().map(|(_, y)| y).sum::<i64>(), 1_000_003);
    }

    #[test]
    fn a_broken_seed_names_what_is_wrong() {
        let bad_code = CHICHIBU_TOML.replace("\"113611\"", "\"113612\"");
        let error = ConsortiumSeed::parse(&bad_code).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("check digit"), "{error}");
        let twice = CHICHIBU_TOML.replace("\"113611\"", "\"112071\"");
        let error = ConsortiumSeed::parse(&twice).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("listed twice"), "{error}");
        let error = ConsortiumSeed::parse("not = [toml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.starts_with("consortium file:"), "{error}");
    }
}
