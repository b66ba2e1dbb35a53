//! The design system: every colour, size and spacing of the window, and the style functions
//! the screens use. A calm, professional palette readable at 1366×768; status colours always
//! come with text.

use iced::widget::{button, container, overlay, pick_list, text_input};
use iced::{Background, Border, Color, Shadow, Theme, Vector};

use crate::domain::deadline::TimeLeft;
use crate::domain::model::Status;

pub const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");

pub const FONT: iced::Font = iced::Font::with_name("Noto Sans");
pub const BOLD: iced::Font = iced::Font {
    weight: iced::font::Weight::Bold,
    ..FONT
};

// Spacing scale.
pub const XS: f32 = 4.0;
pub const S: f32 = 8.0;
pub const M: f32 = 12.0;
pub const L: f32 = 16.0;
pub const XL: f32 = 24.0;

// Type scale.
pub const H1: f32 = 22.0;
pub const H2: f32 = 18.0;
pub const H3: f32 = 15.0;
pub const BODY: f32 = 14.0;
pub const SMALL: f32 = 12.0;

pub const RADIUS: f32 = 6.0;

/// The login card's width: narrow enough to read as one form at 1366×768.
pub const LOGIN_WIDTH: f32 = 400.0;

const fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::from_rgb8(r, g, b)
}

pub const PRIMARY: Color = rgb(0x1F, 0x5F, 0x8B);
pub const PRIMARY_DARK: Color = rgb(0x17, 0x4A, 0x6D);
pub const BACKGROUND: Color = rgb(0xF3, 0xF5, 0xF8);
pub const SURFACE: Color = Color::WHITE;
pub const TEXT: Color = rgb(0x1B, 0x24, 0x30);
pub const MUTED: Color = rgb(0x5B, 0x66, 0x75);
pub const BORDER: Color = rgb(0xD5, 0xDB, 0xE3);
pub const HEADER: Color = rgb(0x14, 0x3D, 0x5C);
pub const DANGER: Color = rgb(0xB4, 0x23, 0x18);
pub const WARNING: Color = rgb(0xB2, 0x6B, 0x00);
pub const SUCCESS: Color = rgb(0x2E, 0x7D, 0x32);
pub const INFO: Color = rgb(0x1F, 0x6F, 0xB4);
/// An error written on the dark header (the plain danger red is unreadable there).
pub const ERROR_ON_DARK: Color = rgb(0xFF, 0xB4, 0xAB);

/// The application theme.
pub fn theme() -> Theme {
    Theme::custom(
        "mio-desk",
        iced::theme::Palette {
            background: BACKGROUND,
            text: TEXT,
            primary: PRIMARY,
            success: SUCCESS,
            warning: WARNING,
            danger: DANGER,
        },
    )
}

/// The colour of a status (always shown with its name).
pub fn status_color(s: Status) -> Color {
    match s {
        Status::Registered => INFO,
        Status::InWork => rgb(0x8A, 0x5A, 0x00),
        Status::AwaitingSignature => rgb(0x6A, 0x3D, 0x9A),
        Status::Signed => rgb(0x00, 0x79, 0x6B),
        Status::Issued => SUCCESS,
        Status::Withdrawn => MUTED,
    }
}

/// The colour of a due-date chip.
pub fn due_color(t: TimeLeft) -> Color {
    match t {
        TimeLeft::Overdue { .. } => DANGER,
        TimeLeft::Today => rgb(0xC2, 0x52, 0x00),
        TimeLeft::Days { working_days } if working_days <= 2 => WARNING,
        TimeLeft::Days { .. } => SUCCESS,
    }
}

fn tint(c: Color, a: f32) -> Color {
    Color { a, ..c }
}

pub fn card(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(SURFACE)),
        border: Border {
            color: BORDER,
            width: 1.0,
            radius: RADIUS.into(),
        },
        text_color: Some(TEXT),
        shadow: Shadow {
            color: tint(Color::BLACK, 0.04),
            offset: Vector::new(0.0, 1.0),
            blur_radius: 2.0,
        },
        snap: true,
    }
}

/// A sheet of paper in the page view: white, a thin border, a soft shadow.
pub fn paper_sheet(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(Color::WHITE)),
        border: Border {
            color: BORDER,
            width: 1.0,
            radius: 0.0.into(),
        },
        text_color: Some(TEXT),
        shadow: Shadow {
            color: tint(Color::BLACK, 0.12),
            offset: Vector::new(0.0, 2.0),
            blur_radius: 6.0,
        },
        snap: true,
    }
}

/// Width of a page in the page view, in pixels (A4 at about 70 % of its size at 96 dpi).
pub const PAPER_W: f32 = 560.0;

pub fn header_bar(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(HEADER)),
        text_color: Some(Color::WHITE),
        ..Default::default()
    }
}

pub fn page(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(BACKGROUND)),
        text_color: Some(TEXT),
        ..Default::default()
    }
}

/// A small coloured label (status, due date): tinted background, coloured text.
pub fn chip(color: Color) -> impl Fn(&Theme) -> container::Style {
    move |_| container::Style {
        background: Some(Background::Color(tint(color, 0.12))),
        border: Border {
            color: tint(color, 0.5),
            width: 1.0,
            radius: 10.0.into(),
        },
        text_color: Some(color),
        ..Default::default()
    }
}

/// An error or notice panel.
pub fn banner(color: Color) -> impl Fn(&Theme) -> container::Style {
    move |_| container::Style {
        background: Some(Background::Color(tint(color, 0.08))),
        border: Border {
            color: tint(color, 0.6),
            width: 1.0,
            radius: RADIUS.into(),
        },
        text_color: Some(color),
        ..Default::default()
    }
}

