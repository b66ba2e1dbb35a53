//! The service's own fields from the catalogue (text, long text, date, money, year, yes/no, a
//! choice, a name from a list the office keeps, tables), written once: the intake and the
//! executor's decision form both draw and read them here. A required field carries a star;
//! every problem the desk found stands under its own field at once, goes as soon as that field
//! is edited, and [`reveal`] scrolls the form to the first of them.

pub mod bilingual;
mod reveal;

use std::collections::BTreeMap;

use iced::widget::{checkbox, column, container, row, text};
use iced::{Alignment, Element, Length};
use serde_json::{Map, Value};

pub use reveal::reveal;

use crate::domain::catalog::{FieldKind, FieldSpec};
use crate::domain::model::Lang;
use crate::ui::screen::queues::Choice;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// What is typed into a service field.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Text(String),
    Flag(bool),
    Rows(Vec<BTreeMap<String, String>>),
}

/// Drops the messages of the paths an edit fixed.
pub fn clear(error: &mut Option<Failure>, paths: &[String]) {
    if !paths.is_empty() {
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        crate::ui::clear_field_errors(error, &refs);
    }
}

/// Edits of the form.
#[derive(Debug, Clone)]
pub enum Message {
    /// A text, date, money, year or choice field typed or chosen: its key and value.
    Text(String, String),
    /// A yes/no box ticked or cleared.
    Flag(String, bool),
    /// A table cell typed or chosen: the table's key, the row, the column's key, the value.
    Cell(String, usize, String, String),
    /// A row added at the end of a table.
    AddRow(String),
    /// A row of a table removed.
    RemoveRow(String, usize),
    /// The Kazakh text of a free-text field copied into its Russian box.
    CopyToRu(String),
    /// Enter in a field: the screen sends the form.
    Submit,
}

/// How a screen shows the form.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The start of each input's id (`intake-f-`, `dec-`): the id is this and the field's key.
    pub prefix: &'static str,
    /// The office's institutions (kk, ru) a field with a list may name; without them such a
    /// field is typed.
    pub institutions: &'a [(String, String)],
    /// Free text goes on a paper in both languages: a Kazakh and a Russian box.
    pub bilingual: bool,
    /// Enter in a field sends the form.
    pub submit_on_enter: bool,
}

/// The input key of a free-text field's Russian box.
pub fn ru_key(key: &str) -> String {
    format!("{key}@ru")
}

/// The id of the Russian box beside the Kazakh one.
pub fn ru_id(id: &str) -> String {
    format!("{id}-ru")
}

/// The id of the input (or of the table) an error path belongs to: `period_to` →
/// `intake-f-period_to`, `family[1].name` → the table `intake-f-family`, `reason@ru` → the
/// Russian box.
pub fn input_id(prefix: &str, path: &str) -> String {
    let key = path.split('[').next().unwrap_or(path);
    match key.strip_suffix("@ru") {
        Some(k) => ru_id(&format!("{prefix}{k}")),
        None => format!("{prefix}{key}"),
    }
}

/// The form's inputs, by field key (a free-text field's Russian box by [`ru_key`]).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Form {
    pub inputs: BTreeMap<String, Input>,
}

