//! The dashboard's charts, drawn on the server as SVG by `plotters` and put
//! inline in the page: `role="img"` with a `<title>` that says what the chart
//! shows, and the same figures in a table beside it. Colours are the GOV.UK
//! palette's darker ones (each at least 3:1 against white); the legend lists
//! the series in the order they are stacked, and the table never needs colour.

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::prelude::*;

/// Series colours, in the order series are drawn.
const PALETTE: [RGBColor; 9] = [
    RGBColor(0x1d, 0x70, 0xb8), // blue
    RGBColor(0x00, 0x70, 0x3c), // green
    RGBColor(0xd4, 0x35, 0x1c), // red
    RGBColor(0x4c, 0x2c, 0x92), // purple
    RGBColor(0x91, 0x2b, 0x88), // pink
    RGBColor(0x00, 0x75, 0x7a), // teal
    RGBColor(0xb1, 0x50, 0x0f), // brown
    RGBColor(0x50, 0x5a, 0x5f), // grey
    RGBColor(0x0b, 0x0c, 0x0c), // black
];
const TEXT: RGBColor = RGBColor(0x0b, 0x0c, 0x0c);
const GRID: RGBColor = RGBColor(0xb1, 0xb4, 0xb6);

const WIDTH: u32 = 800;
const HEIGHT: u32 = 340;
/// Room on the right for the legend.
const LEGEND: u32 = 230;
/// Text size in the drawing's units (the SVG backend writes it at 1/1.24).
const FONT: u32 = 17;

/// One series of a chart: a name for the legend and a value per label.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub values: Vec<f64>,
}

/// What a chart shows and how its values read.
pub struct Spec<'a> {
    /// The `id` of the `<svg>`, unique on the page.
    pub id: &'a str,
    /// The text alternative: what the chart shows, and where its table is.
    pub alt: &'a str,
    /// The labels along the horizontal axis (months, towns, categories).
    pub labels: &'a [String],
    pub series: &'a [Series],
    /// The vertical axis's name.
    pub y_desc: &'a str,
    /// Values are percentages (`12.5%`) rather than counts (`1,234`).
    pub percent: bool,
}

/// Bars, one stack per label: each series sits on the ones before it.
pub fn stacked_bars(spec: &Spec<'_>) -> Result<String, String> {
    let totals: Vec<f64> = (0..spec.labels.len()).map(|i| spec.series.iter().map(|s| value(s, i)).sum()).collect();
    let top = nice_top(totals.iter().copied().fold(0.0, f64::max), spec.percent);
    draw(spec, |root| {
        let n = spec.labels.len().max(1);
        // The legend lists the series as they are stacked: the top one first.
        let plot = with_legend(root, spec.series, true)?;
        let mut chart =
            frame(&plot).build_cartesian_2d((0..n).into_segmented(), 0.0..top).map_err(|e| e.to_string())?;
        mesh_for_segments(&mut chart, spec)?;
        let mut base = vec![0.0; n];
        for (k, series) in spec.series.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let bars: Vec<Rectangle<(SegmentValue<usize>, f64)>> = (0..n)
                .filter(|i| value(series, *i) > 0.0)
                .map(|i| {
                    let bottom = base[i];
                    let mut bar = Rectangle::new(
                        [(SegmentValue::Exact(i), bottom), (SegmentValue::Exact(i + 1), bottom + value(series, i))],
                        color.filled(),
                    );
                    bar.set_margin(0, 0, 6, 6);
                    bar
                })
                .collect();
            for (i, b) in base.iter_mut().enumerate() {
                *b += value(series, i);
            }
            chart.draw_series(bars).map_err(|e| e.to_string())?;
        }
        Ok(())
    })
}

/// One bar per label, laid across so that long names (categories) fit; the
/// first label at the top.
pub fn across(spec: &Spec<'_>) -> Result<String, String> {
    let series = spec.series.first().cloned().unwrap_or(Series { label: String::new(), values: Vec::new() });
    let n = spec.labels.len().max(1);
    let top = nice_top(series.values.iter().copied().fold(0.0, f64::max), spec.percent);
    let height = 60 + 36 * u32::try_from(n).unwrap_or(1);
    draw_sized(spec, (WIDTH, height), |root| {
        let labels = spec.labels;
        // Segment 0 is at the bottom: the first label goes in the last one.
        let row = |i: usize| n - 1 - i;
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .margin_right(40)
            .x_label_area_size(36)
            .y_label_area_size(230)
            .build_cartesian_2d(0.0..top, (0..n).into_segmented())
            .map_err(|e| e.to_string())?;
        let y_label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) if *i < n => {
                labels.get(row(*i)).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        let x_label = |v: &f64| count_or_percent(*v, spec.percent);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(TEXT.stroke_width(1))
            .y_labels(n)
            .y_label_formatter(&y_label)
            .x_labels(6)
            .x_label_formatter(&x_label)
            .x_desc(spec.y_desc)
            .label_style(("sans-serif", FONT).into_font().color(&TEXT))
            .axis_desc_style(("sans-serif", FONT).into_font().color(&TEXT))
            .draw()
            .map_err(|e| e.to_string())?;
        let color = PALETTE[0];
        chart
            .draw_series((0..n).filter(|i| value(&series, *i) > 0.0).map(|i| {
                let mut bar = Rectangle::new(
                    [(0.0, SegmentValue::Exact(row(i))), (value(&series, i), SegmentValue::Exact(row(i) + 1))],
                    color.filled(),
                );
                bar.set_margin(6, 6, 0, 0);
                bar
            }))
            .map_err(|e| e.to_string())?;
        Ok(())
    })
}

