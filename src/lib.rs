//! mio-desk: the workstation (АРМ МИО) of a district Department of Employment and Social
//! Programmes. Layers, one way: ui / cli → desk → (domain, store, signing, documents, sync).

pub mod domain;
pub mod store;
pub mod desk;
pub mod i18n;
pub mod documents;
