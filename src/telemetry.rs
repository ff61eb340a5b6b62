//! Log output through `tracing`: text to stderr (without timestamps under
//! journald, which adds its own) or JSON lines.
//!
//! ERROR is kept for what an operator must act on. actix-http logs a
//! client's malformed or abandoned request ("stream error: request parse
//! error: invalid Header provided", "message head is too large", ...) at
//! ERROR, so anyone could write ERROR lines into the log; [`ClientErrors`]
//! writes those as WARN instead.

use std::fmt::{Debug, Write as _};
use std::io::IsTerminal;

use tracing::callsite::{Callsite, Identifier};
use tracing::field::{Field, FieldSet, Value, Visit};
use tracing::level_filters::LevelFilter;
use tracing::metadata::Kind;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber, span};
use tracing_subscriber::layer::{Context, Filter, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Registry, fmt};

use crate::config::LogFormat;

/// Installs the global subscriber. Safe to call more than once (tests).
pub fn init(filter: &str, format: LogFormat) {
    let env_filter = || EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour codes only for a person at a terminal: in journald, a file or
    // a pipe they are noise that breaks grep and log parsers.
    let layer = fmt::layer()
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let under_journald = std::env::var_os("JOURNAL_STREAM").is_some();
    let layer: Box<dyn Layer<Registry> + Send + Sync> = match (format, under_journald) {
        (LogFormat::Json, _) => layer.json().boxed(),
        (LogFormat::Text, true) => layer.without_time().boxed(),
        (LogFormat::Text, false) => layer.boxed(),
    };
    let _ = tracing_subscriber::registry()
        .with(ClientErrors::new(layer, env_filter()).with_filter(env_filter()))
        .try_init();
}

/// How actix-http's h1 dispatcher words a connection error that the peer
/// caused: a request it could not parse, a head over its limit, a client
/// too slow or gone, a body the handler refused before reading it all.
/// "internal error", "service error", "body error" and "upgrade error"
/// are ours and stay ERROR.
const CLIENT_CAUSED: [&str; 4] = [
    "stream error: request parse error: ",
    "stream error: I/O error: ",
    "stream error: request did not complete within the specified timeout",
    "stream error: handler dropped payload before reading EOF",
];

fn client_caused(metadata: &Metadata<'_>, message: &str) -> bool {
    *metadata.level() == Level::ERROR
        && metadata.target().starts_with("actix_http::h1")
        && CLIENT_CAUSED.iter().any(|p| message.starts_with(p))
}

/// The callsite of the WARN events that stand in for actix's client-caused
/// ERROR events; same target, so `actix_http=off` still silences both.
struct Demoted;

static DEMOTED: Demoted = Demoted;

static DEMOTED_METADATA: Metadata<'static> = Metadata::new(
    "client error",
    "actix_http::h1::dispatcher",
    Level::WARN,
    None,
    None,
    None,
    FieldSet::new(&["message"], Identifier(&DEMOTED)),
    Kind::EVENT,
);

impl Callsite for Demoted {
    fn set_interest(&self, _: Interest) {}

    fn metadata(&self) -> &Metadata<'_> {
        &DEMOTED_METADATA
    }
}

/// The `message` field of an event, as text.
#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        }
    }
}

/// Passes everything to `inner` except actix's client-caused ERROR events,
/// which it passes as WARN (when `filter` lets WARN of that target through).
pub struct ClientErrors<L> {
    inner: L,
    filter: EnvFilter,
}

impl<L> ClientErrors<L> {
    pub fn new(inner: L, filter: EnvFilter) -> Self {
        Self { inner, filter }
    }
}

impl<S, L> Layer<S> for ClientErrors<L>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    L: Layer<S>,
{
    fn on_register_dispatch(&self, subscriber: &tracing::Dispatch) {
        self.inner.on_register_dispatch(subscriber);
    }

    fn on_layer(&mut self, subscriber: &mut S) {
        self.inner.on_layer(subscriber);
    }

    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        self.inner.register_callsite(metadata)
    }

    fn enabled(&self, metadata: &Metadata<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.enabled(metadata, ctx)
    }

    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        self.inner.on_new_span(attrs, id, ctx);
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        self.inner.max_level_hint()
    }

    fn on_record(&self, span: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        self.inner.on_record(span, values, ctx);
    }

    fn on_follows_from(&self, span: &span::Id, follows: &span::Id, ctx: Context<'_, S>) {
        self.inner.on_follows_from(span, follows, ctx);
    }

    fn event_enabled(&self, event: &Event<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.event_enabled(event, ctx)
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        if *metadata.level() != Level::ERROR || !metadata.target().starts_with("actix_http") {
            return self.inner.on_event(event, ctx);
        }
        let mut message = Message::default();
        event.record(&mut message);
        if !client_caused(metadata, &message.0) {
            return self.inner.on_event(event, ctx);
        }
        if !Filter::<S>::enabled(&self.filter, &DEMOTED_METADATA, &ctx) {
            return;
        }
        let fields = DEMOTED_METADATA.fields();
        let Some(field) = fields.field("message") else {
            return;
        };
        let text = format_args!("{}", message.0);
        let values: [(&Field, Option<&dyn Value>); 1] = [(&field, Some(&text as &dyn Value))];
        let values = fields.value_set(&values);
        self.inner
            .on_event(&Event::new(&DEMOTED_METADATA, &values), ctx);
    }

    fn on_enter(&self, id: &span::Id, ctx: Context<'_, S>) {
        self.inner.on_enter(id, ctx);
    }

    fn on_exit(&self, id: &span::Id, ctx: Context<'_, S>) {
        self.inner.on_exit(id, ctx);
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        self.inner.on_close(id, ctx);
    }

    fn on_id_change(&self, old: &span::Id, new: &span::Id, ctx: Context<'_, S>) {
        self.inner.on_id_change(old, new, ctx);
    }
}
