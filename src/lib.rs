//! mio-desk: the workstation (АРМ МИО) of a district Department of Employment and Social
//! Programmes. Layers, one way: ui / cli → desk → (domain, store, signing, documents, sync).

pub mod bench;
pub mod cli;
pub mod desk;
pub mod documents;
pub mod domain;
pub mod gateway;
pub mod i18n;
pub mod signing;
pub mod store;
pub mod sync;
pub mod ui;
