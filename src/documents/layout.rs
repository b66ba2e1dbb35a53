//! Layout helpers over printpdf: measure text with the same font the PDF embeds (ttf-parser),
//! wrap it, fit a field into its box (wrap, then shrink down to a limit, else fail naming the
//! field), draw tables whose header repeats on every page, boxes, lines and vector QR codes.
//!
//! Coordinates are in millimetres from the **top-left** corner of an A4 page; the conversion
//! to PDF's bottom-left points happens when ops are emitted.

use std::sync::OnceLock;

use printpdf::{
    Color, CurTransMat, FontId, Line, LinePoint, Op, PaintMode, ParsedFont, PdfFontHandle, Point,
    Polygon, PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};

pub const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");

pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
pub const MARGIN_L: f32 = 20.0;
pub const MARGIN_R: f32 = 15.0;
pub const MARGIN_T: f32 = 15.0;
pub const MARGIN_B: f32 = 15.0;
pub const CONTENT_W: f32 = PAGE_W - MARGIN_L - MARGIN_R;

const PT_PER_MM: f32 = 72.0 / 25.4;

/// Text that does not fit where it must go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the field «{field}» does not fit its box even at the smallest allowed size")]
pub struct DoesNotFit {
    pub field: String,
}

/// Glyph advances of one font face, for measuring.
pub struct Metrics {
    units_per_em: f32,
    advances: Vec<u16>,
    cmap: std::collections::HashMap<char, u16>,
    missing: u16,
}

impl Metrics {
    fn new(bytes: &[u8]) -> Metrics {
        let face = ttf_parser::Face::parse(bytes, 0).expect("bundled font parses");
        let n = face.number_of_glyphs();
        let advances = (0..n)
            .map(|g| face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0))
            .collect();
        let mut cmap = std::collections::HashMap::new();
        // The characters documents use: Latin, Cyrillic with the Kazakh letters, punctuation,
        // the tenge and numero signs.
        let ranges = [
            0x20u32..=0x7E,
            0xA0..=0xFF,
            0x400..=0x4FF,
            0x2010..=0x2027,
            0x2030..=0x203A,
            0x20B8..=0x20B8,
            0x2116..=0x2116,
        ];
        for r in ranges {
            for cp in r {
                if let Some(c) = char::from_u32(cp)
                    && let Some(g) = face.glyph_index(c)
                {
                    cmap.insert(c, g.0);
                }
            }
        }
        let missing = face
            .glyph_hor_advance(ttf_parser::GlyphId(0))
            .unwrap_or(500);
        Metrics {
            units_per_em: f32::from(face.units_per_em()),
            advances,
            cmap,
            missing,
        }
    }

    /// Width of a string at a size, in millimetres.
    pub fn width(&self, s: &str, size_pt: f32) -> f32 {
        let units: u32 = s
            .chars()
            .map(|c| {
                self.cmap
                    .get(&c)
                    .and_then(|g| self.advances.get(*g as usize))
                    .copied()
                    .unwrap_or(self.missing) as u32
            })
            .sum();
        units as f32 / self.units_per_em * size_pt / PT_PER_MM
    }

    /// Whether the font has a glyph for every character.
    pub fn covers(&self, s: &str) -> bool {
        s.chars()
            .all(|c| c.is_whitespace() || self.cmap.contains_key(&c))
    }
}

pub fn metrics(bold: bool) -> &'static Metrics {
    static REG: OnceLock<Metrics> = OnceLock::new();
    static BOLD: OnceLock<Metrics> = OnceLock::new();
    if bold {
        BOLD.get_or_init(|| Metrics::new(FONT_BOLD))
    } else {
        REG.get_or_init(|| Metrics::new(FONT_REGULAR))
    }
}

/// The parsed fonts printpdf embeds (parsed once per process).
pub fn parsed_fonts() -> &'static (ParsedFont, ParsedFont) {
    static FONTS: OnceLock<(ParsedFont, ParsedFont)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut w = Vec::new();
        (
            ParsedFont::from_bytes(FONT_REGULAR, 0, &mut w).expect("regular font parses"),
            ParsedFont::from_bytes(FONT_BOLD, 0, &mut w).expect("bold font parses"),
        )
    })
}

/// Splits text into lines no wider than `width` mm. Words longer than a line are broken
/// between characters; explicit newlines are kept. Nothing is dropped.
pub fn wrap(text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
    let m = metrics(bold);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if m.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            if m.width(word, size) <= width {
                line = word.to_string();
            } else {
                // Break the long word.
                let mut piece = String::new();
                for c in word.chars() {
                    let next = format!("{piece}{c}");
                    if m.width(&next, size) > width && !piece.is_empty() {
                        out.push(std::mem::take(&mut piece));
                        piece.push(c);
                    } else {
                        piece = next;
                    }
                }
                line = piece;
            }
        }
        out.push(line);
    }
    while out.len() > 1 && out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// Fits text into at most `max_lines` lines of `width` mm, starting at `size` pt and
