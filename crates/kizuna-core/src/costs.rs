//! Sharing the consortium's running cost among its members: items of a fiscal
//! year (a name and an amount in yen), and their total split in whole yen by
//! weights — the consortium's own rule ([`crate::consortium::CostSharing`]),
//! each member's registrants, or the messages sent for each.
//!
//! Every split is in whole yen that add up to the total, by the largest
//! remainder method: each member first gets the whole yen of its exact share
//! (rounded down); the yen left over go one each to the members whose exact
//! shares lost the most in rounding, and between equal losses to the member
//! listed first in the consortium's order. The same rule is stated on the
//! console's cost page, so a council can check every figure by hand.

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use crate::codes::MunicipalityCode;
use crate::lang::{Explain, Lang};
use crate::text::{TextError, clean};
use crate::texts;

/// The largest amount one item may have: 999,999,999,999 yen. A mistyped
/// figure beyond it is refused rather than carried into a council's report.
pub const MAX_YEN: i64 = 999_999_999_999;

/// Splits `total_yen` by `weights` (members in the consortium's order) in whole
/// yen summing to the total: the largest remainder method, ties to the member
/// listed first. `None` when every weight is zero (nothing to split by).
pub fn allocate(total_yen: i64, weights: &[(MunicipalityCode, u128)]) -> Option<Vec<(MunicipalityCode, i64)>> {
    let sum: u128 = weights.iter().map(|(_, w)| *w).sum();
    if sum == 0 {
        return None;
    }
    let total = u128::from(total_yen.max(0).unsigned_abs());
    // total ≤ 10^12 and a weight ≤ 10^20 keep the product far below u128::MAX.
    let exact: Vec<(u128, u128)> = weights.iter().map(|(_, w)| ((total * w) / sum, (total * w) % sum)).collect();
    let mut parts: Vec<i64> = exact.iter().map(|(whole, _)| i64::try_from(*whole).unwrap_or(i64::MAX)).collect();
    let given: i64 = parts.iter().sum();
    let leftover = usize::try_from(total_yen.max(0) - given).unwrap_or(0);
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // A stable sort keeps the consortium's order between equal remainders.
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1));
    for i in order.into_iter().take(leftover) {
        parts[i] += 1;
    }
    Some(weights.iter().zip(parts).map(|((code, _), yen)| (code.clone(), yen)).collect())
}