pub fn row_even(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(SURFACE)),
        ..Default::default()
    }
}

pub fn row_odd(_: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(rgb(0xF8, 0xFA, 0xFC))),
        ..Default::default()
    }
}

fn base_button(bg: Color, fg: Color, border: Color, status: button::Status) -> button::Style {
    let bg = match status {
        button::Status::Hovered => Color {
            r: bg.r * 0.92,
            g: bg.g * 0.92,
            b: bg.b * 0.92,
            a: bg.a,
        },
        button::Status::Pressed => Color {
            r: bg.r * 0.85,
            g: bg.g * 0.85,
            b: bg.b * 0.85,
            a: bg.a,
        },
        button::Status::Disabled => tint(bg, 0.45),
        button::Status::Active => bg,
    };
    button::Style {
        background: Some(Background::Color(bg)),
        text_color: if status == button::Status::Disabled {
            tint(fg, 0.6)
        } else {
            fg
        },
        border: Border {
            color: border,
            width: 1.0,
            radius: RADIUS.into(),
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

pub fn primary(_: &Theme, s: button::Status) -> button::Style {
    base_button(PRIMARY, Color::WHITE, PRIMARY_DARK, s)
}

pub fn secondary(_: &Theme, s: button::Status) -> button::Style {
    base_button(SURFACE, PRIMARY, BORDER, s)
}

pub fn danger(_: &Theme, s: button::Status) -> button::Style {
    base_button(DANGER, Color::WHITE, DANGER, s)
}

/// A navigation button in the header.
pub fn nav(active: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_, s| {
        let bg = if active {
            tint(Color::WHITE, 0.18)
        } else if s == button::Status::Hovered {
            tint(Color::WHITE, 0.10)
        } else {
            Color::TRANSPARENT
        };
        button::Style {
            background: Some(Background::Color(bg)),
            text_color: Color::WHITE,
            border: Border {
                radius: RADIUS.into(),
                ..Default::default()
            },
            shadow: Shadow::default(),
            snap: true,
        }
    }
}

/// A queue tab.
pub fn tab(active: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_, s| {
        let (bg, fg, border) = if active {
            (PRIMARY, Color::WHITE, PRIMARY)
        } else if s == button::Status::Hovered {
            (rgb(0xE6, 0xEE, 0xF5), TEXT, BORDER)
        } else {
            (SURFACE, TEXT, BORDER)
        };
        button::Style {
            background: Some(Background::Color(bg)),
            text_color: fg,
            border: Border {
                color: border,
                width: 1.0,
                radius: RADIUS.into(),
            },
            shadow: Shadow::default(),
            snap: true,
        }
    }
}

/// A tab that needs attention (open conflicts): amber until it is opened.
pub fn warning_tab(_: &Theme, s: button::Status) -> button::Style {
    let bg = if s == button::Status::Hovered {
        tint(WARNING, 0.22)
    } else {
        tint(WARNING, 0.14)
    };
    button::Style {
        background: Some(Background::Color(bg)),
        text_color: rgb(0x7A, 0x49, 0x00),
        border: Border {
            color: WARNING,
            width: 1.0,
            radius: RADIUS.into(),
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// A clickable table row.
pub fn table_row(odd: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_, s| {
        let base = if odd { rgb(0xF8, 0xFA, 0xFC) } else { SURFACE };
        button::Style {
            background: Some(Background::Color(match s {
                button::Status::Hovered | button::Status::Pressed => rgb(0xE8, 0xF1, 0xF8),
                _ => base,
            })),
            text_color: TEXT,
            border: Border::default(),
            shadow: Shadow::default(),
            snap: true,
        }
    }
}

/// A drop-down list: white with a border like the text inputs.
pub fn pick(_: &Theme, s: pick_list::Status) -> pick_list::Style {
    let active = !matches!(s, pick_list::Status::Active);
    pick_list::Style {
        text_color: TEXT,
        placeholder_color: rgb(0x9A, 0xA4, 0xB1),
        handle_color: if active { PRIMARY } else { MUTED },
        background: Background::Color(SURFACE),
        border: Border {
            color: if active { PRIMARY } else { BORDER },
            width: 1.0,
            radius: RADIUS.into(),
        },
    }
}

/// The open list of a drop-down.
pub fn menu(_: &Theme) -> overlay::menu::Style {
    overlay::menu::Style {
        background: Background::Color(SURFACE),
        border: Border {
            color: BORDER,
            width: 1.0,
            radius: RADIUS.into(),
        },
        text_color: TEXT,
        selected_text_color: Color::WHITE,
        selected_background: Background::Color(PRIMARY),
        shadow: Shadow {
            color: tint(Color::BLACK, 0.12),
            offset: Vector::new(0.0, 2.0),
            blur_radius: 6.0,
        },
    }
}

/// A text input, red-bordered when its field has an error.
pub fn input(has_error: bool) -> impl Fn(&Theme, text_input::Status) -> text_input::Style {
    move |_, s| text_input::Style {
        background: Background::Color(SURFACE),
        border: Border {
            color: if has_error {
                DANGER
            } else if matches!(s, text_input::Status::Focused { .. }) {
                PRIMARY
            } else {
                BORDER
            },
            width: if has_error || matches!(s, text_input::Status::Focused { .. }) {
                1.5
            } else {
                1.0
            },
            radius: RADIUS.into(),
        },
        icon: MUTED,
        placeholder: rgb(0x9A, 0xA4, 0xB1),
        value: TEXT,
        selection: tint(PRIMARY, 0.3),
    }
}