/// shrinking by half points down to `min_size`. Returns the size used and the lines.
pub fn fit(
    field: &str,
    text: &str,
    width: f32,
    max_lines: usize,
    size: f32,
    min_size: f32,
    bold: bool,
) -> Result<(f32, Vec<String>), DoesNotFit> {
    let mut s = size;
    while s >= min_size - 0.01 {
        let lines = wrap(text, width, s, bold);
        if lines.len() <= max_lines {
            return Ok((s, lines));
        }
        s -= 0.5;
    }
    Err(DoesNotFit {
        field: field.to_string(),
    })
}

/// Line height for a font size, in mm.
pub fn line_h(size: f32) -> f32 {
    size * 1.32 / PT_PER_MM
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Colours of the documents (calm, print-friendly).
pub const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);
pub const GREY: (f32, f32, f32) = (0.35, 0.35, 0.38);
pub const RULE: (f32, f32, f32) = (0.55, 0.55, 0.58);
pub const SHADE: (f32, f32, f32) = (0.93, 0.94, 0.96);

/// An RGB colour, each part 0..=1.
pub type Rgb3 = (f32, f32, f32);

/// One thing drawn on a page: the page display list that both the PDF writer and the window's
/// page view draw. Millimetres from the top-left corner of an A4 page.
#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    /// One line of text; `y` is the top of its line box ([`line_h`] of `size` high) and
    /// `width` its measured advance.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb3,
        text: String,
        width: f32,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        thickness_pt: f32,
        color: Rgb3,
    },
    /// A filled rectangle.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb3,
    },
    /// A QR code `size` mm wide: `width` × `width` modules, row by row, true = dark.
    Qr {
        x: f32,
        y: f32,
        size: f32,
        width: usize,
        modules: Vec<bool>,
    },
}

impl Draw {
    /// The box it covers: (left, top, right, bottom) in mm. A text's box is its line box.
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        match self {
            Draw::Text {
                x, y, size, width, ..
            } => (*x, *y, x + width, y + line_h(*size)),
            Draw::Line { x1, y1, x2, y2, .. } => {
                (x1.min(*x2), y1.min(*y2), x1.max(*x2), y1.max(*y2))
            }
            Draw::Rect { x, y, w, h, .. } => (*x, *y, x + w, y + h),
            Draw::Qr { x, y, size, .. } => (*x, *y, x + size, y + size),
        }
    }

    fn shifted(mut self, dy: f32) -> Draw {
        match &mut self {
            Draw::Text { y, .. } | Draw::Rect { y, .. } | Draw::Qr { y, .. } => *y += dy,
            Draw::Line { y1, y2, .. } => {
                *y1 += dy;
                *y2 += dy;
            }
        }
        self
    }
}

fn rgb(c: Rgb3) -> Color {
    Color::Rgb(Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

fn pt(x_mm: f32, y_top_mm: f32) -> Point {
    Point {
        x: Pt(x_mm * PT_PER_MM),
        y: Pt((PAGE_H - y_top_mm) * PT_PER_MM),
    }
}

/// Where the text of a line box sits: the baseline at 78 % of the box.
pub fn baseline(y_top: f32, size: f32) -> f32 {
    y_top + line_h(size) * 0.78
}

fn stroke(ops: &mut Vec<Op>, (x1, y1): (f32, f32), (x2, y2): (f32, f32), th: f32, color: Rgb3) {
    ops.push(Op::SetOutlineColor { col: rgb(color) });
    ops.push(Op::SetOutlineThickness { pt: Pt(th) });
    ops.push(Op::DrawLine {
        line: Line {
            points: vec![
                LinePoint {
                    p: pt(x1, y1),
                    bezier: false,
                },
                LinePoint {
                    p: pt(x2, y2),
                    bezier: false,
                },
            ],
            is_closed: false,
        },
    });
}

/// The PDF operations of one page's display list.
pub fn pdf_ops(items: &[Draw], regular: &FontId, bold: &FontId) -> Vec<Op> {
    let mut ops = Vec::with_capacity(items.len() * 6);
    for item in items {
        match item {
            Draw::Text {
                x,
                y,
                size,
                bold: b,
                color,
                text,
                ..
            } => {
                let font = if *b { bold.clone() } else { regular.clone() };
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFillColor { col: rgb(*color) });
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font),
                    size: Pt(*size),
                });
                ops.push(Op::SetTextCursor {
                    pos: pt(*x, baseline(*y, *size)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                });
                ops.push(Op::EndTextSection);
            }
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                thickness_pt,
                color,
            } => stroke(&mut ops, (*x1, *y1), (*x2, *y2), *thickness_pt, *color),
            Draw::Rect { x, y, w, h, color } => {
                ops.push(Op::SetFillColor { col: rgb(*color) });
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(x * PT_PER_MM),
                        y: Pt((PAGE_H - y - h) * PT_PER_MM),
                        width: Pt(w * PT_PER_MM),
                        height: Pt(h * PT_PER_MM),
                        mode: Some(PaintMode::Fill),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
            }
            Draw::Qr {
                x,
                y,
                size,
                width,
                modules,
            } => qr_ops(&mut ops, *x, *y, *size, *width, modules),
        }
    }
    ops
}

