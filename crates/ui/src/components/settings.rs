//! The settings panel: every control of the scenario, grouped by what it configures (producer,
//! topic, cluster, network, group), each section collapsible. In embed mode only the controls
//! the course author named are shown.

use crate::components::field::{Field, FieldKind};
use crate::doc::{self, Seg};
use crate::markup::el;
use crate::state::Shared;
use kafka_sim::lesson::Lesson;
use kafka_sim::scenario::librdkafka::{librdkafka_name, LIBRDKAFKA_VERSION};
use kafka_sim::scenario::{Acks, AssignmentStrategy, Client, LibrdkafkaPartitioner, SendMode};
use serde_json::Value;
use std::rc::Rc;
use yew::prelude::*;

/// One control of a section: its property name and kind.
type Spec = (&'static str, FieldKind);

fn producer_specs(client: Client) -> Vec<Spec> {
    let mut specs = vec![
        ("client", FieldKind::Choice(Client::NAMES)),
        ("send.mode", FieldKind::Choice(SendMode::NAMES)),
        ("acks", FieldKind::Choice(Acks::NAMES)),
        ("retries", FieldKind::Number),
        ("retry.backoff.ms", FieldKind::Number),
        ("max.in.flight.requests.per.connection", FieldKind::Number),
        ("enable.idempotence", FieldKind::Boolean),
        ("linger.ms", FieldKind::Number),
        ("batch.size", FieldKind::Number),
        ("records.per.sec", FieldKind::Number),
        ("records", FieldKind::Number),
        ("keys", FieldKind::Number),
        ("request.timeout.ms", FieldKind::Number),
        ("delivery.timeout.ms", FieldKind::Number),
        ("metadata.max.age.ms", FieldKind::Number),
        ("max.request.size", FieldKind::Number),
        ("buffer.memory", FieldKind::Number),
        ("max.block.ms", FieldKind::Number),
    ];
    if client.is_librdkafka() {
        specs.push((
            "partitioner",
            FieldKind::Choice(&LibrdkafkaPartitioner::NAMES),
        ));
        specs.push(("batch.num.messages", FieldKind::Number));
    }
    specs
}

fn topic_specs() -> Vec<Spec> {
    vec![
        ("partitions", FieldKind::Number),
        ("replication.factor", FieldKind::Number),
        ("min.insync.replicas", FieldKind::Number),
    ]
}

fn cluster_specs() -> Vec<Spec> {
    vec![
        ("brokers", FieldKind::Number),
        ("replica.lag.time.max.ms", FieldKind::Number),
        ("unclean.leader.election.enable", FieldKind::Boolean),
    ]
}

fn network_specs() -> Vec<Spec> {
    vec![
        ("latency.ms", FieldKind::Number),
        ("jitter.ms", FieldKind::Number),
        ("loss.rate", FieldKind::Number),
    ]
}

fn group_specs() -> Vec<Spec> {
    vec![
        ("client", FieldKind::Choice(Client::NAMES)),
        ("consumers", FieldKind::Number),
        (
            "partition.assignment.strategy",
            FieldKind::Choice(AssignmentStrategy::NAMES),
        ),
        ("session.timeout.ms", FieldKind::Number),
        ("heartbeat.interval.ms", FieldKind::Number),
        ("max.poll.interval.ms", FieldKind::Number),
        ("processing.ms.per.record", FieldKind::Number),
        ("metadata.max.age.ms", FieldKind::Number),
    ]
}

fn run_specs() -> Vec<Spec> {
    vec![
        ("duration.ms", FieldKind::Number),
        ("seed", FieldKind::Number),
    ]
}

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub doc: Rc<Value>,
    pub effective: Rc<Value>,
    /// Every error as (key path, message).
    pub errors: Rc<Vec<(String, String)>>,
    pub on_edit: Callback<(Vec<Seg>, Option<Value>)>,
    /// Embed mode: only these property names (None: all).
    pub only: Option<Vec<String>>,
    /// A challenge: every path it does not allow is locked.
    #[prop_or_default]
    pub challenge: Option<Shared<Lesson>>,
}

/// A section: a title, the path of the object it edits, and its controls.
struct Section {
    title: String,
    base: Vec<Seg>,
    specs: Vec<Spec>,
    /// The client library of a producer or group (labels use its property names).
    client: Client,
}

/// The client of the producer or group at `base`, as the last valid run resolved it.
fn client_at(effective: &Value, base: &[Seg]) -> Client {
    let mut path = base.to_vec();
    path.push(Seg::Key("client"));
    doc::get(effective, &path)
        .and_then(Value::as_str)
        .and_then(|name| Client::ALL.iter().copied().find(|c| c.name() == name))
        .unwrap_or_default()
}