/// A line per series, with a mark at each value.
pub fn lines(spec: &Spec<'_>) -> Result<String, String> {
    let highest = spec.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
    let top = nice_top(highest, spec.percent);
    draw(spec, |root| {
        let n = spec.labels.len().max(1);
        let plot = with_legend(root, spec.series, false)?;
        let mut chart =
            frame(&plot).build_cartesian_2d((0..n).into_segmented(), 0.0..top).map_err(|e| e.to_string())?;
        mesh_for_segments(&mut chart, spec)?;
        for (k, series) in spec.series.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let points: Vec<(SegmentValue<usize>, f64)> =
                (0..n).map(|i| (SegmentValue::CenterOf(i), value(series, i))).collect();
            chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(3))).map_err(|e| e.to_string())?;
            chart
                .draw_series(points.into_iter().map(|p| Circle::new(p, 4, color.filled())))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    })
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type SegmentChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<SegmentedCoord<RangedCoordusize>, RangedCoordf64>>;

fn count_or_percent(v: f64, percent: bool) -> String {
    if percent { format!("{v:.0}%") } else { kizuna_core::costs::thousands(v.round() as i64) }
}

fn value(series: &Series, i: usize) -> f64 {
    series.values.get(i).copied().unwrap_or(0.0).max(0.0)
}

/// The top of the value axis: the first round number (1, 2, 2.5 or 5 times a power of ten) at or above the highest value.
fn nice_top(highest: f64, percent: bool) -> f64 {
    if highest <= 0.0 {
        return 5.0;
    }
    let magnitude = 10f64.powf(highest.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let top = step * magnitude;
        if top >= highest {
            return top.max(if percent { 1.0 } else { 5.0 });
        }
    }
    10.0 * magnitude
}

fn frame<'a, 'b>(root: &'a Area<'b>) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let mut builder = ChartBuilder::on(root);
    builder.margin(12).x_label_area_size(44).y_label_area_size(70);
    builder
}

/// With more than one series, draws their legend down the right-hand side
/// (a swatch and the name of each) and answers the area left for the chart.
fn with_legend<'a>(root: &Area<'a>, series: &[Series], top_first: bool) -> Result<Area<'a>, String> {
    if series.len() < 2 {
        return Ok(root.clone());
    }
    let (plot, legend) = root.split_horizontally(WIDTH - LEGEND);
    let mut order: Vec<usize> = (0..series.len()).collect();
    if top_first {
        order.reverse();
    }
    for (row, k) in order.into_iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let y = 16 + 24 * i32::try_from(row).unwrap_or(0);
        legend.draw(&Rectangle::new([(4, y), (20, y + 16)], color.filled())).map_err(|e| e.to_string())?;
        let label = series[k].label.clone();
        legend
            .draw(&Text::new(label, (28, y), ("sans-serif", FONT).into_font().color(&TEXT)))
            .map_err(|e| e.to_string())?;
    }
    Ok(plot)
}

fn mesh_for_segments(chart: &mut SegmentChart<'_, '_>, spec: &Spec<'_>) -> Result<(), String> {
    let labels = spec.labels;
    let percent = spec.percent;
    let x_label = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => labels.get(*i).cloned().unwrap_or_default(),
        SegmentValue::Last => String::new(),
    };
    let y_label = |v: &f64| count_or_percent(*v, percent);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(TEXT.stroke_width(1))
        .x_labels(labels.len().max(1))
        .x_label_formatter(&x_label)
        .y_labels(6)
        .y_label_formatter(&y_label)
        .y_desc(spec.y_desc)
        .label_style(("sans-serif", FONT).into_font().color(&TEXT))
        .axis_desc_style(("sans-serif", FONT).into_font().color(&TEXT))
        .draw()
        .map_err(|e| e.to_string())
}

