//! Charts for the web app, drawn on the server as SVG with plotters (no script, nothing fetched).
//! Every chart is paired with a table of the same numbers on its page, its text alternative.

use engine::i18n::{Lang, decimal};
use plotters::prelude::*;
use rust_decimal::Decimal;

/// An axis number as the page's language writes it ("8.000", "12,5"): whole numbers on an axis
/// that reaches 20 or more, one decimal below that.
fn tick(l: Lang, v: f64, top: f64) -> String {
    let dp = if top >= 20.0 { 0 } else { 1 };
    Decimal::from_f64_retain(v)
        .map(|d| decimal(l, d.round_dp(dp), dp))
        .unwrap_or_default()
}

/// One line of a chart: its name (for the legend), colour and points (x index, y).
pub struct Line<'a> {
    pub name: &'a str,
    pub colour: RGBColor,
    pub points: Vec<(usize, f64)>,
}

/// A line chart over `labels` (one per x index) as an SVG document, titled for screen readers.
/// The figures are drawn from decimals converted to floating point: drawing only, never a figure
/// anyone reads off (the table beside it has the exact numbers).
pub fn lines(l: Lang, title: &str, y_label: &str, labels: &[String], series: &[Line]) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 360)).into_drawing_area();
        let _ = root.fill(&WHITE);
        // The legend has its own strip above the plot, so it never covers the data.
        let (legend, root) = root.split_vertically(40);
        for (i, s) in series.iter().enumerate() {
            let x = 12 + 230 * i as i32;
            let _ = legend.draw(&PathElement::new(
                vec![(x, 20), (x + 28, 20)],
                s.colour.stroke_width(3),
            ));
            let _ = legend.draw(&Text::new(
                s.name.to_owned(),
                (x + 36, 10),
                ("sans-serif", 18).into_font(),
            ));
        }
        let top = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .fold(1.0_f64, f64::max)
            * 1.1;
        let n = labels.len().max(2);
        let chart = ChartBuilder::on(&root)
            .margin(12)
            // Room for the last month's label.
            .margin_right(32)
            .x_label_area_size(36)
            // Room for the axis title beside tick labels such as "12.000".
            .y_label_area_size(84)
            .build_cartesian_2d(0..n - 1, 0.0..top);
        let Ok(mut chart) = chart else {
            return svg_fallback(title);
        };
        let _ = chart
            .configure_mesh()
            .x_labels(labels.len().min(12))
            .x_label_formatter(&|i| labels.get(*i).cloned().unwrap_or_default())
            .y_label_formatter(&|v| tick(l, *v, top))
            .y_desc(y_label)
            .label_style(("sans-serif", 18))
            .light_line_style(RGBColor(230, 230, 230))
            .draw();
        for s in series {
            let _ = chart.draw_series(LineSeries::new(
                s.points.iter().copied(),
                s.colour.stroke_width(3),
            ));
        }
        let _ = root.present();
    }
    named(&svg, title)
}

/// A horizontal bar chart, one bar per (label, value), with an optional reference line (the
/// required share) drawn across, as an SVG document titled for screen readers.
pub fn bars(
    l: Lang,
    title: &str,
    x_label: &str,
    bars: &[(String, f64)],
    reference: Option<f64>,
) -> String {
    let mut svg = String::new();
    {
        let height = 76 + 44 * bars.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (720, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let top = bars
            .iter()
            .map(|b| b.1)
            .chain(reference)
            .fold(1.0_f64, f64::max)
            * 1.15;
        let n = bars.len().max(1);
        let chart = ChartBuilder::on(&root)
            .margin(12)
            // Room for the axis title below tick labels.
            .x_label_area_size(52)
            .y_label_area_size(230)
            .build_cartesian_2d(0.0..top, (0..n).into_segmented());
        let Ok(mut chart) = chart else {
            return svg_fallback(title);
        };
        // The y axis counts from the bottom; the first bar is drawn at the top, as it is read.
        let row = |i: usize| n - 1 - i.min(n - 1);
        // The bar on segment `y`, if there is one (the axis has a segment boundary past the last).
        let bar_at = |y: usize| (y < n).then(|| bars.get(n - 1 - y)).flatten();
        let _ = chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(y) => bar_at(*y).map(|b| b.0.clone()).unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|v| tick(l, *v, top))
            .x_desc(x_label)
            .label_style(("sans-serif", 18))
            .light_line_style(RGBColor(230, 230, 230))
            .draw();
        let _ = chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(row(i))),
                    (b.1, SegmentValue::Exact(row(i) + 1)),
                ],
                BLUE.filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            bar
        }));
        if let Some(r) = reference {
            let _ = chart.draw_series(std::iter::once(PathElement::new(
                vec![(r, SegmentValue::Exact(0)), (r, SegmentValue::Exact(n))],
                ORANGE.stroke_width(3),
            )));
        }
        let _ = root.present();
    }
    named(&svg, title)
}

