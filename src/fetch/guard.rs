//! Which addresses a feed's fetch may reach: a page on the public web must not lead pagefeed,
//! by a redirect or a DNS answer, to an address inside the network it runs in (a loopback
//! service, the cloud's metadata service at 169.254.169.254, a router at 10.0.0.1) and get
//! what it serves published in a feed.
//!
//! Addresses fall into classes, made from IANA's special-purpose address registries
//! ([`super::special`], generated from the registries themselves): *private* (private-use
//! 10/8, 172.16/12, 192.168/16; 100.64/10 shared by carrier-grade NAT; unique-local fc00::/7;
//! and the deprecated site-local fec0::/10), *link-local* (169.254/16, fe80::/10), *loopback*
//! (127/8, ::1), *reserved* (every other block the registries do not call globally reachable:
//! 0/8 and `::`, which reach the machine itself, documentation, benchmarking, Teredo, 6to4,
//! local-use NAT64 `64:ff9b:1::/48` and more; and multicast and broadcast) and *public*
//! (everything else, and the blocks the registries call globally reachable). IPv4 inside IPv6
//! (`::ffff:a.b.c.d`, the global NAT64 prefix `64:ff9b::/96`) is classed by its IPv4 address.
//!
//! The rule: a fetch may reach public addresses, and addresses of the class of the feed's
//! configured URL — never a class more internal than that one. A feed whose url is an
//! address (or `localhost`) has that address's class; one whose url is a host name is public
//! (with `private_network = true` on the feed for an intranet host name). So a public page may
//! not redirect to 127.0.0.1, and a page on 127.0.0.1 may not redirect to 10.0.0.1 or
//! 169.254.169.254 either (a loopback origin is no licence for the private network), but may
//! redirect to another port on 127.0.0.1 or to a public site. The check is made on each
//! redirect's target before it is requested (for an address in the URL) and on every DNS
//! answer before it is connected to (for a host name): a refused address never gets a packet.
//! `private_network = true` on a feed lifts the rule for that feed.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::special::{self, Block, Kind};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// How internal an address is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    Public,
    Private,
    LinkLocal,
    Loopback,
    Reserved,
}

impl Class {
    /// The class of an address.
    pub fn of(ip: IpAddr) -> Class {
        match ip {
            IpAddr::V4(v4) => class_v4(v4),
            IpAddr::V6(v6) => class_v6(v6),
        }
    }

    /// The class of a URL's host: its address's, `localhost`'s (loopback, RFC 6761), or
    /// `None` for a host name, which only DNS can class.
    pub fn of_host(url: &Url) -> Option<Class> {
        match url.host()? {
            Host::Ipv4(v4) => Some(class_v4(v4)),
            Host::Ipv6(v6) => Some(class_v6(v6)),
            Host::Domain(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                (name == "localhost" || name.ends_with(".localhost")).then_some(Class::Loopback)
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Class::Public => "public",
            Class::Private => "private",
            Class::LinkLocal => "link-local",
            Class::Loopback => "loopback",
            Class::Reserved => "reserved",
        }
    }
}

/// The most specific block of `table` that holds `address` (as bits, `width` of them).
fn block<T: Copy + Into<u128>>(table: &[Block<T>], address: u128, width: u8) -> Option<&Block<T>> {
    table.iter().find(|b| {
        let prefix = u32::from(b.prefix.min(width));
        let mask = match prefix {
            0 => 0,
            p => u128::MAX << (u32::from(width) - p),
        } & (u128::MAX >> (128 - u32::from(width)));
        address & mask == b.first.into() & mask
    })
}

/// The class a registry block gives its addresses: its kind's, else public where the registry
/// calls it globally reachable, else reserved.
fn class_of_block<T>(b: &Block<T>) -> Class {
    match b.kind {
        Kind::Loopback => Class::Loopback,
        Kind::Private => Class::Private,
        Kind::LinkLocal => Class::LinkLocal,
        Kind::Embedded | Kind::Special if b.globally_reachable => Class::Public,
        Kind::Embedded | Kind::Special => Class::Reserved,
    }
}

fn class_v4(ip: Ipv4Addr) -> Class {
    let bits = u32::from(ip);
    match block(special::V4, u128::from(bits), 32) {
        Some(b) => class_of_block(b),
        // Multicast (224/4) is in IANA's multicast registry, not the special-purpose one.
        None if ip.is_multicast() => Class::Reserved,
        None => Class::Public,
    }
}

fn class_v6(ip: Ipv6Addr) -> Class {
    let s = ip.segments();
    let bits = u128::from(ip);
    match block(special::V6, bits, 128) {
        // An address that carries an IPv4 address (IPv4-mapped, NAT64's global prefix) is
        // that address.
        Some(b) if b.kind == Kind::Embedded => class_v4(Ipv4Addr::from(bits as u32)),
        Some(b) => class_of_block(b),
        // Multicast; `::/8`, which the IPv6 address space registry reserves (the deprecated
        // IPv4-compatible `::a.b.c.d` among it); the deprecated site-local `fec0::/10`.
        None if ip.is_multicast() || s[0] & 0xff00 == 0 => Class::Reserved,
        None if s[0] & 0xffc0 == 0xfec0 => Class::Private,
        None => Class::Public,
    }
}

/// What one fetch may reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Public addresses and those of this class (the configured URL's).
    Within(Class),
    /// Every address: the feed says `private_network = true`.
    Any,
}

