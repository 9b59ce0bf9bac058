//! The JMA seismic intensity scale (震度階級), from 1 to 7 with lower and upper 5 and 6.

use std::fmt;

/// 震度. Ordered from weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Intensity {
    One,
    Two,
    Three,
    Four,
    FiveLower,
    FiveUpper,
    SixLower,
    SixUpper,
    Seven,
}

impl Intensity {
    pub const ALL: [Intensity; 9] = [
        Intensity::One,
        Intensity::Two,
        Intensity::Three,
        Intensity::Four,
        Intensity::FiveLower,
        Intensity::FiveUpper,
        Intensity::SixLower,
        Intensity::SixUpper,
        Intensity::Seven,
    ];

    /// The code JMA writes in `MaxInt`: `1`…`4`, `5-`, `5+`, `6-`, `6+`, `7`.
    pub fn as_str(self) -> &'static str {
        match self {
            Intensity::One => "1",
            Intensity::Two => "2",
            Intensity::Three => "3",
            Intensity::Four => "4",
            Intensity::FiveLower => "5-",
            Intensity::FiveUpper => "5+",
            Intensity::SixLower => "6-",
            Intensity::SixUpper => "6+",
            Intensity::Seven => "7",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|intensity| intensity.as_str() == input.trim())
    }

    /// `震度5弱`.
    pub fn label_ja(self) -> &'static str {
        match self {
            Intensity::One => "震度1",
            Intensity::Two => "震度2",
            Intensity::Three => "震度3",
            Intensity::Four => "震度4",
            Intensity::FiveLower => "震度5弱",
            Intensity::FiveUpper => "震度5強",
            Intensity::SixLower => "震度6弱",
            Intensity::SixUpper => "震度6強",
            Intensity::Seven => "震度7",
        }
    }

    /// `intensity 5 lower`, as JMA writes it in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Intensity::One => "intensity 1",
            Intensity::Two => "intensity 2",
            Intensity::Three => "intensity 3",
            Intensity::Four => "intensity 4",
            Intensity::FiveLower => "intensity 5 lower",
            Intensity::FiveUpper => "intensity 5 upper",
            Intensity::SixLower => "intensity 6 lower",
            Intensity::SixUpper => "intensity 6 upper",
            Intensity::Seven => "intensity 7",
        }
    }
}

impl fmt::Display for Intensity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_order_by_strength() {
        for intensity in Intensity::ALL {
            assert_eq!(Intensity::parse(intensity.as_str()), Some(intensity));
        }
        assert!(Intensity::FiveLower > Intensity::Four && Intensity::FiveLower < Intensity::FiveUpper);
        assert_eq!(Intensity::parse("5"), None);
        assert_eq!(Intensity::parse("0"), None);
        assert_eq!(Intensity::SixUpper.label_ja(), "震度6強");
    }
}
