//! One module per screen: each has its `State`, its `Message`, an `update` that returns what
//! the parent must do, and a `view`.

pub mod admin;
pub mod application;
pub mod checklist;
pub mod first_run;
pub mod gateway;
pub mod head;
pub mod intake;
pub mod login;
pub mod print;
pub mod queues;
pub mod scan_view;
pub mod verify;