impl Reach {
    /// The reach of a fetch of a feed's configured `url`.
    pub fn of_feed(url: &Url, private_network: bool) -> Reach {
        if private_network {
            Reach::Any
        } else {
            Reach::Within(Class::of_host(url).unwrap_or(Class::Public))
        }
    }

    pub fn allows(self, class: Class) -> bool {
        match self {
            Reach::Any => true,
            Reach::Within(own) => class == Class::Public || class == own,
        }
    }

    fn origin(self) -> &'static str {
        match self {
            Reach::Any => "any",
            Reach::Within(own) => own.name(),
        }
    }

    /// Whether a redirect to `target` may be followed. A host name is left to DNS, except
    /// `localhost`, which is loopback by name.
    pub fn check_redirect(self, target: &Url) -> Result<(), Refused> {
        self.check(target, Via::Redirect)
    }

    /// Whether a page an item links to may be fetched (as [`Reach::check_redirect`]).
    pub fn check_link(self, target: &Url) -> Result<(), Refused> {
        self.check(target, Via::Link)
    }

    fn check(self, target: &Url, via: Via) -> Result<(), Refused> {
        match Class::of_host(target) {
            Some(class) if !self.allows(class) => Err(Refused {
                what: match via {
                    Via::Redirect => format!("the redirect to {target}"),
                    Via::Link => format!("the item page {target}"),
                    Via::Dns => target.to_string(),
                },
                class,
                origin: self.origin(),
                via,
            }),
            _ => Ok(()),
        }
    }

    /// The addresses `host` resolved to that may be connected to; none allowed is an error.
    pub fn admit(self, host: &str, addresses: Vec<SocketAddr>) -> Result<Vec<SocketAddr>, Refused> {
        let (kept, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = addresses
            .into_iter()
            .partition(|a| self.allows(Class::of(a.ip())));
        match refused.first() {
            Some(first) if kept.is_empty() => Err(Refused {
                what: format!("{host} at {}", first.ip()),
                class: Class::of(first.ip()),
                origin: self.origin(),
                via: Via::Dns,
            }),
            Some(_) => {
                tracing::debug!(%host, ?refused, "skipping addresses outside the feed's reach");
                Ok(kept)
            }
            None => Ok(kept),
        }
    }
}

/// How a fetch was led to an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A redirect of the page asked for.
    Redirect,
    /// A DNS answer for the host asked for.
    Dns,
    /// An item's link on the feed's list (an item page).
    Link,
}