/// Draws a chart into an SVG document and makes it an accessible image.
fn draw(spec: &Spec<'_>, paint: impl FnOnce(&Area<'_>) -> Result<(), String>) -> Result<String, String> {
    draw_sized(spec, (WIDTH, HEIGHT), paint)
}

fn draw_sized(
    spec: &Spec<'_>,
    size: (u32, u32),
    paint: impl FnOnce(&Area<'_>) -> Result<(), String>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        paint(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(accessible(svg, spec.id, spec.alt, size))
}

/// The document as an inline image: its own id, `role="img"`, the text
/// alternative as its first child, and no fixed size (the page's style scales it).
fn accessible(svg: String, id: &str, alt: &str, (width, height): (u32, u32)) -> String {
    let Some(open_end) = svg.find('>') else { return svg };
    let body = &svg[open_end + 1..];
    let title_id = format!("{id}-title");
    format!(
        "<svg id=\"{id}\" class=\"chart\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\" \
         role=\"img\" aria-labelledby=\"{title_id}\" focusable=\"false\"><title id=\"{title_id}\">{}</title>{body}",
        escape(alt)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months() -> Vec<String> {
        ["2026-08", "2026-09", "2026-10"].map(String::from).to_vec()
    }

    #[test]
    fn stacked_bars_are_an_accessible_svg_with_a_legend() {
        let series = vec![
            Series { label: "Web".into(), values: vec![3.0, 0.0, 5.0] },
            Series { label: "QRポスター（横瀬町）".into(), values: vec![0.0, 12.0, 1.0] },
        ];
        let labels = months();
        let spec = Spec {
            id: "growth",
            alt: "新規登録者数 <月別>",
            labels: &labels,
            series: &series,
            y_desc: "人",
            percent: false,
        };
        let svg = stacked_bars(&spec).unwrap();
        assert!(svg.starts_with("<svg id=\"growth\" class=\"chart\""), "{svg}");
        assert!(svg.contains("role=\"img\" aria-labelledby=\"growth-title\""));
        assert!(svg.contains("<title id=\"growth-title\">新規登録者数 &lt;月別&gt;</title>"));
        assert!(svg.contains("QRポスター（横瀬町）"), "the legend names each series");
        assert!(svg.find("QRポスター（横瀬町）") < svg.find(">\nWeb\n<"), "the top of the stack is listed first");
        assert!(svg.contains("2026-09"), "the months are along the axis");
        assert_eq!(svg.matches("fill=\"#4C2C92\"").count(), 0, "only two series, two colours");
        // Four non-zero values, four bars; a zero draws nothing.
        assert_eq!(svg.matches("fill=\"#1D70B8\"").count(), 2 + 1, "two bars and the legend's swatch");
        assert_eq!(svg.matches("fill=\"#00703C\"").count(), 2 + 1);
        assert!(svg.contains("<rect x=\"574\""), "the swatches sit right of the chart: {svg}");
        assert!(!svg.contains("style="), "no inline style, which the console's CSP forbids");
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn lines_show_percentages() {
        let series = vec![Series { label: "不達率".into(), values: vec![1.5, 0.0, 12.0] }];
        let labels = months();
        let spec = Spec { id: "rates", alt: "不達率", labels: &labels, series: &series, y_desc: "%", percent: true };
        let svg = lines(&spec).unwrap();
        assert!(svg.contains("%</text>") || svg.contains("%\n</text>"), "{svg}");
        assert!(svg.contains("<polyline") || svg.contains("<path"), "a line is drawn");
    }

    #[test]
    fn long_names_are_laid_across_first_at_the_top() {
        let labels = vec!["情報化研究会（職員向け）".to_owned(), "防災情報".to_owned()];
        let series = vec![Series { label: "登録者".into(), values: vec![2.0, 40.0] }];
        let spec =
            Spec { id: "towns", alt: "登録者数", labels: &labels, series: &series, y_desc: "人", percent: false };
        let svg = across(&spec).unwrap();
        assert!(svg.contains("viewBox=\"0 0 800 132\""), "{svg}");
        let first = svg.find("情報化研究会").unwrap();
        let second = svg.find("防災情報").unwrap();
        assert!(svg.contains("情報化研究会（職員向け）") && first != second);
    }

    #[test]
    fn the_axis_tops_out_at_a_round_number() {
        assert_eq!(nice_top(0.0, false), 5.0);
        assert_eq!(nice_top(3.0, false), 5.0);
        assert_eq!(nice_top(96.0, false), 100.0);
        assert_eq!(nice_top(101.0, false), 200.0);
        assert_eq!(nice_top(2_400.0, false), 2_500.0);
        assert_eq!(nice_top(0.4, true), 1.0);
    }
}
