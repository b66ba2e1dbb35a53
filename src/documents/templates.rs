//! The forms. Every text comes from `locales/` (`doc-*` keys); values come from the content.

use qrcode::{EcLevel, QrCode};

use super::layout::{
    self, Align, BLACK, CONTENT_W, Canvas, Col, Draw, GREY, MARGIN_B, MARGIN_L, PAGE_H, RULE, fit,
    line_h, table,
};
use super::{Langs, RenderError, Stamp};
use crate::domain::catalog::DocumentKind;
use crate::domain::document::{Body, Content, Free, Shown, Table};
use crate::domain::kazakh::{self, Case};
use crate::domain::model::{Lang, Status, Text};
use crate::i18n::{self, Arg, tr, tra};

const LABEL_W: f32 = 70.0;
/// The label column of the certificate of registration as unemployed: its labels are whole
/// sentences of the law in two languages, its values dates and yes / no.
const CERTIFICATE_LABEL_W: f32 = 100.0;
const BODY: f32 = 10.0;
const SMALL: f32 = 8.0;
const QR_MM: f32 = 32.0;
/// The QR code of a tighter layout (still over 0.4 mm a module for a signed paper's payload).
const QR_MM_TIGHT: f32 = 27.0;

/// A value in the language of each line.
enum V {
    /// The same in every language (names, numbers).
    Same(String),
    /// Different per language.
    Per(Text),
}

impl V {
    fn text(&self, langs: Langs) -> String {
        match self {
            V::Same(s) => s.clone(),
            V::Per(t) => langs
                .list()
                .iter()
                .map(|l| t.get(*l).to_string())
                .collect::<Vec<_>>()
                .join(" / "),
        }
    }
}

fn per(key: &str) -> Text {
    Text::new(tr(Lang::Kk, key), tr(Lang::Ru, key))
}

fn per_args(key: &str, args: &dyn Fn(Lang) -> Vec<(&'static str, Arg<'static>)>) -> Text {
    Text::new(
        tra(Lang::Kk, key, &args(Lang::Kk)),
        tra(Lang::Ru, key, &args(Lang::Ru)),
    )
}

/// A date as a sentence needs it: the Kazakh one in a case (from: ablative, until: dative), the
/// Russian one in the genitive («с 1 декабря 2026 года»).
fn date_in(l: Lang, d: chrono::NaiveDate, case: Case) -> String {
    match l {
        Lang::Kk => kazakh::date(d, Some(case)),
        Lang::Ru => i18n::date_long(l, d),
    }
}

/// A name as a Kazakh sentence needs it (the Russian one as it is).
fn name_in(l: Lang, name: &str, case: Case) -> String {
    match l {
        Lang::Kk => kazakh::name(name, case),
        Lang::Ru => name.to_string(),
    }
}

fn date_per(d: chrono::NaiveDate) -> Text {
    Text::new(i18n::date_long(Lang::Kk, d), i18n::date_long(Lang::Ru, d))
}

fn free(f: &Free) -> V {
    match f {
        Free::One(s) => V::Same(s.clone()),
        Free::Both(t) => V::Per(t.clone()),
    }
}

fn shown(v: &Shown) -> V {
    match v {
        Shown::Text(s) => V::Same(s.clone()),
        Shown::Date(d) => V::Same(i18n::date_short(*d)),
        Shown::Money(m) => V::Same(i18n::money(*m)),
        Shown::Int(n) => V::Same(n.to_string()),
        Shown::YesNo(b) => V::Per(Text::new(
            i18n::yes_no(Lang::Kk, *b),
            i18n::yes_no(Lang::Ru, *b),
        )),
        Shown::Choice(t) => V::Per(t.clone()),
        Shown::Quarter(q) => V::Same(q.to_string()),
    }
}

fn shown_plain(v: &Shown, langs: Langs) -> String {
    shown(v).text(langs)
}

/// A label (in each chosen language, the second greyed) and a value beside it. The value
/// wraps up to `max_lines` lines and may shrink to 8 pt; beyond that the render fails with
/// the field's name.
fn row(
    c: &mut Canvas,
    langs: Langs,
    field: &str,
    label: &Text,
    value: &V,
    max_lines: usize,
) -> Result<(), RenderError> {
    let value = value.text(langs);
    // The form's label column (wider where the labels are long and the values short).
    let label_w = c.label_w.unwrap_or(LABEL_W);
    let value_x = MARGIN_L + label_w + 3.0;
    let value_w = CONTENT_W - label_w - 3.0;
    let (size, lines) = fit(field, &value, value_w, max_lines, BODY + 0.5, SMALL, true)?;
    let mut label_lines: Vec<(String, bool)> = Vec::new();
    for (i, l) in langs.list().iter().enumerate() {
        for line in layout::wrap(
            label.get(*l),
            label_w,
            if i == 0 { BODY - 0.5 } else { BODY - 1.0 },
            false,
        ) {
            label_lines.push((line, i > 0));
        }
    }
    let label_h: f32 = label_lines
        .iter()
        .map(|(_, grey)| line_h(if *grey { BODY - 1.0 } else { BODY - 0.5 }))
        .sum();
    let value_h = lines.len() as f32 * line_h(size);
    let h = label_h.max(value_h) + 0.6 + 1.0 * c.spacing;
    c.ensure(h);
    c.set_mark();
    let y0 = c.y;
    let mut y = y0;
    for (line, grey) in &label_lines {
        let size = if *grey { BODY - 1.0 } else { BODY - 0.5 };
        c.text_at(
            MARGIN_L,
            y,
            size,
            false,
            if *grey { GREY } else { BLACK },
            line,
        );
        y += line_h(size);
    }
    let mut y = y0;
    for line in &lines {
        c.text_at(value_x, y, size, true, BLACK, line);
        y += line_h(size);
    }
    c.hline(value_x, MARGIN_L + CONTENT_W, y0 + h - 0.8, 0.25, RULE);
    c.y = y0 + h;
    Ok(())
}

