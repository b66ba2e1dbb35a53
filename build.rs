//! Rebuild when the translations or the data files change (they are embedded at compile time).
fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=assets/catalog");
    println!("cargo:rerun-if-changed=assets/calendar");
    println!("cargo:rerun-if-changed=src/store/migrations");
}
