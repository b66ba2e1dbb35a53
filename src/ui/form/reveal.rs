//! Bringing a field into view: a form longer than the window shows its first problem by
//! scrolling to it (iced moves the cursor with `focus`, but does not scroll to it).

use iced::Rectangle;
use iced::Task;
use iced::Vector;
use iced::advanced::widget::operation::scrollable::{AbsoluteOffset, scroll_to};
use iced::advanced::widget::operation::{Focusable, Operation, Outcome, Scrollable, TextInput};
use iced::advanced::widget::{Id, operate};

/// Room left above the field, so that its label shows too.
const ABOVE: f32 = 48.0;

/// Scrolls the scrollable `scroll` so that the widget `target` (an input, or a container with
/// that id) stands near its top. Nothing happens when either is not on screen.
pub fn reveal<M: Send + 'static>(scroll: impl Into<Id>, target: impl Into<Id>) -> Task<M> {
    operate(Reveal {
        scroll: scroll.into(),
        target: target.into(),
        content: None,
        found: None,
    })
}

/// Finds the scrollable's content and the target's place in it, then scrolls.
struct Reveal {
    scroll: Id,
    target: Id,
    content: Option<Rectangle>,
    found: Option<Rectangle>,
}

impl Reveal {
    fn see(&mut self, id: Option<&Id>, bounds: Rectangle) {
        if self.found.is_none() && self.content.is_some() && id == Some(&self.target) {
            self.found = Some(bounds);
        }
    }
}

impl<T: Send + 'static> Operation<T> for Reveal {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation<T>)) {
        operate(self);
    }

    fn container(&mut self, id: Option<&Id>, bounds: Rectangle) {
        self.see(id, bounds);
    }

    fn scrollable(
        &mut self,
        id: Option<&Id>,
        _bounds: Rectangle,
        content_bounds: Rectangle,
        _translation: Vector,
        _state: &mut dyn Scrollable,
    ) {
        if id == Some(&self.scroll) {
            self.content = Some(content_bounds);
        }
    }

    fn focusable(&mut self, id: Option<&Id>, bounds: Rectangle, _state: &mut dyn Focusable) {
        self.see(id, bounds);
    }

    fn text_input(&mut self, id: Option<&Id>, bounds: Rectangle, _state: &mut dyn TextInput) {
        self.see(id, bounds);
    }

    fn finish(&self) -> Outcome<T> {
        match (self.content, self.found) {
            (Some(content), Some(target)) => Outcome::Chain(Box::new(scroll_to(
                self.scroll.clone(),
                AbsoluteOffset {
                    x: None,
                    y: Some(offset(content, target)),
                },
            ))),
            _ => Outcome::None,
        }
    }
}

/// How far down the content is scrolled so that `target` stands [`ABOVE`] under the top.
fn offset(content: Rectangle, target: Rectangle) -> f32 {
    (target.y - content.y - ABOVE).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_stands_under_the_top_with_its_label() {
        let content = Rectangle::new(iced::Point::new(0.0, 100.0), iced::Size::new(800.0, 3000.0));
        let far = Rectangle::new(iced::Point::new(20.0, 1600.0), iced::Size::new(300.0, 30.0));
        assert_eq!(offset(content, far), 1600.0 - 100.0 - ABOVE);
        // A field near the top needs no scroll backwards past the start.
        let near = Rectangle::new(iced::Point::new(20.0, 110.0), iced::Size::new(300.0, 30.0));
        assert_eq!(offset(content, near), 0.0);
    }
}