/// A paragraph in each chosen language (the Russian one after the Kazakh one).
fn para(c: &mut Canvas, langs: Langs, text: &Text, bold: bool) {
    c.ensure(line_h(BODY) * 2.0);
    c.set_mark();
    for (i, l) in langs.list().iter().enumerate() {
        c.paragraph(
            MARGIN_L,
            CONTENT_W,
            BODY,
            bold,
            if i == 0 { BLACK } else { GREY },
            Align::Left,
            text.get(*l),
        );
        c.gap(1.2);
    }
}

fn gap(c: &mut Canvas, mm: f32) {
    c.gap(mm);
}

fn header(c: &mut Canvas, langs: Langs, content: &Content) {
    for l in langs.list() {
        c.paragraph(
            MARGIN_L,
            CONTENT_W,
            10.5,
            true,
            BLACK,
            Align::Center,
            content.issuer.name.get(*l),
        );
    }
    gap(c, 1.5);
    let y = c.y;
    c.hline(MARGIN_L, MARGIN_L + CONTENT_W, y, 0.8, BLACK);
    gap(c, 2.0);
    let number_label = label_in(langs, "doc-unique-number");
    let date_label = label_in(langs, "doc-date");
    let y = c.y;
    c.text_at(MARGIN_L, y, 9.0, false, GREY, &number_label);
    c.text_aligned(
        MARGIN_L,
        CONTENT_W,
        y,
        9.0,
        false,
        GREY,
        Align::Right,
        &date_label,
    );
    c.y += line_h(9.0);
    let y = c.y;
    c.text_at(MARGIN_L, y, 11.0, true, BLACK, &content.number);
    c.text_aligned(
        MARGIN_L,
        CONTENT_W,
        y,
        11.0,
        true,
        BLACK,
        Align::Right,
        &i18n::date_short(content.date),
    );
    c.y += line_h(11.0) + 1.0;
    if let Some(app) = &content.application
        && app.number != content.number
    {
        let t = langs
            .list()
            .iter()
            .map(|l| {
                tra(
                    *l,
                    "doc-application-ref",
                    &[
                        ("number", Arg::from(app.number.as_str())),
                        ("date", Arg::from(i18n::date_short(app.submitted_on))),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join(" / ");
        c.paragraph(MARGIN_L, CONTENT_W, 9.0, false, GREY, Align::Left, &t);
    }
    gap(c, 4.0);
}

fn label_in(langs: Langs, key: &str) -> String {
    langs
        .list()
        .iter()
        .map(|l| tr(*l, key))
        .collect::<Vec<_>>()
        .join(" / ")
}

fn title(c: &mut Canvas, langs: Langs, key: &str) -> Result<(), RenderError> {
    for l in langs.list() {
        let (size, lines) = fit(
            "title",
            &tr(*l, key).to_uppercase(),
            CONTENT_W,
            3,
            // A tighter layout (keeping a form on one page) starts the title smaller.
            if c.spacing < 1.0 { 11.5 } else { 13.0 },
            10.0,
            true,
        )?;
        for line in lines {
            c.ensure(line_h(size));
            let y = c.y;
            c.text_aligned(
                MARGIN_L,
                CONTENT_W,
                y,
                size,
                true,
                BLACK,
                Align::Center,
                &line,
            );
            c.y += line_h(size);
        }
    }
    gap(c, 4.0);
    Ok(())
}

fn applicant_rows(
    c: &mut Canvas,
    langs: Langs,
    content: &Content,
    label_key: &str,
) -> Result<(), RenderError> {
    let Some(a) = &content.applicant else {
        return Ok(());
    };
    row(
        c,
        langs,
        "applicant",
        &per(label_key),
        &V::Same(a.full_name.clone()),
        2,
    )?;
    if let Some(iin) = &a.iin {
        row(c, langs, "iin", &per("doc-iin"), &V::Same(iin.clone()), 1)?;
    }
    if !a.address.is_empty() {
        row(
            c,
            langs,
            "address",
            &per("doc-address"),
            &V::Same(a.address.clone()),
            3,
        )?;
    }
    if !a.phone.is_empty() {
        row(
            c,
            langs,
            "phone",
            &per("doc-phone"),
            &V::Same(a.phone.clone()),
            1,
        )?;
    }
    Ok(())
}

fn service_row(c: &mut Canvas, langs: Langs, content: &Content) -> Result<(), RenderError> {
    if let Some(app) = &content.application {
        row(
            c,
            langs,
            "service",
            &per("doc-service"),
            &V::Per(app.service.clone()),
            6,
        )?;
    }
    Ok(())
}

fn doc_table(c: &mut Canvas, langs: Langs, t: &Table) {
    gap(c, 2.0);
    c.ensure(line_h(BODY) * 3.0);
    c.set_mark();
    let title = langs
        .list()
        .iter()
        .map(|l| t.title.get(*l).to_string())
        .collect::<Vec<_>>()
        .join(" / ");
    c.paragraph(MARGIN_L, CONTENT_W, 9.5, true, BLACK, Align::Left, &title);
    let n = t.columns.len().max(1) as f32;
    let num_w = 8.0;
    let w = (CONTENT_W - num_w) / n;
    let mut cols = vec![Col {
        header: "№".into(),
        width: num_w,
        align: Align::Right,
    }];
    for h in &t.columns {
        cols.push(Col {
            header: langs
                .list()
                .iter()
                .map(|l| h.get(*l).to_string())
                .collect::<Vec<_>>()
                .join(" / "),
            width: w,
            align: Align::Left,
        });
    }
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v = vec![(i + 1).to_string()];
            v.extend(r.iter().map(|x| shown_plain(x, langs)));
            v
        })
        .collect();
    table(c, MARGIN_L, &cols, &rows, 8.5);
    gap(c, 2.0);
}

/// Height of the page line (number and «бет i / n — стр. i из n») kept free at the bottom.
const PAGE_LINE_H: f32 = 6.0;
/// Where a signature's name starts, and the line before it.
const SIGN_LINE_X: f32 = MARGIN_L + 78.0;
const SIGN_LINE_W: f32 = 32.0;
const SIGN_NAME_X: f32 = SIGN_LINE_X + SIGN_LINE_W + 3.0;
const SIGN_LABEL_W: f32 = SIGN_LINE_X - MARGIN_L - 3.0;

/// The signature lines of a paper: a label in each language (wrapped inside its column), a
/// line to sign on, the name (wrapped or shrunk inside the right margin).
struct SignLine {
    label: Vec<String>,
    name: (f32, Vec<String>),
    h: f32,
}

fn sign_lines(
    langs: Langs,
    content: &Content,
    specialist_key: &str,
    head_key: &str,
) -> Result<Vec<SignLine>, RenderError> {
    let mut lines = Vec::new();
    if content.specialist.is_some() || specialist_key == "doc-received-by" {
        lines.push((
            specialist_key,
            content.specialist.clone().unwrap_or_default(),
        ));
    }
    if content.head.is_some() {
        lines.push((head_key, content.head.clone().unwrap_or_default()));
    }
    lines
        .into_iter()
        .map(|(key, name)| {
            let label = layout::wrap(&label_in(langs, key), SIGN_LABEL_W, BODY, true);
            let name = fit(
                "signer",
                &name,
                MARGIN_L + CONTENT_W - SIGN_NAME_X,
                2,
                BODY,
                SMALL,
                false,
            )?;
            let h = (label.len().max(name.1.len()) as f32 * line_h(BODY)).max(line_h(BODY) * 1.6)
                + line_h(BODY) * 0.5;
            Ok(SignLine { label, name, h })
        })
        .collect()
}

fn draw_sign_lines(c: &mut Canvas, lines: &[SignLine]) {
    for s in lines {
        let y = c.y;
        for (i, l) in s.label.iter().enumerate() {
            c.text_at(MARGIN_L, y + i as f32 * line_h(BODY), BODY, true, BLACK, l);
        }
        c.hline(
            SIGN_LINE_X,
            SIGN_LINE_X + SIGN_LINE_W,
            y + line_h(BODY) * 0.9,
            0.5,
            BLACK,
        );
        let (size, name) = &s.name;
        for (i, l) in name.iter().enumerate() {
            c.text_at(
                SIGN_NAME_X,
                y + i as f32 * line_h(*size),
                *size,
                false,
                BLACK,
                l,
            );
        }
        c.y += s.h;
    }
}

/// A text block of the footer: text, size, colour, bold.
type Block<T> = (T, f32, (f32, f32, f32), bool);

/// The stamp part of the closing block: the signature record, the clauses and the QR code.
struct StampBlock {
    blocks: Vec<Block<Vec<String>>>,
    qr_width: usize,
    modules: Vec<bool>,
    h: f32,
}

fn stamp_block(
    langs: Langs,
    content: &Content,
    stamp: &Stamp,
    qr_mm: f32,
) -> Result<StampBlock, RenderError> {
    let code = QrCode::with_error_correction_level(stamp.qr.as_bytes(), EcLevel::M)
        .map_err(|_| RenderError::Qr(stamp.qr.len()))?;
    let qr_width = code.width();
    let modules: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    let text_w = CONTENT_W - qr_mm - 4.0;
    let office = |l: Lang| content.issuer.name.get(l).to_string();
    let mut blocks: Vec<Block<String>> = Vec::new();
    if let Some(original) = &stamp.copy_of {
        blocks.push((copy_mark(langs, original), SMALL, BLACK, true));
    }
    if let Some(seal) = &stamp.seal {
        // One line in the languages printed: «ЭЦҚ-мен қол қойылған / Подписано ЭЦП: …».
        blocks.push((
            format!(
                "{}: {}, {}, № {}",
                label_in(langs, "doc-seal"),
                seal.signer,
                i18n::datetime_short(seal.signed_at),
                seal.cert_serial
            ),
            SMALL,
            BLACK,
            true,
        ));
    }
    // The equivalence and signed-QR clauses only on a paper that carries its signature; a
    // copy or an unsigned paper says what it is instead.
    let claim = if stamp.seal.is_some() {
        None
    } else if stamp.copy_of.is_some() {
        Some("doc-clause-copy")
    } else {
        Some("doc-clause-unsigned")
    };
    match claim {
        None => {
            for l in langs.list() {
                blocks.push((tr(*l, "doc-clause-equivalence"), 7.0, GREY, false));
            }
            for l in langs.list() {
                blocks.push((
                    tra(*l, "doc-clause-qr", &[("office", Arg::from(office(*l)))]),
                    7.0,
                    GREY,
                    false,
                ));
            }
        }
        Some(key) => {
            for l in langs.list() {
                blocks.push((tr(*l, key), 7.0, GREY, false));
            }
        }
    }
    blocks.push((label_in(langs, "doc-verify-hint"), 7.0, GREY, false));
    let blocks: Vec<Block<Vec<String>>> = blocks
        .into_iter()
        .map(|(t, s, col, b)| (layout::wrap(&t, text_w, s, b), s, col, b))
        .collect();
    let text_h: f32 = blocks
        .iter()
        .map(|(l, s, _, _)| l.len() as f32 * line_h(*s) + 0.8)
        .sum();
    Ok(StampBlock {
        blocks,
        qr_width,
        modules,
        h: text_h.max(qr_mm + 4.0) + 3.0,
    })
}

/// The closing block: signature lines, then the signature record, the clauses and the QR code
/// at the bottom of the last page. It never stands alone on a page: when it does not fit below
/// the body, the body's last block goes over with it.
fn closing(
    c: &mut Canvas,
    langs: Langs,
    content: &Content,
    stamp: &Stamp,
    signs: Option<(&str, &str)>,
) -> Result<(), RenderError> {
    let signs = match signs {
        Some((s, h)) => sign_lines(langs, content, s, h)?,
        None => Vec::new(),
    };
    let qr_mm = if c.spacing < 1.0 { QR_MM_TIGHT } else { QR_MM };
    let sb = stamp_block(langs, content, stamp, qr_mm)?;
    let sign_h: f32 = signs.iter().map(|s| s.h).sum::<f32>();
    let lead = if signs.is_empty() {
        0.0
    } else {
        6.0 * c.spacing
    };
    let need = lead + sign_h + 2.0 + sb.h;
    if c.y + need > c.bottom() && !c.carry_from_mark() {
        c.new_page();
    }
    if c.y + need > c.bottom() {
        // Even carried, it does not fit (a body block as tall as a page): a page of its own is
        // the least bad.
        c.new_page();
    }
    if !signs.is_empty() {
        c.gap(6.0);
        draw_sign_lines(c, &signs);
    }
    let top = c.bottom() - sb.h;
    c.hline(MARGIN_L, MARGIN_L + CONTENT_W, top, 0.4, RULE);
    let mut y = top + 2.0;
    for (lines, size, col, bold) in &sb.blocks {
        for l in lines {
            c.text_at(MARGIN_L, y, *size, *bold, *col, l);
            y += line_h(*size);
        }
        y += 0.8;
    }
    let qx = MARGIN_L + CONTENT_W - qr_mm;
    c.qr(qx, top + 2.0, qr_mm, sb.qr_width, &sb.modules);
    c.y = c.bottom();
    Ok(())
}

/// «бет i / n — стр. i из n» in the languages printed.
fn page_of(langs: Langs, i: usize, n: usize) -> String {
    langs
        .list()
        .iter()
        .map(|l| {
            tra(
                *l,
                "doc-page-of",
                &[("i", Arg::Num(i as i64)), ("n", Arg::Num(n as i64))],
            )
        })
        .collect::<Vec<_>>()
        .join(" — ")
}

/// Every page carries the document's number and its page of the whole.
fn page_lines(c: &mut Canvas, langs: Langs, number: &str) {
    let n = c.pages.len();
    let y = PAGE_H - MARGIN_B - line_h(7.5);
    for i in 0..n {
        c.target = Some(i);
        c.hline(MARGIN_L, MARGIN_L + CONTENT_W, y - 0.8, 0.25, RULE);
        c.text_at(MARGIN_L, y, 7.5, false, GREY, &format!("№ {number}"));
        c.text_aligned(
            MARGIN_L,
            CONTENT_W,
            y,
            7.5,
            false,
            GREY,
            Align::Right,
            &page_of(langs, i + 1, n),
        );
    }
    c.target = None;
}

fn money_text(m: i64) -> String {
    i18n::money(m)
}

/// Lays a paper out: first with the full spacing, then tighter, keeping the first layout that
/// fits on one page; a paper that fits on none is broken across pages at the full spacing.
pub(super) fn draw(
    content: &Content,
    langs: Langs,
    stamp: &Stamp,
) -> Result<Vec<Vec<Draw>>, RenderError> {
    let mut first = None;
    for spacing in [1.0, 0.7, 0.45] {
        let mut c = Canvas::new();
        c.spacing = spacing;
        c.footer_reserve = PAGE_LINE_H;
        draw_on(&mut c, content, langs, stamp)?;
        if c.pages.len() == 1 {
            page_lines(&mut c, langs, &content.number);
            return Ok(c.pages);
        }
        if first.is_none() {
            first = Some(c);
        }
    }
    let mut c = first.expect("laid out at least once");
    page_lines(&mut c, langs, &content.number);
    Ok(c.pages)
}

/// «КӨШІРМЕ / КОПИЯ» with the original's number, in the languages printed.
fn copy_mark(langs: Langs, original: &str) -> String {
    langs
        .list()
        .iter()
        .map(|l| tra(*l, "doc-copy-mark", &[("number", Arg::from(original))]))
        .collect::<Vec<_>>()
        .join(" / ")
}

fn draw_on(
    c: &mut Canvas,
    content: &Content,
    langs: Langs,
    stamp: &Stamp,
) -> Result<(), RenderError> {
    let kind = content.kind;
    let mut sig: Option<(&str, &str)> = None;
    if let Some(original) = &stamp.copy_of {
        // Plainly on its face, above everything else.
        c.paragraph(
            MARGIN_L,
            CONTENT_W,
            12.0,
            true,
            BLACK,
            Align::Center,
            &copy_mark(langs, original),
        );
        gap(c, 1.5);
    }
    header(c, langs, content);
    let title_key = super::title_key(content);
    title(c, langs, &title_key)?;
    match &content.body {
        Body::Receipt {
            accepted_at,
            items,
            missing_reason,
            due,
            registrar: _,
        } => {
            applicant_rows(c, langs, content, "doc-applicant")?;
            service_row(c, langs, content)?;
            if let Some(app) = &content.application {
                row(
                    c,
                    langs,
                    "channel",
                    &per("doc-channel"),
                    &V::Per(per(app.channel.key())),
                    2,
                )?;
            }
            row(
                c,
                langs,
                "accepted_at",
                &per("doc-accepted-at"),
                &V::Same(i18n::datetime_short(*accepted_at)),
                1,
            )?;
            row(c, langs, "due", &per("doc-due"), &V::Per(date_per(*due)), 2)?;
            gap(c, 2.0);
            let t = Table {
                title: per("doc-received-documents"),
                columns: vec![
                    per("doc-col-document"),
                    per("doc-col-mandatory"),
                    per("doc-col-scans"),
                ],
                rows: items
                    .iter()
                    .map(|i| {
                        vec![
                            Shown::Choice(i.name.clone()),
                            Shown::YesNo(i.mandatory),
                            Shown::Int(i64::from(i.scans)),
                        ]
                    })
                    .collect(),
            };
            doc_receipt_table(c, langs, &t);
            if let Some(r) = missing_reason {
                row(
                    c,
                    langs,
                    "missing_reason",
                    &per("doc-missing-reason"),
                    &V::Same(r.clone()),
                    6,
                )?;
            }
            gap(c, 2.0);
            let number = content.number.clone();
            para(
                c,
                langs,
                &per_args("doc-receipt-status-hint", &move |_| {
                    vec![("number", Arg::from(number.clone()))]
                }),
                false,
            );
            sig = Some(("doc-received-by", "doc-head"));
        }
        Body::UnemployedCertificate {
            registered_on,
            public_works,
            training,
            asp_housing,
            presented_to,
        } => {
            c.label_w = Some(CERTIFICATE_LABEL_W);
            if let Some(a) = &content.applicant {
                row(
                    c,
                    langs,
                    "applicant",
                    &per("doc-full-name"),
                    &V::Same(a.full_name.to_uppercase()),
                    2,
                )?;
                if let Some(iin) = &a.iin {
                    row(c, langs, "iin", &per("doc-iin"), &V::Same(iin.clone()), 1)?;
                }
            }
            row(
                c,
                langs,
                "registered_on",
                &per("doc-unemployed-registered"),
                &V::Same(i18n::date_short(*registered_on)),
                1,
            )?;
            row(
                c,
                langs,
                "public_works",
                &per("doc-unemployed-public-works"),
                &shown(&Shown::YesNo(*public_works)),
                1,
            )?;
            row(
                c,
                langs,
                "training",
                &per("doc-unemployed-training"),
                &shown(&Shown::YesNo(*training)),
                1,
            )?;
            row(
                c,
                langs,
                "asp_housing",
                &per("doc-unemployed-asp-housing"),
                &shown(&Shown::YesNo(*asp_housing)),
                1,
            )?;
            row(
                c,
                langs,
                "presented_to",
                &per("doc-unemployed-presented-to"),
                &free(presented_to),
                3,
            )?;
            if let Some(app) = &content.application {
                row(
                    c,
                    langs,
                    "submitted_on",
                    &per("doc-unemployed-applied-on"),
                    &V::Same(i18n::date_short(app.submitted_on)),
                    1,
                )?;
            }
            sig = Some(("doc-specialist", "doc-head"));
        }
        Body::AspAssignment {
            family_size,
            period_from,
            period_to,
            amount,
            family_registration_number,
            family,
        } => {
            applicant_rows(c, langs, content, "doc-applicant")?;
            if let Some(n) = family_registration_number {
                row(
                    c,
                    langs,
                    "family_registration_number",
                    &per("doc-family-number"),
                    &V::Same(n.clone()),
                    1,
                )?;
            }
            gap(c, 2.0);
            let (fs, pf, pt, am) = (*family_size, *period_from, *period_to, *amount);
            para(
                c,
                langs,
                &per_args("doc-asp-statement", &move |l| {
                    vec![
                        ("size", Arg::Num(fs)),
                        ("from", Arg::from(date_in(l, pf, Case::Ablative))),
                        ("to", Arg::from(date_in(l, pt, Case::Dative))),
                        ("amount", Arg::from(money_text(am))),
                    ]
                }),
                false,
            );
            if let Some(t) = family {
                doc_table(c, langs, t);
            }
            sig = Some(("doc-specialist", "doc-head"));
        }
        Body::Refusal {
            reason,
            appeal,
            commission_conclusion,
            ground,
            family_registration_number,
        } => {
            let service_code = content
                .application
                .as_ref()
                .map(|a| a.service_code.as_str())
                .unwrap_or_default();
            let (statement, reason_key) = match (kind, service_code) {
                (DocumentKind::AspRefusalNotice, _) => {
                    ("doc-asp-refusal-statement", "doc-refusal-reason")
                }
                (_, "unemployed_certificate") => (
                    "doc-refusal-statement-unemployed_certificate",
                    "doc-refusal-reason-unemployed_certificate",
                ),
                _ => ("doc-refusal-statement", "doc-refusal-reason"),
            };
            applicant_rows(c, langs, content, "doc-to")?;
            if let Some(n) = family_registration_number {
                row(
                    c,
                    langs,
                    "family_registration_number",
                    &per("doc-family-number"),
                    &V::Same(n.clone()),
                    1,
                )?;
            }
            // The statement names the service (or the title does): no service row, as in the
            // seeds' refusal forms.
            gap(c, 2.0);
            let svc = content
                .application
                .as_ref()
                .map(|a| a.service.clone())
                .unwrap_or_default();
            let name = content
                .applicant
                .as_ref()
                .map(|a| a.full_name.clone())
                .unwrap_or_default();
            para(
                c,
                langs,
                &per_args(statement, &move |l| {
                    vec![
                        ("service", Arg::from(svc.get(l).to_string())),
                        ("name", Arg::from(name.clone())),
                    ]
                }),
                false,
            );
            if let Some(g) = ground {
                row(c, langs, "ground", &per(reason_key), &V::Per(g.clone()), 10)?;
                if !reason.is_empty() {
                    row(
                        c,
                        langs,
                        "reason",
                        &per("doc-refusal-comment"),
                        &free(reason),
                        10,
                    )?;
                }
            } else {
                row(c, langs, "reason", &per(reason_key), &free(reason), 14)?;
            }
            if let Some(cc) = commission_conclusion {
                row(
                    c,
                    langs,
                    "commission_conclusion",
                    &per("doc-commission-conclusion"),
                    &free(cc),
                    8,
                )?;
            }
            if *appeal {
                gap(c, 1.0);
                para(c, langs, &per("doc-appeal-right"), false);
            }
            sig = Some(("doc-specialist", "doc-head"));
        }
        Body::DisabledChildren {
            child_name,
            period_from,
            period_to,
            amount,
            payments,
        } => {
            applicant_rows(c, langs, content, "doc-applicant")?;
            gap(c, 2.0);
            let (name, pf, pt, am) = (child_name.clone(), *period_from, *period_to, *amount);
            let applicant = content
                .applicant
                .as_ref()
                .map(|a| a.full_name.clone())
                .unwrap_or_default();
            para(
                c,
                langs,
                &per_args("doc-disabled-statement", &move |l| {
                    vec![
                        ("applicant", Arg::from(applicant.clone())),
                        ("child", Arg::from(name.clone())),
                        ("from", Arg::from(date_in(l, pf, Case::Ablative))),
                        ("to", Arg::from(date_in(l, pt, Case::Dative))),
                        ("amount", Arg::from(money_text(am))),
                    ]
                }),
                false,
            );
            let t = Table {
                title: per("doc-payments"),
                columns: vec![
                    per("doc-col-quarter"),
                    per("doc-col-year"),
                    per("doc-col-payment"),
                ],
                rows: payments
                    .iter()
                    .map(|p| {
                        vec![
                            Shown::Quarter(p.quarter),
                            Shown::Int(i64::from(p.year)),
                            Shown::Money(p.amount),
                        ]
                    })
                    .collect(),
            };
            doc_table(c, langs, &t);
            para(c, langs, &per("doc-disabled-instruction"), false);
            sig = Some(("doc-specialist", "doc-head"));
        }
        Body::AspMembership {
            is_recipient,
            period_from,
            period_to,
        } => {
            applicant_rows(c, langs, content, "doc-applicant")?;
            gap(c, 2.0);
            let key = if *is_recipient {
                "doc-membership-yes"
            } else {
                "doc-membership-no"
            };
            let name = content
                .applicant
                .as_ref()
                .map(|a| a.full_name.clone())
                .unwrap_or_default();
            para(
                c,
                langs,
                &per_args(key, &move |l| {
                    vec![("name", Arg::from(name_in(l, &name, Case::Genitive)))]
                }),
                false,
            );
            if let (Some(f), Some(t)) = (period_from, period_to) {
                row(
                    c,
                    langs,
                    "period",
                    &per("doc-period"),
                    &V::Same(format!(
                        "{} — {}",
                        i18n::date_short(*f),
                        i18n::date_short(*t)
                    )),
                    1,
                )?;
            }
            sig = Some(("doc-specialist", "doc-head"));
        }
        Body::EmploymentReferral {
            referral_type,
            lines,
        } => {
            applicant_rows(c, langs, content, "doc-applicant")?;
            row(
                c,
                langs,
                "referral_type",
                &per("doc-referral-type"),
                &V::Per(referral_type.clone()),
                3,
            )?;
            for (i, l) in lines.iter().enumerate() {
                row(c, langs, &format!("line{i}"), &l.label, &shown(&l.value), 4)?;
            }
            sig = Some(("doc-specialist", "doc-head"));
        }
        Body::Notice { lines, tables } => {
            applicant_rows(c, langs, content, "doc-applicant")?;
            service_row(c, langs, content)?;
            gap(c, 2.0);
            let key = format!("doc-statement-{}", kind.code());
            para(c, langs, &per(&key), false);
            for (i, l) in lines.iter().enumerate() {
                row(c, langs, &format!("line{i}"), &l.label, &shown(&l.value), 6)?;
            }
            for t in tables {
                doc_table(c, langs, t);
            }
            sig = Some(("doc-specialist", "doc-head"));
        }
        Body::Extension {
            previous_due,
            new_due,
            reason,
        } => {
            applicant_rows(c, langs, content, "doc-to")?;
            service_row(c, langs, content)?;
            gap(c, 2.0);
            let (p, n) = (*previous_due, *new_due);
            para(
                c,
                langs,
                &per_args("doc-extension-statement", &move |l| {
                    vec![
                        ("previous", Arg::from(i18n::date_long(l, p))),
                        ("new", Arg::from(date_in(l, n, Case::Dative))),
                    ]
                }),
                false,
            );
            row(
                c,
                langs,
                "reason",
                &per("doc-extension-reason"),
                &V::Same(reason.clone()),
                8,
            )?;
            sig = Some(("doc-specialist", "doc-head"));
        }
        Body::AkimCoverLetter {
            akim_office,
            items,
            addressee,
        } => {
            if let Some(to) = addressee {
                row(c, langs, "to", &per("doc-to"), &V::Per(to.clone()), 3)?;
            }
            row(
                c,
                langs,
                "from",
                &per("doc-from"),
                &V::Same(akim_office.clone()),
                3,
            )?;
            applicant_rows(c, langs, content, "doc-applicant")?;
            service_row(c, langs, content)?;
            gap(c, 2.0);
            para(c, langs, &per("doc-cover-statement"), false);
            let t = Table {
                title: per("doc-enclosed"),
                columns: vec![per("doc-col-document"), per("doc-col-scans")],
                rows: items
                    .iter()
                    .map(|i| {
                        vec![
                            Shown::Choice(i.name.clone()),
                            Shown::Int(i64::from(i.scans)),
                        ]
                    })
                    .collect(),
            };
            doc_table(c, langs, &t);
            sig = Some(("doc-akim-specialist", "doc-akim"));
        }
        Body::JournalPage {
            journal,
            from,
            to,
            rows,
        } => {
            let period = format!("{} — {}", i18n::date_short(*from), i18n::date_short(*to));
            row(
                c,
                langs,
                "journal",
                &per("doc-journal"),
                &V::Per(per(&format!("doc-journal-{journal}"))),
                1,
            )?;
            row(c, langs, "period", &per("doc-period"), &V::Same(period), 1)?;
            gap(c, 2.0);
            let cols = [
                ("№", 8.0),
                ("doc-col-number", 34.0),
                ("doc-col-date", 20.0),
                ("doc-col-applicant", 36.0),
                ("doc-col-service", 25.0),
                ("doc-col-due", 18.0),
                ("doc-col-status", 17.0),
                ("doc-col-user", 17.0),
            ];
            let cols: Vec<Col> = cols
                .iter()
                .map(|(k, w)| Col {
                    header: if *k == "№" {
                        "№".into()
                    } else {
                        label_in(langs, k)
                    },
                    width: *w,
                    align: Align::Left,
                })
                .collect();
            let lines: Vec<Vec<String>> = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    vec![
                        (i + 1).to_string(),
                        format!(
                            "{}\n{}",
                            r.number,
                            if r.application != r.number {
                                r.application.as_str()
                            } else {
                                ""
                            }
                        )
                        .trim()
                        .to_string(),
                        i18n::datetime_short(r.registered_at),
                        r.applicant.clone(),
                        langs
                            .list()
                            .iter()
                            .map(|l| r.service.get(*l).to_string())
                            .collect::<Vec<_>>()
                            .join(" / "),
                        i18n::date_short(r.due),
                        label_in(langs, r.status.key()),
                        r.user.clone(),
                    ]
                })
                .collect();
            table(c, MARGIN_L, &cols, &lines, 7.0);
            if rows.is_empty() {
                para(c, langs, &per("doc-journal-empty"), false);
            }
        }
        Body::PeriodReport {
            from,
            to,
            lines,
            overdue,
            questionnaire,
        } => {
            let period = format!("{} — {}", i18n::date_short(*from), i18n::date_short(*to));
            row(c, langs, "period", &per("doc-period"), &V::Same(period), 1)?;
            gap(c, 2.0);
            let mut cols = vec![Col {
                header: label_in(langs, "doc-col-service"),
                width: 45.0,
                align: Align::Left,
            }];
            let w = (CONTENT_W - 45.0 - 16.0) / Status::ALL.len() as f32;
            for s in Status::ALL {
                cols.push(Col {
                    header: label_in(langs, s.short_key()),
                    width: w,
                    align: Align::Right,
                });
            }
            cols.push(Col {
                header: label_in(langs, "doc-col-total"),
                width: 16.0,
                align: Align::Right,
            });
            let mut total = vec![0i64; Status::ALL.len() + 1];
            let mut rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    let mut r = vec![
                        langs
                            .list()
                            .iter()
                            .map(|x| l.service.get(*x).to_string())
                            .collect::<Vec<_>>()
                            .join(" / "),
                    ];
                    for (i, n) in l.by_status.iter().enumerate() {
                        total[i] += n;
                        r.push(i18n::group_digits(*n));
                    }
                    total[Status::ALL.len()] += l.total;
                    r.push(i18n::group_digits(l.total));
                    r
                })
                .collect();
            let mut last = vec![label_in(langs, "doc-col-total")];
            last.extend(total.iter().map(|n| i18n::group_digits(*n)));
            rows.push(last);
            table(c, MARGIN_L, &cols, &rows, 7.5);
            gap(c, 3.0);
            c.paragraph(
                MARGIN_L,
                CONTENT_W,
                9.5,
                true,
                BLACK,
                Align::Left,
                &label_in(langs, "doc-overdue-list"),
            );
            if overdue.is_empty() {
                para(c, langs, &per("doc-overdue-none"), false);
            } else {
                let cols = vec![
                    Col {
                        header: label_in(langs, "doc-col-number"),
                        width: 38.0,
                        align: Align::Left,
                    },
                    Col {
                        header: label_in(langs, "doc-col-applicant"),
                        width: 40.0,
                        align: Align::Left,
                    },
                    Col {
                        header: label_in(langs, "doc-col-service"),
                        width: 40.0,
                        align: Align::Left,
                    },
                    Col {
                        header: label_in(langs, "doc-col-due"),
                        width: 18.0,
                        align: Align::Left,
                    },
                    Col {
                        header: label_in(langs, "doc-col-late"),
                        width: 22.0,
                        align: Align::Right,
                    },
                    Col {
                        header: label_in(langs, "doc-col-executor"),
                        width: CONTENT_W - 158.0,
                        align: Align::Left,
                    },
                ];
                let rows: Vec<Vec<String>> = overdue
                    .iter()
                    .map(|o| {
                        vec![
                            o.number.clone(),
                            o.applicant.clone(),
                            langs
                                .list()
                                .iter()
                                .map(|x| o.service.get(*x).to_string())
                                .collect::<Vec<_>>()
                                .join(" / "),
                            i18n::date_short(o.due),
                            o.working_days_late.to_string(),
                            o.executor.clone(),
                        ]
                    })
                    .collect();
                table(c, MARGIN_L, &cols, &rows, 7.5);
            }
            gap(c, 3.0);
            c.paragraph(
                MARGIN_L,
                CONTENT_W,
                9.5,
                true,
                BLACK,
                Align::Left,
                &label_in(langs, "doc-questionnaire"),
            );
            let cols = vec![
                Col {
                    header: label_in(langs, "doc-col-question"),
                    width: 70.0,
                    align: Align::Left,
                },
                Col {
                    header: label_in(langs, "q-answer-1"),
                    width: 35.0,
                    align: Align::Right,
                },
                Col {
                    header: label_in(langs, "q-answer-2"),
                    width: 35.0,
                    align: Align::Right,
                },
                Col {
                    header: label_in(langs, "q-answer-3"),
                    width: CONTENT_W - 140.0,
                    align: Align::Right,
                },
            ];
            let rows: Vec<Vec<String>> = (0..2)
                .map(|q| {
                    let mut r = vec![label_in(langs, &format!("q-question-{}", q + 1))];
                    r.extend(questionnaire[q].iter().map(|n| i18n::group_digits(*n)));
                    r
                })
                .collect();
            table(c, MARGIN_L, &cols, &rows, 7.5);
        }
    }
    closing(c, langs, content, stamp, sig)
}

/// The receipt's document list: wide name column.
fn doc_receipt_table(c: &mut Canvas, langs: Langs, t: &Table) {
    c.ensure(line_h(BODY) * 3.0);
    c.set_mark();
    c.paragraph(
        MARGIN_L,
        CONTENT_W,
        9.5,
        true,
        BLACK,
        Align::Left,
        &langs
            .list()
            .iter()
            .map(|l| t.title.get(*l).to_string())
            .collect::<Vec<_>>()
            .join(" / "),
    );
    let cols = vec![
        Col {
            header: "№".into(),
            width: 8.0,
            align: Align::Right,
        },
        Col {
            header: label_in(langs, "doc-col-document"),
            width: CONTENT_W - 8.0 - 56.0,
            align: Align::Left,
        },
        Col {
            header: label_in(langs, "doc-col-mandatory"),
            width: 32.0,
            align: Align::Left,
        },
        Col {
            header: label_in(langs, "doc-col-scans"),
            width: 24.0,
            align: Align::Right,
        },
    ];
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v = vec![(i + 1).to_string()];
            v.extend(r.iter().map(|x| shown_plain(x, langs)));
            v
        })
        .collect();
    table(c, MARGIN_L, &cols, &rows, 8.5);
    gap(c, 2.0);
}