/// The drawing named for assistive technology; the table next to it carries the numbers.
fn named(svg: &str, title: &str) -> String {
    svg.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-label=\"{}\" ",
            title.replace('"', "&quot;").replace('<', "&lt;")
        ),
        1,
    )
}

fn svg_fallback(title: &str) -> String {
    format!("<p>{}</p>", title.replace('<', "&lt;"))
}

/// Colours with enough contrast on white (WCAG 2.1: 3:1 for graphics).
pub const BLUE: RGBColor = RGBColor(11, 83, 148);
pub const ORANGE: RGBColor = RGBColor(180, 80, 0);
pub const GREEN: RGBColor = RGBColor(0, 110, 50);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_names_each_bar() {
        let svg = bars(
            Lang::Da,
            "Snusepraktik",
            "antal",
            &[("Startet".into(), 5.0), ("Gennemført".into(), 3.0)],
            None,
        );
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Snusepraktik\""));
        assert!(
            svg.contains("Startet") && svg.contains("Gennemført"),
            "{svg}"
        );
        assert!(svg.matches("<rect").count() >= 2);
        // Each label once: no label repeated on a row without a bar.
        assert_eq!(svg.matches("\nStartet\n").count(), 1, "{svg}");
        assert_eq!(svg.matches("\nGennemført\n").count(), 1, "{svg}");
    }

    #[test]
    fn axis_numbers_read_as_the_page_writes_them() {
        let labels: Vec<String> = ["jan 26", "feb 26"].map(String::from).to_vec();
        let line = Line {
            name: "Timer",
            colour: BLUE,
            points: vec![(0, 4_000.0), (1, 12_000.0)],
        };
        let da = lines(
            Lang::Da,
            "Timer",
            "timer",
            &labels,
            std::slice::from_ref(&line),
        );
        assert!(da.contains("\n10.000\n"), "{da}");
        assert!(!da.contains("10000"), "{da}");
        let en = lines(Lang::En, "Hours", "hours", &labels, &[line]);
        assert!(en.contains("\n10,000\n"), "{en}");
        assert_eq!(tick(Lang::Da, 12.5, 14.0), "12,5");
        assert_eq!(tick(Lang::Da, 8000.0, 9000.0), "8.000");
    }

    #[test]
    fn a_line_chart_is_named_labelled_svg() {
        let labels: Vec<String> = ["jan 26", "feb 26", "mar 26"].map(String::from).to_vec();
        let svg = lines(
            Lang::Da,
            "Andel mod krav",
            "procent",
            &labels,
            &[Line {
                name: "Andel",
                colour: BLUE,
                points: vec![(0, 7.0), (1, 10.0), (2, 14.5)],
            }],
        );
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"Andel mod krav\" "),
            "{svg}"
        );
        assert!(svg.contains("jan 26") && svg.contains("procent"), "{svg}");
        // plotters scales sizes to its pixel grid; every label must still read at 13 px or more.
        let sizes: Vec<f64> = svg
            .split("font-size=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next()?.parse().ok())
            .collect();
        assert!(
            !sizes.is_empty() && sizes.iter().all(|s| *s >= 13.0),
            "{sizes:?}"
        );
        assert!(svg.contains("<polyline"), "{svg}");
        assert!(!svg.contains("http") || svg.contains("http://www.w3.org/2000/svg"));
    }
}