/// A redirect, DNS answer or item link that leads where the feed may not reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// "the redirect to URL", "HOST at ADDRESS" or "the item page URL".
    pub what: String,
    pub class: Class,
    /// The class of the feed's URL.
    pub origin: &'static str,
    pub via: Via,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, class) = (&self.what, self.class.name());
        let out = "set private_network = true on the feed to allow it";
        match (self.via, self.origin) {
            (Via::Link, "public") => write!(
                f,
                "refused {what} (a {class} address): the feed may reach public addresses only; {out}"
            ),
            (Via::Link, origin) => write!(
                f,
                "refused {what} (a {class} address): the feed may reach public and {origin} addresses only; {out}"
            ),
            _ => write!(
                f,
                "refused {what} (a {class} address) from a {} url; {out}",
                self.origin
            ),
        }
    }
}

impl std::error::Error for Refused {}

/// The redirect policy of a client of `reach`: at most `max` redirects, each within reach.
pub fn redirect_policy(reach: Reach, max: usize) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        // The first of `previous` is the configured URL, not a redirect.
        if attempt.previous().len() > max {
            return attempt.error(TooManyRedirects);
        }
        match reach.check_redirect(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(refused) => attempt.error(refused),
        }
    })
}

#[derive(Debug)]
struct TooManyRedirects;

impl fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("too many redirects")
    }
}

impl std::error::Error for TooManyRedirects {}

