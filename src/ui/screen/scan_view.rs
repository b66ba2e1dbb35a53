//! The scan viewer over the application: the scan page by page (PDF scans drawn by the
//! rasteriser in `ui::scan`, each page when it is shown), zoom, a quarter turn, and close (Esc
//! closes it as well).

use iced::widget::{column, container, image, row, scrollable, text};
use iced::{Alignment, Element, Length, Radians, Rotation};
use std::sync::Arc;

use crate::domain::model::Lang;
use crate::i18n::{Arg, tr, tra};
use crate::ui::scan::{pdf_page, pdf_page_count};
use crate::ui::theme;
use crate::ui::widget as w;

/// Zoom steps, as a share of the viewer's width.
const ZOOMS: [f32; 6] = [0.5, 0.75, 1.0, 1.5, 2.0, 3.0];
/// The width of a page at 100 %.
const BASE_W: f32 = 480.0;

/// A scan open in the viewer.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub name: String,
    /// A PDF's bytes, its pages drawn one at a time; `None` for a picture (one page).
    pdf: Option<Arc<Vec<u8>>>,
    /// The number of pages.
    pages: usize,
    /// The page shown; `None`: this page cannot be shown here.
    shown: Option<image::Handle>,
    pub page: usize,
    zoom: usize,
    /// Quarter turns clockwise.
    pub turn: u8,
    /// The file could not be read as a scan.
    unreadable: bool,
}

/// Viewer events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Page(usize),
    ZoomIn,
    ZoomOut,
    Turn,
    Close,
}

fn draw(pdf: &Arc<Vec<u8>>, page: usize) -> Option<image::Handle> {
    pdf_page(pdf, page).map(|p| image::Handle::from_rgba(p.width, p.height, p.pixels))
}

impl Viewer {
    /// Opens a scan: a PDF page by page (the first page drawn now), a picture (JPEG, PNG,
    /// TIFF) as one page.
    pub fn open(name: String, mime: &str, bytes: Vec<u8>) -> Viewer {
        let mut v = Viewer {
            name,
            pdf: None,
            pages: 1,
            shown: None,
            page: 0,
            zoom: 2,
            turn: 0,
            unreadable: false,
        };
        if mime == "application/pdf" {
            let pdf = Arc::new(bytes);
            match pdf_page_count(&pdf) {
                Ok(n) => {
                    v.pages = n;
                    v.shown = draw(&pdf, 0);
                    v.pdf = Some(pdf);
                }
                Err(_) => {
                    v.pages = 0;
                    v.unreadable = true;
                }
            }
        } else {
            v.shown = Some(image::Handle::from_bytes(bytes));
        }
        v
    }

    /// The number of pages.
    pub fn page_count(&self) -> usize {
        self.pages
    }

    /// Applies an event; `false` when the viewer is to close.
    pub fn update(&mut self, m: Msg) -> bool {
        match m {
            Msg::Page(i) => {
                let i = i.min(self.pages.saturating_sub(1));
                if i != self.page
                    && let Some(pdf) = &self.pdf
                {
                    self.shown = draw(pdf, i);
                }
                self.page = i;
            }
            Msg::ZoomIn => self.zoom = (self.zoom + 1).min(ZOOMS.len() - 1),
            Msg::ZoomOut => self.zoom = self.zoom.saturating_sub(1),
            Msg::Turn => self.turn = (self.turn + 1) % 4,
            Msg::Close => return false,
        }
        true
    }

    /// The zoom in per cent.
    pub fn zoom_percent(&self) -> u32 {
        (ZOOMS[self.zoom] * 100.0).round() as u32
    }

    pub fn view<'a, M: Clone + 'a>(&'a self, lang: Lang, on: impl Fn(Msg) -> M) -> Element<'a, M> {
        let n = self.pages;
        // The file's name on its own line: a long one must not squeeze the buttons.
        let name = text(self.name.clone()).size(theme::SMALL).font(theme::BOLD);
        let bar = row![
            w::hfill(),
            w::secondary(
                "◀".into(),
                (self.page > 0).then(|| on(Msg::Page(self.page.saturating_sub(1))))
            ),
            text(tra(
                lang,
                "ui-scan-page",
                &[
                    ("n", Arg::from(self.page + 1)),
                    ("total", Arg::from(n.max(1)))
                ]
            ))
            .size(theme::SMALL),
            w::secondary(
                "▶".into(),
                (self.page + 1 < n).then(|| on(Msg::Page(self.page + 1)))
            ),
            w::secondary("−".into(), (self.zoom > 0).then(|| on(Msg::ZoomOut))),
            text(format!("{} %", self.zoom_percent())).size(theme::SMALL),
            w::secondary(
                "+".into(),
                (self.zoom + 1 < ZOOMS.len()).then(|| on(Msg::ZoomIn))
            ),
            w::secondary(tr(lang, "ui-scan-turn"), Some(on(Msg::Turn))),
            w::secondary(tr(lang, "ui-close"), Some(on(Msg::Close))),
        ]
        .spacing(theme::XS)
        .align_y(Alignment::Center);
        let body: Element<'a, M> = match (self.pages, &self.shown) {
            (0, _) => w::notice(
                &tr(
                    lang,
                    if self.unreadable {
                        "ui-scan-unreadable"
                    } else {
                        "ui-scan-empty"
                    },
                ),
                theme::WARNING,
            ),
            (_, Some(h)) => scrollable(
                container(
                    // Scaled to the page's width (an A4 page's proportions), the whole picture.
                    image(h.clone())
                        .width(Length::Fixed(BASE_W * ZOOMS[self.zoom]))
                        .height(Length::Fixed(BASE_W * ZOOMS[self.zoom] * 1.414))
                        .content_fit(iced::ContentFit::Contain)
                        .rotation(Rotation::Solid(Radians(
                            std::f32::consts::FRAC_PI_2 * f32::from(self.turn),
                        ))),
                )
                .center_x(Length::Shrink),
            )
            .direction(scrollable::Direction::Both {
                vertical: scrollable::Scrollbar::default(),
                horizontal: scrollable::Scrollbar::default(),
            })
            .height(Length::Fixed(440.0))
            .width(Length::Fill)
            .into(),
            (_, None) => w::notice(&tr(lang, "ui-scan-page-not-viewable"), theme::WARNING),
        };
        column![name, bar, body].spacing(theme::S).into()
    }
}
