//! Pure types and rules: ИИН, persons, the service catalogue, the typed application
//! (`application`), its state machine (`lifecycle`) and who may do what with it (`policy`: the
//! one place for "who may sign"), the working-day calendar and deadlines, decision data, and the content
//! of every output document. No I/O here.

pub mod application;
pub mod attachment;
pub mod calendar;
pub mod catalog;
pub mod consistency;
pub mod deadline;
pub mod decision;
pub mod document;
pub mod fields;
pub mod iin;
pub mod kazakh;
pub mod lifecycle;
pub mod model;
pub mod person;
pub mod policy;