/// A QR code as one filled polygon with a ring per horizontal run of dark modules, so it stays
/// vector-sharp. The rings are drawn in module units under a scaling matrix, so every
/// coordinate is a small integer (a third of the bytes of millimetre coordinates).
fn qr_ops(ops: &mut Vec<Op>, x: f32, y: f32, size: f32, width: usize, modules: &[bool]) {
    let m_pt = size / width as f32 * PT_PER_MM;
    let origin = pt(x, y + size);
    let unit = |col: usize, row_up: usize| LinePoint {
        p: Point {
            x: Pt(col as f32),
            y: Pt(row_up as f32),
        },
        bezier: false,
    };
    let mut rings = Vec::new();
    for row in 0..width {
        // PDF y grows upwards: the top row is the highest.
        let up = width - 1 - row;
        let mut col = 0;
        while col < width {
            if !modules[row * width + col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < width && modules[row * width + col] {
                col += 1;
            }
            rings.push(PolygonRing {
                points: vec![
                    unit(start, up),
                    unit(col, up),
                    unit(col, up + 1),
                    unit(start, up + 1),
                ],
            });
        }
    }
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::SetTransformationMatrix {
        matrix: CurTransMat::Raw([m_pt, 0.0, 0.0, m_pt, origin.x.0, origin.y.0]),
    });
    ops.push(Op::SetFillColor { col: rgb(BLACK) });
    ops.push(Op::DrawPolygon {
        polygon: Polygon {
            rings,
            mode: PaintMode::Fill,
            winding_order: WindingOrder::NonZero,
        },
    });
    ops.push(Op::RestoreGraphicsState);
}

/// A place in the layout a block may be carried from onto the next page (so that the closing
/// block of a paper never stands alone on its last page).
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    page: usize,
    item: usize,
    y: f32,
    /// Drawn first on the new page when the block is carried (a table's header), with its
    /// height; positions relative to its top.
    prefix: Option<(Vec<Draw>, f32)>,
}

/// A multi-page document being laid out: a display list per page.
pub struct Canvas {
    pub pages: Vec<Vec<Draw>>,
    /// Current vertical position (mm from the top) on the last page.
    pub y: f32,
    /// Space kept free at the bottom of every page (mm).
    pub footer_reserve: f32,
    /// Draw on this page instead of the last one (page numbers after layout).
    pub target: Option<usize>,
    /// How much of the nominal vertical spacing is used (1.0, less to keep a form on one page).
    pub spacing: f32,
    /// The start of the last block that may be carried to the next page.
    pub mark: Option<Mark>,
    /// The width of the label column of labelled rows, when a form wants its own.
    pub label_w: Option<f32>,
}

impl Default for Canvas {
    fn default() -> Self {
        Canvas::new()
    }
}

impl Canvas {
    pub fn new() -> Canvas {
        Canvas {
            pages: vec![Vec::new()],
            y: MARGIN_T,
            footer_reserve: 0.0,
            target: None,
            spacing: 1.0,
            mark: None,
            label_w: None,
        }
    }

    fn items(&mut self) -> &mut Vec<Draw> {
        match self.target {
            Some(i) if i < self.pages.len() => &mut self.pages[i],
            _ => self.pages.last_mut().expect("at least one page"),
        }
    }

    /// Bottom limit for content on this page.
    pub fn bottom(&self) -> f32 {
        PAGE_H - MARGIN_B - self.footer_reserve
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_T;
    }

