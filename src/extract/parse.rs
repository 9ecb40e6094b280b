//! Parsing a page's HTML within bounds: a hostile page must not cost unbounded time.
//!
//! html5ever follows the HTML standard, whose tree construction walks the stack of open
//! elements for many tokens: on a page nested thousands of elements deep that is quadratic
//! (20,000 nested lists, 460 kB, take 6 s to parse; 100,000 nested `<div>`s take a minute).
//! Browsers cap the depth of the tree for the same reason. Here the parser's sink watches the
//! depth of every element it inserts, and the input is fed in slices so the parse can be
//! stopped between two of them:
//!
//! - an element nested deeper than [`MAX_DEPTH`] refuses the page ([`ParseError::TooDeep`]);
//! - a parse still running after [`MAX_PARSE_TIME`] refuses it too ([`ParseError::TooSlow`]):
//!   a backstop for costs the depth does not show, such as a tag with a hundred thousand
//!   attributes, whose duplicate check the tokenizer does pairwise.
//!
//! The sink itself is scraper's, wrapped: the result is an ordinary [`scraper::Html`].

use ego_tree::NodeId;
use html5ever::driver::{self, ParseOpts};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{Html, HtmlTreeSink};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The deepest an element may be nested. Real pages stay under a hundred or so; WebKit caps
/// its trees at 512 too.
pub const MAX_DEPTH: u32 = 512;

/// The longest a parse may run. A 10 MiB page of ordinary markup parses in well under a
/// second on a small machine; only markup built to be slow comes near this.
pub const MAX_PARSE_TIME: Duration = Duration::from_secs(2);

/// How much input is parsed between two checks of the limits.
const SLICE: usize = 4 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the page nests elements more than {limit} deep; refused as too costly to parse")]
    TooDeep { limit: u32 },
    #[error(
        "the page's markup took more than {}s to parse (at byte {at} of {len}); refused as too costly",
        .limit.as_secs()
    )]
    TooSlow {
        limit: Duration,
        at: usize,
        len: usize,
    },
}

/// Parse a whole document within [`MAX_DEPTH`] and [`MAX_PARSE_TIME`].
pub fn document(html: &str) -> Result<Html, ParseError> {
    document_within(html, MAX_DEPTH, MAX_PARSE_TIME)
}

/// [`document`] with the limits given.
pub fn document_within(html: &str, depth: u32, time: Duration) -> Result<Html, ParseError> {
    let deepest = Rc::new(Cell::new(0u32));
    let sink = Bounded {
        inner: HtmlTreeSink::new(Html::new_document()),
        depth: RefCell::new(HashMap::new()),
        deepest: deepest.clone(),
    };
    let mut parser = driver::parse_document(sink, ParseOpts::default());
    let started = Instant::now();
    let mut at = 0;
    while at < html.len() {
        let mut end = (at + SLICE).min(html.len());
        while !html.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&html[at..end]));
        at = end;
        if deepest.get() > depth {
            return Err(ParseError::TooDeep { limit: depth });
        }
        if started.elapsed() > time {
            return Err(ParseError::TooSlow {
                limit: time,
                at,
                len: html.len(),
            });
        }
    }
    let doc = parser.finish();
    if deepest.get() > depth {
        return Err(ParseError::TooDeep { limit: depth });
    }
    Ok(doc)
}

/// scraper's sink, noting how deep each element is put.
struct Bounded {
    inner: HtmlTreeSink,
    /// Depth of the elements inserted so far (the document is 0).
    depth: RefCell<HashMap<NodeId, u32>>,
    deepest: Rc<Cell<u32>>,
}

impl Bounded {
    fn depth_of(&self, node: &NodeId) -> u32 {
        self.depth.borrow().get(node).copied().unwrap_or(0)
    }

    fn placed(&self, child: &NodeOrText<NodeId>, depth: u32) {
        if let NodeOrText::AppendNode(id) = child {
            self.depth.borrow_mut().insert(*id, depth);
            if depth > self.deepest.get() {
                self.deepest.set(depth);
            }
        }
    }
}

impl TreeSink for Bounded {
    type Handle = NodeId;
    type Output = Html;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg)
    }

    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.inner.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.placed(&child, self.depth_of(parent) + 1);
        self.inner.append(parent, child)
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let depth = self.depth_of(element).max(self.depth_of(prev_element)) + 1;
        self.placed(&child, depth);
        self.inner
            .append_based_on_parent_node(element, prev_element, child)
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id)
    }

    fn mark_script_already_started(&self, node: &NodeId) {
        self.inner.mark_script_already_started(node)
    }

    fn pop(&self, node: &NodeId) {
        self.inner.pop(node)
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.placed(&new_node, self.depth_of(sibling));
        self.inner.append_before_sibling(sibling, new_node)
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs)
    }

    fn associate_with_form(
        &self,
        target: &NodeId,
        form: &NodeId,
        nodes: (&NodeId, Option<&NodeId>),
    ) {
        self.inner.associate_with_form(target, form, nodes)
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target)
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent)
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        self.inner
            .is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&self, line_number: u64) {
        self.inner.set_current_line(line_number)
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &NodeId) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(
        &self,
        location: &NodeId,
        template: &NodeId,
        attrs: &[Attribute],
    ) -> bool {
        self.inner
            .attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &NodeId) {
        self.inner
            .maybe_clone_an_option_into_selectedcontent(option)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Selector;

    fn nested(tag: &str, n: usize) -> String {
        format!(
            "<html><body>{}x{}</body></html>",
            format!("<{tag}>").repeat(n),
            format!("</{tag}>").repeat(n)
        )
    }

    #[test]
    fn the_same_tree_as_scrapers_own_parse() {
        let html = "<!doctype html><title>t</title><table><tr><td>a<b>b<p>c</b>d</table><template><li>x</template><ul><li>1<li>2</ul>";
        let ours = document(html).expect("parses");
        assert_eq!(ours.html(), Html::parse_document(html).html());
        let li = Selector::parse("li").expect("selector");
        assert_eq!(
            ours.select(&li).count(),
            Html::parse_document(html).select(&li).count()
        );
    }

    #[test]
    fn slices_split_anywhere_give_the_same_tree() {
        let text = "é€😀<a href=\"/x\">ü</a>".repeat(SLICE / 7);
        let html = format!("<p>{text}</p>");
        let ours = document(&html).expect("parses");
        assert_eq!(ours.html(), Html::parse_document(&html).html());
    }

    #[test]
    fn deep_nesting_is_refused_up_to_the_limit_not_before() {
        assert!(document(&nested("div", 400)).is_ok());
        assert_eq!(
            document(&nested("div", 600)).err(),
            Some(ParseError::TooDeep { limit: MAX_DEPTH })
        );
        // Unclosed formatting elements nest too.
        let bold: String = (0..5000).map(|i| format!("<b id={i}>t")).collect();
        assert!(matches!(document(&bold), Err(ParseError::TooDeep { .. })));
    }

    #[test]
    fn a_parse_past_its_time_is_stopped_between_slices() {
        let html = "<p>text</p>".repeat(100_000);
        let err = document_within(&html, MAX_DEPTH, Duration::ZERO).expect_err("no time");
        assert!(
            matches!(err, ParseError::TooSlow { at, .. } if at <= 2 * SLICE),
            "{err}"
        );
    }
}