impl Form {
    /// A form for these fields: each table starts with its least number of rows (at least one).
    pub fn new<'f>(fields: impl IntoIterator<Item = &'f FieldSpec>) -> Form {
        let mut inputs = BTreeMap::new();
        for f in fields.into_iter().filter(|f| f.kind == FieldKind::Table) {
            let n = f.min_rows.unwrap_or(0).max(1) as usize;
            inputs.insert(f.key.clone(), Input::Rows(vec![BTreeMap::new(); n]));
        }
        Form { inputs }
    }

    /// Applies an edit. Returns the error paths the edit may have fixed (a free-text field
    /// and its Russian box together; none for [`Message::Submit`], which the screen handles).
    pub fn update(&mut self, m: Message) -> Vec<String> {
        let both = |k: &str| {
            let base = k.strip_suffix("@ru").unwrap_or(k).to_string();
            let ru = ru_key(&base);
            vec![base, ru]
        };
        match m {
            Message::Text(k, v) => {
                let paths = both(&k);
                self.inputs.insert(k, Input::Text(v));
                paths
            }
            Message::Flag(k, b) => {
                self.inputs.insert(k.clone(), Input::Flag(b));
                vec![k]
            }
            Message::Cell(k, i, col, v) => {
                let path = format!("{k}[{i}].{col}");
                let rows = self.rows_mut(&k);
                while rows.len() <= i {
                    rows.push(BTreeMap::new());
                }
                rows[i].insert(col, v);
                vec![path]
            }
            Message::AddRow(k) => {
                self.rows_mut(&k).push(BTreeMap::new());
                Vec::new()
            }
            Message::RemoveRow(k, i) => {
                let rows = self.rows_mut(&k);
                if i < rows.len() {
                    rows.remove(i);
                }
                Vec::new()
            }
            Message::CopyToRu(k) => {
                let kk = self.text(&k).to_string();
                self.inputs.insert(ru_key(&k), Input::Text(kk));
                both(&k)
            }
            Message::Submit => Vec::new(),
        }
    }

    fn rows_mut(&mut self, key: &str) -> &mut Vec<BTreeMap<String, String>> {
        let e = self
            .inputs
            .entry(key.to_string())
            .or_insert_with(|| Input::Rows(Vec::new()));
        if !matches!(e, Input::Rows(_)) {
            *e = Input::Rows(Vec::new());
        }
        match e {
            Input::Rows(r) => r,
            _ => unreachable!("made rows above"),
        }
    }

    /// The text typed into a field ("" when none).
    pub fn text(&self, key: &str) -> &str {
        match self.inputs.get(key) {
            Some(Input::Text(t)) => t,
            _ => "",
        }
    }

    /// The values of these fields as the desk takes them: texts as typed (a name from the list
    /// in both languages; free text in both when the paper is in both and the Russian box is
    /// filled), yes/no as booleans, tables as arrays of rows; empty inputs left out.
    pub fn values<'f>(
        &self,
        fields: impl IntoIterator<Item = &'f FieldSpec>,
        o: &Options<'_>,
    ) -> Map<String, Value> {
        let mut values = Map::new();
        for f in fields {
            let v = match self.inputs.get(&f.key) {
                Some(Input::Text(t)) if t.trim().is_empty() => continue,
                Some(Input::Text(t)) if f.checks.list.is_some() => {
                    match o.institutions.iter().find(|(_, ru)| ru == t) {
                        Some((kk, ru)) => serde_json::json!({"kk": kk, "ru": ru}),
                        None => Value::String(t.clone()),
                    }
                }
                Some(Input::Text(t))
                    if o.bilingual && matches!(f.kind, FieldKind::Text | FieldKind::LongText) =>
                {
                    match self.text(&ru_key(&f.key)) {
                        ru if !ru.trim().is_empty() => serde_json::json!({"kk": t, "ru": ru}),
                        _ => Value::String(t.clone()),
                    }
                }
                Some(Input::Text(t)) => Value::String(t.clone()),
                Some(Input::Flag(b)) => Value::Bool(*b),
                Some(Input::Rows(rows)) => Value::Array(
                    rows.iter()
                        .map(|r| {
                            Value::Object(
                                r.iter()
                                    .filter(|(_, v)| !v.trim().is_empty())
                                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                                    .collect(),
                            )
                        })
                        .collect(),
                ),
                None => continue,
            };
            values.insert(f.key.clone(), v);
        }
        values
    }

    /// Fills the form from stored values (a saved draft), as they would be typed again.
    pub fn fill<'f>(
        &mut self,
        fields: impl IntoIterator<Item = &'f FieldSpec>,
        values: &BTreeMap<String, Value>,
    ) {
        self.inputs.clear();
        for f in fields {
            let Some(v) = values.get(&f.key) else {
                continue;
            };
            let input = match (f.kind, v) {
                (FieldKind::YesNo, Value::Bool(b)) => Input::Flag(*b),
                (FieldKind::Table, Value::Array(rows)) => Input::Rows(
                    rows.iter()
                        .map(|r| {
                            r.as_object()
                                .map(|o| {
                                    o.iter()
                                        .map(|(k, v)| (k.clone(), as_typed(f, k, v)))
                                        .collect()
                                })
                                .unwrap_or_default()
                        })
                        .collect(),
                ),
                // Free text in both languages (or a name from the list): one box each.
                (_, Value::Object(o)) => {
                    let side = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    self.inputs.insert(ru_key(&f.key), Input::Text(side("ru")));
                    Input::Text(side(if f.checks.list.is_some() { "ru" } else { "kk" }))
                }
                _ => Input::Text(as_typed(f, &f.key, v)),
            };
            self.inputs.insert(f.key.clone(), input);
        }
    }

    /// One field, labelled (with a star when required), with its problems under it.
    pub fn view<'a>(
        &'a self,
        ctx: &Ctx,
        f: &'a FieldSpec,
        o: &Options<'a>,
        err: Option<&'a Failure>,
    ) -> Element<'a, Message> {
        let l = ctx.lang;
        // A yes/no box always has an answer (unticked is "no"): no star on it.
        let star = f.required && f.kind != FieldKind::YesNo;
        let label = format!("{}{}", f.label.get(l), if star { " *" } else { "" });
        let id = format!("{}{}", o.prefix, f.key);
        let e = err.and_then(|e| e.for_field(&f.key, l));
        let key = f.key.clone();
        let input: Element<'a, Message> = match f.kind {
            FieldKind::YesNo => {
                checkbox(matches!(self.inputs.get(&f.key), Some(Input::Flag(true))))
                    .label(label)
                    .text_size(theme::BODY)
                    .on_toggle(move |b| Message::Flag(key.clone(), b))
                    .into()
            }
            FieldKind::Table => self.table(ctx, f, label, err),
            FieldKind::Choice => w::field(
                label,
                choices(l, &f.options, self.text(&f.key), move |v| {
                    Message::Text(key.clone(), v)
                }),
                e,
            ),
            _ if f.checks.list.is_some() && !o.institutions.is_empty() => {
                let opts: Vec<Choice<String>> = o
                    .institutions
                    .iter()
                    .map(|(kk, ru)| Choice {
                        value: Some(ru.clone()),
                        label: if l == Lang::Kk {
                            kk.clone()
                        } else {
                            ru.clone()
                        },
                    })
                    .collect();
                let sel = opts
                    .iter()
                    .find(|c| c.value.as_deref() == Some(self.text(&f.key)))
                    .cloned();
                w::field(
                    label,
                    w::pick(opts, sel, move |c: Choice<String>| {
                        Message::Text(key.clone(), c.value.unwrap_or_default())
                    })
                    .width(Length::Fill)
                    .into(),
                    e,
                )
            }
            FieldKind::Text | FieldKind::LongText if o.bilingual => {
                let ru = ru_key(&f.key);
                let (kk_key, ru_key2) = (key.clone(), ru.clone());
                // Its Kazakh box carries the field's id.
                return bilingual::pair(
                    bilingual::Labels {
                        field: label,
                        kk: ctx.t("ui-lang-short-kk"),
                        ru: ctx.t("ui-lang-short-ru"),
                        copy: ctx.t("ui-copy-to-russian"),
                    },
                    &id,
                    self.text(&f.key),
                    self.text(&ru),
                    move |s| Message::Text(kk_key.clone(), s),
                    move |s| Message::Text(ru_key2.clone(), s),
                    Message::CopyToRu(key),
                    e.or_else(|| err.and_then(|x| x.for_field(&ru, l))),
                );
            }
            _ => {
                let hint = match f.kind {
                    FieldKind::Date => ctx.t("ui-hint-date"),
                    FieldKind::Money => "0 ₸".into(),
                    FieldKind::Year => "2026".into(),
                    _ => String::new(),
                };
                let input = w::input(
                    &hint,
                    self.text(&f.key),
                    move |s| Message::Text(key.clone(), s),
                    e.is_some(),
                )
                .id(id.clone())
                .on_submit_maybe(o.submit_on_enter.then_some(Message::Submit));
                return w::field(label, input.into(), e);
            }
        };
        // A container with the field's id, so that [`reveal`] finds what has no input of its own.
        container(input).id(id).width(Length::Fill).into()
    }

    fn table<'a>(
        &'a self,
        ctx: &Ctx,
        f: &'a FieldSpec,
        label: String,
        err: Option<&'a Failure>,
    ) -> Element<'a, Message> {
        let l = ctx.lang;
        let one_empty = [BTreeMap::new()];
        let rows = match self.inputs.get(&f.key) {
            Some(Input::Rows(r)) => r.as_slice(),
            _ => &one_empty,
        };
        let mut c = column![text(label).size(theme::SMALL).color(theme::MUTED)].spacing(theme::XS);
        let mut head = row![].spacing(theme::XS);
        for col in &f.columns {
            head = head.push(
                text(col.label.get(l).to_string())
                    .size(theme::SMALL)
                    .font(theme::BOLD)
                    .width(Length::Fill),
            );
        }
        c = c.push(head.push(text("").width(Length::Fixed(36.0))));
        for (i, r) in rows.iter().enumerate() {
            let mut line = row![].spacing(theme::XS).align_y(Alignment::Center);
            for col in &f.columns {
                let (key, ck) = (f.key.clone(), col.key.clone());
                let v = r.get(&col.key).map(String::as_str).unwrap_or("");
                let path = format!("{}[{i}].{}", f.key, col.key);
                let bad = err.and_then(|e| e.for_field(&path, l)).is_some();
                line = line.push(if col.kind == FieldKind::Choice {
                    choices(l, &col.options, v, move |v| {
                        Message::Cell(key.clone(), i, ck.clone(), v)
                    })
                } else {
                    w::input(
                        "",
                        v,
                        move |s| Message::Cell(key.clone(), i, ck.clone(), s),
                        bad,
                    )
                    .size(theme::SMALL)
                    .width(Length::Fill)
                    .into()
                });
            }
            line = line.push(w::button_with(
                "×".into(),
                Some(Message::RemoveRow(f.key.clone(), i)),
                theme::secondary,
            ));
            c = c.push(line);
        }
        if let Some(e) = err.and_then(|e| crate::ui::table_errors(e, f, l)) {
            c = c.push(text(e).size(theme::SMALL).color(theme::DANGER));
        }
        c = c.push(w::secondary(
            ctx.t("ui-add-row"),
            Some(Message::AddRow(f.key.clone())),
        ));
        container(c).padding(theme::S).style(theme::card).into()
    }
}