/// The system resolver (getaddrinfo, as reqwest's own), keeping only answers within reach.
#[derive(Debug)]
pub struct Resolver(pub Reach);

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let reach = self.0;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept = reach.admit(&host, found)?;
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(text: &str) -> Class {
        Class::of(text.parse().unwrap_or_else(|e| panic!("{text}: {e}")))
    }

    #[test]
    fn addresses_fall_into_classes() {
        let cases = [
            (
                Class::Public,
                &[
                    "8.8.8.8",
                    "1.1.1.1",
                    "172.32.0.1",
                    "100.128.0.1",
                    "2a00:1450::1",
                    "64:ff9b::808:808",
                    // Blocks the registries call globally reachable, inside ones they do not.
                    "192.0.0.9",
                    "2001:1::1",
                    "2001:20::1",
                ][..],
            ),
            (
                Class::Loopback,
                &[
                    "127.0.0.1",
                    "127.255.0.9",
                    "::1",
                    "::ffff:127.0.0.1",
                    "64:ff9b::7f00:1",
                ],
            ),
            (
                Class::Private,
                &[
                    "10.0.0.1",
                    "172.16.0.1",
                    "172.31.255.255",
                    "192.168.1.1",
                    "100.64.0.1",
                    "fc00::1",
                    "fd12:3456::1",
                    "fec0::1",
                    "::ffff:10.1.2.3",
                ],
            ),
            (
                Class::LinkLocal,
                &["169.254.169.254", "fe80::1", "::ffff:169.254.169.254"],
            ),
            (
                Class::Reserved,
                &[
                    "0.0.0.0",
                    "0.1.2.3",
                    "255.255.255.255",
                    "224.0.0.1",
                    "240.0.0.1",
                    "192.0.2.1",
                    "198.51.100.7",
                    "203.0.113.9",
                    "198.18.0.1",
                    "192.0.0.8",
                    "::",
                    "::127.0.0.1",
                    "ff02::1",
                    "2001:db8::1",
                    "100::1",
                    "2002:7f00:1::1",
                    // 6to4 and Teredo: the registry does not call them globally reachable.
                    "2002:808:808::1",
                    "2001:0:5ef5:79fb::1",
                    "2001:2::1",
                    "64:ff9b:1::7f00:1",
                    "64:ff9b:1::808:808",
                    "3fff::1",
                    "5f00::1",
                    "100:0:0:1::1",
                    "192.0.0.170",
                    "192.88.99.2",
                ],
            ),
        ];
        for (want, addresses) in cases {
            for address in addresses {
                assert_eq!(class(address), want, "{address}");
            }
        }
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn a_feed_reaches_public_addresses_and_its_own_class() {
        let public = Reach::of_feed(&url("https://news.example/x"), false);
        let loopback = Reach::of_feed(&url("http://127.0.0.1:8080/"), false);
        assert_eq!(public, Reach::Within(Class::Public));
        assert_eq!(loopback, Reach::Within(Class::Loopback));
        assert_eq!(Reach::of_feed(&url("http://localhost:1/"), false), loopback);
        assert_eq!(
            Reach::of_feed(&url("http://a.localhost./"), false),
            loopback
        );
        assert_eq!(
            Reach::of_feed(&url("http://[fd00::5]/"), false),
            Reach::Within(Class::Private)
        );
        assert_eq!(
            Reach::of_feed(&url("https://news.example/"), true),
            Reach::Any
        );

        let to = |reach: Reach, target: &str| reach.check_redirect(&url(target)).is_ok();
        assert!(
            to(public, "https://other.example/"),
            "host names are left to DNS"
        );
        assert!(to(public, "http://8.8.8.8/"));
        for inside in [
            "http://127.0.0.1:9/secret",
            "http://localhost/",
            "http://[::1]/",
            "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://0.0.0.0:9/",
            "http://[::ffff:7f00:1]/",
            "http://2130706433/",
        ] {
            assert!(!to(public, inside), "public → {inside}");
        }
        assert!(to(loopback, "http://127.0.0.2:9/"));
        assert!(to(loopback, "http://localhost:9/"));
        assert!(to(loopback, "https://8.8.8.8/"));
        for inside in [
            "http://10.0.0.1/",
            "http://169.254.169.254/",
            "http://0.0.0.0:9/",
            "http://[fe80::1]/",
        ] {
            assert!(!to(loopback, inside), "loopback → {inside}");
        }
        for anywhere in [
            "http://10.0.0.1/",
            "http://169.254.169.254/",
            "http://127.0.0.1/",
        ] {
            assert!(to(Reach::Any, anywhere), "{anywhere}");
        }
    }

    #[test]
    fn a_refusal_names_the_target_its_class_and_the_way_out() {
        let reach = Reach::Within(Class::Loopback);
        let refused = reach
            .check_redirect(&url("http://169.254.169.254/latest"))
            .expect_err("refused");
        assert_eq!(
            refused.to_string(),
            "refused the redirect to http://169.254.169.254/latest (a link-local address) \
             from a loopback url; set private_network = true on the feed to allow it"
        );
    }

    #[test]
    fn dns_answers_outside_reach_are_dropped_and_none_left_is_refused() {
        let at = |ip: &str| SocketAddr::new(ip.parse().expect("address"), 0);
        let public = Reach::Within(Class::Public);
        let mixed = vec![at("10.0.0.5"), at("93.184.216.34")];
        assert_eq!(
            public.admit("news.example", mixed),
            Ok(vec![at("93.184.216.34")])
        );
        let refused = public
            .admit("news.example", vec![at("10.0.0.5"), at("fd00::5")])
            .expect_err("refused");
        assert_eq!(refused.what, "news.example at 10.0.0.5");
        assert_eq!(refused.class, Class::Private);
        assert_eq!(
            Reach::Any.admit("intranet", vec![at("10.0.0.5")]),
            Ok(vec![at("10.0.0.5")])
        );
    }

    #[tokio::test]
    async fn the_resolver_refuses_localhost_for_a_public_feed() {
        let name: Name = "localhost".parse().expect("a name");
        let error = match Resolver(Reach::Within(Class::Public)).resolve(name).await {
            Ok(addrs) => panic!("resolved to {:?}", addrs.collect::<Vec<_>>()),
            Err(e) => e,
        };
        let refused = error.downcast_ref::<Refused>().expect("a refusal");
        assert_eq!(refused.class, Class::Loopback);
        let name: Name = "localhost".parse().expect("a name");
        let found: Vec<SocketAddr> = Resolver(Reach::Within(Class::Loopback))
            .resolve(name)
            .await
            .expect("resolves")
            .collect();
        assert!(!found.is_empty() && found.iter().all(|a| a.ip().is_loopback()));
    }
}
