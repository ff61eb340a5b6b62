//! The client's address: the peer, or what a trusted proxy says in
//! `X-Forwarded-For`. From anyone else the header is ignored, so rotating
//! it bypasses nothing.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

pub fn client_address(req: &HttpRequest, trusted: &[IpNet]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if !is_trusted(peer, trusted) {
        return peer;
    }
    // Walk from the nearest hop outwards: the first address that is not one
    // of our proxies is the client. Anything further left is client-supplied.
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|a| !is_trusted(**a, trusted))
        .or(forwarded.first())
        .copied()
        .unwrap_or(peer)
}

fn is_trusted(address: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&address))
}