    /// Starts a new page if `h` mm do not fit below the cursor.
    pub fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > self.bottom() {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Moves the cursor down by `mm` of nominal spacing (scaled by [`Canvas::spacing`]).
    pub fn gap(&mut self, mm: f32) {
        self.y += mm * self.spacing;
    }

    /// Remembers that a block starts here.
    pub fn set_mark(&mut self) {
        self.mark = Some(Mark {
            page: self.pages.len() - 1,
            item: self.pages.last().map_or(0, |p| p.len()),
            y: self.y,
            prefix: None,
        });
    }

    /// Remembers that a block starts here which, carried to a new page, is preceded by
    /// `prefix` (drawn relative to y = 0, `h` mm high).
    pub fn set_mark_with_prefix(&mut self, prefix: Vec<Draw>, h: f32) {
        self.set_mark();
        if let Some(m) = &mut self.mark {
            m.prefix = Some((prefix, h));
        }
    }

    /// The items drawn on the last page since item `from`, moved up so that `y_top` becomes 0.
    pub fn items_since(&self, from: usize, y_top: f32) -> Vec<Draw> {
        self.pages
            .last()
            .map(|p| {
                p[from.min(p.len())..]
                    .iter()
                    .cloned()
                    .map(|d| d.shifted(-y_top))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Carries everything drawn since the last mark onto a new page (the block keeps its
    /// shape, moved to the top margin). Returns false, doing nothing, when there is no mark on
    /// this page or the mark is already at the top of it.
    pub fn carry_from_mark(&mut self) -> bool {
        let Some(m) = self.mark.take() else {
            return false;
        };
        if m.page + 1 != self.pages.len() || m.y <= MARGIN_T + 0.5 {
            return false;
        }
        let moved: Vec<Draw> = self.pages[m.page].drain(m.item..).collect();
        let (mut page, head_h) = match m.prefix {
            Some((items, h)) => (items.into_iter().map(|d| d.shifted(MARGIN_T)).collect(), h),
            None => (Vec::new(), 0.0),
        };
        let dy = MARGIN_T + head_h - m.y;
        let used = self.y - m.y;
        page.extend(moved.into_iter().map(|d| d.shifted(dy)));
        self.pages.push(page);
        self.y = MARGIN_T + head_h + used;
        true
    }

    /// Draws one line of text whose line box starts at `y_top`.
    pub fn text_at(&mut self, x: f32, y_top: f32, size: f32, bold: bool, color: Rgb3, s: &str) {
        if s.is_empty() {
            return;
        }
        let width = metrics(bold).width(s, size);
        self.items().push(Draw::Text {
            x,
            y: y_top,
            size,
            bold,
            color,
            text: s.to_string(),
            width,
        });
    }

    /// Draws a line aligned inside `[x, x + width]`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_aligned(
        &mut self,
        x: f32,
        width: f32,
        y_top: f32,
        size: f32,
        bold: bool,
        color: Rgb3,
        align: Align,
        s: &str,
    ) {
        let w = metrics(bold).width(s, size);
        let x0 = match align {
            Align::Left => x,
            Align::Center => x + (width - w) / 2.0,
            Align::Right => x + width - w,
        };
        self.text_at(x0, y_top, size, bold, color, s);
    }

    /// A wrapped paragraph at the cursor across the content width (or a column), moving the
    /// cursor down; continues on a new page when needed.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        x: f32,
        width: f32,
        size: f32,
        bold: bool,
        color: Rgb3,
        align: Align,
        text: &str,
    ) {
        for line in wrap(text, width, size, bold) {
            self.ensure(line_h(size));
            let y = self.y;
            self.text_aligned(x, width, y, size, bold, color, align, &line);
            self.y += line_h(size);
        }
    }

    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness_pt: f32, color: Rgb3) {
        self.items().push(Draw::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            thickness_pt,
            color,
        });
    }

    pub fn vline(&mut self, x: f32, y1: f32, y2: f32, thickness_pt: f32, color: Rgb3) {
        self.items().push(Draw::Line {
            x1: x,
            y1,
            x2: x,
            y2,
            thickness_pt,
            color,
        });
    }

    /// A filled rectangle (top-left corner, size in mm).
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb3) {
        self.items().push(Draw::Rect { x, y, w, h, color });
    }

    /// An outlined box.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, thickness_pt: f32, color: Rgb3) {
        self.hline(x, x + w, y, thickness_pt, color);
        self.hline(x, x + w, y + h, thickness_pt, color);
        self.vline(x, y, y + h, thickness_pt, color);
        self.vline(x + w, y, y + h, thickness_pt, color);
    }

    /// A QR code of `modules` (true = dark), `size` mm wide, top-left at (x, y).
    pub fn qr(&mut self, x: f32, y: f32, size: f32, width: usize, modules: &[bool]) {
        self.items().push(Draw::Qr {
            x,
            y,
            size,
            width,
            modules: modules.to_vec(),
        });
    }
}

