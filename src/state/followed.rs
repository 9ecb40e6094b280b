//! The `followed` table: per feed and item, where the item's own page stands (due, read,
//! given up), its tries, what it said, and while it is due the list's fields of it.

use super::{StateError, Tx, damaged, interval, secs, time};
use crate::follow::{Followed, Status};
use crate::item::{ItemPage, Listed, PageStamp};
use chrono::{DateTime, Utc};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use std::collections::HashMap;
use url::Url;

/// A followed row's columns after its feed, in the order of its INSERT.
fn followed_columns(row: &Followed) -> [Value; 24] {
    let text = |t: Option<&str>| t.map_or(Value::Null, |t| Value::from(t.to_string()));
    let at = |t: Option<DateTime<Utc>>| t.map_or(Value::Null, |t| Value::from(secs(t)));
    let page = row.page.as_ref();
    let stamp = |s: Option<&PageStamp>| {
        [
            at(s.map(|s| s.interval.earliest)),
            at(s.map(|s| s.interval.latest)),
            at(s.map(|s| s.point)),
            text(s.map(|s| s.text.as_str())),
            text(s.map(|s| s.origin.as_str())),
        ]
    };
    let [pe, pl, pp, pt, po] = stamp(page.and_then(|p| p.published.as_ref()));
    let [me, ml, mp, mt, mo] = stamp(page.and_then(|p| p.modified.as_ref()));
    let listed = row.listed.as_ref().map(|l| {
        serde_json::json!({
            "title": l.title,
            "link": l.link.as_ref().map(Url::as_str),
            "summary": l.summary,
            "summary_html": l.summary_html,
            "author": l.author,
            "categories": l.categories,
        })
        .to_string()
    });
    [
        Value::from(row.guid.clone()),
        Value::from(row.link.as_str().to_string()),
        Value::from(row.status.name().to_string()),
        Value::from(i64::from(row.tries)),
        at(row.next_try),
        Value::from(secs(row.first_listed)),
        at(row.fetched_at),
        text(row.error.as_deref()),
        pe,
        pl,
        pp,
        pt,
        po,
        me,
        ml,
        mp,
        mt,
        mo,
        page.map_or(Value::Null, |p| {
            Value::from(serde_json::to_string(&p.authors).unwrap_or_else(|_| "[]".into()))
        }),
        text(page.and_then(|p| p.image.as_ref()).map(Url::as_str)),
        text(page.and_then(|p| p.canonical.as_ref()).map(Url::as_str)),
        text(page.and_then(|p| p.language.as_deref())),
        text(page.and_then(|p| p.content.as_deref())),
        text(listed.as_deref()),
    ]
}

/// One followed row as [`Tx::followed_where`] selects it.
fn followed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Followed> {
    let url = |column: usize| -> rusqlite::Result<Option<Url>> {
        r.get::<_, Option<String>>(column)?
            .map(|u| Url::parse(&u).map_err(|e| damaged(column, format!("URL {u:?}: {e}"))))
            .transpose()
    };
    let opt_time = |column: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        r.get::<_, Option<i64>>(column)?.map(time).transpose()
    };
    let stamp = |first: usize| -> rusqlite::Result<Option<PageStamp>> {
        match (
            r.get::<_, Option<i64>>(first)?,
            r.get::<_, Option<i64>>(first + 1)?,
            r.get::<_, Option<i64>>(first + 2)?,
        ) {
            (Some(a), Some(b), Some(p)) => Ok(Some(PageStamp {
                interval: interval(a, b)?,
                point: time(p)?,
                text: r.get::<_, Option<String>>(first + 3)?.unwrap_or_default(),
                origin: r.get::<_, Option<String>>(first + 4)?.unwrap_or_default(),
            })),
            _ => Ok(None),
        }
    };
    let status: String = r.get(2)?;
    let status =
        Status::from_name(&status).ok_or_else(|| damaged(2, format!("status {status:?}")))?;
    let link = url(1)?.ok_or_else(|| damaged(1, "no link".into()))?;
    let page = if status == Status::Read {
        let authors: Option<String> = r.get(18)?;
        let authors = match authors {
            Some(a) => {
                serde_json::from_str(&a).map_err(|e| damaged(18, format!("authors {a:?}: {e}")))?
            }
            None => Vec::new(),
        };
        Some(ItemPage {
            published: stamp(8)?,
            modified: stamp(13)?,
            authors,
            image: url(19)?,
            canonical: url(20)?,
            language: r.get(21)?,
            content: r.get(22)?,
        })
    } else {
        None
    };
    let listed: Option<String> = r.get(23)?;
    let listed = listed
        .map(|l| listed_from_json(&l).ok_or_else(|| damaged(23, format!("listed {l:?}"))))
        .transpose()?;
    Ok(Followed {
        guid: r.get(0)?,
        link,
        status,
        tries: u32::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
        next_try: opt_time(4)?,
        first_listed: time(r.get(5)?)?,
        fetched_at: opt_time(6)?,
        error: r.get(7)?,
        page,
        listed,
    })
}

fn listed_from_json(text: &str) -> Option<Listed> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Some(Listed {
        title: s("title")?,
        link: s("link").and_then(|l| Url::parse(&l).ok()),
        summary: s("summary")?,
        summary_html: s("summary_html"),
        author: s("author"),
        categories: v
            .get("categories")?
            .as_array()?
            .iter()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect(),
    })
}