/// Weights from messages sent: a notice for several municipalities counts its
/// messages in equal parts for each. `rows` are (municipality, how many
/// municipalities the notice was for, messages); members without a row weigh 0.
pub fn message_weights(
    members: &[MunicipalityCode],
    rows: &[(MunicipalityCode, u32, u64)],
) -> Vec<(MunicipalityCode, u128)> {
    // Scaled by the least common multiple of the divisors, equal parts stay whole.
    let scale = rows.iter().map(|(_, n, _)| u128::from((*n).max(1))).fold(1u128, lcm);
    members
        .iter()
        .map(|code| {
            let weight = rows
                .iter()
                .filter(|(c, _, _)| c == code)
                .map(|(_, n, messages)| u128::from(*messages) * (scale / u128::from((*n).max(1))))
                .sum();
            (code.clone(), weight)
        })
        .collect()
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn lcm(a: u128, b: u128) -> u128 {
    a / gcd(a, b) * b
}

/// `75000` → `75,000`: how amounts are shown to staff and councils.
pub fn thousands(yen: i64) -> String {
    let digits = yen.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if yen < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CostError {
    #[error("the amount is empty")]
    AmountEmpty,
    #[error("the amount is not a whole number of yen")]
    AmountNotWhole,
    #[error("the amount must be at least 1 yen")]
    AmountZero,
    #[error("the amount is larger than {MAX_YEN} yen")]
    AmountTooLarge,
    #[error(transparent)]
    Name(#[from] TextError),
}

impl Explain for CostError {
    fn explain(&self, lang: Lang) -> String {
        let key = match self {
            CostError::AmountEmpty => "cost-error-amount-empty",
            CostError::AmountNotWhole => "cost-error-amount-not-whole",
            CostError::AmountZero => "cost-error-amount-zero",
            CostError::AmountTooLarge => {
                return texts::format(lang, "cost-error-amount-too-large", &[("max", thousands(MAX_YEN).into())])
                    .into_owned();
            }
            CostError::Name(error) => return error.explain(lang),
        };
        texts::text(lang, key).into_owned()
    }
}

/// An amount of yen as staff type it: `75000`, `75,000`, `７５，０００`, `75,000円`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Yen(i64);

impl Yen {
    pub fn parse(input: &str) -> Result<Self, CostError> {
        let folded: String = input.nfkc().collect();
        let text = folded.trim();
        let text = text.strip_suffix('円').unwrap_or(text).trim_end();
        if text.is_empty() {
            return Err(CostError::AmountEmpty);
        }
        let digits: String = text.chars().filter(|c| *c != ',').collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(CostError::AmountNotWhole);
        }
        let significant = digits.trim_start_matches('0');
        if significant.is_empty() {
            return Err(CostError::AmountZero);
        }
        if significant.len() > 12 {
            return Err(CostError::AmountTooLarge);
        }
        let yen: i64 = significant.parse().map_err(|_| CostError::AmountTooLarge)?;
        if yen > MAX_YEN { Err(CostError::AmountTooLarge) } else { Ok(Self(yen)) }
    }

    /// An amount read back from the store, which only keeps parsed amounts.
    pub fn from_stored(yen: i64) -> Self {
        Self(yen)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// What a cost item is for (サーバー利用料, 保守委託料 …): one line, at most 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostItemName(String);

impl CostItemName {
    pub const MAX: usize = 100;

    pub fn parse(input: &str) -> Result<Self, CostError> {
        Ok(Self(clean(input, "cost_name", Self::MAX, false)?))
    }

    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consortium::ConsortiumSeed;

    fn members() -> (ConsortiumSeed, Vec<MunicipalityCode>) {
        let seed = match ConsortiumSeed::chichibu() {
            Ok(seed) => seed,
            Err(error) => panic!("built-in seed must parse: {error}"),
        };
        let members = seed.municipalities.iter().map(|m| m.code.clone()).collect();
        (seed, members)
    }

    fn yen(parts: &[(MunicipalityCode, i64)]) -> Vec<i64> {
        parts.iter().map(|(_, y)| *y).collect()
    }

    #[test]
    fn the_built_in_rule_gives_chichibu_half_and_each_town_an_eighth() {
        let (seed, members) = members();
        let parts = seed.cost_sharing.allocate(150_000, &members);
        assert_eq!(parts[0].0.as_str(), "112071", "秩父市 is listed first");
        assert_eq!(yen(&parts), [75_000, 18_750, 18_750, 18_750, 18_750]);
    }

    #[test]
    fn a_yen_left_over_goes_to_the_largest_remainder() {
        let (seed, members) = members();
        // Exact shares: 75,000.5 and four times 18,750.125; the one yen left goes
        // to 秩父市, whose half yen is the largest remainder.
        let parts = seed.cost_sharing.allocate(150_001, &members);
        assert_eq!(yen(&parts), [75_001, 18_750, 18_750, 18_750, 18_750]);
        assert_eq!(yen(&parts).iter().sum::<i64>(), 150_001);
        // 150,003: 75,001.5 and 18,750.375 each; three yen left: 秩父市 first (.5),
        // then the towns in the consortium's order (.375 each, a tie).
        let parts = seed.cost_sharing.allocate(150_003, &members);
        assert_eq!(yen(&parts), [75_002, 18_751, 18_750, 18_750, 18_750]);
        assert_eq!(yen(&parts).iter().sum::<i64>(), 150_003);
    }

    #[test]
    fn every_total_is_split_into_whole_yen_that_add_up() {
        let (seed, members) = members();
        for total in [0, 1, 2, 3, 4, 5, 7, 99, 1_000_003, 123_456_789, MAX_YEN] {
            let parts = seed.cost_sharing.allocate(total, &members);
            assert_eq!(yen(&parts).iter().sum::<i64>(), total, "{total}");
            assert!(parts.iter().all(|(_, y)| *y >= 0));
        }
    }

    #[test]
    fn by_share_of_registrants_on_a_fixture() {
        let (_, members) = members();
        let counts = [1_200u128, 300, 250, 150, 100];
        let weights: Vec<_> = members.iter().cloned().zip(counts).collect();
        // 2,000 registrants: 60 %, 15 %, 12.5 %, 7.5 %, 5 %.
        let parts = allocate(150_000, &weights).unwrap_or_default();
        assert_eq!(yen(&parts), [90_000, 22_500, 18_750, 11_250, 7_500]);
        // 100 yen over three equal members and two without registrants: 34, 33, 33.
        let equal: Vec<_> = members.iter().cloned().zip([0u128, 7, 7, 7, 0]).collect();
        assert_eq!(yen(&allocate(100, &equal).unwrap_or_default()), [0, 34, 33, 33, 0]);
        let nobody: Vec<_> = members.iter().cloned().map(|c| (c, 0u128)).collect();
        assert_eq!(allocate(100, &nobody), None, "nothing to split by");
    }

    #[test]
    fn messages_of_a_notice_for_several_towns_count_in_equal_parts() {
        let (_, members) = members();
        let chichibu = members[0].clone();
        let yokoze = members[1].clone();
        // 300 messages of 秩父市 alone, 200 of a notice for 秩父市 and 横瀬町 (100 each).
        let rows = vec![(chichibu.clone(), 1, 300), (chichibu, 2, 200), (yokoze, 2, 200)];
        let weights = message_weights(&members, &rows);
        let parts = allocate(50_000, &weights).unwrap_or_default();
        assert_eq!(yen(&parts), [40_000, 10_000, 0, 0, 0]);
    }

    #[test]
    fn amounts_are_whole_yen_as_staff_type_them() {
        assert_eq!(Yen::parse("75000").map(Yen::get), Ok(75_000));
        assert_eq!(Yen::parse(" 75,000円 ").map(Yen::get), Ok(75_000));
        assert_eq!(Yen::parse("７５，０００").map(Yen::get), Ok(75_000));
        assert_eq!(Yen::parse(""), Err(CostError::AmountEmpty));
        assert_eq!(Yen::parse("12.5"), Err(CostError::AmountNotWhole));
        assert_eq!(Yen::parse("-5"), Err(CostError::AmountNotWhole));
        assert_eq!(Yen::parse("0"), Err(CostError::AmountZero));
        assert_eq!(Yen::parse("1,000,000,000,000"), Err(CostError::AmountTooLarge));
        assert_eq!(Yen::parse("999,999,999,999").map(Yen::get), Ok(MAX_YEN));
    }

    #[test]
    fn amounts_are_shown_with_thousands_separators() {
        assert_eq!(thousands(75_000), "75,000");
        assert_eq!(thousands(150_001), "150,001");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
    }

    #[test]
    fn errors_explain_themselves_in_both_languages() {
        assert_eq!(CostError::AmountNotWhole.explain(Lang::JA), "金額は円単位の整数で入力してください（例：75,000）。");
        assert_eq!(CostError::AmountTooLarge.explain(Lang::EN), "The amount must be at most 999,999,999,999 yen.");
        let empty = CostItemName::parse(" ").err().map(|e| e.explain(Lang::JA));
        assert_eq!(empty.as_deref(), Some("費用の項目名を入力してください。"));
    }

    #[test]
    fn an_item_name_is_one_line() {
        assert!(CostItemName::parse("サーバー利用料").is_ok());
        assert!(CostItemName::parse("  ").is_err());
        assert!(CostItemName::parse("二行\n目").is_err());
        assert!(CostItemName::parse(&"あ".repeat(101)).is_err());
    }
}
