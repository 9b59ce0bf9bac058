//! Small-cell suppression for published breakdowns: a count of 1 to 4 is shown
//! as "fewer than 5", and more cells are hidden until no hidden count can be
//! worked out by subtracting shown counts from a total.
//!
//! The cells are numbered; each relation is a set of cells tied by a known sum
//! (a row's web + paper = its total; a column's rows = the whole survey's count,
//! which is always shown; a town's areas = the town's row). While a relation
//! has exactly one hidden cell, that cell could be recovered, so the smallest
//! shown cell of the relation is hidden too.

/// Counts below this are not shown.
pub const THRESHOLD: i64 = 5;

/// How a cell is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Count(i64),
    /// 1 to 4: "fewer than 5".
    FewerThan5,
    /// Hidden so that a small count cannot be recovered from the others.
    Hidden,
}

/// How each of `cells` is shown, given the relations among them.
pub fn suppress(cells: &[i64], relations: &[Vec<usize>]) -> Vec<Shown> {
    let mut shown: Vec<Shown> =
        cells.iter().map(|&n| if (1..THRESHOLD).contains(&n) { Shown::FewerThan5 } else { Shown::Count(n) }).collect();
    let hidden = |s: &Shown| !matches!(s, Shown::Count(_));
    loop {
        let mut changed = false;
        for relation in relations {
            let hidden_cells = relation.iter().filter(|&&i| hidden(&shown[i])).count();
            if hidden_cells != 1 {
                continue;
            }
            // The smallest count still shown, so that as little as possible is lost.
            let victim = relation.iter().copied().filter(|&i| !hidden(&shown[i])).min_by_key(|&i| (cells[i], i));
            if let Some(i) = victim {
                shown[i] = Shown::Hidden;
                changed = true;
            }
        }
        if !changed {
            return shown;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tries every subtraction an attacker can make: a relation with one hidden
    /// cell and the others shown gives that cell away.
    fn recoverable(shown: &[Shown], relations: &[Vec<usize>]) -> Vec<usize> {
        relations
            .iter()
            .filter_map(|r| {
                let hidden: Vec<usize> = r.iter().copied().filter(|&i| !matches!(shown[i], Shown::Count(_))).collect();
                (hidden.len() == 1).then(|| hidden[0])
            })
            .collect()
    }

    /// Rows of (web, paper, total); relations of rows and of columns, whose
    /// totals are always shown.
    fn table(rows: &[[i64; 3]]) -> (Vec<i64>, Vec<Vec<usize>>) {
        let cells: Vec<i64> = rows.iter().flatten().copied().collect();
        let mut relations: Vec<Vec<usize>> = (0..rows.len()).map(|r| vec![3 * r, 3 * r + 1, 3 * r + 2]).collect();
        for column in 0..3 {
            relations.push((0..rows.len()).map(|r| 3 * r + column).collect());
        }
        (cells, relations)
    }

    #[test]
    fn a_small_count_cannot_be_recovered_by_subtracting_from_totals() {
        // 秩父市 12 web + 6 paper, 横瀬町 3 web + 0 paper, 皆野町 9 web + 7 paper.
        let rows = [[12, 6, 18], [3, 0, 3], [9, 7, 16]];
        let (cells, relations) = table(&rows);
        let shown = suppress(&cells, &relations);
        assert_eq!(shown[3], Shown::FewerThan5, "横瀬町's web answers");
        assert_eq!(shown[5], Shown::FewerThan5, "横瀬町's total");
        assert!(recoverable(&shown, &relations).is_empty(), "{shown:?}");
        // The whole survey's web count is shown (24); 24 − 12 − 9 would give 横瀬町 away.
        let web_shown: Vec<bool> = [0, 3, 6].iter().map(|&i| matches!(shown[i], Shown::Count(_))).collect();
        assert!(web_shown.iter().filter(|s| **s).count() <= 1, "two web cells hidden: {shown:?}");
        assert_eq!(shown[1], Shown::Count(6), "cells no subtraction needs stay shown");
    }

    #[test]
    fn nested_relations_protect_a_town_s_areas_too() {
        // Town rows: A 20, B 10 (web only). Areas of A: a1 18, a2 2.
        let cells = vec![20, 10, 18, 2];
        let relations = vec![vec![0, 1], vec![2, 3], vec![0, 2, 3]];
        let shown = suppress(&cells, &relations);
        assert_eq!(shown[3], Shown::FewerThan5);
        assert!(recoverable(&shown, &relations).is_empty(), "{shown:?}");
    }

    #[test]
    fn nothing_is_hidden_when_every_count_is_large_or_zero() {
        let (cells, relations) = table(&[[12, 0, 12], [5, 9, 14]]);
        assert!(suppress(&cells, &relations).iter().all(|s| matches!(s, Shown::Count(_))));
    }
}
