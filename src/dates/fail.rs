//! Why a reader refuses a text, before the text is attached: the reason every reader and
//! `designator` return, which the reader's entry turns into a `DateError` naming the text.

/// A reader's reason to reject a text, before the text is attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fail {
    OutOfRange(&'static str),
    Future,
    /// More than the margin (named) after `now`.
    Ahead(&'static str),
}