/// One column of a table.
#[derive(Debug, Clone)]
pub struct Col {
    pub header: String,
    pub width: f32,
    pub align: Align,
}

/// Draws a table at the cursor: cells wrap, rows never split across pages, the header
/// repeats at the top of every page. Returns the number of pages it spans.
pub fn table(c: &mut Canvas, x: f32, cols: &[Col], rows: &[Vec<String>], size: f32) -> usize {
    let pad = 1.2;
    let lh = line_h(size);
    let header_lines: Vec<Vec<String>> = cols
        .iter()
        .map(|col| wrap(&col.header, col.width - 2.0 * pad, size - 0.5, true))
        .collect();
    let header_h = header_lines.iter().map(|l| l.len()).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
    let total_w: f32 = cols.iter().map(|c| c.width).sum();
    let draw_header = |c: &mut Canvas| {
        let y = c.y;
        c.fill_rect(x, y, total_w, header_h, SHADE);
        let mut cx = x;
        for (col, lines) in cols.iter().zip(&header_lines) {
            for (i, l) in lines.iter().enumerate() {
                c.text_aligned(
                    cx + pad,
                    col.width - 2.0 * pad,
                    y + pad + i as f32 * lh,
                    size - 0.5,
                    true,
                    BLACK,
                    Align::Left,
                    l,
                );
            }
            cx += col.width;
        }
        c.hline(x, x + total_w, y, 0.6, RULE);
        c.hline(x, x + total_w, y + header_h, 0.6, RULE);
        c.y += header_h;
    };
    let start_pages = c.pages.len();
    c.ensure(header_h + lh + 2.0 * pad);
    let header_at = (c.pages.last().map_or(0, |p| p.len()), c.y);
    draw_header(c);
    let header_items = c.items_since(header_at.0, header_at.1);
    let mut first = true;
    for row in rows {
        let cells: Vec<Vec<String>> = cols
            .iter()
            .zip(row)
            .map(|(col, v)| wrap(v, col.width - 2.0 * pad, size, false))
            .collect();
        let h = cells.iter().map(|l| l.len()).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        if c.ensure(h) {
            draw_header(c);
        }
        if !first {
            c.set_mark_with_prefix(header_items.clone(), header_h);
        }
        first = false;
        let y = c.y;
        let mut cx = x;
        for (col, lines) in cols.iter().zip(&cells) {
            for (i, l) in lines.iter().enumerate() {
                c.text_aligned(
                    cx + pad,
                    col.width - 2.0 * pad,
                    y + pad + i as f32 * lh,
                    size,
                    false,
                    BLACK,
                    col.align,
                    l,
                );
            }
            cx += col.width;
        }
        c.hline(x, x + total_w, y + h, 0.3, RULE);
        c.y += h;
    }
    c.pages.len() - start_pages + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fonts_cover_kazakh_and_tenge() {
        for bold in [false, true] {
            let m = metrics(bold);
            assert!(m.covers("ӘәҒғҚқҢңӨөҰұҮүҺһІі ₸ №"));
            assert!(m.width("Ә", 10.0) > 0.0);
        }
    }

    #[test]
    fn fitting_wraps_then_shrinks_then_fails() {
        let (size, lines) =
            fit("name", "Қасымов Ерлан Серікұлы", 100.0, 1, 11.0, 8.0, false).unwrap();
        assert_eq!(size, 11.0);
        assert_eq!(lines.len(), 1);
        let long = "Мемлекеттік атаулы әлеуметтік көмек тағайындау туралы хабарландыру ".repeat(2);
        let (size, lines) = fit("title", &long, 100.0, 3, 11.0, 8.0, false).unwrap();
        assert!(size <= 11.0 && lines.len() <= 3);
        let e = fit(
            "reason",
            &"өте ұзын себеп ".repeat(200),
            100.0,
            4,
            11.0,
            8.0,
            false,
        )
        .unwrap_err();
        assert_eq!(e.field, "reason");
    }

    proptest! {
        #[test]
        fn wrapped_lines_fit_and_keep_every_character(text in "[а-яәғқңөұүһі A-Za-z0-9]{0,300}", width in 20.0f32..150.0) {
            let lines = wrap(&text, width, 10.0, false);
            for l in &lines {
                // A single character wider than the box is the only way to exceed it.
                prop_assert!(metrics(false).width(l, 10.0) <= width + 0.001 || l.chars().count() == 1);
            }
            let joined: String = lines.concat().chars().filter(|c| !c.is_whitespace()).collect();
            let original: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert_eq!(joined, original);
        }
    }
}
