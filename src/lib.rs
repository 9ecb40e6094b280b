//! pagefeed: web pages without a feed in, RSS 2.0 and Atom 1.0 feeds out, with absolute
//! publication times that stay put from poll to poll.
//!
//! The flow runs one way, each stage a module taking and returning plain values:
//! [`config`] → [`fetch`] → [`extract`] → [`dates`] → [`timeline`] → [`publish`], with
//! [`state`] remembering between polls, [`poll`] running one feed through them all, and
//! [`daemon`] deciding when. The sources' politeness (host gaps, robots.txt) lives in
//! [`fetch`], below the poll, so `once` and `run` fetch alike; [`text`] is the text of page
//! elements that extract, publish and the tools share. [`serve`] serves what the publisher
//! wrote and the state holds over HTTP; [`status`] reads each feed's health from the state.
//! [`article`] reads an item's own page (times, authors, image, canonical link, main text).

pub mod article;
pub mod config;
pub mod daemon;
pub mod dates;
pub mod extract;
pub mod fetch;
pub mod filter;
pub mod follow;
pub mod item;
pub mod poll;
pub mod publish;
pub mod sanitize;
pub mod serve;
pub mod state;
pub mod status;
pub mod suggest;
pub mod text;
pub mod timeline;
pub mod wait;
