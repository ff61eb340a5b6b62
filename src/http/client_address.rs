//! The client's address: the peer, or what a trusted proxy says in
//! `X-Forwarded-For`. From anyone else the header is ignored, so rotating
//! it bypasses nothing.

use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;
use ipnet::IpNet;

use crate::db::sessions::Device;

pub fn client_address(req: &HttpRequest, trusted: &[IpNet]) -> IpAddr {
    let peer = peer(req);
    if !is_trusted(peer, trusted) {
        return peer;
    }
    // Walk from the nearest hop outwards: the first address that is not one
    // of our proxies is the client. Anything further left was written by
    // that client, so it is never read. A hop that does not parse ends the
    // walk too: whatever sits left of it cannot be vouched for, so the
    // trusted proxy that passed it on stands in for the client (all such
    // clients then share that proxy's allowance, which only errs on the
    // strict side).
    let mut hops = req
        .headers()
        .get_all("x-forwarded-for")
        .flat_map(|value| match value.to_str() {
            Ok(text) => text.split(',').map(parse_hop).collect::<Vec<_>>(),
            Err(_) => vec![None],
        })
        .collect::<Vec<_>>();
    let mut nearest_trusted = peer;
    while let Some(hop) = hops.pop() {
        match hop {
            Some(address) if is_trusted(address, trusted) => nearest_trusted = address,
            Some(address) => return address,
            None => return nearest_trusted,
        }
    }
    // Every hop was one of ours: the leftmost is the client.
    nearest_trusted
}

/// One `X-Forwarded-For` entry: an address, with or without a port (some
/// proxies append `ip:port` or `[v6]:port`), else `None`.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse::<std::net::Ipv6Addr>().ok())
                .map(IpAddr::V6)
        })
}

/// Whether the request came straight from one of our proxies, whose
/// `X-Forwarded-*` headers may be believed.
pub fn peer_is_trusted(req: &HttpRequest, trusted: &[IpNet]) -> bool {
    is_trusted(peer(req), trusted)
}

fn peer(req: &HttpRequest) -> IpAddr {
    req.peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

fn is_trusted(address: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&address))
}

/// The browser or program behind `req`, for the account page's list of
/// sessions: its `User-Agent` (cut to a sane length) and address.
pub fn device_of(req: &HttpRequest, trusted: &[IpNet]) -> Device {
    const MAX_USER_AGENT: usize = 256;
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(MAX_USER_AGENT).collect::<String>())
        .filter(|ua| !ua.is_empty());
    Device {
        user_agent,
        address: client_address(req, trusted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    const PROXY: &str = "10.0.0.1";

    fn seen(forwarded: &[&str]) -> IpAddr {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("cidr")];
        let mut req = TestRequest::default()
            .peer_addr(format!("{PROXY}:40000").parse().expect("socket address"));
        for value in forwarded {
            req = req.append_header(("X-Forwarded-For", *value));
        }
        client_address(&req.to_http_request(), &trusted)
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        assert_eq!(seen(&["198.51.100.7, 203.0.113.9"]), ip("203.0.113.9"));
        assert_eq!(
            seen(&["198.51.100.7, 203.0.113.9, 10.1.1.1"]),
            ip("203.0.113.9")
        );
        assert_eq!(seen(&["198.51.100.7", "203.0.113.9"]), ip("203.0.113.9"));
        assert_eq!(seen(&[]), ip(PROXY));
    }

    #[test]
    fn nothing_left_of_an_unparsable_hop_is_believed() {
        for header in [
            "198.51.100.7, unknown",
            "198.51.100.7, 203.0.113.9 junk",
            "198.51.100.7,",
            "198.51.100.7, _hidden",
        ] {
            assert_eq!(seen(&[header]), ip(PROXY), "{header:?}");
        }
        // Garbage that a trusted proxy passed on: that proxy is the client.
        assert_eq!(seen(&["198.51.100.7, unknown, 10.2.2.2"]), ip("10.2.2.2"));
    }

    #[test]
    fn a_port_on_a_hop_is_dropped_not_skipped() {
        assert_eq!(seen(&["198.51.100.7, 203.0.113.9:4711"]), ip("203.0.113.9"));
        assert_eq!(
            seen(&["198.51.100.7, [2001:db8::9]:443"]),
            ip("2001:db8::9")
        );
        assert_eq!(seen(&["198.51.100.7, [2001:db8::9]"]), ip("2001:db8::9"));
        assert_eq!(seen(&["198.51.100.7, 2001:db8::9"]), ip("2001:db8::9"));
    }
}
