//! The breakdown of a survey's responses by municipality, area and age band,
//! each with web, paper and total columns, with small cells suppressed
//! (`kizuna_core::suppression`) across all three tables at once: a town's
//! areas add up to the town, so they are protected together.

use kizuna_core::Lang;
use kizuna_core::suppression::{Shown, suppress};
use kizuna_core::survey::AgeBand;
use kizuna_store::{Channel, ResponseGroup, Survey};

use crate::directory::ReferenceData;
use crate::texts;

/// One row as shown: its name and (web, paper, total) as text.
pub struct BreakdownRow {
    pub name: String,
    pub cells: [String; 3],
}

pub struct Breakdown {
    pub caption: String,
    pub rows: Vec<BreakdownRow>,
}

/// Counts of one row before suppression.
struct Raw {
    name: String,
    /// The town it belongs to (town rows and area rows).
    town: Option<usize>,
    counts: [i64; 3],
}

fn counts(groups: &[&ResponseGroup]) -> [i64; 3] {
    let of = |channel: Channel| groups.iter().filter(|g| g.channel == channel).map(|g| g.responses).sum::<i64>();
    let (web, paper) = (of(Channel::Web), of(Channel::Paper));
    [web, paper, web + paper]
}

/// The three tables of a survey, suppressed together.
pub fn breakdowns(survey: &Survey, groups: &[ResponseGroup], directory: &ReferenceData, lang: Lang) -> Vec<Breakdown> {
    let towns: Vec<Raw> = survey
        .municipalities
        .iter()
        .enumerate()
        .map(|(i, code)| Raw {
            name: directory.municipality(code).map_or_else(|| code.to_string(), |m| m.name(lang).to_owned()),
            town: Some(i),
            counts: counts(&groups.iter().filter(|g| g.municipality == *code).collect::<Vec<_>>()),
        })
        .collect();
    let mut areas: Vec<Raw> = Vec::new();
    for (i, code) in survey.municipalities.iter().enumerate() {
        let mut places: Vec<Option<i64>> = vec![None];
        places.extend(directory.areas_of(code).map(|a| Some(a.id)));
        for place in places {
            let mine: Vec<&ResponseGroup> =
                groups.iter().filter(|g| g.municipality == *code && g.area_id == place).collect();
            let name = match place {
                None => format!("{} {}", towns[i].name, texts::text(lang, "console-panel-no-area")),
                Some(id) => directory.area_label(id, lang).unwrap_or_default(),
            };
            areas.push(Raw { name, town: Some(i), counts: counts(&mine) });
        }
    }
    let bands: Vec<Raw> = AgeBand::ALL
        .iter()
        .map(|band| Raw {
            name: band.label(lang),
            town: None,
            counts: counts(&groups.iter().filter(|g| g.age_band == *band).collect::<Vec<_>>()),
        })
        .collect();
    let tables = [towns, areas, bands];
    // Every cell in one list: table by table, row by row, web, paper, total.
    let mut cells = Vec::new();
    let mut starts = Vec::new();
    for table in &tables {
        starts.push(cells.len());
        for row in table {
            cells.extend(row.counts);
        }
    }
    let cell = |table: usize, row: usize, column: usize| starts[table] + 3 * row + column;
    let mut relations: Vec<Vec<usize>> = Vec::new();
    for (t, table) in tables.iter().enumerate() {
        for r in 0..table.len() {
            relations.push((0..3).map(|c| cell(t, r, c)).collect());
        }
        for c in 0..3 {
            relations.push((0..table.len()).map(|r| cell(t, r, c)).collect());
        }
    }
    for town in 0..tables[0].len() {
        for c in 0..3 {
            let mut relation = vec![cell(0, town, c)];
            relation.extend((0..tables[1].len()).filter(|&r| tables[1][r].town == Some(town)).map(|r| cell(1, r, c)));
            relations.push(relation);
        }
    }
    let shown = suppress(&cells, &relations);
    let text = |s: Shown| match s {
        Shown::Count(n) => n.to_string(),
        Shown::FewerThan5 => texts::text(lang, "console-results-fewer-than-5").into_owned(),
        Shown::Hidden => texts::text(lang, "console-results-hidden").into_owned(),
    };
    let captions = ["console-results-by-town", "console-results-by-area", "console-results-by-band"];
    tables
        .iter()
        .enumerate()
        .map(|(t, table)| Breakdown {
            caption: texts::text(lang, captions[t]).into_owned(),
            rows: table
                .iter()
                .enumerate()
                .map(|(r, row)| BreakdownRow {
                    name: row.name.clone(),
                    cells: [text(shown[cell(t, r, 0)]), text(shown[cell(t, r, 1)]), text(shown[cell(t, r, 2)])],
                })
                .collect(),
        })
        .collect()
}