impl Tx<'_> {
    /// What the read item pages of `feed` said, by guid.
    pub(super) fn pages(&self, feed: &str) -> Result<HashMap<String, ItemPage>, StateError> {
        Ok(self
            .followed_where(feed, "AND status = 'read'")?
            .into_iter()
            .filter_map(|r| Some((r.guid, r.page?)))
            .collect())
    }

    /// Every followed item of `feed`: where its page stands and what it said.
    pub fn followed(&self, feed: &str) -> Result<Vec<Followed>, StateError> {
        self.followed_where(feed, "")
    }

    /// Whether an item page of `feed` is still due (the list is then fetched whole).
    pub fn waiting(&self, feed: &str) -> Result<bool, StateError> {
        self.tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM followed WHERE feed = ?1 AND status = 'due')",
                [feed],
                |r| r.get::<_, bool>(0),
            )
            .map_err(|e| self.err(e))
    }

    fn followed_where(&self, feed: &str, and: &str) -> Result<Vec<Followed>, StateError> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "SELECT guid, link, status, tries, next_try, first_listed, fetched_at, error,
                        pub_earliest, pub_latest, pub_point, pub_text, pub_origin,
                        mod_earliest, mod_latest, mod_point, mod_text, mod_origin,
                        authors, image, canonical, language, content, listed
                 FROM followed WHERE feed = ?1 {and} ORDER BY rowid"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([feed], followed_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.row_err(feed, "followed", e))
    }

    /// Write the followed rows that changed and delete the ones that go.
    pub fn save_followed(
        &self,
        feed: &str,
        save: &[Followed],
        gone: &[String],
    ) -> Result<(), StateError> {
        let mut delete = self
            .tx
            .prepare_cached("DELETE FROM followed WHERE feed = ?1 AND guid = ?2")
            .map_err(|e| self.err(e))?;
        for guid in gone {
            delete.execute([feed, guid]).map_err(|e| self.err(e))?;
        }
        let mut upsert = self
            .tx
            .prepare_cached(
                "INSERT OR REPLACE INTO followed (feed, guid, link, status, tries, next_try,
                    first_listed, fetched_at, error, pub_earliest, pub_latest, pub_point,
                    pub_text, pub_origin, mod_earliest, mod_latest, mod_point, mod_text,
                    mod_origin, authors, image, canonical, language, content, listed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
            )
            .map_err(|e| self.err(e))?;
        for row in save {
            let key = [Value::from(feed.to_string())];
            upsert
                .execute(params_from_iter(
                    key.into_iter().chain(followed_columns(row)),
                ))
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::Interval;
    use crate::state::Store;
    use crate::state::testing::item;
    use chrono::TimeZone;

    /// A followed row round-trips whole; a read one gives its item its page; rows go.
    #[test]
    fn followed_rows_round_trip_and_give_items_their_pages() {
        use crate::follow::{Followed, Status};
        use crate::item::{ItemPage, Listed, PageStamp};
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(dir.path()).expect("open");
        let t = Utc.timestamp_opt(2_000_000_000, 0).single().expect("time");
        let stamp = PageStamp {
            interval: Interval::at(t),
            point: t,
            text: "2033-05-18T03:33:20Z".into(),
            origin: "json-ld".into(),
        };
        let read = Followed {
            guid: "a".into(),
            link: Url::parse("https://s.example/a").expect("url"),
            status: Status::Read,
            tries: 1,
            next_try: None,
            first_listed: t,
            fetched_at: Some(t),
            error: Some("HTTP 503".into()),
            page: Some(ItemPage {
                published: Some(stamp.clone()),
                modified: Some(stamp),
                authors: vec!["Ann".into(), "Bo".into()],
                image: Url::parse("https://img.example/a.jpg").ok(),
                canonical: Url::parse("https://s.example/a?c").ok(),
                language: Some("nl".into()),
                content: Some("<p>text</p>".into()),
            }),
            listed: None,
        };
        let due = Followed {
            guid: "b".into(),
            link: Url::parse("https://s.example/b").expect("url"),
            status: Status::Due,
            tries: 2,
            next_try: Some(t),
            first_listed: t,
            fetched_at: None,
            error: None,
            page: None,
            listed: Some(Listed {
                title: "B".into(),
                link: Url::parse("https://s.example/b").ok(),
                summary: "s".into(),
                summary_html: None,
                author: Some("X".into()),
                categories: vec!["c".into()],
            }),
        };
        {
            let poll = store.begin().expect("begin");
            poll.save_items("f", &[item("a", 2_000_000_000)])
                .expect("save");
            poll.save_followed("f", &[read.clone(), due.clone()], &[])
                .expect("save");
            poll.commit().expect("commit");
        }
        let poll = store.begin().expect("begin");
        assert_eq!(poll.followed("f").expect("rows"), vec![read.clone(), due]);
        assert!(poll.waiting("f").expect("waiting"));
        assert_eq!(poll.items("f").expect("items")[0].page, read.page);
        poll.save_followed("f", &[], &["b".to_string()])
            .expect("save");
        assert_eq!(poll.followed("f").expect("rows"), vec![read]);
        assert!(!poll.waiting("f").expect("waiting"));
    }
}
