//! The whole paper as it will print, page by page: draws the same page display list the PDF
//! writer draws (`documents::layout::Draw`), on a canvas scaled to the width it is given.

use iced::advanced::text::{Alignment as TextAlignment, LineHeight, Shaping};
use iced::alignment::Vertical;
use iced::mouse;
use iced::widget::canvas::{self, Frame, Geometry, Path, Stroke};
use iced::widget::{Canvas, column, container, text};
use iced::{Color, Element, Length, Pixels, Point, Rectangle, Renderer, Size, Theme};

use crate::desk::papers::{Draw, PAGE_H, PAGE_W, Paper};
use crate::ui::theme;

const PT_PER_MM: f32 = 72.0 / 25.4;

fn color((r, g, b): (f32, f32, f32)) -> Color {
    Color::from_rgb(r, g, b)
}

/// One page of a paper on a canvas.
struct Page<'a> {
    items: &'a [Draw],
}

impl<M> canvas::Program<M> for Page<'_> {
    type State = ();

    fn draw(
        &self,
        _state: &(),
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<Geometry> {
        let mut frame = Frame::new(renderer, bounds.size());
        let k = bounds.width / PAGE_W;
        frame.fill_rectangle(Point::ORIGIN, bounds.size(), Color::WHITE);
        for item in self.items {
            match item {
                Draw::Text {
                    x,
                    y,
                    size,
                    bold,
                    color: c,
                    text,
                    ..
                } => {
                    let px = size / PT_PER_MM * k;
                    frame.fill_text(canvas::Text {
                        content: text.clone(),
                        position: Point::new(x * k, y * k),
                        max_width: f32::INFINITY,
                        color: color(*c),
                        size: Pixels(px),
                        line_height: LineHeight::Relative(1.32),
                        font: if *bold { theme::BOLD } else { theme::FONT },
                        align_x: TextAlignment::Left,
                        align_y: Vertical::Top,
                        shaping: Shaping::Advanced,
                    });
                }
                Draw::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    thickness_pt,
                    color: c,
                } => {
                    let path = Path::line(Point::new(x1 * k, y1 * k), Point::new(x2 * k, y2 * k));
                    frame.stroke(
                        &path,
                        Stroke::default()
                            .with_width((thickness_pt / PT_PER_MM * k).max(0.5))
                            .with_color(color(*c)),
                    );
                }
                Draw::Rect {
                    x,
                    y,
                    w,
                    h,
                    color: c,
                } => frame.fill_rectangle(
                    Point::new(x * k, y * k),
                    Size::new(w * k, h * k),
                    color(*c),
                ),
                Draw::Qr {
                    x,
                    y,
                    size,
                    width,
                    modules,
                } => {
                    let m = size / *width as f32 * k;
                    for row in 0..*width {
                        let mut col = 0;
                        while col < *width {
                            if !modules[row * width + col] {
                                col += 1;
                                continue;
                            }
                            let start = col;
                            while col < *width && modules[row * width + col] {
                                col += 1;
                            }
                            frame.fill_rectangle(
                                Point::new(x * k + start as f32 * m, y * k + row as f32 * m),
                                Size::new((col - start) as f32 * m, m),
                                Color::BLACK,
                            );
                        }
                    }
                }
            }
        }
        vec![frame.into_geometry()]
    }
}

/// Every page of a paper, one under the other, `width` pixels wide, each with its page number
/// under it («1 / 2»).
pub fn paper<'a, M: 'a>(paper: &'a Paper, width: f32) -> Element<'a, M> {
    let n = paper.pages.len();
    let height = width * PAGE_H / PAGE_W;
    let mut col = column![].spacing(theme::S);
    for (i, items) in paper.pages.iter().enumerate() {
        let page = Canvas::new(Page { items })
            .width(Length::Fixed(width))
            .height(Length::Fixed(height));
        col = col.push(container(page).style(theme::paper_sheet));
        col = col.push(
            text(format!("{} / {n}", i + 1))
                .size(theme::SMALL)
                .color(theme::MUTED),
        );
    }
    col.into()
}