/// A drop-down of a choice field's (or column's) options, showing the one chosen.
fn choices<'a>(
    l: Lang,
    options: &[crate::domain::catalog::ChoiceOption],
    chosen: &str,
    on: impl Fn(String) -> Message + 'a,
) -> Element<'a, Message> {
    let opts: Vec<Choice<String>> = options
        .iter()
        .map(|o| Choice {
            value: Some(o.key.clone()),
            label: o.label.get(l).to_string(),
        })
        .collect();
    let sel = opts
        .iter()
        .find(|o| o.value.as_deref() == Some(chosen))
        .cloned();
    w::pick(opts, sel, move |c: Choice<String>| {
        on(c.value.unwrap_or_default())
    })
    .text_size(theme::SMALL)
    .width(Length::Fill)
    .into()
}

/// A stored value as it is typed (to edit a saved draft again): money in tenge with the tiyns
/// after a comma, dates as dd.mm.yyyy.
pub fn as_typed(f: &FieldSpec, key: &str, v: &Value) -> String {
    let kind = if key == f.key {
        f.kind
    } else {
        f.columns
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.kind)
            .unwrap_or(FieldKind::Text)
    };
    match (kind, v) {
        (FieldKind::Money, Value::Number(n)) => {
            let t = n.as_i64().unwrap_or(0);
            if t % 100 == 0 {
                (t / 100).to_string()
            } else {
                format!("{},{:02}", t / 100, t % 100)
            }
        }
        (FieldKind::Date, Value::String(s)) => s
            .parse()
            .map(crate::i18n::date_short)
            .unwrap_or_else(|_| s.clone()),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Bool(b)) => b.to_string(),
        (_, other) => other.to_string(),
    }
}