fn sections(doc: &Value, effective: &Value) -> Vec<Section> {
    let mut list = Vec::new();
    let count = |key: &str| {
        doc.get(key)
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0)
    };
    let name_of = |key: &str, i: usize, field: &str| {
        doc.get(key)
            .and_then(|v| v.get(i))
            .and_then(|v| v.get(field))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{key}[{i}]"))
    };
    for i in 0..count("producers") {
        let base = vec![Seg::Key("producers"), Seg::Index(i)];
        let client = client_at(effective, &base);
        list.push(Section {
            title: format!("Producer {}", name_of("producers", i, "name")),
            base,
            specs: producer_specs(client),
            client,
        });
    }
    let topics = count("topics");
    if topics == 0 && effective.get("topics").is_some() {
        // Topics left out resolve to the default topic; editing one writes the list out.
        list.push(Section {
            title: "Topic (default)".to_string(),
            base: vec![Seg::Key("topics"), Seg::Index(0)],
            specs: Vec::new(),
            client: Client::Java,
        });
    }
    for i in 0..topics {
        list.push(Section {
            title: format!("Topic {}", name_of("topics", i, "name")),
            base: vec![Seg::Key("topics"), Seg::Index(i)],
            specs: topic_specs(),
            client: Client::Java,
        });
    }
    list.push(Section {
        title: "Cluster".to_string(),
        base: vec![Seg::Key("cluster")],
        specs: cluster_specs(),
        client: Client::Java,
    });
    list.push(Section {
        title: "Network".to_string(),
        base: vec![Seg::Key("network")],
        specs: network_specs(),
        client: Client::Java,
    });
    for i in 0..count("groups") {
        list.push(Section {
            title: format!("Group {}", name_of("groups", i, "group.id")),
            base: vec![Seg::Key("groups"), Seg::Index(i)],
            specs: group_specs(),
            client: client_at(effective, &[Seg::Key("groups"), Seg::Index(i)]),
        });
    }
    list.push(Section {
        title: "Run".to_string(),
        base: Vec::new(),
        specs: run_specs(),
        client: Client::Java,
    });
    list
}

/// The effective value at a document path; the resolved scenario keeps producers and groups in
/// lists in document order, so the same path finds it.
fn effective_at(effective: &Value, path: &[Seg]) -> Option<Value> {
    doc::get(effective, path).cloned()
}

#[component]
pub fn Settings(props: &SettingsProps) -> Html {
    let all = sections(&props.doc, &props.effective);
    let render_field = |base: &[Seg], client: Client, (label, kind): &Spec| {
        let mut path = base.to_vec();
        path.push(Seg::Key(label));
        let key = doc::path_text(&path);
        let errors: Vec<String> = props
            .errors
            .iter()
            .filter(|(p, _)| *p == key)
            .map(|(_, m)| m.clone())
            .collect();
        let locked = props
            .challenge
            .as_ref()
            .and_then(|l| l.challenge.as_ref())
            .is_some_and(|c| !c.allows(&key));
        html! {
            <Field label={*label} path={path.clone()} kind={kind.clone()} locked={locked}
                   value={doc::get(&props.doc, &path).cloned()}
                   effective={effective_at(&props.effective, &path)}
                   errors={errors} on_edit={props.on_edit.clone()}
                   alias={client.is_librdkafka().then(|| librdkafka_name(label)).flatten()} />
        }
    };
    if let Some(only) = &props.only {
        let groups: Vec<(&Section, Html)> = all
            .iter()
            .filter_map(|s| {
                let fields: Html = s
                    .specs
                    .iter()
                    .filter(|(label, _)| only.iter().any(|o| o == label))
                    .map(|spec| render_field(&s.base, s.client, spec))
                    .collect();
                let empty = matches!(&fields, Html::VList(l) if l.is_empty());
                (!empty).then_some((s, fields))
            })
            .collect();
        // A control that several producers (or groups) have is named by whose it is.
        let several = groups.len() > 1;
        let body: Html = groups
            .into_iter()
            .map(|(s, fields)| match several {
                true => el("fieldset")
                    .el(el("legend").text(s.title.clone()))
                    .child(fields)
                    .html(),
                false => fields,
            })
            .collect();
        return el("div")
            .class("settings settings-embed")
            .attr("aria-label", "Settings")
            .child(body)
            .html();
    }
    let section = |(i, s): (usize, &Section)| {
        el("details")
            .class("settings-section")
            .flag("open", i < 4)
            .el(el("summary").text(s.title.clone()))
            .el(el("div").class("settings-fields").child(
                s.specs
                    .iter()
                    .map(|spec| render_field(&s.base, s.client, spec))
                    .collect(),
            ))
            .maybe(s.client.is_librdkafka().then(|| {
                el("p")
                    .class("field-default")
                    .text(format!(
                        "Modelled on librdkafka {LIBRDKAFKA_VERSION}: its defaults and behaviour."
                    ))
                    .html()
            }))
            .html()
    };
    el("div")
        .class("settings")
        .attr("aria-label", "Settings")
        .child(
            all.iter()
                .filter(|s| !s.specs.is_empty())
                .enumerate()
                .map(section)
                .collect(),
        )
        .html()
}
