//! The baseline pagefeed's whole-process figures are measured against: read a page from a
//! file, parse it with scraper, select its items, print how many. Nothing else.
//!
//! usage: bare_parse PAGE SELECTOR

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(css)) = (args.next(), args.next()) else {
        eprintln!("usage: bare_parse PAGE SELECTOR");
        return ExitCode::from(2);
    };
    let html = match std::fs::read_to_string(&path) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    let selector = match scraper::Selector::parse(&css) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{css}: {e}");
            return ExitCode::from(2);
        }
    };
    let doc = scraper::Html::parse_document(&html);
    println!("{}", doc.select(&selector).count());
    ExitCode::SUCCESS
}