/// A stored value as the case file shows it (money with ₸, yes/no in words, a choice by its
/// label).
pub fn shown(
    l: Lang,
    kind: FieldKind,
    options: &[crate::domain::catalog::ChoiceOption],
    v: &Value,
) -> String {
    match (kind, v) {
        (FieldKind::Money, Value::Number(n)) => crate::i18n::money(n.as_i64().unwrap_or(0)),
        (FieldKind::Date, Value::String(s)) => s
            .parse()
            .map(crate::i18n::date_short)
            .unwrap_or_else(|_| s.clone()),
        (FieldKind::YesNo, Value::Bool(b)) => crate::i18n::yes_no(l, *b),
        (FieldKind::Choice, Value::String(s)) => options
            .iter()
            .find(|o| &o.key == s)
            .map(|o| o.label.get(l).to_string())
            .unwrap_or_else(|| s.clone()),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_path_leads_to_its_input() {
        assert_eq!(input_id("intake-f-", "period_to"), "intake-f-period_to");
        assert_eq!(input_id("intake-f-", "family[1].name"), "intake-f-family");
        assert_eq!(input_id("dec-", "reason@ru"), "dec-reason-ru");
    }

    #[test]
    fn a_cell_typed_past_the_rows_adds_them_and_names_its_path() {
        let mut f = Form::default();
        let paths = f.update(Message::Cell("family".into(), 2, "name".into(), "Ә".into()));
        assert_eq!(paths, ["family[2].name"]);
        // Typing in a Russian box may fix the field's own message as well as the box's.
        let paths = f.update(Message::Text("x@ru".into(), "текст".into()));
        assert_eq!(paths, ["x", "x@ru"]);
        let Some(Input::Rows(rows)) = f.inputs.get("family") else {
            panic!("rows")
        };
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2]["name"], "Ә");
        f.update(Message::RemoveRow("family".into(), 0));
        f.update(Message::Text("x".into(), "мәтін".into()));
        f.update(Message::CopyToRu("x".into()));
        assert_eq!(f.text("x@ru"), "мәтін");
        let Some(Input::Rows(rows)) = f.inputs.get("family") else {
            panic!("rows")
        };
        assert_eq!(rows.len(), 2);
    }
}
